"""Tables as the office reads them: Chinese headers, percentages, and an Excel download under each.

The grid's own CSV download is switched off (client.disableDataExport in .streamlit/config.toml):
it never reaches the server, so nobody would know who took which rows, and it does not defuse
formulas. Every table the office may want to take away is drawn here, with the audited, masked and
neutralised .xlsx below it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from app_ui import auth, escape, filters
from pipeline import export, labels, periods, queries

# the columns that name the row: the first of them on a wide table stays in sight while the rest scroll
NAME_COLUMNS = (
    "county",
    "township",
    "department",
    "cadre",
    "cadre_name",
    "beneficiary_name",
    "name",
    "unit",
    "issue_no",
    "month",
)
WIDE_TABLE = 6  # columns from which a table scrolls sideways at 1280 px
LONG_TEXT_COLUMNS = ("behind_reason", "description", "summary", "reason", "detail")  # read in full on hover
LONG_TEXT_WIDTH = "large"
SHOWN_ROWS = 200  # rows of a long table drawn on screen (show_long_table); its download holds every row
MAX_SEARCH = 50


def pinned_column(frame: pd.DataFrame) -> str | None:
    """The name column kept in sight on a wide table (None on a narrow one)."""
    if len(frame.columns) < WIDE_TABLE:
        return None
    return next((str(c) for c in frame.columns if str(c) in NAME_COLUMNS), None)


def _percent(value) -> str:
    return labels.NO_VALUE if value is None or value != value else f"{value:.1%}"


def column_config(
    frame: pd.DataFrame,
    styled: bool = False,
    headers: dict[str, str] | None = None,
    fractions: tuple[str, ...] = queries.RATE_COLUMNS,
) -> dict:
    """Chinese header and number format per column (rates as 55.0%), the name column pinned on a wide table."""
    names = {**export.display_labels(), **(headers or {})}
    pinned = pinned_column(frame)
    config = {}
    for column in frame.columns:
        label = names.get(str(column), str(column))
        pin = True if column == pinned else None
        if column in fractions and styled:  # a format here would override the Styler's 55.0%
            config[column] = st.column_config.NumberColumn(label, pinned=pin)
        elif column in fractions:  # the score, averages and the median are not percentages
            config[column] = st.column_config.NumberColumn(label, format="percent", pinned=pin)
        elif column == "score":
            config[column] = st.column_config.NumberColumn(label, format="%.1f", pinned=pin)
        elif column == "contacts_per_pair_month":
            config[column] = st.column_config.NumberColumn(label, format="%.2f", pinned=pin)
        elif column in LONG_TEXT_COLUMNS:  # a long reason: a wide column, the whole text on hover
            config[column] = st.column_config.TextColumn(label, width=LONG_TEXT_WIDTH, help=label, pinned=pin)
        else:
            config[column] = st.column_config.Column(label, pinned=pin)
    return config


def _view_heading(file_name: str, period, scope: str | None) -> str | None:
    """The download's title row: the table, its period and its scope (the sidebar's view unless given)."""
    view = st.session_state.get(filters.VIEW_KEY)
    if period is None and view is not None:
        period = view.period
    if scope is None and view is not None:
        scope = view.county or view.department or labels.CITY_LABEL
        if view.county and view.department:
            scope = labels.DRILL_SCOPE_BOTH.format(county=view.county, department=view.department)
    if period is None:
        return None
    return export.heading_text(file_name, periods.period_label(period), scope or labels.CITY_LABEL)


def show_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    selectable: bool = False,
    height: int | str = "auto",
    styler=None,
    masked: bool = True,
    headers: dict[str, str] | None = None,
    config: dict | None = None,
    fractions: tuple[str, ...] = queries.RATE_COLUMNS,
    period=None,
    scope: str | None = None,
    download: pd.DataFrame | None = None,
):
    """Draw a table with an .xlsx download; with selectable=True, return the selected row position (or None).

    `masked` says whether the frame's identifiers are masked; it is written with the export's audit record.
    `headers` names columns the shared labels do not know (on screen and in the file), `config` replaces
    the screen's column settings of some columns, `fractions` are the columns the file shows as 55.0%.
    The file's first row names the table, its period and its scope (`period` and `scope`, by default the
    sidebar's view). Empty cells show as "—" (a Styler's own texts do the same). `download` is the file's rows
    when the screen shows only some of them (show_long_table).
    """
    rows = frame if download is None else download
    heading = _view_heading(file_name, period, scope)
    percents = [c for c in frame.columns if c in fractions]
    # pandas styles at most styler.render.max_elements cells (262,144: the people of a county of 20,000 pass it)
    # and refuses more: a larger table is drawn plain, its rates still as 55.0% through the column settings
    too_many = frame.size > pd.get_option("styler.render.max_elements")
    if too_many:
        if styler is not None:
            st.caption(labels.TABLE_TOO_LARGE_TO_COLOUR.format(rows=len(frame)))
        styler = None
    elif styler is None and percents:  # 55.0% on screen as in the file and on the cards
        styler = Styler(frame).format(_percent, subset=percents)  # a cell shows its text only with its id
    shown = frame
    pinned = pinned_column(frame)
    if styler is None and pinned is not None:  # a blank name cell (an issue without a number) reads "—" as others do
        blank = frame[pinned].isna() | frame[pinned].astype(str).str.strip().eq("")
        if blank.any():
            shown = frame.assign(**{pinned: frame[pinned].astype(object).where(~blank, labels.NO_VALUE)})
    # a pandas Styler of `frame` colours cells on screen and writes the rates as 55.0%; the .xlsx stays plain
    event = st.dataframe(
        shown if styler is None else styler,
        placeholder=labels.NO_VALUE,
        hide_index=True,
        column_config={
            **column_config(frame, styled=styler is not None, headers=headers, fractions=fractions),
            **(config or {}),
        },
        key=key,
        on_select="rerun" if selectable else "ignore",
        selection_mode="single-row",
        height=height,
    )
    auth.download_button(
        labels.DOWNLOAD_XLSX,
        lambda: export.frame_workbook(rows, file_name, fractions, headers, heading),  # built on click
        f"{file_name}.xlsx",
        key=f"{key}_download",
        row_count=len(rows),
        masked=masked,
        icon=":material/download:",
    )
    if selectable and event is not None and event.selection.rows:
        return event.selection.rows[0]
    return None


def search_rows(frame: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """The rows with the text (any case, taken literally) in any of their text or date cells; all rows when empty."""
    wanted = (text or "").strip()
    if not wanted or frame.empty:
        return frame
    found = pd.Series(False, index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            found |= values.astype("str").str.contains(wanted, case=False, regex=False, na=False)
    return frame[found]


def show_long_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    style: Callable[[pd.DataFrame], Styler] | None = None,
    shown_rows: int | None = None,
    **options,
) -> None:
    """A table that may run to thousands of rows: its first `shown_rows` (SHOWN_ROWS) rows on screen, styled by
    `style`, a search box above it when it is longer, and every row the search finds in the .xlsx download under it.

    A grid of tens of thousands of rows takes seconds to convert and style and nobody reads it on screen; the
    search and the file are how a long list is used. `options` go to show_table.
    """
    shown_rows = shown_rows or SHOWN_ROWS
    found = frame
    if len(frame) > shown_rows:
        text = st.text_input(
            labels.TABLE_SEARCH,
            key=f"{key}_search",
            placeholder=labels.TABLE_SEARCH_PLACEHOLDER,
            max_chars=MAX_SEARCH,
        )
        found = search_rows(frame, text)
        if found.empty:
            st.info(labels.TABLE_SEARCH_NONE.format(text=escape.md(text.strip()), total=len(frame)))
            return
        if not (text or "").strip():
            template = labels.TABLE_ROWS_SHOWN
        else:
            template = labels.TABLE_ROWS_FOUND_SHOWN if len(found) > shown_rows else labels.TABLE_ROWS_FOUND
        st.caption(template.format(found=len(found), total=len(frame), shown=min(len(found), shown_rows)))
    head = found.head(shown_rows).reset_index(drop=True)
    show_table(head, key=key, file_name=file_name, styler=style(head) if style else None, download=found, **options)
