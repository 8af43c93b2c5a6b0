"""督办事项 in the app: the list with its lights, one item with its lines, evidence and steps, raising items.

The page app_pages/supervision.py draws the list and the chosen item; the 单位 and 督办提醒 pages each call one
function here (`department_section`, `reminders_section`) to show the figures and to raise items from what they
already list. Every step goes through pipeline.supervision.items, which checks the account's role and scope
and writes the audit record; the buttons offered are only those `rules.steps_for` allows. Identifiers are
always masked here: a 督办事项 is about cadres' work, and its 督办单 is handed on.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
import streamlit as st

from app_ui import auth, data, escape, filters, tables
from pipeline import access, db, labels, periods, queries, report, settings
from pipeline.queries import Scope
from pipeline.supervision import documents, figures, items, lights, raising, rules, workdays

FLASH_KEY = "_sv_flash"  # the outcome of the last step, shown once after the rerun it causes
LANDED_KEY = "_sv_landed"  # the landing page was offered in this session (the login clears it)
ITEM_PARAM = "item"  # ?item=N opens one item (within the account's scope only)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIST_COLUMNS = [
    "number_text",
    "department",
    "light_label",
    "days_label",
    "state_label",
    "lines_label",
    "ready_label",
    "presses",
    "level",
    "source_label",
    "raised_on",
    "due_on",
]
LINE_COLUMNS = [
    "line_no",
    "done_label",
    "evidence",
    "kind_label",
    "beneficiary_name",
    "id_number",
    "cadre_name",
    "summary",
    "explanation",
]
LIGHT_COLOURS = {"绿灯": "#ddf1e4", "黄灯": "#ffefcc", "红灯": "#f9d9d7", "已落实": "#ddf1e4", "未落实": "#f9d9d7"}
FIGURE_COLUMNS = [
    "department",
    *figures.FIGURE_COLUMNS,
    "feedback_due",
    "feedback_on_time",
    "close_due",
    "closed_on_time",
    "closed",
]


# ---------------------------------------------------------------- reading


@contextlib.contextmanager
def _connection():
    with data.connection() as con:
        yield con


def _scope(user: access.User, view: filters.View) -> Scope:
    return user.combine(view.scope)


def visible_items(user: access.User, view: filters.View) -> list[rules.Item]:
    """The items within the account's scope narrowed by the sidebar, newest first."""
    scope = _scope(user, view)
    if access.is_empty(scope):
        return []
    with _connection() as con:
        return items.list_items(con, scope, view.today)


@st.cache_data(show_spinner=False, max_entries=64)
def _open_count(version: data.Version, department: str, today: dt.date) -> int:
    if not version[2]:  # no database file yet
        return 0
    with data.connection() as con:
        return sum(item.is_open for item in items.list_items(con, Scope(department=department), today))


def landing_page(user: access.User) -> str:
    """The page an account opens on: a department with open items lands on them (SPEC §7), else the overview."""
    if user.role != "department" or user.department is None:
        return "overview"
    try:
        count = _open_count(data.file_version(), user.department, data.today())
    except Exception:
        return "overview"
    return "supervision" if count else "overview"


def land(page, landing: str) -> None:
    """Open the landing page once per login when the app would show the overview (the page the login was on)."""
    if landing == "overview" or st.session_state.get(LANDED_KEY):
        return
    st.session_state[LANDED_KEY] = True
    if page.url_path == "overview":
        st.switch_page(f"app_pages/{landing}.py")


def coloured(frame: pd.DataFrame, columns: list[str]):
    """A Styler filling the light (绿灯/黄灯/红灯) and 落实情况 cells with their colour."""

    def fill(value: object) -> str:
        colour = LIGHT_COLOURS.get(value) if isinstance(value, str) else None
        return f"background-color: {colour}" if colour else ""

    return frame.style.map(fill, subset=[c for c in columns if c in frame.columns])


def _dates(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Date columns shown as dates (not midnight timestamps), empty texts as empty."""
    frame = frame.copy()
    for column in columns:
        if column in frame.columns:
            frame[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    return frame.fillna("")


def item_frame(found: list[rules.Item], today: dt.date) -> pd.DataFrame:
    """The list as the page shows it: number, department, light, days, state, lines done, 可销号, presses…"""
    rows = []
    for item in found:
        light = lights.light(item.state, item.due_on, today)
        rows.append(
            {
                "item_id": item.item_id,
                "number_text": item.number_text,
                "department": item.department,
                "light": light,
                "light_label": lights.light_text(light),
                "days_label": lights.days_text(item.state, item.due_on, today),
                "state": item.state,
                "state_label": labels.SV_STATE_LABELS[item.state],
                "lines_label": f"{item.lines_done}/{item.lines}",
                "ready_label": labels.SV_YES if item.is_open and item.all_done else "",
                "presses": item.presses,
                "level": item.level,
                "source": item.source,
                "source_label": labels.SV_SOURCE_LABELS[item.source],
                "raised_on": item.raised_on,
                "due_on": item.due_on,
            }
        )
    columns = ["item_id", *LIST_COLUMNS, "light", "state", "source"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- taking a step


def flash() -> None:
    """Show the outcome of the step taken in the run before (once)."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(escape.md(text))  # messages may quote names from the data


def _run_step(user: access.User, item: rules.Item, step: str, **values) -> None:
    today = data.today()
    try:
        with _connection() as con:
            after = items.act(con, user, item.item_id, step, today=today, **values)
    except rules.SupervisionError as exc:
        st.session_state[FLASH_KEY] = ("error", str(exc))
    else:
        done = labels.SV_MSG_STEP_DONE.format(
            number=after.number_text, step=labels.SV_STEP_LABELS[step], state=labels.SV_STATE_LABELS[after.state]
        )
        st.session_state[FLASH_KEY] = ("ok", done)
    _open_count.clear()
    st.rerun()


def _line_options(lines: pd.DataFrame, open_only: bool) -> list[int]:
    chosen = lines.loc[~lines["is_done"].astype(bool)] if open_only else lines
    return [int(n) for n in chosen["line_no"]]


def _line_format(lines: pd.DataFrame):
    summaries = dict(zip(lines["line_no"].astype(int), lines["summary"], strict=True))
    return lambda n: labels.SV_PAGE_LINE_OPTION.format(line=n, summary=summaries.get(n, ""))


def action_panel(user: access.User, item: rules.Item, lines: pd.DataFrame) -> None:
    """The steps this account may take on the item now, one form each (chosen with a segmented control)."""
    steps = rules.steps_for(user, item)
    if "close" in steps and not item.all_done:
        steps.remove("close")  # 销号 is offered only on evidence
        st.info(labels.SV_PAGE_NOT_READY.format(done=item.lines_done, lines=item.lines))
    if not any(_line_options(lines, True)):
        steps = [s for s in steps if s not in ("accept", "explain")]
    if not steps:
        if item.is_open and user.role == "readonly":
            st.caption(labels.SV_PAGE_READONLY)
        return
    step = st.segmented_control(
        labels.SV_PAGE_ACTIONS, steps, format_func=labels.SV_STEP_LABELS.get, key=f"sv_step_{item.item_id}"
    )
    if step is None:
        return
    key = f"sv_{step}_{item.item_id}"
    with st.form(key, border=True):
        values: dict[str, object] = {}
        if step in ("feedback", "return", "withdraw", "extension_request", "explain"):
            values["text"] = st.text_area(labels.SV_TEXT_WHAT[step], key=f"{key}_text", max_chars=rules.MAX_TEXT)
        if step == "press":
            values["way"] = st.radio(labels.SV_FIELD_WAY, rules.WAYS, horizontal=True, key=f"{key}_way")
            values["text"] = st.text_input(labels.SV_FIELD_NOTE, key=f"{key}_text", max_chars=rules.MAX_TEXT)
        if step == "extension_request":
            values["due"] = st.date_input(
                labels.SV_FIELD_NEW_DUE,
                value=item.due_on + dt.timedelta(days=7),
                min_value=item.due_on + dt.timedelta(days=1),
                key=f"{key}_due",
            )
        if step in ("explain", "accept"):
            options = _line_options(lines, True)
            values["line_no"] = st.selectbox(
                labels.SV_FIELD_LINE, options, format_func=_line_format(lines), key=f"{key}_line"
            )
        if step in ("accept", "extension_grant", "extension_refuse"):
            values["text"] = st.text_input(labels.SV_FIELD_NOTE, key=f"{key}_text", max_chars=rules.MAX_TEXT)
        if step == "close":
            st.caption(labels.SV_PAGE_CLOSE_NOTE.format(lines=item.lines))
        submitted = st.form_submit_button(labels.SV_STEP_LABELS[step], type="primary", key=f"{key}_submit")
    if submitted:
        _run_step(user, item, step, **values)


# ---------------------------------------------------------------- one item


def _document_downloads(item: rules.Item, today: dt.date) -> None:
    def paper() -> documents.Paper:
        with contextlib.closing(db.connect(data.database_path())) as con:
            return documents.item_paper(con, items.get_item(con, item.item_id, queries.ALL, today), today)

    stem = labels.SV_SHEET_FILE.format(number=item.number_text)
    left, right = st.columns(2)
    auth.download_button(
        labels.SV_PAGE_SHEET_DOCX,
        lambda: documents.docx_bytes(paper()),
        f"{stem}.docx",
        key=f"sv_sheet_docx_{item.item_id}",
        row_count=item.lines,
        mime=DOCX_MIME,
        container=left,
        icon=":material/description:",
    )
    if report.pdf_available():
        auth.download_button(
            labels.SV_PAGE_SHEET_PDF,
            lambda: documents.pdf_bytes(paper()) or b"",
            f"{stem}.pdf",
            key=f"sv_sheet_pdf_{item.item_id}",
            row_count=item.lines,
            mime="application/pdf",
            container=right,
            icon=":material/picture_as_pdf:",
        )


def item_detail(user: access.User, item: rules.Item, today: dt.date) -> None:
    """One item: its fields, lines with evidence, the steps offered, history, 催办 and 延期 records, 督办单."""
    with _connection() as con:
        lines = items.lines(con, item, today)
        history = items.history(con, item)
        presses = items.presses(con, item)
        extensions = items.extensions(con, item)
    light = lights.light(item.state, item.due_on, today)
    st.subheader(labels.SV_PAGE_ITEM_HEADING.format(number=item.number_text, department=escape.md(item.department)))
    cards = st.columns(4)
    cards[0].metric(labels.SV_FIELD_STATE, labels.SV_STATE_LABELS[item.state], border=True)
    days = lights.days_text(item.state, item.due_on, today) if item.is_open else None
    cards[1].metric(
        labels.SV_PAGE_LIGHT, lights.light_text(light), days, delta_color="off", delta_arrow="off", border=True
    )
    cards[2].metric(labels.SV_PAGE_LINES_DONE, f"{item.lines_done}/{item.lines}", border=True)
    cards[3].metric(labels.SV_COLUMN_LABELS["presses"], item.presses, border=True)
    due = item.due_on.isoformat() + (labels.SV_DUE_ESTIMATED_SHORT if item.due_estimated else "")
    if item.due_on != item.first_due_on:
        due += labels.SV_DUE_EXTENDED.format(first=item.first_due_on.isoformat())
    st.caption(
        labels.SV_PAGE_ITEM_FIELDS.format(
            source=labels.SV_SOURCE_LABELS[item.source],
            level=item.level,
            raised_on=item.raised_on.isoformat(),
            due=due,
            raised_by=escape.md(item.raised_by),
        )
    )
    if item.due_estimated:
        st.warning(labels.SV_DUE_ESTIMATED)
    if item.is_open and item.all_done:
        st.success(labels.SV_PAGE_READY.format(number=item.number_text))
    st.text(labels.SV_FIELD_REQUIREMENT + "：")
    st.code(item.requirement, language=None, wrap_lines=True)
    shown = lines.assign(
        kind_label=[labels.SV_KIND_LABELS[k] for k in lines["kind"]],
        done_label=[labels.SV_LINE_DONE if d else labels.SV_LINE_OPEN for d in lines["is_done"]],
    )[LINE_COLUMNS]
    tables.show_table(
        shown,
        key=f"sv_lines_{item.item_id}",
        file_name=labels.SV_PAGE_LINES_FILE.format(number=item.number_text),
        headers=labels.SV_COLUMN_LABELS,
        styler=coloured(shown, ["done_label"]),
    )
    action_panel(user, item, lines)
    tab_history, tab_presses, tab_extensions = st.tabs(
        [
            labels.SV_PAGE_HISTORY,
            labels.SV_PAGE_PRESSES.format(count=len(presses)),
            labels.SV_PAGE_EXTENSIONS.format(count=len(extensions)),
        ]
    )
    with tab_history:
        steps = history.assign(step_label=[labels.SV_STEP_LABELS.get(a, a) for a in history["action"]])
        steps = _dates(steps[["acted_on", "user_name", "step_label", "text"]], ("acted_on",))
        tables.show_table(
            steps, key=f"sv_history_{item.item_id}", file_name=labels.SV_PAGE_HISTORY, headers=labels.SV_COLUMN_LABELS
        )
    with tab_presses:
        if presses.empty:
            st.caption(labels.SV_PAGE_NO_PRESSES)
        else:
            presses = _dates(presses, ("pressed_on",))
            tables.show_table(
                presses,
                key=f"sv_presses_{item.item_id}",
                file_name=labels.SV_PAGE_PRESSES_FILE,
                headers=labels.SV_COLUMN_LABELS,
            )
    with tab_extensions:
        if extensions.empty:
            st.caption(labels.SV_PAGE_NO_EXTENSIONS)
        else:
            shown = extensions.assign(
                decision_label=[
                    labels.SV_DECISION_LABELS.get(d, labels.SV_PAGE_PENDING) for d in extensions["decision"]
                ]
            )[["requested_on", "new_due_on", "reason", "requested_by", "decision_label", "decided_on", "decided_by"]]
            shown = _dates(shown, ("requested_on", "new_due_on", "decided_on"))
            tables.show_table(
                shown,
                key=f"sv_extensions_{item.item_id}",
                file_name=labels.SV_PAGE_EXTENSIONS_FILE,
                headers=labels.SV_COLUMN_LABELS,
            )
    _document_downloads(item, today)


# ---------------------------------------------------------------- figures and the 督办通报


def figures_table(user: access.User, view: filters.View, department: str | None = None) -> pd.DataFrame:
    """The figures of the items 交办 in the sidebar's period, per department, within the account's scope."""
    scope = _scope(user, view)
    if department is not None:
        scope = user.combine(Scope(county=scope.county, department=department))
    if access.is_empty(scope):
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    with _connection() as con:
        frame = figures.department_figures(con, view.period, view.today, scope, total=department is None)
    return frame[FIGURE_COLUMNS]


def show_figures(frame: pd.DataFrame, key: str, file_name: str) -> None:
    """The figures table with the shared Excel download (rates as percentages)."""
    config = {
        c: st.column_config.NumberColumn(labels.SV_COLUMN_LABELS[c], format="percent") for c in figures.RATE_COLUMNS
    }
    tables.show_table(
        frame,
        key=key,
        file_name=file_name,
        headers=labels.SV_COLUMN_LABELS,
        config=config,
        fractions=figures.RATE_COLUMNS,
    )


def bulletin_downloads(user: access.User, view: filters.View) -> None:
    """The 督办通报 of the sidebar's period, as Word and (where Chromium is here) PDF."""
    scope = _scope(user, view)
    period, today = view.period, view.today

    def paper() -> documents.Paper:
        with contextlib.closing(db.connect(data.database_path())) as con:
            return documents.bulletin_paper(con, period, today, scope)

    stem = labels.SV_PAGE_BULLETIN_FILE.format(scope=scope.label, period=periods.period_label(period))
    left, right = st.columns(2)
    auth.download_button(
        labels.SV_PAGE_BULLETIN_DOCX,
        lambda: documents.docx_bytes(paper()),
        f"{stem}.docx",
        key="sv_bulletin_docx",
        mime=DOCX_MIME,
        container=left,
        icon=":material/description:",
    )
    if report.pdf_available():
        auth.download_button(
            labels.SV_PAGE_BULLETIN_PDF,
            lambda: documents.pdf_bytes(paper()) or b"",
            f"{stem}.pdf",
            key="sv_bulletin_pdf",
            mime="application/pdf",
            container=right,
            icon=":material/picture_as_pdf:",
        )


# ---------------------------------------------------------------- raising items


def _overdue_lines(view: filters.View, user: access.User, department: str, what: str) -> list[dict]:
    """The lines an item for this department would get from the sidebar period's overdue list (unmasked keys)."""
    scope = user.combine(Scope(county=view.county, department=department))
    if access.is_empty(scope):
        return []
    with _connection() as con:
        config = settings.read_settings(con)
        frame = queries.overdue(con, view.period, what, scope, masked=False, config=config)
    return raising.lines_from_overdue(frame, what, config.overdue_days)


def _source_whats(source: str) -> tuple[str, ...]:
    return {"overdue_contacts": ("contacts",), "overdue_issues": ("issues",)}.get(source, ("contacts", "issues"))


def raise_panel(user: access.User, view: filters.View, departments: list[str], sources: list[str], key: str) -> None:
    """Choose departments (or the one given), what to hand over, cadres, level and time limit; one item each."""
    fixed = len(departments) == 1
    if fixed:
        chosen = departments
    else:
        chosen = st.multiselect(
            labels.SV_PAGE_RAISE_DEPARTMENTS,
            departments,
            key=f"{key}_departments",
            placeholder=labels.SV_PAGE_RAISE_DEPARTMENTS_HINT,
        )
    source = st.radio(
        labels.SV_FIELD_SOURCE, sources, format_func=labels.SV_SOURCE_LABELS.get, horizontal=True, key=f"{key}_source"
    )
    if not chosen:
        st.caption(labels.SV_PAGE_RAISE_PICK)
        return
    found = {
        d: [line for what in _source_whats(source) for line in _overdue_lines(view, user, d, what)] for d in chosen
    }
    cadres = sorted({line["cadre_name"] for lines in found.values() for line in lines if line.get("cadre_name")})
    picked = st.multiselect(
        labels.SV_PAGE_RAISE_CADRES, cadres, key=f"{key}_cadres", placeholder=labels.SV_PAGE_RAISE_CADRES_HINT
    )
    if picked:
        found = {d: [line for line in lines if line.get("cadre_name") in picked] for d, lines in found.items()}
    left, right = st.columns(2)
    level = left.selectbox(labels.SV_FIELD_LEVEL, rules.LEVELS, key=f"{key}_level")
    days = right.number_input(
        labels.SV_FIELD_DAYS, min_value=1, max_value=60, value=rules.DEFAULT_DAYS, step=1, key=f"{key}_days"
    )
    limit = workdays.add_working_days(view.today, int(days))
    st.caption(labels.SV_PAGE_RAISE_DUE.format(due=limit.value.isoformat(), days=int(days)))
    if limit.estimated:
        st.warning(labels.SV_DUE_ESTIMATED)
    texts = {}
    for department, lines in found.items():
        if not lines:
            st.caption(labels.SV_PAGE_RAISE_NOTHING.format(department=escape.md(department)))
            continue
        state_key = f"{key}_req_{department}_{source}_{'|'.join(picked)}_{int(days)}"
        texts[department] = st.text_area(
            labels.SV_PAGE_RAISE_REQUIREMENT.format(department=escape.md(department), count=len(lines)),
            value=raising.requirement_text(department, lines, limit.value),
            height=180,
            key=state_key,
            max_chars=rules.MAX_TEXT,
        )
    if not texts:
        return
    if st.button(labels.SV_PAGE_RAISE_BUTTON.format(count=len(texts)), type="primary", key=f"{key}_raise"):
        raised, errors = [], []
        with _connection() as con:
            for department, text in texts.items():
                try:
                    item = items.raise_item(
                        con,
                        user,
                        department=department,
                        source=source,
                        lines=found[department],
                        today=view.today,
                        requirement=text,
                        level=level,
                        days=int(days),
                        period=view.period.text,
                    )
                    raised.append(item.number_text)
                except rules.SupervisionError as exc:
                    errors.append(str(exc))
        _open_count.clear()
        if raised:
            st.session_state[FLASH_KEY] = ("ok", labels.SV_PAGE_RAISED.format(numbers="、".join(raised)))
        if errors:
            st.session_state[FLASH_KEY] = ("error", "；".join(errors))
        st.rerun()


def hand_raise_panel(user: access.User, view: filters.View) -> None:
    """An item written by hand (来源 其他): a department, lines in words, a requirement."""
    with _connection() as con:
        known = items.departments(con, user.county if user.role == "county" else None)
    department = st.selectbox(
        labels.SV_FIELD_DEPARTMENT,
        known,
        index=None,
        key="sv_hand_department",
        placeholder=labels.SV_PAGE_HAND_DEPARTMENT_HINT,
    )
    text_lines = st.text_area(labels.SV_FIELD_LINES, key="sv_hand_lines", max_chars=rules.MAX_TEXT)
    requirement = st.text_area(labels.SV_FIELD_REQUIREMENT, key="sv_hand_requirement", max_chars=rules.MAX_TEXT)
    left, right = st.columns(2)
    level = left.selectbox(labels.SV_FIELD_LEVEL, rules.LEVELS, key="sv_hand_level")
    days = right.number_input(
        labels.SV_FIELD_DAYS, min_value=1, max_value=60, value=rules.DEFAULT_DAYS, step=1, key="sv_hand_days"
    )
    if st.button(labels.SV_PAGE_HAND_BUTTON, key="sv_hand_raise", type="primary"):
        try:
            lines = [raising.text_line(t) for t in text_lines.splitlines() if t.strip()]
            if department is None:
                raise rules.SupervisionError(labels.SV_PAGE_HAND_DEPARTMENT_HINT)
            with _connection() as con:
                item = items.raise_item(
                    con,
                    user,
                    department=department,
                    source="other",
                    lines=lines,
                    today=view.today,
                    requirement=requirement or None,
                    level=level,
                    days=int(days),
                )
            st.session_state[FLASH_KEY] = ("ok", labels.SV_PAGE_RAISED.format(numbers=item.number_text))
        except rules.SupervisionError as exc:
            st.session_state[FLASH_KEY] = ("error", str(exc))
        _open_count.clear()
        st.rerun()


# ---------------------------------------------------------------- the sections other pages show


def department_section(view: filters.View, department: str, behind: bool) -> None:
    """单位 page: the department's 督办落实情况 in the period, its open items, and (for an office) raising one."""
    user = auth.require_user()
    st.subheader(labels.SV_DEPARTMENT_HEADING.format(department=escape.md(department)))
    flash()
    frame = figures_table(user, view, department)
    if frame.empty:
        st.caption(labels.SV_DEPARTMENT_NONE.format(period=periods.period_label(view.period)))
    else:
        period = periods.period_label(view.period)
        st.caption(labels.SV_DEPARTMENT_NOTE.format(period=period, as_of=view.today.isoformat()))
        show_figures(
            frame,
            key=f"sv_department_figures_{department}",
            file_name=labels.SV_DEPARTMENT_FILE.format(department=department),
        )
    scope = user.combine(Scope(county=view.county, department=department))
    if not access.is_empty(scope):
        with _connection() as con:
            open_items = [i for i in items.list_items(con, scope, view.today) if i.is_open]
        if open_items:
            st.page_link(
                "app_pages/supervision.py",
                label=labels.SV_DEPARTMENT_OPEN.format(count=len(open_items)),
                icon=":material/assignment_late:",
                query_params={"svdept": department},
            )
    if rules.may_raise(user):
        sources = ["overdue_contacts", "overdue_issues", *(["behind"] if behind else [])]
        with st.expander(labels.SV_DEPARTMENT_RAISE.format(department=escape.md(department))):
            raise_panel(user, view, [department], sources, key=f"sv_dept_{department}")


def reminders_section(view: filters.View, departments: list[str]) -> None:
    """督办提醒 page: hand the overdue lists of chosen departments over as 督办事项 (one item per department)."""
    user = auth.require_user()
    if not rules.may_raise(user) or not departments:
        return
    flash()
    with st.expander(labels.SV_REMINDERS_RAISE, icon=":material/assignment_add:"):
        st.caption(labels.SV_REMINDERS_RAISE_NOTE)
        raise_panel(user, view, departments, ["overdue_contacts", "overdue_issues"], key="sv_reminders")
