"""What every page does first: the signed-in user, its title, and a plain explanation when there is nothing to show."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_ui import auth, data, filters, warm
from pipeline import access, labels, periods, report

# the sidebar filters of the pages that do not read them all (every other page reads the period, the county
# and the department); a filter a page does not read is not drawn there and keeps its choice for the next page
READS = {
    "person": (filters.COUNTY, filters.DEPARTMENT),  # a person's file is his whole history, not a period's
    "upload": (),
    "settings": (),
    "audit": (),
}


def reads(page: str | None) -> tuple[str, ...]:
    """The sidebar filters a page reads."""
    return READS.get(page, filters.EVERY_FILTER)


def nav_title(page: str, user: access.User) -> str:
    """A page's name in the sidebar: a county's or department's 总览 is its own (东川县总览), not 全市总览."""
    unit = user.county or user.department
    if page == "overview" and unit:
        return labels.OWN_OVERVIEW_TITLE.format(unit=unit)
    return labels.PAGE_TITLES[page]


def start(
    page: str,
    needs_data: bool = True,
    allowed: Callable[[access.User], bool] | None = None,
    title_for: Callable[[filters.View], str | None] | None = None,
) -> filters.View:
    """Check the user (and the page's permission), title the page and return the sidebar's view.

    Stops with an explanation when no data is imported, or when the chosen county or department lies
    outside the user's scope.
    """
    user = auth.require_user() if allowed is None else auth.require(allowed)
    heading = st.empty()  # a county's or department's own view is titled for it once the view is known
    heading.title(labels.PAGE_TITLES[page])
    filters.show_link_notice()  # what the sidebar could not use of the address: said once, above the page
    version = data.data_version()
    status = data.data_status(version)
    if needs_data and (not status or not status["beneficiaries"]):
        st.info(labels.STATUS_NO_DATA)
        if user.may_import:
            st.page_link("app_pages/upload.py", label=labels.PAGE_TITLES["upload"], icon=":material/upload_file:")
        st.stop()
    warm.start_with_data(version)  # the first run that sees new data computes the common views in the background
    view = filters.current_view(user, reads(page))
    if title_for is not None and (own_title := title_for(view)):
        heading.title(own_title)
    filters.show_link_notice()  # the same, when the sidebar was drawn just now (a page run on its own)
    if access.is_empty(view.scope):
        st.warning(labels.MSG_SCOPE_NONE)
        st.stop()
    if needs_data and filters.PERIOD in reads(page) and view.period.is_cut:  # a page without a period says none
        st.caption(running_note(view.period), help=labels.RUNNING_NOTE_HELP)
    return view


def running_note(period: periods.Period) -> str:
    """What a period that has not ended covers, and which finished months 联系达标率 looks at."""
    return report.running_period_sentence(period, period.kind)


def standard_is_empty(frame: pd.DataFrame) -> bool:
    """True when no month of the period has ended yet: 联系达标率 has nobody to count (standard_due 0)."""
    return "standard_due" in frame.columns and not frame["standard_due"].fillna(0).sum()


def stop_if_empty(frame: pd.DataFrame, column: str = "beneficiaries") -> None:
    """Explain instead of drawing empty charts when the period and filters leave nobody."""
    if frame.empty or (column in frame.columns and not frame[column].fillna(0).sum()):
        st.info(labels.STATUS_NO_ROWS)
        st.stop()
