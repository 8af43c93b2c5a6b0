"""回访核查: the callback figures of the period → drawing a sample → its sheet, entering the answers → the records and
the problems people reported (SPEC §8). Drawing and entering need an account that imports (市级, 县区)."""

import datetime as dt
import hashlib
import math

import pandas as pd
import streamlit as st

from app_ui import auth, callback_data, data, drill_view, escape, kpi, page, tables
from pipeline import access, db, labels, materialized, periods
from pipeline.callbacks import entry, sample, sheet
from pipeline.ingest import load
from pipeline.ingest.rows import ImportReport

FIGURES = [
    "callbacks",
    "callback_reach_rate",
    "callback_know_rate",
    "callback_truth_rate",
    "callback_satisfaction_rate",
]
KEYS = {"county": ["county"], "department": ["department"], "cadre": ["department", "cadre", "cadre_phone_masked"]}
PER_PAGE = 10  # entry forms (reported problems) per page: a caller works down the list
FLASH_KEY = "cb_flash"
SAMPLE_KEY = "cb_sample"
PART_KEY = "cb_part"  # the open tab (its label)
LINE_COLUMNS = [
    "line_no",
    "callback_status",
    "department",
    "cadre_name",
    "county",
    "township",
    "beneficiary_name",
    "id_number",
    "phone",
    "contacts_in_period",
    "doubt",
    "callback_date",
    "reach",
    "knows_cadre",
    "contact_truth",
    "callback_satisfaction",
    "reported_issue",
]
RECORD_COLUMNS = [
    "callback_date",
    "county",
    "township",
    "id_number",
    "department",
    "cadre_name",
    "caller",
    "reach",
    "knows_cadre",
    "contact_truth",
    "callback_satisfaction",
    "reported_issue",
]
HEADERS = {**labels.CB_PAGE_COLUMN_LABELS, "beneficiary_name": labels.ROW_COLUMN_LABELS["beneficiary_name"]}


def _flash() -> None:
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        (st.success if kind == "ok" else st.warning)(text)


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def _connect():
    try:
        return db.connect(data.database_path(), external_access=False)
    except db.DatabaseBusy:
        st.warning(labels.CB_PAGE_DB_BUSY)
        return None


def _county(user: access.User) -> str | None:
    return user.county if user.role == "county" else None


def _after_import(con, user: access.User, report: ImportReport, detail: str) -> None:
    """The audit record of an import made on this page, and the stored figures brought up to date."""
    access.log_action(con, user, "import", detail, report.inserted + report.updated)
    if report.batch_id is not None:
        materialized.refresh_after_change(con, data.today())


def _import_detail(report: ImportReport, sample_id: object) -> str:
    return labels.AUDIT_DETAIL_CALLBACK_ENTRY.format(
        sample=sample_id,
        status=labels.UPLOAD_AUDIT_STATUS.get(report.status, report.status),
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
    )


def _styled(frame: pd.DataFrame, config):
    """The rates tinted by their band, empty cells as a dash: every cell keeps its id, so that its text shows (only
    the rows drawn are styled: tables.show_long_table)."""
    texts = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    filled = frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), labels.NO_VALUE) for c in texts})
    styler = drill_view.rag_styler(filled, config, None)
    styler.cell_ids = True
    return styler


# ---------------------------------------------------------------- figures


def figures(view) -> None:
    version = data.data_version()
    period_text = periods.period_label(view.period)
    overall = data.compare_previous(version, view, "overall")
    row = overall.iloc[0] if not overall.empty else None
    if row is None or not row["callbacks"]:
        st.info(labels.CB_PAGE_FIGURES_NONE.format(period=period_text))
        return
    config = data.current_settings(version)
    cards = st.columns(len(FIGURES))
    for column, metric in zip(cards, FIGURES, strict=True):
        if metric == "callbacks":  # more callbacks is neither better nor worse: the change in plain colours
            change = row[f"{metric}_change"]
            with column.container(border=True):
                st.metric(
                    labels.METRIC_LABELS[metric],
                    f"{int(row[metric]):,}",
                    delta=None if pd.isna(change) else f"{int(change):+d}",
                    delta_color="off",
                    delta_description=labels.CHANGE_VS_PREVIOUS,
                )
        else:
            kpi.rate_card(column, labels.METRIC_LABELS[metric], row[metric], row[f"{metric}_change"], config)
    by = st.segmented_control(
        labels.CB_PAGE_BY,
        list(labels.CB_PAGE_BY_LABELS),
        default="department",
        format_func=labels.CB_PAGE_BY_LABELS.get,
        required=True,
        key="cb_by",
    )
    grouped = data.metrics_many(version, view, (by,))[by]
    grouped = grouped[grouped["callbacks"] > 0][[*KEYS[by], *FIGURES]].reset_index(drop=True)
    tables.show_long_table(
        grouped,
        key=f"cb_figures_{by}",
        file_name=labels.CB_PAGE_FIGURES_FILE.format(period=period_text),
        style=lambda shown: _styled(shown, config),
    )


# ---------------------------------------------------------------- drawing a sample


def draw_form(view, user: access.User) -> None:
    since = sample.skip_since(view.period.as_of, data.current_settings(data.data_version()))
    st.caption(
        labels.CB_PAGE_DRAW_SCOPE.format(
            period=periods.period_label(view.period), scope=escape.md(view.scope.label), since=since.isoformat()
        )
    )
    with st.form("cb_draw"):
        how = st.radio(
            labels.CB_PAGE_DRAW_HOW,
            list(labels.CB_PAGE_DRAW_HOW_LABELS),
            horizontal=True,
            format_func=labels.CB_PAGE_DRAW_HOW_LABELS.get,
            key="cb_how",
        )
        count_column, share_column, seed_column = st.columns(3)
        count = count_column.number_input(
            labels.CB_PAGE_DRAW_COUNT, min_value=1, max_value=sample.MAX_PER_DEPARTMENT, value=2, step=1, key="cb_count"
        )
        share = share_column.number_input(
            labels.CB_PAGE_DRAW_SHARE,
            min_value=0.1,
            max_value=100.0,
            value=5.0,
            step=0.5,
            format="%.1f",
            key="cb_share",
        )
        seed = seed_column.text_input(labels.CB_PAGE_DRAW_SEED, key="cb_seed", help=labels.CB_PAGE_DRAW_SEED_HELP)
        doubtful = st.checkbox(
            labels.CB_PAGE_DRAW_DOUBTFUL,
            key="cb_doubtful",
            help=labels.CB_PAGE_DRAW_DOUBTFUL_HELP.format(weight=sample.DOUBT_WEIGHT),
        )
        submitted = st.form_submit_button(labels.CB_PAGE_DRAW_BUTTON, type="primary", icon=":material/casino:")
    if not submitted:
        return
    con = _connect()
    if con is None:
        return
    try:
        drawn = sample.draw(
            con,
            view.period,
            per_department=int(count) if how == "count" else None,
            share=round(float(share) / 100, 6) if how == "share" else None,
            seed=seed.strip() or None,
            prefer_doubtful=doubtful,
            scope=view.scope,
            user=user.name,
            today=view.today,
        )
        access.log_action(con, user, "callback", sample.audit_detail(drawn), drawn.people, scope=view.scope)
    except sample.SampleError as exc:
        st.error(str(exc))
        return
    finally:
        con.close()
    _say(
        "ok",
        labels.MSG_SAMPLE_DRAWN.format(
            sample=drawn.sample_id,
            period=drawn.period,
            scope=escape.md(view.scope.label),
            departments=drawn.departments,
            people=drawn.people,
            seed=drawn.seed,
        ),
    )
    for note in drawn.notes:
        _say("note", escape.md(note))
    st.session_state[SAMPLE_KEY] = drawn.sample_id
    st.rerun()


# ---------------------------------------------------------------- a sample: its sheet, its people, their answers


def _option(found: sample.Sample) -> str:
    scope = found.scope.label if found.scope_county or found.scope_department else labels.CITY_LABEL
    return labels.CB_PAGE_SAMPLE_OPTION.format(
        sample=found.sample_id,
        period=found.period,
        scope=scope,
        people=found.people,
        created_by=found.created_by,
        created_at=f"{found.created_at:%Y-%m-%d %H:%M}",
    )


def pick_sample(found: list[sample.Sample]) -> sample.Sample | None:
    if not found:
        st.info(labels.CB_PAGE_SAMPLES_NONE)
        return None
    by_id = {s.sample_id: s for s in found}
    if st.session_state.get(SAMPLE_KEY) not in by_id:
        st.session_state[SAMPLE_KEY] = found[0].sample_id
    chosen = st.selectbox(
        labels.CB_PAGE_SAMPLE_PICK, list(by_id), key=SAMPLE_KEY, format_func=lambda i: _option(by_id[i])
    )
    return by_id[chosen]


def show_sample(view, user: access.User, chosen: sample.Sample, masked: bool) -> pd.DataFrame:
    doubtful = labels.CB_PAGE_SAMPLE_DOUBTFUL if chosen.prefer_doubtful else ""
    st.caption(
        labels.CB_PAGE_SAMPLE_RULE.format(
            rule=chosen.rule,
            seed=chosen.seed,
            doubtful=doubtful,
            created_at=f"{chosen.created_at:%Y-%m-%d %H:%M}",
            created_by=escape.md(chosen.created_by),
        )
    )
    st.progress(
        chosen.done / chosen.people if chosen.people else 0.0,
        text=labels.CB_PAGE_SAMPLE_PROGRESS.format(done=chosen.done, people=chosen.people, reached=chosen.reached),
    )
    scope = view.scope
    auth.download_button(
        labels.CB_PAGE_SHEET_DOWNLOAD,
        lambda: _sheet(chosen, scope, masked),
        sheet.file_name(chosen),
        key=f"cb_sheet_{chosen.sample_id}_{int(masked)}",
        row_count=chosen.people,
        masked=masked,
        icon=":material/download:",
        type="primary",
    )
    st.caption(
        labels.CB_PAGE_SHEET_NOTE.format(masking=labels.CB_PAGE_SHEET_MASKED if masked else labels.CB_PAGE_SHEET_FULL)
    )
    version = data.data_version()
    people = callback_data.sample_lines(version, chosen, scope, masked)
    people = people.assign(
        callback_status=[
            labels.CB_STATUS_DONE if pd.notna(d) else labels.CB_STATUS_TODO for d in people["callback_date"]
        ]
    )
    st.markdown(f"**{labels.CB_PAGE_LINES}**")
    config = data.current_settings(version)
    tables.show_long_table(
        people[LINE_COLUMNS],
        key=f"cb_lines_{chosen.sample_id}",
        masked=masked,
        headers=HEADERS,
        file_name=f"{labels.CB_PAGE_LINES}_{chosen.sample_id}",
        style=lambda shown: _styled(shown, config),
    )
    return people


def _sheet(chosen: sample.Sample, scope, masked: bool) -> bytes:
    with data.connection() as con:
        return sheet.sheet_bytes(con, chosen, scope, masked)


def _page_number(label: str, pages: int, key: str) -> int:
    """The page of a list shown (1 when it has one page); a list that got shorter keeps to its last page."""
    if pages <= 1:
        return 1
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    return int(st.number_input(label, min_value=1, max_value=pages, step=1, key=key))


def _choice(label: str, options: list[str], key: str, value: str | None):
    index = options.index(value) if value in options else None
    return st.radio(label, options, index=index, horizontal=True, key=key)


def entry_forms(view, user: access.User, chosen: sample.Sample, people: pd.DataFrame, masked: bool) -> None:
    st.caption(labels.CB_PAGE_ENTRY_NOTE)
    which = st.segmented_control(
        labels.CB_PAGE_ENTRY_FILTER,
        list(labels.CB_PAGE_ENTRY_FILTER_LABELS),
        default="todo",
        format_func=labels.CB_PAGE_ENTRY_FILTER_LABELS.get,
        required=True,
        key=f"cb_which_{chosen.sample_id}",
    )
    shown = people if which == "all" else people[people["callback_date"].isna()]
    if shown.empty:
        st.success(labels.CB_PAGE_ENTRY_ALL_DONE)
        return
    pages = math.ceil(len(shown) / PER_PAGE)
    number = _page_number(
        labels.CB_PAGE_ENTRY_PAGE.format(pages=pages, size=PER_PAGE), pages, f"cb_page_{chosen.sample_id}_{which}"
    )
    page_rows = shown.iloc[(number - 1) * PER_PAGE : number * PER_PAGE]
    records = page_rows.astype(object).where(page_rows.notna(), None).to_dict("records")  # None, never NaN
    for index, record in enumerate(records):
        _entry_form(view, user, chosen, record, masked, first=index == 0)


def _full_id(chosen: sample.Sample, scope, line: int) -> str:
    """The whole ID number of a line of the sample (the form shows it masked), read when its answers are saved."""
    with data.connection() as con:
        people = sample.lines(con, chosen, scope, masked=False)
    return people.loc[people["line_no"] == line, "id_number"].iloc[0]


def _entry_form(view, user: access.User, chosen: sample.Sample, record: dict, masked: bool, first: bool) -> None:
    line = int(record["line_no"])
    title = labels.CB_PAGE_ENTRY_PERSON.format(
        line=line,
        name=record["beneficiary_name"],
        id_number=record["id_number"],
        department=record["department"],
        cadre=record["cadre_name"],
    )
    done = pd.notna(record["callback_date"])
    key = f"cb_{chosen.sample_id}_{line}"
    with st.expander(
        escape.md(title) + (f"　✅ {labels.CB_PAGE_ENTRY_DONE}" if done else ""), expanded=first and not done
    ):
        st.caption(escape.md(labels.CB_PAGE_ENTRY_CONTACTS.format(contacts=record["contacts_in_period"])))
        if record["doubt"]:
            st.caption(escape.md(labels.CB_PAGE_ENTRY_DOUBT.format(doubt=record["doubt"])))
        with st.form(key, border=False):
            left, right = st.columns(2)
            day = left.date_input(
                labels.CB_PAGE_ENTRY_DATE,
                value=record["callback_date"] or view.today,
                max_value=view.today,
                key=f"{key}_date",
            )
            caller = right.text_input(
                labels.CB_PAGE_ENTRY_CALLER, value=record["caller"] or user.name, key=f"{key}_caller", max_chars=32
            )
            reach = _choice(
                labels.column_label("callback", "reach"),
                labels.CALLBACK_REACH,
                f"{key}_reach",
                record["reach"] or labels.CALLBACK_REACHED,
            )
            knows = _choice(
                labels.column_label("callback", "knows_cadre"),
                labels.CALLBACK_KNOWS,
                f"{key}_knows",
                record["knows_cadre"],
            )
            truth = _choice(
                labels.column_label("callback", "contact_truth"),
                labels.CALLBACK_TRUTH,
                f"{key}_truth",
                record["contact_truth"],
            )
            satisfied = _choice(
                labels.column_label("callback", "satisfaction"),
                labels.SATISFACTION,
                f"{key}_satisfied",
                record["callback_satisfaction"],
            )
            reported = st.text_area(
                labels.column_label("callback", "reported_issue"),
                key=f"{key}_issue",
                value=record["reported_issue"] or "",
                height=68,
                max_chars=500,
            )
            saved = st.form_submit_button(labels.CB_PAGE_ENTRY_SAVE, type="primary", icon=":material/save:")
    if not saved:
        return
    reached = reach == labels.CALLBACK_REACHED
    answers = {
        "callback_date": day,
        "caller": caller.strip(),
        "reach": reach,
        # an unanswered call has no answers, whatever the radios last showed
        "knows_cadre": knows if reached else None,
        "contact_truth": truth if reached else None,
        "satisfaction": satisfied if reached else None,
        "reported_issue": reported.strip() or None,
    }
    id_number = _full_id(chosen, view.scope, line) if masked else record["id_number"]
    con = _connect()
    if con is None:
        return
    try:
        report = entry.record(
            con, chosen.sample_id, line, id_number, answers, user=user.name, today=view.today, county=_county(user)
        )
        _after_import(con, user, report, _import_detail(report, chosen.sample_id))
    finally:
        con.close()
    data.clear_caches()
    name = escape.md(record["beneficiary_name"])
    if report.rejected or report.status not in ("ok", "already_imported"):
        reason = report.errors[0].reason if report.errors else report.message
        _say("note", labels.CB_PAGE_ENTRY_REFUSED.format(reason=escape.md(reason)))
    elif report.inserted or report.updated:
        _say("ok", labels.CB_PAGE_ENTRY_SAVED.format(line=line, name=name, batch=report.batch_id))
    else:
        _say("note", labels.CB_PAGE_ENTRY_UNCHANGED.format(line=line, name=name))
    st.rerun()


def upload(view, user: access.User) -> None:
    st.caption(labels.CB_PAGE_UPLOAD_HELP)
    files = st.file_uploader(labels.CB_PAGE_UPLOAD, type=["xlsx", "xls", "csv"], key="cb_upload")
    if files is None or not st.button(labels.CB_PAGE_UPLOAD_BUTTON, key="cb_upload_button", type="primary"):
        return
    con = _connect()
    if con is None:
        return
    try:
        report = load.import_bytes(
            con, files.getvalue(), files.name, kind="callback", user=user.name, today=view.today, county=_county(user)
        )
        detail = labels.AUDIT_DETAIL_IMPORT.format(
            file=report.file,
            status=labels.UPLOAD_AUDIT_STATUS.get(report.status, report.status),
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
        _after_import(con, user, report, detail)
    finally:
        con.close()
    data.clear_caches()
    if report.status in ("ok", "already_imported"):
        _say(
            "ok",
            labels.CB_PAGE_UPLOAD_DONE.format(
                file=escape.md(report.file),
                inserted=report.inserted,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected=report.rejected,
                batch=report.batch_id or report.earlier_batch,
            ),
        )
        for note in report.notes:
            _say("note", escape.md(note))
        for error in report.errors[:20]:
            _say("note", escape.md(f"{error.sheet} {error.row}: {error.reason}"))
    else:
        _say(
            "note", labels.CB_PAGE_UPLOAD_FAILED.format(file=escape.md(report.file), message=escape.md(report.message))
        )
    st.rerun()


# ---------------------------------------------------------------- records and the problems people reported


def records(view, masked: bool) -> None:
    period_text = periods.period_label(view.period)
    st.caption(labels.CB_PAGE_RECORDS.format(period=period_text))
    rows = data.drill_rows(data.data_version(), view, "overall", (), "callbacks", masked)
    if rows.empty:
        st.info(labels.CB_PAGE_RECORDS_NONE.format(period=period_text))
    else:
        rows = rows.assign(callback_date=pd.to_datetime(rows["callback_date"]).dt.date)
        config = data.current_settings(data.data_version())
        tables.show_long_table(
            rows[RECORD_COLUMNS],
            key="cb_records",
            masked=masked,
            file_name=labels.CB_PAGE_RECORDS_FILE.format(period=period_text),
            style=lambda shown: _styled(shown, config),
        )


def _issue_key(callback_key: str) -> str:
    """A widget key for one reported problem that names no person (the callback's key holds his ID number)."""
    return hashlib.sha256(callback_key.encode()).hexdigest()[:16]


def reported(view, user: access.User, masked: bool) -> None:
    period_text = periods.period_label(view.period)
    found = callback_data.reported_issues(data.data_version(), view, masked)
    if found.empty:
        st.info(labels.CB_PAGE_ISSUES_NONE.format(period=period_text))
        return
    st.caption(labels.CB_PAGE_ISSUES_NOTE)
    allowed = sample.may_draw(user)
    if not allowed:
        st.caption(labels.CB_PAGE_ISSUE_READONLY)
    which = st.segmented_control(
        labels.CB_PAGE_ENTRY_FILTER,
        list(labels.CB_PAGE_ISSUES_FILTER_LABELS),
        default="todo",
        format_func=labels.CB_PAGE_ISSUES_FILTER_LABELS.get,
        required=True,
        key="cb_issues_which",
    )
    shown = found if which == "all" else found[~found["is_in_ledger"]]
    if shown.empty:
        st.success(labels.CB_PAGE_ISSUES_ALL_DONE)
        return
    pages = math.ceil(len(shown) / PER_PAGE)
    st.caption(labels.CB_PAGE_ISSUES_COUNT.format(count=len(shown), size=PER_PAGE))
    number = _page_number(labels.CB_PAGE_ISSUES_PAGE.format(pages=pages), pages, f"cb_issues_page_{which}")
    for record in shown.iloc[(number - 1) * PER_PAGE : number * PER_PAGE].to_dict("records"):
        key = _issue_key(record["callback_key"])
        with st.container(border=True):
            st.markdown(
                escape.md(
                    labels.CB_PAGE_ISSUE_ITEM.format(
                        date=record["callback_date"],
                        name=record["beneficiary_name"],
                        id_number=record["id_number"],
                        department=record["department"] or labels.UNPAIRED_LABEL,
                        cadre=record["cadre_name"] or "",
                    )
                )
            )
            st.text(record["reported_issue"])  # the person's words, as the caller wrote them: plain text
            if record["is_in_ledger"]:
                st.caption(f"✅ {labels.CB_PAGE_ISSUE_DONE}")
            elif allowed:
                left, right = st.columns([2, 1], vertical_alignment="bottom")
                category = left.selectbox(
                    labels.CB_PAGE_ISSUE_CATEGORY,
                    labels.ISSUE_CATEGORIES,
                    index=labels.ISSUE_CATEGORIES.index(labels.CALLBACK_ISSUE_CATEGORY),
                    key=f"cb_issue_category_{key}",
                )
                if right.button(labels.CB_PAGE_ISSUE_BUTTON, key=f"cb_issue_{key}", icon=":material/add_task:"):
                    _raise_issue(view, user, record["callback_key"], category, record["callback_date"])


def _raise_issue(view, user: access.User, callback_key: str, category: str, day: dt.date) -> None:
    con = _connect()
    if con is None:
        return
    try:
        report = entry.raise_issue(
            con, callback_key, category=category, user=user.name, today=view.today, county=_county(user)
        )
        status = labels.UPLOAD_AUDIT_STATUS.get(report.status, report.status)
        detail = labels.AUDIT_DETAIL_CALLBACK_ISSUE.format(date=day, category=category, status=status)
        _after_import(con, user, report, detail)
    finally:
        con.close()
    data.clear_caches()
    if report.rejected or report.status != "ok":
        reason = report.errors[0].reason if report.errors else report.message
        _say("note", labels.CB_PAGE_ENTRY_REFUSED.format(reason=escape.md(reason)))
    else:
        _say("ok", labels.CB_PAGE_ISSUE_CREATED.format(batch=report.batch_id))
    st.rerun()


# ---------------------------------------------------------------- the page

view = page.start("callbacks")
user = auth.require_user()
st.caption(labels.CB_PAGE_INTRO)
_flash()
masked = auth.masked_view("callbacks", view.period.text, view.scope)
st.subheader(labels.CB_PAGE_FIGURES.format(period=periods.period_label(view.period)))
figures(view)

may_draw = sample.may_draw(user)
st.subheader(labels.CB_PAGE_SAMPLES)
with data.connection() as connection:
    samples = sample.list_samples(connection, view.scope)
if may_draw:
    with st.expander(labels.CB_PAGE_DRAW, icon=":material/casino:", expanded=not samples):
        draw_form(view, user)
else:
    st.info(labels.CB_PAGE_DRAW_READONLY.format(role=user.role_label))
chosen = pick_sample(samples)
people = show_sample(view, user, chosen, masked) if chosen is not None else None

# what is done with the sample, and what came of the calls: one tab each, so that none pushes the others away; only
# the open tab runs (the records' query and the problems' list wait until their tab is chosen)
parts = {"records": labels.CB_PAGE_RECORDS_TAB, "issues": labels.CB_PAGE_ISSUES}
if may_draw:
    parts = {"entry": labels.CB_PAGE_ENTRY, "upload": labels.CB_PAGE_UPLOAD, **parts}
tabs = dict(zip(parts, st.tabs(list(parts.values()), key=PART_KEY, on_change="rerun"), strict=True))
if may_draw and tabs["entry"].open:
    with tabs["entry"]:
        if people is None:  # "no sample yet" is said above: here, what to do first
            st.info(labels.CB_PAGE_ENTRY_NO_SAMPLE)
        else:
            entry_forms(view, user, chosen, people, masked)
if may_draw and tabs["upload"].open:
    with tabs["upload"]:
        upload(view, user)
if tabs["records"].open:
    with tabs["records"]:
        records(view, masked)
if tabs["issues"].open:
    with tabs["issues"]:
        reported(view, user, masked)
