"""What the whole app shares on screen: the uploader's text in Chinese, phone layouts, and unknown addresses.

Streamlit draws the uploader's "Drag and drop / Limit 200MB per file" and its "Upload" button in English
and cannot translate them; the hint is hidden here and each page writes its own Chinese caption, and the
button's text is replaced by CSS. An address no page has (a typo, an old bookmark) opens the landing
page instead of Streamlit's English "Page not found" dialog.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from pipeline import labels

# a row of KPI cards (columns or a horizontal container holding metrics, and no rows inside): on a phone it wraps
# two cards a row, in reading order, where Streamlit would stack columns one a row; the cards of a row are as wide
# as each other
KPI_ROW = '[data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]):not(:has([data-testid="stHorizontalBlock"]))'
# A card's "较上期" goes under its change when the two do not fit side by side, rather than being cut to "较…".
# On a touch screen a table's toolbar (search, full screen) never hides: a margin gives it a place of its own
# instead of the heading or caption above the table. The margin is the element's, outside the place a table of
# fixed height is given, so that the table does not reach over the download button under it. A chart's zoom and
# pan buttons would lie over its title and do nothing a finger needs.
TABLE_ELEMENT = (
    '[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"])'
)
STYLE = f"""
<style>
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "{labels.UPLOAD_BUTTON_TEXT}"; font-size: 1rem; }}
[data-testid="stMetric"] div:has(> [data-testid="stMetricDeltaDescription"]) {{ flex-wrap: wrap; row-gap: 0.25rem; }}
{KPI_ROW} > [data-testid="stElementContainer"]:has(> [data-testid="stMetric"]) {{ flex: 1 1 0 !important; }}
@media (max-width: 640px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.75rem; padding-right: 0.75rem; }}
  [data-testid="stMetricValue"] {{ font-size: 1.6rem; }}
  h1 {{ font-size: 1.6rem !important; }}
  h2 {{ font-size: 1.4rem !important; }}
  h3 {{ font-size: 1.25rem !important; }}
  {KPI_ROW} > :is([data-testid="stColumn"], [data-testid="stElementContainer"]) {{
    min-width: calc(50% - 0.5rem) !important;
  }}
}}
@media (hover: none), (max-width: 640px) {{
  {TABLE_ELEMENT} {{ margin-top: 2.75rem; }}
  .js-plotly-plot .modebar-container {{ display: none !important; }}
}}
</style>
"""


def apply() -> None:
    """The app's own styles (drawn once per run, taking no space)."""
    st.html(STYLE)


# The container of preload(): hidden, so it takes no space and shows nothing
PRELOAD_KEY = "preload_elements"
PRELOAD_STYLE = f"<style>.st-key-{PRELOAD_KEY} {{ display: none; }}</style>"


def preload() -> None:
    """Have the browser fetch the code that draws charts and tables (Streamlit loads it when a page first shows
    one, about 6 MB to read and compile) while the login form is filled in, rather than after it: a chart and a
    table of nothing, hidden. The page after the login is drawn that much sooner on a browser's first visit."""
    import pandas as pd
    import plotly.graph_objects as go

    st.html(PRELOAD_STYLE)
    with st.container(key=PRELOAD_KEY):
        st.plotly_chart(go.Figure(), config={"staticPlot": True})
        st.dataframe(pd.DataFrame(), hide_index=True)


def unknown_address_to_default(offered: set[str]) -> None:
    """Open the default page when the address names no page the user is offered (instead of "Page not found")."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    manager = ctx.pages_manager
    asked = manager.intended_page_name
    if asked and not manager.intended_page_script_hash and asked not in offered:
        manager.set_script_intent("", "")
