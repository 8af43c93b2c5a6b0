"""审计日志: who logged in, imported, exported, unmasked, changed settings or accounts, and when (市级 only)."""

import datetime as dt

import streamlit as st

from app_ui import data, page, tables, upload_data
from pipeline import access, labels

LIMIT = 1000  # the newest records; a narrower filter reaches older ones
DAYS_BACK = 30

view = page.start("audit", needs_data=False, allowed=lambda user: user.may_read_audit)
version = data.file_version()  # every audit record writes the file: the data version would not move
st.caption(labels.AUDIT_PAGE_INTRO)

since_column, user_column, action_column = st.columns(3)
since = since_column.date_input(
    labels.AUDIT_FILTER_SINCE, value=view.today - dt.timedelta(days=DAYS_BACK), max_value=view.today, key="audit_since"
)
names = [labels.ALL_OPTION, *upload_data.account_names(version), labels.AUDIT_UNKNOWN_USER]
user_name = user_column.selectbox(labels.AUDIT_FILTER_USER, names, key="audit_user")
actions = [labels.ALL_OPTION, *access.AUDIT_ACTIONS]
action = action_column.selectbox(
    labels.AUDIT_FILTER_ACTION, actions, key="audit_action", format_func=lambda a: labels.AUDIT_ACTION_LABELS.get(a, a)
)

records = upload_data.audit_records(
    version,
    since,
    None if user_name == labels.ALL_OPTION else user_name,
    None if action == labels.ALL_OPTION else action,
    LIMIT,
)
if records.empty:
    st.info(labels.AUDIT_PAGE_EMPTY)
    st.stop()
st.caption(labels.AUDIT_PAGE_COUNT.format(count=len(records), limit=LIMIT))
shown = records.assign(
    action=[labels.AUDIT_ACTION_LABELS.get(a, a) for a in records["action"]],
    logged_at=[f"{t:%Y-%m-%d %H:%M:%S}" for t in records["logged_at"]],
).rename(columns=labels.AUDIT_COLUMN_LABELS)
tables.show_table(shown, key="audit_table", file_name=labels.AUDIT_FILE_NAME, height=560)
