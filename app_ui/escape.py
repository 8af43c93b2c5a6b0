"""Imported text shown as text: the one escape for Markdown elements (and for chart labels).

Streamlit reads Markdown in st.markdown, titles, captions, alerts, widget labels and help, expander
and tab titles and metric labels: `![](url)` there makes the reader's browser fetch the url and
`[text](url)` becomes a link. A county, department, cadre or file name comes from an office's
spreadsheet, so wherever one is put into such an element it goes through `md` first. Tables, code
blocks and selectbox options show their text as it is and need nothing.
"""

from __future__ import annotations

import re

# The ASCII punctuation that can start Markdown (CommonMark + GFM) or a Streamlit directive, each
# shown as itself once backslash-escaped: links and images ([ ] !), emphasis and code (* _ ` ~),
# HTML and autolinks (< > & @ :), tables (|), math ($), directives (:red[…]), headings (#), the
# escape itself (\\) and braces. The rest (% , ; / ? ' " = and . - + ( ) in the middle of a text)
# are never syntax on their own and stay readable.
_ALWAYS = re.compile(r"([\\`*_\[\]<>!|~$:&@#{}])")
# a text that starts like a list item or a rule (- + 1. 1))
_LIST_START = re.compile(r"^(\s*)(?:([-+])|(\d{1,9})([.)])(?=\s|$))")
# Some links are made after the escapes are read, from the plain text: GFM's bare http://…, www.… and
# name@host, and Streamlit's :material/…: and :emoji: shortcodes. An invisible, zero-width WORD
# JOINER after each colon, after "www" and before each "@" keeps those patterns from matching.
WORD_JOINER = "\u2060"
_TEXT_LINKS = re.compile(r"(?i)(:|www(?=\.))|(@)")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CHART_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(value: object) -> str:
    """`value` as Markdown that shows exactly its text, on one line (a line break could start a block)."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    text = _TEXT_LINKS.sub(lambda m: m[1] + WORD_JOINER if m[1] else WORD_JOINER + m[2], text)
    text = _ALWAYS.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), text)


def chart(value: object) -> str:
    """`value` for a Plotly label: its tags (<a href>, <b>…) are shown as written, not drawn."""
    text = "" if value is None else str(value)
    return "".join(_CHART_ENTITIES.get(ch, ch) for ch in text)
