"""AppTest helpers for the 县区 and 单位 pages: open a page on a view, select rows, read what is shown."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
from google.protobuf.json_format import MessageToJson
from streamlit.testing.v1 import AppTest

from app_ui import filters
from tests.conftest import CITY_USER, app_test

FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
FULL_PHONE = re.compile(r"(?<![0-9])1[0-9]{10}(?![0-9])")
_WIDGET_ID = re.compile(r'"(id|formId|fragmentId|deferredFileId)": "[^"]*"')


def open_page(
    page: str,
    period: str = "2026Q3",
    county: str | None = None,
    department: str | None = None,
    user: str = CITY_USER,
) -> AppTest:
    """Run the app signed in as `user` on a view given by URL parameters and switch to app_pages/<page>.py."""
    at = app_test(user=user)
    for name, value in filters.url_params(period, county, department).items():
        at.query_params[name] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return rerun(at)


def rerun(at: AppTest) -> AppTest:
    """Run again and fail on any exception the page raised."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def select_row(at: AppTest, key: str, row: int) -> AppTest:
    """Select one row of a selectable table as a click would, then rerun."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return rerun(at)


def pick(at: AppTest, key: str, value) -> AppTest:
    """Choose an option of a selectbox, then rerun."""
    at.selectbox(key=key).select(value)
    return rerun(at)


def table(at: AppTest, key: str) -> pd.DataFrame:
    """The data of the table drawn with this key."""
    for frame in at.dataframe:
        if frame.key == key:
            return frame.value
    raise AssertionError(f"no table {key!r}; tables: {[f.key for f in at.dataframe]}")


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The data of the only table that has all these columns (for tables drawn without a selection key)."""
    found = [f.value for f in at.dataframe if set(columns) <= set(f.value.columns)]
    assert len(found) == 1, f"{len(found)} tables with {columns}"
    return found[0]


def shown_text(at: AppTest, key: str) -> pd.DataFrame:
    """The cell texts of a styled table as the browser shows them where no column format applies (55.0%)."""
    for frame in at.dataframe:
        if frame.key == key:
            values = frame.proto.arrow_data.styler.display_values
            return pa.ipc.open_stream(values).read_all().to_pandas()
    raise AssertionError(f"no table {key!r}")


def _texts(node) -> list[str]:
    texts = []
    if getattr(node, "type", None) == "dataframe":
        texts.append(node.value.to_csv(index=False))
        display = node.proto.arrow_data.styler.display_values
        if display:
            texts.append(pa.ipc.open_stream(display).read_all().to_pandas().to_csv(index=False))
    elif getattr(node, "proto", None) is not None:
        # widget and download ids are random hex whose digits can by chance look like a phone number: not shown
        texts.append(_WIDGET_ID.sub("", MessageToJson(node.proto, ensure_ascii=False)))
    for child in (getattr(node, "children", None) or {}).values():
        texts.extend(_texts(child))
    return texts


def rendered_text(at: AppTest) -> str:
    """Everything the page sent to the browser as text: tables, charts, messages, options."""
    return "\n".join(_texts(at._tree))
