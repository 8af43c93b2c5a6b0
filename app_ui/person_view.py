"""一人一档 in the app: the search box every page has, opening a person's file, and drawing one.

A person is opened by his ID number kept in the session (never in the address: a link holds no
personal number); the search box and every person-level list send the user to the 一人一档 page.
"""

from __future__ import annotations

import streamlit as st

from app_ui import data, escape, tables
from pipeline import labels, person, queries

PERSON_KEY = "person_open"  # the ID number of the person whose file is open
QUERY_KEY = "person_query"  # what was typed in the search box
PAGE = "app_pages/person.py"


def open_person(id_number: str) -> None:
    """Show one person's file (the 一人一档 page)."""
    st.session_state[PERSON_KEY] = id_number
    st.switch_page(PAGE)


def person_table(frame, full_ids: list[str], *, key: str, file_name: str, masked: bool, **options) -> None:
    """A person-level table (masked on screen) whose selected row opens that person's 一人一档.

    `full_ids` are the rows' unmasked ID numbers in the same order, kept aside and never drawn. A row is
    opened when it is newly selected, so coming back to the page does not open it again.
    """
    st.caption(labels.PERSON_LINK_HINT)
    picked = tables.show_table(frame, key=key, file_name=file_name, selectable=True, masked=masked, **options)
    seen_key = f"_{key}_opened"
    if picked != st.session_state.get(seen_key):
        st.session_state[seen_key] = picked
        if picked is not None and picked < len(full_ids) and full_ids[picked]:
            open_person(full_ids[picked])


def sidebar_search() -> None:
    """The search box in the sidebar: a name, a masked ID number or phone (full ones with the permission)."""
    with st.sidebar.form("person_search_box", clear_on_submit=False, border=False):
        text = st.text_input(
            labels.PERSON_SEARCH_LABEL,
            key="person_search_text",
            placeholder=labels.PERSON_SEARCH_PLACEHOLDER,
            help=labels.PERSON_SEARCH_HELP,
        )
        if st.form_submit_button(labels.PERSON_SEARCH_BUTTON, icon=":material/person_search:") and text.strip():
            st.session_state[QUERY_KEY] = text.strip()
            st.session_state.pop(PERSON_KEY, None)
            st.switch_page(PAGE)


def search(text: str, scope: queries.Scope, may_unmask: bool):
    """The people and cadres a text finds within a scope (masked)."""
    with data.connection() as con:
        people = person.search_people(con, text, scope, may_unmask=may_unmask, today=data.today())
        cadres = person.search_cadres(con, text, scope, may_unmask=may_unmask, today=data.today())
        found = person.search_people(con, text, scope, may_unmask=may_unmask, masked=False, today=data.today())
    ids = found["id_number"].tolist() if not found.empty else []
    return people, cadres, ids


def show_file(id_number: str, scope: queries.Scope, masked: bool) -> None:
    """One person's file: who, his cadres over time, every contact and issue, today's 督办 lines."""
    with data.connection() as con:
        found = person.person_file(con, id_number, scope, masked=masked, today=data.today())
    if found is None:
        st.warning(labels.PERSON_NOT_IN_SCOPE)
        return
    who = found.person
    st.subheader(labels.PERSON_HEADING.format(name=escape.md(who["name"]), category=escape.md(who["category"])))
    place = "".join(str(who[part]) for part in ("county", "township", "village") if who.get(part))
    st.text(
        labels.PERSON_FACTS.format(id_number=who["id_number"], place=place, phone=who.get("phone") or labels.NO_VALUE)
    )
    if found.run_started_on is not None:
        st.caption(labels.PERSON_RUN.format(day=found.run_started_on.isoformat()))
    else:
        st.caption(labels.PERSON_NOT_PAIRED)
    if found.reminder_texts:
        st.markdown(f"**{labels.PERSON_REMINDERS}**")
        for text in found.reminder_texts:
            st.text(text)
    st.markdown(f"**{labels.PERSON_PAIRINGS}**")
    tables.show_table(found.pairings, key="person_pairings", file_name=labels.PERSON_PAIRINGS, masked=masked)
    st.markdown(f"**{labels.PERSON_CONTACTS.format(count=len(found.contacts))}**")
    tables.show_table(found.contacts, key="person_contacts", file_name=labels.PERSON_CONTACTS_FILE, masked=masked)
    st.markdown(f"**{labels.PERSON_ISSUES.format(count=len(found.issues))}**")
    tables.show_table(found.issues, key="person_issues", file_name=labels.PERSON_ISSUES_FILE, masked=masked)
    if not found.issue_history.empty:
        st.markdown(f"**{labels.PERSON_ISSUE_HISTORY}**")
        tables.show_table(
            found.issue_history, key="person_issue_history", file_name=labels.PERSON_ISSUE_HISTORY, masked=masked
        )
