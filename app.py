"""Entry of the Streamlit app: page config, the shared sidebar and the navigation between pages."""

import streamlit as st

from app_ui import filters
from pipeline import labels

st.set_page_config(page_title=labels.APP_TITLE, layout="wide")

PAGES = {
    labels.NAV_SECTIONS["dashboard"]: [
        st.Page("app_pages/overview.py", title=labels.PAGE_TITLES["overview"], icon=":material/dashboard:",
                default=True, url_path="overview"),
        st.Page("app_pages/county.py", title=labels.PAGE_TITLES["county"], icon=":material/map:", url_path="county"),
        st.Page("app_pages/department.py", title=labels.PAGE_TITLES["department"], icon=":material/apartment:",
                url_path="department"),
        st.Page("app_pages/issues.py", title=labels.PAGE_TITLES["issues"], icon=":material/assignment:",
                url_path="issues"),
    ],
    labels.NAV_SECTIONS["supervise"]: [
        st.Page("app_pages/reminders.py", title=labels.PAGE_TITLES["reminders"], icon=":material/campaign:",
                url_path="reminders"),
        st.Page("app_pages/report.py", title=labels.PAGE_TITLES["report"], icon=":material/summarize:",
                url_path="report"),
    ],
    labels.NAV_SECTIONS["data"]: [
        st.Page("app_pages/upload.py", title=labels.PAGE_TITLES["upload"], icon=":material/upload_file:",
                url_path="upload"),
        st.Page("app_pages/quality.py", title=labels.PAGE_TITLES["quality"], icon=":material/fact_check:",
                url_path="quality"),
        st.Page("app_pages/settings.py", title=labels.PAGE_TITLES["settings"], icon=":material/tune:",
                url_path="settings"),
    ],
}  # fmt: skip

navigation = st.navigation(PAGES)
filters.sidebar()
navigation.run()
