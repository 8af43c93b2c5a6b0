"""The 结对关爱督导看板 pipeline: reading, cleaning, loading, metrics and reports (no UI)."""
