"""One function per cleaning rule of SPEC §3: raw cell -> (clean value, None) or (None, reason).

A reason is the Chinese text of the rejection, naming the column and the value as written.
Each function is pure, so a column is cleaned once per distinct value (see `clean_column`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import idnumber, labels

Result = tuple[object, str | None]

_TRIM = " \t\r\n\u3000\xa0\ufeff"
TRIM_CHARS = _TRIM  # the characters cell_text strips from the ends of a str (for Arrow's utf8_trim)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def cell_text(value: object) -> str:
    """A cell as trimmed text: whole numbers without '.0', dates as ISO."""
    if type(value) is str:  # the common case first: every CSV cell and most workbook cells
        return value.strip(_TRIM)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, int)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return str(value).strip(_TRIM)


def is_blank(value: object) -> bool:
    """True for an empty cell (nothing but spaces or line breaks)."""
    return cell_text(value) == ""


# ---------------------------------------------------------------- text


def clean_text(value: object, column: str) -> Result:
    """Trim spaces, full-width spaces and line breaks at the ends."""
    text = cell_text(value)
    return (text or None), None


# ---------------------------------------------------------------- ID numbers

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+]?\d+$")


def clean_id(value: object, column: str) -> Result:
    """Full-width to half-width, x to X, 15 → 18 digits, GB 11643 check digit; refuse numbers Excel rounded."""
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        number = float(value)
        if number >= 1e16 or not number.is_integer():
            return None, labels.MSG_ID_FLOAT.format(value=f"{number:.6g}".replace("e+", "E+"))
        value = str(int(number))
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().replace(" ", "")
    if not text:
        return None, None
    if _SCIENTIFIC.match(text):
        return None, labels.MSG_ID_FLOAT.format(value=text)
    text = text.upper()
    if len(text) == 15:
        if not text.isdigit():
            return None, labels.MSG_ID_CHARS.format(value=text)
        return idnumber.from_15(text), None
    if len(text) != 18:
        return None, labels.MSG_ID_LENGTH.format(value=text)
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return None, labels.MSG_ID_CHARS.format(value=text)
    expected = idnumber.check_char(text[:17])
    if text[17] != expected:
        if text.endswith("000"):  # how an ID looks after Excel stored it as a number and back as text
            return None, labels.MSG_ID_CHECK.format(value=text, expected=expected) + labels.MSG_ID_ZEROS_HINT
        return None, labels.MSG_ID_CHECK.format(value=text, expected=expected)
    return text, None


# ---------------------------------------------------------------- phones


def _mobile(value: object) -> str | None:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", cell_text(value)) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    return None


def clean_mobile(value: object, column: str) -> Result:
    """An 11-digit mainland mobile starting with 1 (spaces, dashes and a +86 prefix dropped)."""
    if is_blank(value):
        return None, None
    mobile = _mobile(value)
    if mobile is None:
        return None, labels.MSG_PHONE.format(column=column, value=cell_text(value))
    return mobile, None


def clean_phone_lenient(value: object, column: str) -> Result:
    """A phone kept for information: normalised when it is a mobile, else kept as written (a landline)."""
    if is_blank(value):
        return None, None
    return (_mobile(value) or cell_text(value)), None


# ---------------------------------------------------------------- dates

# A full date, optionally followed by a time ("2026-03-05 08:30", "2026年3月5日8时30分").
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*(?:日.*|[\sT].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[\sT].*)?$")
# Excel serial numbers of five digits: 10000 is 1927-05-18, 99999 is 2173-10-13. Shorter numbers
# are years ("2026") or year-months ("2026.10") typed into a date column, not dates.
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_SERIAL_RANGE = (10000, 100000)


def _from_serial(number: float) -> dt.date | None:
    if _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(number))
    return None


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text in one of the accepted formats."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if 19000101 <= number <= 29991231 and number.is_integer():
            return parse_date(str(int(number)))
        return _from_serial(number)
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if _SERIAL.match(text):
        return _from_serial(float(text))
    return None


def clean_date(value: object, column: str) -> Result:
    """Real date cells, Excel serials, 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305."""
    if is_blank(value):
        return None, None
    parsed = parse_date(value)
    if parsed is None:
        return None, labels.MSG_DATE.format(column=column, value=cell_text(value))
    return parsed, None


# ---------------------------------------------------------------- enumerations


def enum_cleaner(allowed: list[str], aliases: dict[str, str] | None = None) -> Callable[[object, str], Result]:
    """A cleaner accepting the allowed values and their aliases, refusing anything else with the list."""
    lookup = {value: value for value in allowed}
    lookup.update(aliases or {})

    def clean(value: object, column: str) -> Result:
        text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
        if not text:
            return None, None
        if text in lookup:
            return lookup[text], None
        return None, labels.MSG_ENUM.format(column=column, value=cell_text(value), allowed="、".join(allowed))

    return clean


CLEANERS: dict[str, dict[str, Callable[[object, str], Result]]] = {
    "roster": {
        "id_number": clean_id,
        "category": enum_cleaner(labels.CATEGORIES, labels.CATEGORY_ALIASES),
        "phone": clean_phone_lenient,
        "enrolled_on": clean_date,
        "exited_on": clean_date,
        "cadre_phone": clean_mobile,
        "cadre_level": enum_cleaner(labels.CADRE_LEVELS),
        "pairing_mode": enum_cleaner(labels.PAIRING_MODES),
        "paired_on": clean_date,
        "unpaired_on": clean_date,
    },
    "visits": {
        "id_number": clean_id,
        "contact_date": clean_date,
        "method": enum_cleaner(labels.CONTACT_METHODS, labels.CONTACT_METHOD_ALIASES),
        "cadre_phone": clean_phone_lenient,
        "satisfaction": enum_cleaner(labels.SATISFACTION),
    },
    "issues": {
        "id_number": clean_id,
        "raised_on": clean_date,
        "category": enum_cleaner(labels.ISSUE_CATEGORIES),
        "level": enum_cleaner(labels.ISSUE_LEVELS),
        "status": enum_cleaner(labels.ISSUE_STATUSES, labels.ISSUE_STATUS_ALIASES),
        "closed_on": clean_date,
        "rating": enum_cleaner(labels.SATISFACTION),
    },
}


# ---------------------------------------------------------------- callbacks (SPEC §8)

MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")  # 620102********1234: an ID number as the 回访清单 shows it


def clean_callback_id(value: object, column: str) -> Result:
    """clean_id, except that a number masked as the 回访清单 shows it is kept as written (the import then finds the
    person through the row's 抽样编号 and 序号, see checks.resolve_masked_ids)."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().replace(" ", "").upper()
    if MASKED_ID.match(text):
        return text, None
    return clean_id(value, column)


def clean_positive_integer(value: object, column: str) -> Result:
    """A whole number from 1 up, as text ("3", 3, 3.0); anything else refused."""
    if is_blank(value):
        return None, None
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and int(text) > 0 and len(text) < 10:
        return str(int(text)), None
    return None, labels.MSG_POSITIVE_INTEGER.format(column=column, value=cell_text(value))


CLEANERS["callback"] = {
    "id_number": clean_callback_id,
    "callback_date": clean_date,
    "reach": enum_cleaner(labels.CALLBACK_REACH, labels.CALLBACK_REACH_ALIASES),
    "knows_cadre": enum_cleaner(labels.CALLBACK_KNOWS, labels.CALLBACK_KNOWS_ALIASES),
    "contact_truth": enum_cleaner(labels.CALLBACK_TRUTH, labels.CALLBACK_TRUTH_ALIASES),
    "satisfaction": enum_cleaner(labels.SATISFACTION, labels.CALLBACK_SATISFACTION_ALIASES),
    "sample_id": clean_positive_integer,
    "line_no": clean_positive_integer,
}


def cleaner_for(kind: str, field_name: str) -> Callable[[object, str], Result]:
    """The cleaning function of a field (plain trimming when the field has no rule of its own)."""
    return CLEANERS[kind].get(field_name, clean_text)


def clean_column(values: list[object], cleaner: Callable[[object, str], Result], column: str):
    """Clean a column once per distinct value: (clean values, reasons) in the column's order."""
    cache: dict[object, Result] = {}
    out_values: list[object] = []
    out_reasons: list[str | None] = []
    for value in values:
        key = (type(value), value)
        result = cache.get(key)
        if result is None:
            result = cleaner(value, column)
            cache[key] = result
        out_values.append(result[0])
        out_reasons.append(result[1])
    return out_values, out_reasons


def clean_distinct(
    column, used: np.ndarray, cleaner: Callable[[object, str], Result], name: str, kind: pa.DataType
) -> tuple[pa.Array, dict[int, str]]:
    """Clean the distinct cells of a column (a read.RawColumn) that some row uses.

    Returns the clean value of each distinct cell as an Arrow array, and the reasons to refuse
    some of them by their index. The rows then take their value by code (see validate.parse_sheet).
    Cells that no row uses (the header, a title above it) are not cleaned: their value is null.
    Text cells of the common shapes are cleaned by Arrow (see _VECTORISED); the rest, one Python
    call each.
    """
    reasons: dict[int, str] = {}
    rest = used
    fast = None
    strings = column.strings
    if strings is not None and cleaner in _VECTORISED:
        fast, done = _VECTORISED[cleaner](strings, column.text_array())
        rest = used & ~done
    if not rest.any():
        return (fast if fast is not None else pa.nulls(len(column), kind)), reasons
    cleaned: list[object] = [None] * len(column)
    todo = np.flatnonzero(rest).tolist()
    for n, value in zip(todo, column.some_values(todo), strict=True):
        cleaned[n], reason = cleaner(value, name)
        if reason is not None:
            reasons[n] = reason
    slow = pa.array(cleaned, kind)
    if fast is None:
        return slow, reasons
    return pc.if_else(pa.array(rest), slow, fast), reasons


# ---------------------------------------------------------------- the same rules, column-wise in Arrow
#
# Each function takes the distinct cells of a column, all str (and, when known, the same trimmed:
# RawColumn.text_array), and returns (clean values, done):
# done marks the cells whose value is certain to be what the Python rule gives, with no reason to
# refuse them; the others still go through the Python rule. Only shapes that the rule passes through
# unchanged are taken here, so the two cannot disagree (tests/test_ingest_speed_equivalence.py).


def _trimmed(strings: pa.Array, trimmed: pa.Array | None = None) -> pa.Array:
    return pc.utf8_trim(strings, characters=_TRIM) if trimmed is None else trimmed


def _texts_vectorised(strings: pa.Array, trimmed: pa.Array | None = None) -> tuple[pa.Array, np.ndarray]:
    """clean_text: the trimmed text, null when empty."""
    text = _trimmed(strings, trimmed)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), np.ones(len(strings), bool)


_CHECK_CODES = np.frombuffer(idnumber.CHECK_CHARS.encode(), np.uint8)
_WEIGHTS = np.array(idnumber.WEIGHTS, np.int64)


def _ids_vectorised(strings: pa.Array, trimmed: pa.Array | None = None) -> tuple[pa.Array, np.ndarray]:
    """clean_id for 18 ASCII characters (17 digits, then a digit, X or x) whose check character is right."""
    text = _trimmed(strings, trimmed)
    done = np.zeros(len(strings), bool)
    # 18 bytes that are 17 ASCII digits and a digit, X or x are 18 such characters: the shape is
    # checked on the bytes of the texts of 18 bytes, side by side in one buffer after the take
    where = np.flatnonzero(pc.equal(pc.binary_length(text), 18).to_numpy(zero_copy_only=False))
    if len(where):
        some = text.take(pa.array(where))
        data, offset = some.buffers()[2], some.offset
        start = int(np.frombuffer(some.buffers()[1], np.int32)[offset])
        cells = np.frombuffer(data, np.uint8)[start : start + 18 * len(where)].reshape(-1, 18)
        digits = cells[:, :17] - np.uint8(ord("0"))  # wraps past 9 for anything but a digit
        last = cells[:, 17]
        shaped = (digits <= 9).all(axis=1) & (
            ((last - np.uint8(ord("0"))) <= 9) | (last == ord("X")) | (last == ord("x"))
        )
        expected = _CHECK_CODES[(digits.astype(np.int64) @ _WEIGHTS) % 11]
        done[where] = shaped & (expected == np.where(last == ord("x"), np.uint8(ord("X")), last))
    return pc.ascii_upper(text), done


def _mobiles_vectorised(strings: pa.Array, trimmed: pa.Array | None = None) -> tuple[pa.Array, np.ndarray]:
    """clean_mobile and clean_phone_lenient for a plain 11-digit number starting with 1."""
    text = _trimmed(strings, trimmed)
    return text, pc.match_substring_regex(text, "^1[0-9]{10}$").to_numpy(zero_copy_only=False)


_DAY_ZERO = np.datetime64("1970-01-01", "D")  # day 0 of Arrow's date32


def _dates_vectorised(strings: pa.Array, trimmed: pa.Array | None = None) -> tuple[pa.Array, np.ndarray]:
    """clean_date for text written 2026-03-05 (a year from 1000 on, two-digit month and day) that names a real day."""
    text = _trimmed(strings, trimmed)
    done = pc.match_substring_regex(text, "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$").to_numpy(zero_copy_only=False)
    days = np.zeros(len(strings), np.int32)
    where = np.flatnonzero(done)
    if len(where):
        shaped = text.take(pa.array(where))

        def number(start: int, stop: int) -> np.ndarray:
            part = pc.utf8_slice_codeunits(shaped, start, stop)
            return pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False)

        year, month, day = number(0, 4), number(5, 7), number(8, 10)
        real_month = (month >= 1) & (month <= 12)
        first = ((year - 1970) * 12 + np.where(real_month, month, 1) - 1).astype("datetime64[M]")
        month_days = (first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")
        real = real_month & (day >= 1) & (day <= month_days.astype(np.int64))
        days[where] = ((first.astype("datetime64[D]") - _DAY_ZERO).astype(np.int64) + day - 1).astype(np.int32)
        done[where] = real
    values = pa.array(days, pa.int32()).cast(pa.date32())
    return pc.if_else(pa.array(done), values, pa.scalar(None, pa.date32())), done


_VECTORISED = {
    clean_text: _texts_vectorised,
    clean_id: _ids_vectorised,
    clean_callback_id: _ids_vectorised,  # the valid 18-character numbers; a masked one goes through the Python rule
    clean_mobile: _mobiles_vectorised,
    clean_phone_lenient: _mobiles_vectorised,
    clean_date: _dates_vectorised,
}
