"""Entry of the Streamlit app: the login gate, the pages the signed-in role may use, and the shared sidebar."""

import contextlib

import streamlit as st

from app_ui import auth, data, filters, page, page_style, person_view, supervision_view
from pipeline import arrow_memory, labels

arrow_memory.use_jemalloc()  # the process's Arrow allocator (a check, after the first run)
st.set_page_config(page_title=labels.APP_TITLE, layout="wide")

# (section, page name = file and URL path, icon, the permission it needs); a page the role may not use
# is not offered at all, and checks the permission again itself when run
PAGES = [
    ("dashboard", "overview", ":material/dashboard:", None),
    ("dashboard", "county", ":material/map:", None),
    ("dashboard", "department", ":material/apartment:", None),
    ("dashboard", "issues", ":material/assignment:", None),
    ("dashboard", "person", ":material/person_search:", None),
    ("supervise", "reminders", ":material/campaign:", None),
    ("supervise", "supervision", ":material/assignment_late:", None),
    ("supervise", "callbacks", ":material/phone_callback:", None),
    ("supervise", "report", ":material/summarize:", None),
    ("data", "upload", ":material/upload_file:", "may_import"),
    ("data", "quality", ":material/fact_check:", None),
    ("data", "settings", ":material/tune:", "may_change_settings"),
    ("data", "audit", ":material/policy:", "may_read_audit"),
]

# the pages that write nothing but the audit log and the session (data.shared_connection)
READING_PAGES = {"overview", "county", "department", "issues", "person", "quality"}

user = auth.current_user()
if user is None:
    # Before login every address shows the login form, under the page's own address: a link to
    # /county?county=… opens that page and view once the user has signed in (a page's identity is
    # its address), and no address is "not found".
    login = [
        st.Page(
            auth.login_page,
            title=labels.LOGIN_TITLE,
            icon=":material/login:",
            url_path=name,
            default=name == "overview",
        )
        for _, name, _, _ in PAGES
    ]
    st.navigation(login, position="hidden").run()
    st.stop()

sections: dict[str, list] = {}
by_name = {}  # name -> page, to know which one runs
landing = supervision_view.landing_page(user)  # a department with open 督办事项 lands on them
for section, name, icon, permission in PAGES:
    if permission is None or getattr(user, permission):
        entry = st.Page(
            f"app_pages/{name}.py",
            title=page.nav_title(name, user),
            icon=icon,
            url_path=name,
            default=name == landing,
        )
        sections.setdefault(labels.NAV_SECTIONS[section], []).append(entry)
        by_name[name] = entry

offered = {entry.url_path for entries in sections.values() for entry in entries}
page_style.unknown_address_to_default(offered)  # an address no page has opens the landing page, never "not found"
page_style.apply()  # the uploader's Chinese text, and layouts that read on a phone
navigation = st.navigation(sections, expanded=True)  # every page in sight, no "View 3 more"
supervision_view.land(navigation, landing)
auth.account_box(user)
person_view.sidebar_search()
current = next((name for name, entry in by_name.items() if entry is navigation), None)
# a page that only reads makes its many calls on one connection (each call opening the database costs ~25 ms)
with data.shared_connection() if current in READING_PAGES else contextlib.nullcontext():
    filters.sidebar(user, page.reads(current))  # only the filters the page reads
    navigation.run()
