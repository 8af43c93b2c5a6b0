"""数据导入: templates, several files at once, a preview before import, the import report, the history.

A file is imported once: behind the button, and only if its upload (UploadedFile.file_id) has not
been imported in this session yet. Streamlit reruns the page on every click and every rerun sees
the uploaded files again, so the previews and the reports are kept in the session by file_id.
"""

import functools

import duckdb
import pandas as pd
import streamlit as st

from app_ui import auth, data, escape, page, tables, upload_data
from pipeline import access, db, export, labels, masking, materialized, templates
from pipeline.ingest import load, preview, progress_rules
from pipeline.ingest.rows import KIND_ORDER, ImportReport, RowError
from pipeline.supervision import items as supervision_items

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES = ["xlsx", "xlsm", "xls", "csv", "zip", "gz"]  # a .zip or .gz holds one of the others
PREVIEWS_KEY = "upload_previews"  # file_id -> FilePreview
RESULTS_KEY = "upload_results"  # file_id -> ImportReport of this session's imports
STORED_WARNING_KEY = "upload_stored_warning"  # why the figures could not be stored after the last import
FULL_LIST_KEY = "upload_full_list"  # (file_id, county) -> progress_rules.FullListCheck, read once per choice
ERRORS_SHOWN = 1000  # rows of the error table drawn on the page; the download has them all


def _size_text(size: int) -> str:
    # decimal units, as the uploader itself shows the size of a file
    if size < 1_000_000:
        return labels.FILE_SIZE_KB.format(size=size / 1000)
    return labels.FILE_SIZE_MB.format(size=size / 1_000_000)


def _kinds_text(kinds) -> str:
    return "、".join(labels.KIND_LABELS[k] for k in kinds) or labels.KIND_UNRECOGNISED


def _templates(first_time: bool) -> None:
    with st.expander(labels.UPLOAD_TEMPLATES_HEADER, expanded=first_time, icon=":material/description:"):
        st.caption(labels.UPLOAD_TEMPLATES_HELP)
        for column, kind in zip(st.columns(len(KIND_ORDER)), KIND_ORDER, strict=True):
            column.download_button(
                labels.UPLOAD_TEMPLATE_BUTTON.format(kind=labels.KIND_LABELS[kind]),
                data=functools.partial(templates.template_bytes, kind),  # built on click
                file_name=templates.template_filename(kind),
                mime=XLSX_MIME,
                key=f"template_{kind}",
                icon=":material/download:",
                on_click="ignore",
            )


def _previews(files) -> dict[str, preview.FilePreview]:
    """The preview of every uploaded file, read once per upload."""
    store = st.session_state.setdefault(PREVIEWS_KEY, {})
    for file in files:
        if file.file_id not in store:
            with st.spinner(labels.UPLOAD_READING.format(file=escape.md(file.name))):
                store[file.file_id] = preview.preview_bytes(file.getvalue(), file.name, today=data.today())
    current = {file.file_id for file in files}
    for key in [k for k in store if k not in current]:  # forget files taken off the list
        del store[key]
    return store


def _show_preview(file, found: preview.FilePreview, imported: bool) -> None:
    title = labels.UPLOAD_FILE_TITLE.format(file=escape.md(file.name), size=_size_text(found.size))
    title += "　" + labels.UPLOAD_FILE_KINDS.format(kinds=_kinds_text(found.kinds))
    with st.expander(title, expanded=not imported, icon=":material/table_view:"):
        if found.error:
            st.error(labels.UPLOAD_CANNOT_IMPORT.format(message=escape.md(masking.mask_text(found.error))))
        elif imported:
            st.info(labels.UPLOAD_ALREADY_IMPORTED)
        for sheet in found.sheets:
            if sheet.kind is None:
                st.caption(labels.UPLOAD_SHEET_UNRECOGNISED.format(sheet=escape.md(sheet.sheet)))
                continue
            st.markdown(
                "**"
                + labels.UPLOAD_SHEET_TITLE.format(
                    sheet=escape.md(sheet.sheet),
                    kind=labels.KIND_LABELS[sheet.kind],
                    row=sheet.header_row,
                    rows=f"{sheet.data_rows:,}",
                )
                + "**"
            )
            names = [
                label
                if written == label
                else labels.UPLOAD_COLUMN_RENAMED.format(written=escape.md(written), label=label)
                for written, label in sheet.columns
            ]
            st.caption(labels.UPLOAD_COLUMNS_RECOGNISED.format(columns="、".join(names)))
            if sheet.unknown:
                st.caption(labels.UPLOAD_COLUMNS_UNKNOWN.format(columns="、".join(escape.md(c) for c in sheet.unknown)))
            if sheet.missing:
                st.warning(labels.UPLOAD_COLUMNS_MISSING.format(columns="、".join(sheet.missing)))
            st.dataframe(
                sheet.sample,
                hide_index=True,
                key=f"sample_{file.file_id}_{sheet.sheet}",
                # long reasons would push the columns out of sight: the full text shows on hover
                column_config={labels.UPLOAD_SAMPLE_PROBLEMS: st.column_config.TextColumn(width="medium")},
            )
        if any(sheet.kind for sheet in found.sheets):
            st.caption(labels.UPLOAD_SAMPLE_CAPTION.format(n=preview.SAMPLE_ROWS))


def _import(
    pending,
    previews,
    all_or_nothing: bool,
    allow_reopen: bool = False,
    full_list: progress_rules.FullList | None = None,
) -> None:
    """Import the files in order (rosters first), one status box each; reports go to the session.

    A 县区 account's files may only touch beneficiaries of its county (the import rejects other rows);
    each file imported gives one audit record (and the import itself audits reopenings and the exits of
    a confirmed complete list).
    """
    user = auth.require(lambda u: u.may_import)
    county = user.county if user.role == "county" else None
    results = st.session_state.setdefault(RESULTS_KEY, {})
    total = len(pending)
    bar = st.progress(0.0, text=labels.UPLOAD_PROGRESS.format(index=1, total=total, file=escape.md(pending[0].name)))
    try:
        con = db.connect(data.database_path(), external_access=False)
    except db.DatabaseBusy:
        bar.empty()
        st.warning(labels.UPLOAD_DB_BUSY)
        return
    try:
        for index, file in enumerate(pending, start=1):
            bar.progress(
                (index - 1) / total,
                text=labels.UPLOAD_PROGRESS.format(index=index, total=total, file=escape.md(file.name)),
            )
            rows = f"{previews[file.file_id].data_rows:,}"
            with st.status(labels.UPLOAD_STATUS_RUNNING.format(file=escape.md(file.name), rows=rows)) as box:
                st.write(labels.UPLOAD_STATUS_STEP)
                step = st.progress(0.0, text=labels.UPLOAD_STEP_READING.format(file=escape.md(file.name)))
                report = load.import_bytes(
                    con,
                    file.getvalue(),
                    file.name,
                    all_or_nothing=all_or_nothing,
                    user=user.name,
                    today=data.today(),
                    county=county,
                    allow_reopen=allow_reopen,
                    full_list=full_list,
                    progress=functools.partial(_show_step, step),
                )
                results[file.file_id] = report
                access.log_action(con, user, "import", _audit_detail(report), report.inserted + report.updated)
                if report.status == "ok":
                    box.update(label=labels.UPLOAD_STATUS_DONE.format(file=escape.md(file.name)), state="complete")
                elif report.status == "already_imported":
                    box.update(label=labels.UPLOAD_STATUS_ALREADY.format(file=escape.md(file.name)), state="complete")
                elif report.status == "rolled_back":
                    box.update(label=labels.UPLOAD_STATUS_ROLLED_BACK.format(file=escape.md(file.name)), state="error")
                else:
                    box.update(label=labels.UPLOAD_STATUS_FAILED.format(file=escape.md(file.name)), state="error")
        if any(results[file.file_id].batch_id is not None for file in pending):
            # the figures of the common periods are stored for the pages; a failure only costs their speed
            with st.spinner(labels.UPLOAD_STORING):
                stored, message = materialized.refresh_after_change(con, data.today())
            supervision_items.mark_ready_after_import(con, data.today(), user.name)  # 督办事项 done on evidence
            if stored is None:
                st.session_state[STORED_WARNING_KEY] = message
        bar.progress(1.0, text=labels.UPLOAD_PROGRESS_DONE.format(total=total))
    except duckdb.TransactionException:
        # another session of the app wrote the same rows at the same moment: this file was rolled back
        st.warning(labels.UPLOAD_DB_BUSY)
        return
    finally:
        con.close()
        data.clear_caches()
    st.rerun()  # the sidebar's data version and every page's figures now include the new rows


# How far an import is when each of its steps begins (import_bytes reports steps, not bytes: it has the file whole).
_STEP_SHARE = {"read": 0.05, "write": 0.6, "done": 1.0}


def _show_step(bar, step) -> None:
    """The progress of one file's import (a stream.ImportProgress) on its bar."""
    if step.stage == "read":
        text = labels.UPLOAD_STEP_READING.format(file=step.file)
    elif step.stage == "write":
        text = labels.UPLOAD_STEP_WRITING.format(file=step.file, rows=step.rows)
    else:
        text = labels.UPLOAD_STEP_DONE.format(file=step.file)
    bar.progress(_STEP_SHARE.get(step.stage, 0.0), text=text)


def _audit_detail(report: ImportReport) -> str:
    return labels.AUDIT_DETAIL_IMPORT.format(
        file=report.file,
        status=labels.UPLOAD_AUDIT_STATUS[report.status],
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
    )


def _show_report(file_id: str, report: ImportReport) -> None:
    with st.container(border=True):
        kinds = report.kind.split(",") if report.kind else []
        st.markdown(f"**{labels.UPLOAD_RESULT_TITLE.format(file=escape.md(report.file))}**　{_kinds_text(kinds)}")
        if report.status in ("failed", "needs_confirmation"):
            st.error(escape.md(masking.mask_text(report.message)))
            return
        if report.status == "already_imported":
            st.info(escape.md(report.message))
        elif report.status == "rolled_back":
            st.error(escape.md(report.message))
        elif report.rejected:
            st.warning(labels.UPLOAD_RESULT_PARTIAL.format(batch=report.batch_id, rejected=report.rejected))
        else:
            st.success(labels.UPLOAD_RESULT_OK.format(batch=report.batch_id))
        if report.held_back:
            st.warning(labels.UPLOAD_RESULT_HELD_BACK.format(n=f"{report.held_back:,}"))
        summary = report.summary(max_errors=0)
        for column, (name, label) in zip(
            st.columns(len(labels.COUNT_LABELS)), labels.COUNT_LABELS.items(), strict=True
        ):
            column.metric(label, f"{summary[name]:,}")
        for note in report.notes:
            st.caption(escape.md(masking.mask_text(note)))
        if not report.errors:
            return
        rejected = [e for e in report.errors if not e.held_back]
        held = [e for e in report.errors if e.held_back]
        for errors, header, key in (
            (rejected, labels.UPLOAD_ERRORS_HEADER, f"errors_{file_id}"),
            (held, labels.UPLOAD_HELD_BACK_HEADER, f"held_back_{file_id}"),
        ):
            if errors:
                _error_table(errors, header, key)
        # the rows as the office wrote them (full ID numbers): its own file handed back, audited all the same
        auth.download_button(
            labels.UPLOAD_DOWNLOAD_REJECTED,
            functools.partial(export.rejected_workbook, report.errors),  # built on click
            labels.UPLOAD_REJECTED_FILENAME.format(file=report.file.rsplit(".", 1)[0]),
            key=f"rejected_{file_id}",
            row_count=len(report.errors),
            masked=False,
            icon=":material/download:",
        )


def _error_table(errors: list[RowError], header: str, key: str) -> None:
    st.markdown(header.format(n=f"{len(errors):,}"))
    shown = errors[:ERRORS_SHOWN]
    table = pd.DataFrame(
        {
            labels.ERROR_SHEET_COLUMN: [e.sheet for e in shown],
            labels.ERROR_ROW_COLUMN: [e.row for e in shown],
            labels.ERROR_COLUMN_COLUMN: [e.column for e in shown],
            labels.ERROR_REASON_COLUMN: [masking.mask_text(e.reason) for e in shown],
        }
    )
    st.dataframe(table, hide_index=True, key=key)
    if len(errors) > ERRORS_SHOWN:
        st.caption(labels.UPLOAD_ERRORS_TRUNCATED.format(shown=ERRORS_SHOWN))


def _full_list_choice(user: access.User, pending, previews) -> tuple[progress_rules.FullList | None, bool, bool]:
    """The checkbox 这是本县区的完整名单 and, when ticked, the people missing from the file, listed first.

    Returns (the complete list to import with: confirmed, limited to the people shown; whether the plain
    import button may be used, not while missing people wait for the confirm button below their list;
    whether that confirm button was clicked).
    """
    if not st.checkbox(labels.UPLOAD_FULL_LIST, key="full_list", help=labels.UPLOAD_FULL_LIST_HELP):
        return None, True, False
    if user.role == "county":
        county = user.county
        st.caption(labels.UPLOAD_FULL_LIST_OWN_COUNTY.format(county=county))
    else:
        counties = data.filter_options(version)["county"] if status else []
        if not counties:
            st.warning(labels.UPLOAD_FULL_LIST_NO_COUNTY)
            return None, False, False
        county = st.selectbox(labels.UPLOAD_FULL_LIST_COUNTY, counties, key="full_list_county")
    rosters = [f for f in pending if "roster" in previews[f.file_id].kinds]
    if len(pending) != 1 or len(rosters) != 1:
        st.warning(labels.UPLOAD_FULL_LIST_ONE_FILE)
        return None, False, False
    file = rosters[0]
    store = st.session_state.setdefault(FULL_LIST_KEY, {})
    if (file.file_id, county) not in store:
        with st.spinner(labels.UPLOAD_FULL_LIST_CHECKING), data.connection() as con:
            store[(file.file_id, county)] = progress_rules.check_full_list(
                con, file.getvalue(), file.name, progress_rules.FullList(county), today=data.today()
            )
    check = store[(file.file_id, county)]
    if check.error:
        st.error(masking.mask_text(check.error))
        return None, False, False
    seen = frozenset(person["id_number"] for person in check.missing)
    full_list = progress_rules.FullList(county, confirmed=True, only=seen)
    if not check.missing:
        st.success(labels.MSG_FULL_LIST_NONE_MISSING.format(county=county))
        return full_list, True, False
    st.warning(labels.UPLOAD_FULL_LIST_MISSING.format(county=county, count=len(check.missing), exit_on=check.exit_on))
    people = pd.DataFrame(check.summary()["people"], columns=list(labels.UPLOAD_FULL_LIST_COLUMNS))
    st.dataframe(people.rename(columns=labels.UPLOAD_FULL_LIST_COLUMNS), hide_index=True, key="full_list_people")
    label = labels.UPLOAD_FULL_LIST_CONFIRM.format(n=len(check.missing))
    clicked = st.button(label, type="primary", key="full_list_confirm", icon=":material/how_to_reg:")
    return full_list, False, clicked


def _history(version, user: access.User) -> None:
    st.subheader(labels.UPLOAD_HISTORY_HEADER)
    history = upload_data.import_history(version)
    if not user.may_inspect_imports:  # a county office sees its own imports: others' files hold other counties
        history = history[history["user_name"] == user.name].reset_index(drop=True)
    if history.empty:
        st.caption(labels.UPLOAD_HISTORY_EMPTY)
        return
    shown = history.assign(kind=[_kinds_text(k.split(",") if k else []) for k in history["kind"]])
    st.caption(labels.UPLOAD_HISTORY_SELECT)
    selected = tables.show_table(
        shown.rename(columns=labels.UPLOAD_HISTORY_COLUMNS),
        key="upload_history",
        file_name=labels.UPLOAD_HISTORY_TITLE,
        selectable=True,
    )
    if selected is None:
        return
    batch = history.iloc[selected]
    batch_id = int(batch["batch_id"])
    if not batch["rejected"] and not batch["held_back"]:
        st.caption(labels.UPLOAD_HISTORY_NO_REJECTS.format(batch=batch_id))
        return
    # the uploader gets his own file back as written; another office's rows are masked unless the account may
    # see full identifiers
    masked = not (user.may_unmask or batch["user_name"] == user.name)
    kinds = tuple(batch["kind"].split(",")) if batch["kind"] else ()  # which columns hold phones
    auth.download_button(
        labels.UPLOAD_HISTORY_DOWNLOAD.format(batch=batch_id),
        functools.partial(upload_data.batch_rejections_workbook, version, batch_id, masked, kinds),
        labels.UPLOAD_HISTORY_FILENAME.format(batch=batch_id, file=batch["file_name"].rsplit(".", 1)[0]),
        key="history_rejected",
        row_count=int(batch["rejected"]) + int(batch["held_back"]),
        masked=masked,
        icon=":material/download:",
    )


view = page.start("upload", needs_data=False, allowed=lambda user: user.may_import)
user = auth.require_user()
version = data.data_version()
status = data.data_status(version)
_templates(first_time=not status or not status["last_batch_id"])

st.subheader(labels.UPLOAD_FILES_HEADER)
files = (
    st.file_uploader(
        labels.UPLOAD_FILES_LABEL,
        type=FILE_TYPES,
        accept_multiple_files=True,
        key="upload_files",
        help=labels.UPLOAD_FILES_HELP,
    )
    or []
)
st.caption(labels.UPLOAD_FILES_HINT)  # the uploader's own button and size note are in English
results = st.session_state.setdefault(RESULTS_KEY, {})
for file_id in [k for k in results if k not in {f.file_id for f in files}]:
    del results[file_id]  # a file taken off the list takes its report with it (the history keeps it)

if files:
    previews = _previews(files)
    # rosters first: the people of a contact log or an issue ledger must be in the roster already
    ordered = sorted(files, key=lambda f: previews[f.file_id].import_order)
    st.subheader(labels.UPLOAD_PREVIEW_HEADER)
    if len({previews[f.file_id].import_order for f in files}) > 1:
        st.caption(labels.UPLOAD_ORDER_NOTE)
    for file in ordered:
        _show_preview(file, previews[file.file_id], file.file_id in results)
    pending = [f for f in ordered if f.file_id not in results and previews[f.file_id].importable]
    all_or_nothing = st.checkbox(
        labels.UPLOAD_ALL_OR_NOTHING, key="all_or_nothing", help=labels.UPLOAD_ALL_OR_NOTHING_HELP
    )
    allow_reopen = st.checkbox(labels.UPLOAD_ALLOW_REOPEN, key="allow_reopen", help=labels.UPLOAD_ALLOW_REOPEN_HELP)
    full_list, plain, confirmed = _full_list_choice(user, pending, previews) if pending else (None, True, False)
    label = labels.UPLOAD_BUTTON_COUNT.format(n=len(pending)) if pending else labels.UPLOAD_BUTTON
    clicked = st.button(
        label, type="primary", disabled=not pending or not plain, key="upload_start", icon=":material/upload:"
    )
    if clicked or confirmed:
        _import(pending, previews, all_or_nothing, allow_reopen, full_list)

    shown = [(f.file_id, results[f.file_id]) for f in ordered if f.file_id in results]
    if shown:
        st.subheader(labels.UPLOAD_RESULTS_HEADER)
        if STORED_WARNING_KEY in st.session_state:
            st.warning(st.session_state.pop(STORED_WARNING_KEY))
        for file_id, report in shown:
            _show_report(file_id, report)

_history(version, user)
