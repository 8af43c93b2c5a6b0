"""Entry of the Streamlit app: the login gate, the pages the signed-in role may use, and the shared sidebar."""

import streamlit as st

from app_ui import auth, filters
from pipeline import labels

st.set_page_config(page_title=labels.APP_TITLE, layout="wide")

user = auth.current_user()
if user is None:  # before login the login page is the only page there is
    login = st.Page(auth.login_page, title=labels.LOGIN_TITLE, icon=":material/login:", url_path="login")
    st.navigation([login], position="hidden").run()
    st.stop()

# (section, page name = file and URL path, icon, whether this user may use it); a page the role may not
# use is not offered at all, and checks the permission again itself when run
PAGES = [
    ("dashboard", "overview", ":material/dashboard:", True),
    ("dashboard", "county", ":material/map:", True),
    ("dashboard", "department", ":material/apartment:", True),
    ("dashboard", "issues", ":material/assignment:", True),
    ("supervise", "reminders", ":material/campaign:", True),
    ("supervise", "report", ":material/summarize:", True),
    ("data", "upload", ":material/upload_file:", user.may_import),
    ("data", "quality", ":material/fact_check:", True),
    ("data", "settings", ":material/tune:", user.may_change_settings),
    ("data", "audit", ":material/policy:", user.may_read_audit),
]

sections: dict[str, list] = {}
by_name = {}
for section, name, icon, permitted in PAGES:
    if permitted:
        page = st.Page(f"app_pages/{name}.py", title=labels.PAGE_TITLES[name], icon=icon, url_path=name,
                       default=name == "overview")  # fmt: skip
        sections.setdefault(labels.NAV_SECTIONS[section], []).append(page)
        by_name[name] = page

navigation = st.navigation(sections)
auth.open_wanted_page(by_name)
auth.account_box(user)
filters.sidebar(user)
navigation.run()
