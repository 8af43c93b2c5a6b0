"""What every page does first: its title, and a plain explanation when there is nothing to show."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import data, filters
from pipeline import labels


def start(page: str, needs_data: bool = True) -> filters.View:
    """Title the page and return the sidebar's view; stop with an explanation when no data is imported."""
    st.title(labels.PAGE_TITLES[page])
    status = data.data_status(data.data_version())
    if needs_data and (not status or not status["beneficiaries"]):
        st.info(labels.STATUS_NO_DATA)
        st.page_link("app_pages/upload.py", label=labels.PAGE_TITLES["upload"], icon=":material/upload_file:")
        st.stop()
    view = filters.current_view()
    if needs_data and view.period.is_cut:  # the pages about files and settings show no period
        st.caption(labels.STATUS_PERIOD_CUT.format(as_of=view.period.as_of.isoformat()))
    return view


def stop_if_empty(frame: pd.DataFrame, column: str = "beneficiaries") -> None:
    """Explain instead of drawing empty charts when the period and filters leave nobody."""
    if frame.empty or (column in frame.columns and not frame[column].fillna(0).sum()):
        st.info(labels.STATUS_NO_ROWS)
        st.stop()
