"""督办事项: the items handed to departments, with lights and filters → one item: lines, evidence, steps, history."""

import streamlit as st

from app_ui import auth, drill_view, escape, page, supervision_view, tables
from pipeline import labels, periods
from pipeline.supervision import rules

view = page.start("supervision", needs_data=False)
user = auth.require_user()
today = view.today
supervision_view.flash()
found = supervision_view.visible_items(user, view)
frame = supervision_view.item_frame(found, today)

open_items = frame[frame["state"].isin(rules.OPEN_STATES)]
figures = [
    (labels.SV_PAGE_KPI_OPEN, len(open_items)),
    (labels.SV_PAGE_KPI_RED, int((open_items["light"] == "red").sum())),
    (labels.SV_PAGE_KPI_YELLOW, int((open_items["light"] == "yellow").sum())),
    (labels.SV_PAGE_KPI_READY, int((open_items["ready_label"] != "").sum())),
]
with st.container(horizontal=True):  # four cards side by side; two a row on a phone
    for title, value in figures:
        st.metric(title, f"{value:,}", border=True, width="stretch")

if frame.empty:
    st.info(labels.SV_PAGE_EMPTY if rules.may_raise(user) else labels.SV_PAGE_EMPTY_READER)
else:
    states = st.columns([3, 2, 2, 2])
    chosen_states = states[0].multiselect(
        labels.SV_PAGE_FILTER_STATE,
        list(rules.STATES),
        default=[state for state in rules.STATES if state in rules.OPEN_STATES],
        format_func=labels.SV_STATE_LABELS.get,
        key="sv_states",
    )
    departments = sorted(frame["department"].unique())
    asked = st.query_params.get("svdept")
    if asked in departments and "sv_department" not in st.session_state:
        st.session_state["sv_department"] = asked
    department = states[1].selectbox(labels.SV_FIELD_DEPARTMENT, [labels.ALL_OPTION, *departments], key="sv_department")
    level = states[2].selectbox(labels.SV_FIELD_LEVEL, [labels.ALL_OPTION, *rules.LEVELS], key="sv_level")
    source = states[3].selectbox(
        labels.SV_FIELD_SOURCE,
        [labels.ALL_OPTION, *rules.SOURCES],
        key="sv_source",
        format_func=lambda s: labels.SV_SOURCE_LABELS.get(s, s),
    )
    only_red = st.toggle(labels.SV_PAGE_FILTER_OVERDUE, key="sv_only_red")
    shown = frame[frame["state"].isin(chosen_states)]
    if department != labels.ALL_OPTION:
        shown = shown[shown["department"] == department]
    if level != labels.ALL_OPTION:
        shown = shown[shown["level"] == level]
    if source != labels.ALL_OPTION:
        shown = shown[shown["source"] == source]
    if only_red:
        shown = shown[shown["light"] == "red"]
    shown = shown.reset_index(drop=True)
    st.caption(labels.SV_PAGE_LIST_NOTE.format(count=len(shown), total=len(frame)))
    table_key = f"sv_list_{len(shown)}_{hash(tuple(shown['item_id']))}"
    listed = shown[supervision_view.LIST_COLUMNS]
    selected = tables.show_table(
        listed,
        key=table_key,
        selectable=True,
        file_name=labels.SV_PAGE_LIST_FILE,
        headers=labels.SV_COLUMN_LABELS,
        styler=supervision_view.coloured(listed, ["light_label"]),
    )

    by_id = {item.item_id: item for item in found}
    options = shown["item_id"].astype(int).tolist()
    asked_item = st.query_params.get(supervision_view.ITEM_PARAM)
    if asked_item is not None and "sv_item" not in st.session_state:
        if asked_item.isdigit() and int(asked_item) in by_id:
            st.session_state["sv_item"] = int(asked_item)  # a link to one item, within the account's scope only
        else:
            st.warning(labels.SV_PAGE_ITEM_NOT_FOUND.format(item=escape.md(asked_item)))
    if st.session_state.get("sv_item") in by_id and st.session_state["sv_item"] not in options:
        options.append(st.session_state["sv_item"])  # the linked item, even when the filters leave it out
    choice = drill_view.synced_pick(
        labels.SV_PAGE_PICK,
        options,
        selected,
        key="sv_item",
        table_key=table_key,
        placeholder=labels.SV_PAGE_PICK_HINT,
        format_func=lambda i: f"{by_id[i].number_text}（{by_id[i].department}）",
    )
    if choice is None:
        st.caption(labels.SV_PAGE_PICK_NOTE)
    else:
        st.query_params[supervision_view.ITEM_PARAM] = str(choice)
        supervision_view.item_detail(user, by_id[choice], today)

st.divider()
st.subheader(labels.SV_PAGE_FIGURES.format(period=periods.period_label(view.period)))
table = supervision_view.figures_table(user, view)
if table.empty:
    st.caption(labels.SV_PAGE_FIGURES_NONE.format(period=periods.period_label(view.period)))
else:
    st.caption(labels.SV_FIGURES_NOTE.format(as_of=today.isoformat()))
    supervision_view.show_figures(table, key="sv_figures", file_name=labels.SV_PAGE_FIGURES_FILE)
supervision_view.bulletin_downloads(user, view)

if rules.may_raise(user):
    with st.expander(labels.SV_PAGE_HAND_RAISE, icon=":material/edit_note:"):
        supervision_view.hand_raise_panel(user, view)
