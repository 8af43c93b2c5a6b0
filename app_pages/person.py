"""一人一档: find a person (or a cadre) by name, ID number or phone, and read the person's whole file."""

import streamlit as st

from app_ui import auth, escape, page, person_view, tables
from pipeline import labels

view = page.start("person")
user = auth.require_user()
masked = auth.masked_view("person", view.period.text, view.scope)
text = st.text_input(
    labels.PERSON_SEARCH_LABEL,
    value=st.session_state.get(person_view.QUERY_KEY, ""),
    placeholder=labels.PERSON_SEARCH_PLACEHOLDER,
    help=labels.PERSON_SEARCH_HELP,
    key="person_page_text",
)
if text.strip():
    st.session_state[person_view.QUERY_KEY] = text.strip()
    people, cadres, ids = person_view.search(text, view.scope, user.may_unmask)
    if people.empty and cadres.empty:
        st.info(labels.PERSON_NOTHING_FOUND.format(text=escape.md(text.strip())))
    if not people.empty:
        st.markdown(f"**{labels.PERSON_FOUND.format(count=len(people))}**")
        shown = people[["name", "id_number", "category", "county", "township", "cadre_name", "department"]]
        picked = tables.show_table(
            shown, key="person_results", file_name=labels.PERSON_FOUND_FILE, selectable=True, masked=True
        )
        if picked is not None:
            st.session_state[person_view.PERSON_KEY] = ids[picked]
        elif len(ids) == 1:
            st.session_state[person_view.PERSON_KEY] = ids[0]
    if not cadres.empty:
        st.markdown(f"**{labels.PERSON_CADRES_FOUND.format(count=len(cadres))}**")
        tables.show_table(cadres, key="person_cadres", file_name=labels.PERSON_CADRES_FILE, masked=True)
opened = st.session_state.get(person_view.PERSON_KEY)
if opened:
    st.divider()
    person_view.show_file(opened, view.scope, masked)
elif not text.strip():
    st.caption(labels.PERSON_INTRO)
