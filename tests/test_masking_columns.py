"""The masking rules over a whole column (masking.COLUMN_FORMS, used by the lists' masking in queries) give the
characters the rules give value by value, and the same column once a frame holds it."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pipeline import masking, queries

EDGES = [
    None,
    "",
    "张",
    "李四",
    "欧阳修",
    "司马相如",
    "𠀀𠀁",  # characters outside the basic plane: one character each, as Python counts them
    "𠀀𠀁𠀂",
    " ",
    "12345",
    "123456",
    "1234567",
    "123456789",
    "1234567890",
    "13800138000",
    "138001380001",
    "620102199001011234",
    "62010219900101123X",
    "620102900101123",
    "62010219900101123412",
    "６２０１０２",
    "a b c d e f g h",
]
ALPHABET = "0123456789Xx 张王李赵欧阳𠀀😀-*"


def _strings(seed: int, count: int) -> list[str | None]:
    rng = random.Random(seed)
    found: list[str | None] = []
    for _ in range(count):
        if rng.random() < 0.05:
            found.append(None)
        else:
            found.append("".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 25))))
    return found


@pytest.mark.parametrize("rule", list(masking.COLUMN_FORMS), ids=lambda rule: rule.__name__)
def test_a_column_is_masked_as_each_of_its_values(rule):
    values = EDGES + _strings(2026, 5000)
    whole = masking.COLUMN_FORMS[rule](pa.array(values, pa.string()))
    assert whole.to_pylist() == [None if value is None else rule(value) for value in values]


@pytest.mark.parametrize("rule", list(masking.COLUMN_FORMS), ids=lambda rule: rule.__name__)
def test_the_column_form_takes_both_kinds_of_arrow_text(rule):
    values = ["620102199001011234", "张三丰", None]
    expected = [None if value is None else rule(value) for value in values]
    for kind in (pa.string(), pa.large_string()):
        assert masking.COLUMN_FORMS[rule](pa.array(values, kind)).to_pylist() == expected


def _one_by_one(values: pd.Series, rule) -> list[str | None]:
    return [rule(value) if isinstance(value, str) else None for value in values.tolist()]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["620102199001011234", None, "李四", ""], dtype="str"),
        pd.Series(["620102199001011234", None, np.nan, "王"], dtype=object),
        pd.Series(["13800138000", 13800138000, None], dtype=object),  # not all text: value by value
        pd.Series([None, None], dtype=object),  # nothing to mask
        pd.Series([np.nan, np.nan], dtype="str"),
        pd.Series([], dtype="str"),
    ],
    ids=["text", "object with gaps", "mixed", "all missing", "all missing text", "empty"],
)
@pytest.mark.parametrize("rule", list(masking.COLUMN_FORMS), ids=lambda rule: rule.__name__)
def test_a_list_column_ends_as_the_value_by_value_masking_left_it(values, rule):
    index = pd.RangeIndex(10, 10 + len(values))  # a filtered frame's index: the masked column is taken by position
    expected = pd.DataFrame({"n": range(len(values))}, index=index)
    got = expected.copy()
    expected["masked"] = _one_by_one(values, rule)
    got["masked"] = queries.mask_column(values, rule)
    pd.testing.assert_frame_equal(got, expected)


def test_the_lists_masking_of_many_rows_keeps_every_row_in_place():
    ids = [f"6201021990{i:08d}" if i % 11 else None for i in range(200_000)]
    frame = pd.DataFrame({"id_number": ids, "cadre_phone": "13800138000", "beneficiary_name": "欧阳修"})
    frame = frame.astype("str")
    masked = queries.mask_column(frame["id_number"], masking.mask_id)
    assert isinstance(masked, pd.api.extensions.ExtensionArray)  # the column form was taken
    assert pd.isna(masked[0]) and list(masked[1:3]) == ["620102********0001", "620102********0002"]
    assert pd.isna(masked[11]) and masked[12] == "620102********0012"


def test_a_column_read_as_text_keeps_its_index_and_name_and_writes_numbers_out():
    values = pd.Series([13800001234, None, "李四", "620102199001011234"], dtype=object, index=[7, 3, 9, 1], name="x")
    got = masking.mask_texts(values, masking.mask_phone)
    assert got.name == "x" and list(got.index) == [7, 3, 9, 1] and got.dtype == "str"
    assert [None if pd.isna(v) else v for v in got] == ["138****1234", None, "**", "620***********1234"]
    empty = masking.mask_texts(pd.Series([], dtype=object), masking.mask_id)
    assert empty.empty and empty.dtype == "str"
