"""Masking of personal identifiers for lists, exports and logs (SPEC §6)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Drawn once per process: a phone key is good for the sessions of this process and means nothing elsewhere.
_KEY_SECRET = secrets.token_bytes(32)


def mask_id(id_number: str | None) -> str | None:
    """620102********1234: area code and the last four kept."""
    if not id_number:
        return id_number
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****1234."""
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str | None:
    """张*明 for three characters, 张* for two."""
    if not name:
        return name
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# The rules above over a whole column at once (an Arrow array of text; a null stays null), for lists of hundreds of
# thousands of rows (the 督办 list of a province): the same characters as the rule applied value by value
# (tests/test_masking_columns.py holds them to it).
def mask_ids(values: pa.Array) -> pa.Array:
    """mask_id of every value."""
    return _keep_ends(values, head=6, tail=4, shortest=10)


def mask_phones(values: pa.Array) -> pa.Array:
    """mask_phone of every value."""
    return _keep_ends(values, head=3, tail=4, shortest=7)


def mask_names(values: pa.Array) -> pa.Array:
    """mask_name of every value."""
    values = values.cast(pa.large_string())
    length = pc.utf8_length(values)
    # two characters: the first and one star; more: the first, a star for each between, the last
    stars = pc.binary_repeat(_STAR, pc.max_element_wise(pc.subtract(length, 2), 1))
    last = pc.if_else(pc.greater(length, 2), pc.utf8_slice_codeunits(values, -1), _NOTHING)
    masked = pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, 1), stars, last, _NOTHING)
    return pc.if_else(pc.less_equal(length, 1), values, masked)


# each rule with its form for a whole column
COLUMN_FORMS = {mask_id: mask_ids, mask_phone: mask_phones, mask_name: mask_names}


def mask_texts(values: pd.Series, rule) -> pd.Series:
    """rule over a column read as text (a number written out), by the rule's column form: a missing value stays
    missing (NaN, in pandas' text type), the index and name are kept."""
    texts = values if values.dtype == "str" else values.astype("str")
    masked = COLUMN_FORMS[rule](pa.array(texts, from_pandas=True))
    return pd.Series(pd.array(masked, dtype="str"), index=values.index, name=values.name)


_STAR = pa.scalar("*", pa.large_string())
_NOTHING = pa.scalar("", pa.large_string())


def _keep_ends(values: pa.Array, head: int, tail: int, shortest: int) -> pa.Array:
    """Shorter than `shortest` characters: a star for each; else the first `head` and the last `tail` characters
    kept and a star for each between (an empty value stays empty)."""
    values = values.cast(pa.large_string())
    length = pc.utf8_length(values)
    between = pc.binary_repeat(_STAR, pc.max_element_wise(pc.subtract(length, head + tail), 0))
    kept = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(values, 0, head), between, pc.utf8_slice_codeunits(values, -tail), _NOTHING
    )
    return pc.if_else(pc.less(length, shortest), pc.binary_repeat(_STAR, length), kept)


# An ID number (18 characters, or an old 15-digit one) or a mobile number standing on its own in a
# text, such as the value quoted in a rejection reason ("身份证号“…”校验位错误").
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def mask_text(text: str | None) -> str | None:
    """Free text with every ID number and mobile number in it masked (messages, reasons)."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def phone_key(phone: str | None) -> str | None:
    """A key that stands for a phone in a session or a list (opening a cadre's file): not the phone, nor
    computable back to it without this process's secret (a plain hash of 11 digits could be)."""
    if not phone:
        return None
    return hmac.new(_KEY_SECRET, phone.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
