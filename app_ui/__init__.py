"""Streamlit helpers shared by the pages (the pipeline never imports this package)."""
