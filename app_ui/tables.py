"""Tables as the office reads them: Chinese headers, percentages, and an Excel download under each.

The grid's own CSV download is switched off (client.disableDataExport in .streamlit/config.toml):
it never reaches the server, so nobody would know who took which rows, and it does not defuse
formulas. Every table the office may want to take away is drawn here, with the audited, masked and
neutralised .xlsx below it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import auth
from pipeline import export, labels, queries


def column_config(frame: pd.DataFrame, styled: bool = False, headers: dict[str, str] | None = None) -> dict:
    """Chinese header and number format per column (fractions shown as percentages)."""
    names = {**export.display_labels(), **(headers or {})}
    config = {}
    for column in frame.columns:
        label = names.get(str(column), str(column))
        if column in queries.RATE_COLUMNS and styled:  # a format here would override the Styler's 55.0%
            config[column] = st.column_config.NumberColumn(label)
        elif column in queries.RATE_COLUMNS:  # the score, averages and the median are not percentages
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column == "score":
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        elif column == "contacts_per_pair_month":
            config[column] = st.column_config.NumberColumn(label, format="%.2f")
        else:
            config[column] = st.column_config.Column(label)
    return config


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
):
    """Draw a table with an .xlsx download; with selectable=True, return the selected row position (or None).

    `masked` says whether the frame's identifiers are masked; it is written with the export's audit record.
    `headers` names columns the shared labels do not know (on screen and in the file), `config` replaces
    the screen's column settings of some columns, `fractions` are the columns the file shows as 55.0%.
    """
    # a pandas Styler of `frame` colours cells on screen and writes the rates as 55.0%; the .xlsx stays plain
    event = st.dataframe(
        frame if styler is None else styler,
        hide_index=True,
        column_config={**column_config(frame, styled=styler is not None, headers=headers), **(config or {})},
        key=key,
        on_select="rerun" if selectable else "ignore",
        selection_mode="single-row",
        height=height,
    )
    auth.download_button(
        labels.DOWNLOAD_XLSX,
        lambda: export.frame_workbook(frame, file_name, fractions, headers),  # built on click
        f"{file_name}.xlsx",
        key=f"{key}_download",
        row_count=len(frame),
        masked=masked,
        icon=":material/download:",
    )
    if selectable and event is not None and event.selection.rows:
        return event.selection.rows[0]
    return None
