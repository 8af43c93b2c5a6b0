"""Entry of the Streamlit app: page config and navigation. Pages live in app_pages/."""

import streamlit as st

from pipeline import labels

st.set_page_config(page_title=labels.APP_TITLE, layout="wide")

navigation = st.navigation([st.Page("app_pages/overview.py", title=labels.PAGE_OVERVIEW, default=True)])
navigation.run()
