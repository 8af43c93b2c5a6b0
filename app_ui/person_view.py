"""一人一档 in the app: the search box every page has, opening a person's or a cadre's file, and drawing them.

A person is opened by his ID number kept in the session, a cadre by the key of his phone (masking.phone_key),
never by the phone; neither ever goes into the address. The search box and every person- or cadre-level list
send the user to the 一人一档 page, which shows the file opened last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import streamlit as st

from app_ui import data, drill_view, escape, filters, tables
from pipeline import cadre, labels, masking, periods, person, queries
from pipeline.callbacks import doubtful

PERSON_KEY = "person_open"  # the ID number of the person whose file is open
CADRE_KEY = "cadre_open"  # the key of the phone of the cadre whose file is open
QUERY_KEY = "person_query"  # what was typed in the search box
SEARCHED_KEY = "_person_searched"  # the text the 一人一档 page searched last (a new one may open its only result)
PAGE = "app_pages/person.py"
CADRE_COLUMNS = ["cadre_name", "cadre_phone", "department", "cadre_level", "pairs"]
PAIR_COLUMNS = [
    "beneficiary_name",
    "id_number",
    "category",
    "county",
    "township",
    "department",
    "paired_on",
    "unpaired_on",
    "is_current",
    "run_started_on",
    "last_contact_on",
    "is_overdue_contact",
]
CONTACT_COLUMNS = [
    "contact_date",
    "beneficiary_name",
    "id_number",
    "method",
    "summary",
    "rating",
    "callback_untrue",
    "visit_cadre_name",
    "visit_cadre_phone",
]
ISSUE_COLUMNS = [
    "issue_no",
    "beneficiary_name",
    "id_number",
    "raised_on",
    "issue_category",
    "description",
    "status",
    "closed_on",
    "is_open",
    "responsible_unit",
]


def choose_person(id_number: str) -> None:
    """Make one person's file the open one."""
    st.session_state[PERSON_KEY] = id_number
    st.session_state.pop(CADRE_KEY, None)


def choose_cadre(key: str) -> None:
    """Make one cadre's file the open one."""
    st.session_state[CADRE_KEY] = key
    st.session_state.pop(PERSON_KEY, None)


def _go(here: bool) -> None:
    if here:
        st.rerun()
    st.switch_page(PAGE, query_params={})


def open_person(id_number: str, here: bool = False) -> None:
    """Show one person's file: on the 一人一档 page (`here`: the page drawing it is that page)."""
    choose_person(id_number)
    _go(here)


def open_cadre(key: str, here: bool = False) -> None:
    """Show one cadre's file: on the 一人一档 page (`here`: the page drawing it is that page)."""
    choose_cadre(key)
    _go(here)


def newly_picked(key: str, picked: int | None) -> int | None:
    """The row of a table just selected: None when the selection is the one seen before (coming back to a page,
    or another widget's rerun, does not open it again)."""
    seen_key = f"_{key}_opened"
    if picked == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = picked
    return picked


def _linked_table(frame, targets: Sequence, opener: Callable, hint: str, *, key: str, here: bool, **options) -> None:
    st.caption(hint)
    picked = newly_picked(key, tables.show_table(frame, key=key, selectable=True, **options))
    if picked is not None and picked < len(targets) and targets[picked]:
        opener(targets[picked], here)


def person_table(
    frame, full_ids: list[str], *, key: str, file_name: str, masked: bool, here: bool = False, **options
) -> None:
    """A person-level table (masked on screen) whose selected row opens that person's 一人一档.

    `full_ids` are the rows' unmasked ID numbers in the same order, kept aside and never drawn.
    """
    hint = labels.PERSON_LINK_HINT
    _linked_table(frame, full_ids, open_person, hint, key=key, here=here, file_name=file_name, masked=masked, **options)


def cadre_table(
    frame,
    cadre_keys: list,
    *,
    key: str,
    file_name: str,
    masked: bool,
    here: bool = False,
    hint: str = labels.CADRE_LINK_HINT,
    **options,
) -> None:
    """A cadre-level table whose selected row opens that cadre's file; `cadre_keys` (cadre.keys) row for row."""
    _linked_table(
        frame, cadre_keys, open_cadre, hint, key=key, here=here, file_name=file_name, masked=masked, **options
    )


def cadre_button(cadre_key: str | None, *, key: str) -> None:
    """A button opening one cadre's file (under a list where he was chosen)."""
    if cadre_key and st.button(labels.CADRE_LINK, key=key, icon=":material/badge:"):
        open_cadre(cadre_key)


def open_buttons(cadre_key: str | None, cadre_name: str | None, people: Sequence[tuple[str, str]], *, key: str) -> None:
    """Buttons opening the file of a row's cadre and of each person behind it (`people`: ID number, masked label)."""
    targets = [(labels.QUALITY_OPEN_CADRE.format(name=escape.md(cadre_name or "")), open_cadre, cadre_key)]
    targets += [(labels.QUALITY_OPEN_PERSON.format(id_number=escape.md(text)), open_person, i) for i, text in people]
    targets = [target for target in targets if target[2]]
    # four to a row (a phone stacks them); keyed by position: a widget's key reaches the browser, an ID must not
    for start in range(0, len(targets), 4):
        row = targets[start : start + 4]
        for offset, (column, (text, opener, value)) in enumerate(zip(st.columns(len(row)), row, strict=True)):
            if column.button(text, key=f"{key}_{start + offset}"):
                opener(value)


class DoubtTarget(NamedTuple):
    """What one 疑点 row opens: its cadre's file and the files of the people behind it."""

    cadre_key: str | None
    cadre_name: str | None
    people: tuple[tuple[str, str], ...]  # (ID number, as its button names it)


@st.cache_data(show_spinner=False, max_entries=64)
def doubt_targets(version: data.Version, view: filters.View, masked: bool = True) -> list[DoubtTarget]:
    """Row for row with the 疑点 of a view (doubtful.find, which orders them alike whether masked or not)."""
    with data.connection() as con:
        found = doubtful.find(con, view.period, view.scope, masked=False, with_ids=True)
    return [
        DoubtTarget(
            masking.phone_key(phone) if isinstance(phone, str) else None,
            name,
            tuple((i, masking.mask_id(i) if masked else i) for i in dict.fromkeys(ids)),
        )
        for phone, name, ids in zip(found["cadre_phone"], found["cadre_name"], found["ids"], strict=True)
    ]


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
            for opened in (PERSON_KEY, CADRE_KEY, SEARCHED_KEY):
                st.session_state.pop(opened, None)
            st.switch_page(PAGE)


@dataclass(frozen=True)
class Found:
    """What a search text finds: people and cadres masked for the screen, and what opens each row's file."""

    people: pd.DataFrame
    cadres: pd.DataFrame
    ids: list[str]  # the people's unmasked ID numbers, row for row
    cadre_keys: list[str | None]  # the cadres' keys, row for row


def search(text: str, scope: queries.Scope, may_unmask: bool) -> Found:
    """The people and cadres a text finds within a scope: one read of each, masked here for the screen."""
    with data.connection() as con:
        people = person.search_people(con, text, scope, may_unmask=may_unmask, masked=False, today=data.today())
        cadres = person.search_cadres(con, text, scope, may_unmask=may_unmask, masked=False, today=data.today())
    ids = people["id_number"].tolist() if not people.empty else []
    keys = cadre.keys(cadres["cadre_phone"]) if not cadres.empty else []
    return Found(person.mask_frame(people), person.mask_frame(cadres), ids, keys)


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
    cadre_table(
        found.pairings,
        found.pairing_keys,
        key="person_pairings",
        file_name=labels.PERSON_PAIRINGS,
        masked=masked,
        here=True,
        hint=labels.PERSON_PAIRING_LINK_HINT,
    )
    st.markdown(f"**{labels.PERSON_CONTACTS.format(count=len(found.contacts))}**")
    tables.show_table(found.contacts, key="person_contacts", file_name=labels.PERSON_CONTACTS_FILE, masked=masked)
    st.markdown(f"**{labels.PERSON_ISSUES.format(count=len(found.issues))}**")
    tables.show_table(found.issues, key="person_issues", file_name=labels.PERSON_ISSUES_FILE, masked=masked)
    if not found.issue_history.empty:
        st.markdown(f"**{labels.PERSON_ISSUE_HISTORY}**")
        tables.show_table(
            found.issue_history, key="person_issue_history", file_name=labels.PERSON_ISSUE_HISTORY, masked=masked
        )


def show_cadre_file(cadre_key: str, period: periods.Period, scope: queries.Scope, masked: bool) -> None:
    """One cadre's file: who, his place in his department, his pairs, contacts, issues, 督办 lines and callbacks."""
    with data.connection() as con:
        phone = cadre.phone_for_key(con, cadre_key, scope, today=data.today())
        found = None
        if phone is not None:
            found = cadre.cadre_file(con, phone, period, scope, masked=masked, today=data.today())
    if found is None:
        st.warning(labels.CADRE_NOT_IN_SCOPE)
        return
    who = found.cadre
    name = who["cadre_name"]
    st.subheader(labels.CADRE_FILE_HEADER.format(cadre=escape.md(name)))
    st.text(
        labels.CADRE_FACTS.format(
            phone=who["cadre_phone"],
            departments=who["departments"],
            level=who["cadre_level"] or labels.NO_VALUE,
            pairs=who["pairs"],
            pairings=who["pairings"],
        )
    )
    _standing(found.standing, name, period, masked)

    st.markdown(f"**{labels.CADRE_FILE_PAIRS.format(count=len(found.pairs))}**")
    person_table(
        found.pairs[PAIR_COLUMNS],
        found.pair_ids,
        key="cadre_file_pairs",
        file_name=labels.CADRE_FILE_PAIRS_FILE.format(cadre=name),
        masked=masked,
        here=True,
        headers=labels.CADRE_FILE_COLUMNS,
    )

    contacts = found.contacts
    in_period = contacts[[period.start <= day <= period.as_of for day in contacts["contact_date"]]]
    st.markdown(f"**{labels.CADRE_FILE_TIMELINE.format(period=periods.period_label(period))}**")
    if in_period.empty:
        st.caption(labels.CADRE_FILE_TIMELINE_EMPTY.format(period=periods.period_label(period)))
    else:
        drawn = found.pairs[found.pairs["is_current"] | found.pairs["id_number"].isin(in_period["id_number"])]
        st.plotly_chart(
            drill_view.contact_timeline(in_period, drawn.drop_duplicates("id_number"), period),
            key="cadre_file_timeline",
            config=drill_view.CHART_CONFIG,
        )
    _section(
        contacts[CONTACT_COLUMNS],
        labels.CADRE_FILE_CONTACTS,
        labels.CADRE_FILE_CONTACTS_FILE.format(cadre=name),
        "cadre_file_contacts",
        masked,
    )
    _section(
        found.issues[ISSUE_COLUMNS],
        labels.CADRE_FILE_ISSUES,
        labels.CADRE_FILE_ISSUES_FILE.format(cadre=name),
        "cadre_file_issues",
        masked,
        headers=labels.CADRE_FILE_COLUMNS,
    )
    _section(
        found.supervision,
        labels.CADRE_FILE_SUPERVISION,
        labels.CADRE_FILE_SUPERVISION_FILE.format(cadre=name),
        "cadre_file_supervision",
        masked,
        headers=labels.SV_COLUMN_LABELS,
    )
    _section(
        found.callbacks,
        labels.CADRE_FILE_CALLBACKS,
        labels.CADRE_FILE_CALLBACKS_FILE.format(cadre=name),
        "cadre_file_callbacks",
        masked,
    )


def _section(frame: pd.DataFrame, heading: str, file_name: str, key: str, masked: bool, **options) -> None:
    st.markdown(f"**{heading.format(count=len(frame))}**")
    if frame.empty:
        st.caption(labels.CADRE_FILE_NONE)
        return
    tables.show_table(frame, key=key, file_name=file_name, masked=masked, **options)


def _figure_text(figure: str, value) -> str:
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    return f"{value:.1%}" if figure in queries.RATE_COLUMNS else f"{int(value)}"


def _standing(standing: pd.DataFrame, name: str, period: periods.Period, masked: bool) -> None:
    """His rank among his department's cadres on each figure of the period: sentences, then the table."""
    st.markdown(f"**{labels.CADRE_STANDING.format(period=periods.period_label(period))}**")
    if standing.empty:
        st.caption(labels.CADRE_STANDING_NONE.format(as_of=period.as_of.isoformat()))
        return
    names = {**labels.METRIC_LABELS, **labels.ROW_COLUMN_LABELS}
    for row in standing.to_dict("records"):
        figure = names.get(row["figure"], row["figure"])
        if row["rank"] is None or pd.isna(row["rank"]):
            st.text(labels.CADRE_STANDING_NO_RANK.format(figure=figure))
        else:
            st.text(
                labels.CADRE_STANDING_RANK.format(
                    figure=figure,
                    value=_figure_text(row["figure"], row["value"]),
                    department=row["department"],
                    total=row["ranked"],
                    rank=int(row["rank"]),
                )
            )
    shown = standing.assign(
        figure=[names.get(f, f) for f in standing["figure"]],
        value=[_figure_text(f, v) for f, v in zip(standing["figure"], standing["value"], strict=True)],
        department_value=[
            _figure_text(f, v) for f, v in zip(standing["figure"], standing["department_value"], strict=True)
        ],
        rank=[None if r is None or pd.isna(r) else int(r) for r in standing["rank"]],
    )
    st.caption(labels.CADRE_STANDING_NOTE)
    tables.show_table(
        shown,
        key="cadre_file_standing",
        file_name=labels.CADRE_STANDING_FILE.format(cadre=name),
        masked=masked,
        headers=labels.CADRE_STANDING_COLUMNS,
    )
