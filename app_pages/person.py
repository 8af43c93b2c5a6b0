"""一人一档: find a person or a cadre by name, ID number or phone, and read the person's or the cadre's whole file."""

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
query = text.strip()
if query:
    st.session_state[person_view.QUERY_KEY] = query
    found = person_view.search(query, view.scope, user.may_unmask)
    # a new text opens what it finds when that is one person (or, finding nobody, one cadre)
    is_new = st.session_state.get(person_view.SEARCHED_KEY) != query
    st.session_state[person_view.SEARCHED_KEY] = query
    if found.people.empty and found.cadres.empty:
        st.info(labels.PERSON_NOTHING_FOUND.format(text=escape.md(query)))
    if not found.people.empty:
        st.markdown(f"**{labels.PERSON_FOUND.format(count=len(found.people))}**")
        shown = found.people[["name", "id_number", "category", "county", "township", "cadre_name", "department"]]
        picked = person_view.newly_picked(
            "person_results",
            tables.show_table(
                shown, key="person_results", file_name=labels.PERSON_FOUND_FILE, selectable=True, masked=True
            ),
        )
        if picked is not None:
            person_view.choose_person(found.ids[picked])
        elif is_new and len(found.ids) == 1:
            person_view.choose_person(found.ids[0])
    if not found.cadres.empty:
        st.markdown(f"**{labels.PERSON_CADRES_FOUND.format(count=len(found.cadres))}**")
        picked = person_view.newly_picked(
            "person_cadres",
            tables.show_table(
                found.cadres[person_view.CADRE_COLUMNS],
                key="person_cadres",
                file_name=labels.PERSON_CADRES_FILE,
                selectable=True,
                masked=True,
            ),
        )
        if picked is not None:
            person_view.choose_cadre(found.cadre_keys[picked])
        elif is_new and found.people.empty and len(found.cadre_keys) == 1:
            person_view.choose_cadre(found.cadre_keys[0])
opened_person = st.session_state.get(person_view.PERSON_KEY)
opened_cadre = st.session_state.get(person_view.CADRE_KEY)
if opened_person:
    st.divider()
    person_view.show_file(opened_person, view.scope, masked)
elif opened_cadre:
    st.divider()
    person_view.show_cadre_file(opened_cadre, view.period, view.scope, masked)
elif not query:
    st.caption(labels.PERSON_INTRO)
