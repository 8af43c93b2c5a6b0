"""数据质量: what the checks under pipeline/sql/checks/ find, a count per check and the rows behind it."""

import streamlit as st

from app_ui import auth, callback_data, data, page, person_view, tables, upload_data
from pipeline import cadre, export, labels, quality

PART_KEY = "quality_part"  # the open tab (its label)


def _known(version, view, name: str) -> int | None:
    """The count of a check about people, when this process has found its rows for the view (with the limit of
    pairs the cadres' tab opens with: its field is drawn in that tab only)."""
    limit = quality.DEFAULT_MAX_PAIRS
    return upload_data.known_check_count(version, name, view.today, view.county, view.department, limit)


def _count_all(version, view) -> None:
    """统计全部检查, before the run: the checks about people and pairs not yet found, side by side, and the 疑点 (their
    counts are then known to the cards, and each tab reads its rows from the cache)."""
    missing = tuple(name for name in quality.SCOPED_CHECKS if _known(version, view, name) is None)
    with data.shared_connection():
        if missing:
            upload_data.scoped_checks(version, view.today, view.county, view.department, missing)
        if callback_data.known_doubt_count(version, view) is None:
            callback_data.doubts(version, view, True)


# not page.start's own check for data: a roster whose every row was rejected leaves nobody in the
# database, and its rejected rows are exactly what this page should show
view = page.start("quality", needs_data=False)
user = auth.require_user()
with data.shared_connection():  # the calls that miss their caches share one connection
    version = data.data_version()
    status = data.data_status(version)
    if not status or not status["last_batch_id"]:
        st.info(labels.STATUS_NO_DATA)
        st.page_link("app_pages/upload.py", label=labels.PAGE_TITLES["upload"], icon=":material/upload_file:")
        st.stop()
    column_names = {**export.display_labels(), **labels.QUALITY_COLUMN_LABELS}
    st.caption(labels.QUALITY_INTRO)
    masked = auth.masked_view("quality", view.period.text, view.scope)
    # the checks of imported files are not scoped (a rejected row may not even name a county): 市级 only
    checks = [name for name in quality.CHECKS if name in quality.SCOPED_CHECKS or user.may_inspect_imports]
    if len(checks) < len(quality.CHECKS):
        st.caption(labels.QUALITY_FILE_CHECKS_CITY_ONLY)

    summary = st.container()  # filled last: the counts depend on the limit chosen in the cadres tab
    titles = labels.QUALITY_CHECK_TITLES
    # only the open tab runs (at five times a province the checks of all records take half a minute together); the
    # page opens on the people never contacted, which reads one kept row per person and so opens fast at any size
    checks = sorted(checks, key=quality.PAGE_ORDER.index)
    parts = {name: titles[name] for name in checks} | {"doubtful": labels.QUALITY_DOUBT_TAB}
    tabs = dict(zip(parts, st.tabs(list(parts.values()), key=PART_KEY, on_change="rerun"), strict=True))
    counts: dict[str, int | None] = {}

    def _check(name: str, max_pairs: int = quality.DEFAULT_MAX_PAIRS, hidden: bool = masked):
        if name in quality.SCOPED_CHECKS:
            frame = upload_data.quality_check(
                version, name, view.today, view.county, view.department, max_pairs, hidden
            )
        else:
            frame = upload_data.file_check(version, name)
        counts[name] = len(frame)
        return frame

    # the checks listing people open the person's 一人一档 from a row, the one listing cadres the cadre's file
    PERSON_CHECKS = ("other_cadre_contacts", "contacts_before_pairing", "never_contacted", "callback_untrue_contacts")
    CADRE_CHECKS = ("busy_cadres",)

    def _show(name: str, frame, max_pairs: int = quality.DEFAULT_MAX_PAIRS) -> None:
        if frame.empty:
            st.success(labels.QUALITY_NOTHING_FOUND, icon=":material/check_circle:")
            return
        shown = frame.rename(columns=column_names)
        options = {
            "key": f"quality_{name}",
            "file_name": titles[name],
            "masked": masked or name not in quality.SCOPED_CHECKS,
        }
        # the same rows unmasked (the ones the masked rows were made from, cached): their ID numbers and phones open
        # the files and are never drawn
        full = frame if not masked or name not in (*PERSON_CHECKS, *CADRE_CHECKS) else _check(name, max_pairs, False)
        if name in PERSON_CHECKS:
            person_view.person_table(shown, full["id_number"].tolist(), **options)
        elif name in CADRE_CHECKS:
            person_view.cadre_table(shown, cadre.keys(full["cadre_phone"]), **options)
        else:
            tables.show_table(shown, **options)

    for name in checks:
        if not tabs[name].open:
            # a check about files reads a few stored rows: its count is always shown; the others' when known
            counts[name] = len(_check(name)) if name not in quality.SCOPED_CHECKS else _known(version, view, name)
            continue
        with tabs[name]:
            st.caption(labels.QUALITY_CHECK_HELP[name])
            if name not in quality.SCOPED_CHECKS and (view.county or view.department):
                st.caption(labels.QUALITY_UNSCOPED)
            if name == "busy_cadres":
                limit = st.number_input(
                    labels.QUALITY_MAX_PAIRS,
                    min_value=1,
                    max_value=100,
                    value=quality.DEFAULT_MAX_PAIRS,
                    step=1,
                    key="max_pairs",
                    help=labels.QUALITY_MAX_PAIRS_HELP,
                    width=240,
                )
                _show(name, _check(name, int(limit)), int(limit))
            elif name == "rejected_rows":
                rejected = _check(name)
                if rejected.empty:
                    _show(name, rejected)
                    continue
                st.markdown(f"**{labels.QUALITY_REASON_GROUPS}**")
                tables.show_table(
                    upload_data.rejected_reasons(version).rename(columns=column_names),
                    key="quality_reasons",
                    file_name=labels.QUALITY_REASON_GROUPS,
                )
                st.markdown(f"**{labels.QUALITY_REASON_DETAILS}**")
                _show(name, rejected)
            else:
                _show(name, _check(name))

    if not tabs["doubtful"].open:
        counts["doubtful"] = callback_data.known_doubt_count(version, view)
    else:
        with tabs["doubtful"]:  # 疑点 (SPEC §8): over the sidebar's period, each row with its reason
            st.caption(labels.QUALITY_DOUBT_HELP.format(period=view.period.label))
            doubts = callback_data.doubts(version, view, masked)
            counts["doubtful"] = len(doubts)
            if doubts.empty:
                _show("doubtful", doubts)
            else:
                kinds = [labels.QUALITY_DOUBT_ALL, *dict.fromkeys(doubts["rule"])]
                kind = st.selectbox(labels.QUALITY_DOUBT_RULE_FILTER, kinds, key="quality_doubt_rule", width=320)
                shown = doubts if kind == labels.QUALITY_DOUBT_ALL else doubts[doubts["rule"] == kind]
                st.caption(labels.QUALITY_DOUBT_LINK_HINT)
                picked = tables.show_table(
                    shown.rename(columns=column_names),
                    key="quality_doubtful",
                    masked=masked,
                    file_name=labels.QUALITY_DOUBT_TAB,
                    selectable=True,
                )
                if picked is not None:  # the cadre of the row and the people behind it, each a button to the file
                    row = person_view.doubt_targets(version, view, masked)[shown.index[picked]]
                    person_view.open_buttons(row.cadre_key, row.cadre_name, row.people, key="quality_doubt_open")

    with summary:
        cards = st.columns(4)  # the cards in two rows: the titles stay readable at 1280 pixels
        for index, name in enumerate([*checks, "doubtful"]):
            title = titles.get(name, labels.QUALITY_DOUBT_TAB)
            if counts[name] is None:  # not run yet in this process: its tab, or the button below, runs it
                cards[index % 4].metric(
                    title, labels.QUALITY_COUNT_UNKNOWN, border=True, help=labels.QUALITY_COUNT_UNKNOWN_HELP
                )
            else:
                cards[index % 4].metric(title, f"{counts[name]:,}", border=True)
        if any(count is None for count in counts.values()):
            st.button(
                labels.QUALITY_COUNT_ALL,
                key="quality_count_all",
                icon=":material/playlist_add_check:",
                help=labels.QUALITY_COUNT_ALL_HELP,
                on_click=_count_all,
                args=(version, view),
            )
