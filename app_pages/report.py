"""季度调度 / 月报 / 年度总结: the report of a quarter, month or year to download, its snapshots (封存), and whether
reminders worked. The page is titled by the report type chosen on it."""

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from app_ui import auth, data, escape, filters, kpi, page, report_data, tables
from pipeline import labels, periods, queries, report, snapshots

RATE_CARDS = report.HEADLINE_RATES
COUNT_CARDS = ("overdue_contact", "issues_overdue")
DEPARTMENT_COLUMNS = [
    "rank",
    "rank_change",
    "department",
    "paired",
    "contact_rate",
    "on_standard_rate",
    "home_visit_rate",
    "resolution_rate",
    "satisfaction_rate",
    "overdue_contact",
    "issues_overdue",
    "score",
]
RATE_LIKE = (*queries.RATE_COLUMNS, "contact_follow_rate", "issue_close_rate")


def column_config(frame: pd.DataFrame) -> dict:
    """Chinese headers; rates (already × 100) as 55.0%, the score with one decimal."""
    names = report.column_labels()
    config = {}
    for column in frame.columns:
        label = names.get(str(column), str(column))
        if column in RATE_LIKE:
            config[column] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif column == "score":
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            config[column] = st.column_config.Column(label)
    return config


def table(frame: pd.DataFrame, key: str, file_name: str) -> None:
    """A read-only table with Chinese headers, rates as 55.0%, and its Excel download."""
    rates = [column for column in frame.columns if column in RATE_LIKE]
    styler = Styler(frame).format(kpi.rate_text, subset=rates)  # (Streamlit shows the texts of cells with ids)
    tables.show_table(
        frame, key=key, file_name=file_name, styler=styler, headers=labels.REPORT_COLUMN_LABELS, fractions=RATE_LIKE
    )


def downloads(top: report.Headline, report_view: filters.View, key: str) -> None:
    """The .xlsx, HTML and PDF of a report: the whole report and each file are made only when a button is clicked."""
    stem = report.file_stem(top)

    def made() -> report.ReportData:  # on the data as they are when the button is clicked
        return report_data.report_data(data.data_version(), report_view)

    xlsx_column, html_column, pdf_column = st.columns(3)
    auth.download_button(
        labels.REPORT_PAGE_DOWNLOAD_XLSX,
        lambda: report.report_workbook(made()),
        f"{stem}.xlsx",
        key=f"{key}_xlsx",
        icon=":material/table_view:",
        container=xlsx_column,
    )
    auth.download_button(
        labels.REPORT_PAGE_DOWNLOAD_HTML,
        lambda: report.report_html(made()).encode("utf-8"),
        f"{stem}.html",
        key=f"{key}_html",
        mime="text/html",
        icon=":material/html:",
        container=html_column,
    )
    if report.pdf_available():
        auth.download_button(
            labels.REPORT_PAGE_DOWNLOAD_PDF,
            lambda: report.report_pdf(report.report_html(made())) or b"",
            f"{stem}.pdf",
            key=f"{key}_pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            container=pdf_column,
        )
    else:
        pdf_column.caption(labels.REPORT_PAGE_NO_PDF)


def default_kind(view: filters.View) -> str:
    """The report type the page opens on: the sidebar's kind of period (a date range: the quarter)."""
    return view.period.kind if view.period.kind in report_data.REPORT_KINDS else "quarter"


def chosen_kind(view: filters.View) -> str:
    """The report type as chosen on the page (its widget's value is known before the widget is drawn)."""
    return st.session_state.get("report_kind") or default_kind(view)


view = page.start("report", title_for=lambda v: labels.REPORT_KIND_LABELS[chosen_kind(v)])
version = data.data_version()
options = data.filter_options(version, view.county, view.department)
st.caption(labels.REPORT_PAGE_SCOPE.format(scope=escape.md(view.scope.label)))

kind_column, period_column = st.columns([2, 3], vertical_alignment="bottom")
with kind_column:
    kind = st.segmented_control(
        labels.REPORT_PAGE_KIND,
        report_data.REPORT_KINDS,
        default=default_kind(view),
        format_func=labels.REPORT_KIND_LABELS.get,
        required=True,
        key="report_kind",
    )
with period_column:
    choices = report_data.period_options(kind, options["first_month"], view.today)
    wanted = report_data.default_period(kind, view.period)
    period_text = st.selectbox(
        labels.REPORT_PAGE_PERIOD,
        choices,
        index=choices.index(wanted) if wanted in choices else 0,
        format_func=lambda text: periods.parse_period(text, view.today).label,
        key=f"report_period_{kind}",
    )

report_view = view.for_period(periods.parse_period(period_text, view.today))  # the report's period, parsed once
top = report_data.report_headline(version, report_view)  # the page shows the report's top; its files hold the rest
summary = top.summary.set_index("metric")
if not summary.at["beneficiaries", "current"]:
    st.info(labels.STATUS_NO_ROWS)
    st.stop()

st.subheader(escape.md(top.title))
st.caption(escape.md(top.subtitle))
cards = st.columns(4)
for index, metric in enumerate(RATE_CARDS):
    kpi.rate_card(
        cards[index % 4],
        labels.METRIC_LABELS[metric],
        summary.at[metric, "current"],
        summary.at[metric, "change"],
        top.config,
    )
for index, metric in enumerate(COUNT_CARDS, start=len(RATE_CARDS)):
    kpi.count_card(
        cards[index % 4], labels.METRIC_LABELS[metric], summary.at[metric, "current"], summary.at[metric, "change"]
    )

st.subheader(labels.REPORT_PAGE_SUMMARY)
st.markdown("\n".join(f"- {escape.md(sentence)}" for sentence in top.sentences))

st.subheader(labels.REPORT_PAGE_DOWNLOADS)
downloads(top, report_view, "report")
st.caption(labels.REPORT_PAGE_DOWNLOAD_NOTE)

ranking_tab, behind_tab, reminder_tab = st.tabs(
    [labels.REPORT_PAGE_DEPARTMENTS, labels.REPORT_PAGE_BEHIND, labels.REPORT_PAGE_REMINDERS]
)
with ranking_tab:
    shown_columns = DEPARTMENT_COLUMNS
    if len(top.departments) == 1:  # a department's own report would rank it 1st of 1
        st.caption(labels.REPORT_PAGE_ONE_DEPARTMENT)
        shown_columns = [column for column in DEPARTMENT_COLUMNS if column not in ("rank", "rank_change")]
    table(top.departments[shown_columns], "report_departments", f"{labels.REPORT_PAGE_DEPARTMENTS}_{period_text}")
with behind_tab:
    table(top.behind, "report_behind", f"{labels.REPORT_PAGE_BEHIND}_{period_text}")
with reminder_tab:
    reminded = snapshots.reminder_period(top.period)
    previous_end = labels.REPORT_PREVIOUS_END_NAMES.get(top.kind, labels.REPORT_PREVIOUS_END_NAMES["range"])
    effect = top.reminders
    if effect.empty:
        st.info(
            labels.REPORT_PAGE_NO_REMINDERS.format(
                previous_end=previous_end, reminded_on=report.date_text(reminded.as_of)
            )
        )
    else:
        st.caption(
            labels.REPORT_PAGE_REMINDERS_NOTE.format(
                previous_end=previous_end,
                reminded_on=report.date_text(reminded.as_of),
                as_of=report.date_text(top.period.as_of),
            )
        )
        table(effect, "report_reminders", f"{labels.REPORT_PAGE_REMINDERS}_{period_text}")

st.subheader(labels.REPORT_PAGE_SNAPSHOTS)
st.caption(labels.REPORT_PAGE_SNAPSHOT_HELP)
user = auth.require_user()
if user.may_snapshot:  # the snapshot is made in the signed-in user's name, and audited
    note_column, button_column = st.columns([3, 2], vertical_alignment="bottom")
    note = note_column.text_input(
        labels.REPORT_PAGE_SNAPSHOT_NOTE, key="snapshot_note", placeholder=labels.REPORT_PAGE_SNAPSHOT_NOTE_PLACEHOLDER
    )
    if button_column.button(labels.REPORT_PAGE_SNAPSHOT_CREATE, key="snapshot_create", icon=":material/lock:"):
        created = report_data.create_snapshot(report_view, user, note)
        st.success(
            labels.REPORT_PAGE_SNAPSHOT_DONE.format(
                snapshot_id=created, period=top.period.label, scope=escape.md(view.scope.label)
            )
        )
        version = data.data_version()  # the write moved the data version: the list below includes it

st.markdown(f"**{labels.REPORT_PAGE_SNAPSHOT_LIST}**")
taken = report_data.snapshot_list(version, view.scope)
if taken.empty:
    st.info(labels.REPORT_PAGE_NO_SNAPSHOTS)
    st.stop()
listing = taken.drop(columns=["period"]).rename(columns=labels.SNAPSHOT_COLUMN_LABELS)
tables.show_table(listing, key="snapshot_table", file_name=labels.REPORT_PAGE_SNAPSHOT_LIST)

by_id = {int(row["snapshot_id"]): row for row in taken.to_dict("records")}
chosen = st.selectbox(
    labels.REPORT_PAGE_SNAPSHOT_PICK,
    list(by_id),
    format_func=lambda i: labels.REPORT_PAGE_SNAPSHOT_OPTION.format(
        snapshot_id=i,
        period=by_id[i]["period_label"],
        created_by=by_id[i]["created_by"],
        created_at=f"{by_id[i]['created_at']:%Y-%m-%d %H:%M}",
    ),
    key="snapshot_pick",
)
frozen = report_data.snapshot_header(version, chosen, view.scope)  # its report is made when the file is asked for
auth.download_button(
    labels.REPORT_PAGE_SNAPSHOT_DOWNLOAD,
    lambda: report.report_workbook(report_data.snapshot_report(data.data_version(), chosen, view.scope)),
    f"{report.snapshot_file_stem(frozen)}.xlsx",
    key="snapshot_xlsx",
    icon=":material/download:",
)

st.markdown(f"**{labels.REPORT_PAGE_COMPARE}**")
by = st.selectbox(
    labels.REPORT_PAGE_COMPARE_BY, queries.GROUPINGS, format_func=labels.GROUPING_LABELS.get, key="snapshot_compare_by"
)
differences = report_data.compare(version, chosen, by, view.today, view.scope)
if differences.empty:
    st.success(labels.REPORT_PAGE_COMPARE_SAME.format(grouping=labels.GROUPING_LABELS[by]))
else:
    st.warning(labels.REPORT_PAGE_COMPARE_CHANGED.format(count=len(differences)))
    changed = list(dict.fromkeys(m for names in differences["changed_metrics"] for m in names.split(",") if m))
    shown = differences[[*queries.KEY_COLUMNS[by], "comparison", "changed_metrics"]].copy()
    shown["comparison"] = shown["comparison"].map(labels.SNAPSHOT_COMPARISON_LABELS)
    shown["changed_metrics"] = [
        "、".join(labels.METRIC_LABELS[m] for m in names.split(",") if m) for names in shown["changed_metrics"]
    ]
    config = column_config(shown)
    for metric in changed:
        is_rate = metric in queries.RATE_COLUMNS
        for suffix, words in (
            ("frozen", labels.SNAPSHOT_FROZEN_SUFFIX),
            ("live", labels.SNAPSHOT_LIVE_SUFFIX),
            ("diff", labels.SNAPSHOT_DIFF_POINTS_SUFFIX if is_rate else labels.SNAPSHOT_DIFF_SUFFIX),
        ):
            column = f"{metric}_{suffix}"
            shown[column] = differences[column] * 100 if is_rate else differences[column]
            number = ("%+.1f" if suffix == "diff" else "%.1f%%") if is_rate else None
            config[column] = st.column_config.NumberColumn(labels.METRIC_LABELS[metric] + words, format=number)
    headers = {column: setting["label"] for column, setting in config.items() if setting.get("label")}
    tables.show_table(
        shown,
        key="snapshot_compare",
        file_name=f"{labels.REPORT_PAGE_COMPARE}_{chosen}",
        config=config,
        headers=headers,
        fractions=(),
    )
