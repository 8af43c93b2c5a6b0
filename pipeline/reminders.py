"""督办提醒: the overdue contacts and issues of queries.overdue grouped by cadre, one ready-to-send text each.

Plain functions over the two overdue frames, so that the texts can be checked without the app: contact_item,
issue_item and reminder_text word one item or one message; build writes every cadre's message at once by
column operations (a province has a hundred thousand overdue pairs), in the same words, or leaves the messages
to be written for the cadres a page shows (Reminders.with_texts: five times a province has 400,000 cadres to
remind, a page shows twenty). The output is masked whatever the input: a beneficiary's name and ID number and a
cadre's phone never appear in full (a cadre's own name stays, the reminder is addressed to him). Given unmasked
frames, cadres are told apart by their full phone; given masked ones, by the masked phone.
"""

from __future__ import annotations

import datetime as dt
import io
import string
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import labels, masking
from pipeline.cells import neutralize

CADRE_KEY = ("department", "cadre_name", "cadre_phone")
CADRE_COLUMNS = (*CADRE_KEY, "overdue_contact", "issues_overdue", "reminder_text")
DEPARTMENT_COLUMNS = ("department", "cadres", "overdue_contact", "issues_overdue")
CONTACT_COLUMNS = (
    *CADRE_KEY,
    "beneficiary_name",
    "id_number",
    "category",
    "county",
    "township",
    "village",
    "paired_on",
    "run_started_on",
    "last_contact_on",
    "days_since_contact",
    "days_overdue",
)
ISSUE_COLUMNS = (
    *CADRE_KEY,
    "issue_no",
    "raised_on",
    "issue_category",
    "issue_level",
    "status",
    "responsible_unit",
    "description",
    "beneficiary_name",
    "id_number",
    "category",
    "county",
    "township",
    "days_open",
    "days_overdue",
)
_DATE_COLUMNS = ("paired_on", "run_started_on", "last_contact_on", "raised_on")
_TEXT_COLUMNS = ("id_number", "cadre_phone", "issue_no")  # kept as text in Excel


@dataclass(frozen=True)
class Reminders:
    """The reminders of one period and scope, and the items behind them (all masked)."""

    cadres: pd.DataFrame  # one row per cadre: CADRE_COLUMNS (without reminder_text when built with texts=False)
    contacts: pd.DataFrame  # one row per overdue contact of a paired beneficiary: CONTACT_COLUMNS
    issues: pd.DataFrame  # one row per overdue issue of a paired beneficiary: ISSUE_COLUMNS
    unassigned: pd.DataFrame  # overdue issues of beneficiaries with no active pairing: ISSUE_COLUMNS
    threshold: int
    as_of: dt.date
    today: dt.date
    # the row of `cadres` each row of `contacts` and of `issues` belongs to (its cadre told apart by the full phone
    # when the lists held it, which the masked rows no longer do)
    contact_cadre: np.ndarray = field(repr=False, compare=False)
    issue_cadre: np.ndarray = field(repr=False, compare=False)

    def for_department(self, department: str | None) -> Reminders:
        """The same reminders narrowed to one department (None: all)."""
        if not department:
            return self

        def kept(frame: pd.DataFrame) -> np.ndarray:
            return (frame["department"] == department).to_numpy(dtype=bool)

        cadres, contacts, issues = kept(self.cadres), kept(self.contacts), kept(self.issues)
        row = np.cumsum(cadres) - 1  # a kept cadre's row among the kept ones
        return Reminders(
            self.cadres.loc[cadres].reset_index(drop=True),
            self.contacts.loc[contacts].reset_index(drop=True),
            self.issues.loc[issues].reset_index(drop=True),
            self.unassigned.loc[kept(self.unassigned)].reset_index(drop=True),
            self.threshold,
            self.as_of,
            self.today,
            row[self.contact_cadre[contacts]],
            row[self.issue_cadre[issues]],
        )

    def with_texts(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Rows of `cadres` (their index: their rows in `cadres`, as search_cadres keeps it) with each cadre's
        reminder_text, written for these cadres only; rows that hold their texts already come back as they are."""
        if "reminder_text" in rows.columns:
            return rows
        if rows.empty:
            return rows.assign(reminder_text=pd.Series([], index=rows.index, dtype="str"))
        cadre_rows = rows.index.to_numpy()
        # a frame whose index is not its rows' places in `cadres` (one renumbered after a filter) would be given
        # other cadres' texts: refused
        known = rows.index.is_unique and bool(((cadre_rows >= 0) & (cadre_rows < len(self.cadres))).all())
        if not known or not rows[list(CADRE_KEY)].equals(self.cadres.loc[rows.index, list(CADRE_KEY)]):
            raise ValueError("with_texts takes rows of cadres with their index")
        slot = np.full(len(self.cadres), -1, np.int64)  # each asked cadre's place in `rows`
        slot[cadre_rows] = np.arange(len(cadre_rows))
        contacts = np.flatnonzero(slot[self.contact_cadre] >= 0)
        issues = np.flatnonzero(slot[self.issue_cadre] >= 0)
        picked_contacts, picked_issues = self.contacts.iloc[contacts], self.issues.iloc[issues]
        items = [
            _contact_items(picked_contacts, picked_contacts["beneficiary_name"], self.threshold),
            _issue_items(picked_issues, picked_issues["beneficiary_name"]),
        ]
        owner = slot[np.concatenate([self.contact_cadre[contacts], self.issue_cadre[issues]])]
        # each cadre's contacts (in the order of the list: longest overdue first) before his issues
        order = np.argsort(owner, kind="stable")
        counts = np.bincount(owner, minlength=len(cadre_rows))
        texts = _reminder_texts(rows["cadre_name"], pa.concat_arrays(items).take(order), counts, self.today, self.as_of)
        return rows.assign(reminder_text=texts)


def _date(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def date_text(day: dt.date) -> str:
    """2026年11月28日, as the office dates its notices."""
    return labels.PERIOD_DATE_LABEL.format(year=day.year, month=day.month, day=day.day)


def contact_item(row: dict, threshold: int) -> str:
    """One overdue contact as a sentence: who, where, since when, and what to do."""
    fields = {
        "category": row["category"],
        "name": masking.mask_name(row["beneficiary_name"]),
        "place": f"{row['county']}{row['township']}",
        "days": threshold,
        "overdue": int(row["days_overdue"]),
    }
    last = _date(row.get("last_contact_on"))
    paired_on = _date(row.get("paired_on"))
    run_started_on = _date(row.get("run_started_on")) or paired_on
    # a cadre who took the person over is told so, with his own 结对日期: the clock ran before him (SPEC §5)
    took_over = paired_on is not None and run_started_on < paired_on and (last is None or last < paired_on)
    if last is None and took_over:
        return labels.REMINDER_CONTACT_NEVER_TAKEN_OVER_ITEM.format(
            **fields, run_started_on=run_started_on.isoformat(), paired_on=paired_on.isoformat()
        )
    if last is None:
        return labels.REMINDER_CONTACT_NEVER_ITEM.format(**fields, paired_on=paired_on.isoformat())
    if took_over:
        return labels.REMINDER_CONTACT_TAKEN_OVER_ITEM.format(
            **fields, last_contact=last.isoformat(), paired_on=paired_on.isoformat()
        )
    return labels.REMINDER_CONTACT_ITEM.format(**fields, last_contact=last.isoformat())


def issue_item(row: dict) -> str:
    """One overdue issue as a sentence: whose, which (number and date raised), how late."""
    raised_on = _date(row["raised_on"]).isoformat()
    issue_no = _text(row.get("issue_no"))
    reference = (
        labels.REMINDER_ISSUE_REFERENCE.format(issue_no=issue_no, raised_on=raised_on)
        if issue_no
        else labels.REMINDER_ISSUE_REFERENCE_UNNUMBERED.format(raised_on=raised_on)
    )
    return labels.REMINDER_ISSUE_ITEM.format(
        category=row["category"],
        name=masking.mask_name(row["beneficiary_name"]),
        place=f"{row['county']}{row['township']}",
        issue_category=row["issue_category"],
        reference=reference,
        overdue=int(row["days_overdue"]),
    )


def reminder_text(cadre: str, items: list[str], today: dt.date, as_of: dt.date) -> str:
    """The whole message to one cadre: greeting, his items (numbered when several), signature and date."""
    greeting = labels.REMINDER_GREETING.format(cadre=cadre)
    # a reminder sent today about a past period says which day its facts are from
    as_of_text = labels.REMINDER_AS_OF.format(date=date_text(as_of)) if as_of != today else ""
    if len(items) == 1:
        lines = [labels.REMINDER_SINGLE.format(greeting=greeting, as_of=as_of_text, item=items[0])]
    else:
        lines = [labels.REMINDER_MULTIPLE.format(greeting=greeting, as_of=as_of_text, count=len(items))]
        lines += [labels.REMINDER_LINE.format(number=n, item=item) for n, item in enumerate(items, start=1)]
    lines += [labels.REMINDER_SIGNATURE, date_text(today)]
    return "\n".join(lines)


def _array(values: pd.Series) -> pa.Array:
    """A column as one Arrow array: a column pandas holds in Arrow chunks (a frame read from Arrow) comes as a
    ChunkedArray, which the joins and concatenations here do not take."""
    array = pa.array(values)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _days(values: pd.Series) -> pa.Array:
    """A column of dates or timestamps as Arrow days (missing where missing)."""
    return _array(_moments(values)).cast(pa.date32())


def _moments(values: pd.Series) -> pd.Series:
    """A column of dates or timestamps as datetime64 (NaT where missing). Days held by Arrow (the lists as build
    returns them) are converted by Arrow: pandas converts them one at a time."""
    if isinstance(values.dtype, pd.ArrowDtype):
        moments = _array(values).cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
        return pd.Series(moments, index=values.index)
    return pd.to_datetime(values)


def _shown_days(values: pd.Series) -> pd.Series:
    """A column of dates or timestamps as a column of days (datetime.date each, missing where missing)."""
    return pd.Series(pd.arrays.ArrowExtensionArray(_days(values)), index=values.index)


def _texts(values: pd.Series | pa.Array) -> pa.Array:
    """A column as Arrow texts, the kind _fill joins (numbers and days written as text; missing stays missing)."""
    if isinstance(values, pd.Series):
        values = _array(values.astype("str") if values.dtype != "str" else values)
    return values.cast(pa.large_string())


def _fill(template: str, **values: pa.Array | str) -> pa.Array:
    """template.format(**values) for all rows at once: each value a column of texts (_texts) or one text."""
    parts: list[pa.Array | pa.Scalar] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(pa.scalar(literal, pa.large_string()))
        if name is not None:
            value = values[name]
            parts.append(pa.scalar(value, pa.large_string()) if isinstance(value, str) else value)
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


def _fill_cases(templates: list[str], case: np.ndarray, **values: pa.Array | str) -> pa.Array:
    """_fill of templates[case[i]] for every row i: each template filled for its own rows only, not for all."""
    order = np.argsort(case, kind="stable")
    cases = case[order]
    starts = np.searchsorted(cases, np.arange(len(templates)))
    ends = np.searchsorted(cases, np.arange(len(templates)), side="right")
    picked = {name: value if isinstance(value, str) else value.take(pa.array(order)) for name, value in values.items()}

    def rows(start: int, end: int) -> dict[str, pa.Array | str]:
        return {name: value if isinstance(value, str) else value[start:end] for name, value in picked.items()}

    filled = [
        _fill(template, **rows(start, end))
        for template, start, end in zip(templates, starts, ends, strict=True)
        if end > start
    ]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(filled).take(pa.array(inverse)) if filled else pa.array([], pa.large_string())


def _contact_items(contacts: pd.DataFrame, names: pd.Series, threshold: int) -> pa.Array:
    """contact_item for every row of the overdue contacts (names already masked), by column operations."""
    last = _moments(contacts["last_contact_on"])
    paired = _moments(contacts["paired_on"])
    run_started = _moments(contacts["run_started_on"]).fillna(paired)
    fields = {
        "category": _texts(contacts["category"]),
        "name": _texts(names),
        "place": _texts(contacts["county"].astype("str") + contacts["township"].astype("str")),
        "days": str(threshold),
        "overdue": _texts(contacts["days_overdue"].astype("int64")),
        "last_contact": _texts(_days(last)),
        "paired_on": _texts(_days(paired)),
        "run_started_on": _texts(_days(run_started)),
    }
    # a cadre who took the person over is told so, with his own 结对日期: the clock ran before him (SPEC §5)
    took_over = (paired.notna() & (run_started < paired) & (last.isna() | (last < paired))).to_numpy(dtype=bool)
    never = last.isna().to_numpy(dtype=bool)
    templates = [
        labels.REMINDER_CONTACT_ITEM,
        labels.REMINDER_CONTACT_TAKEN_OVER_ITEM,
        labels.REMINDER_CONTACT_NEVER_ITEM,
        labels.REMINDER_CONTACT_NEVER_TAKEN_OVER_ITEM,
    ]
    return _fill_cases(templates, 2 * never.astype(np.int8) + took_over, **fields)


def _issue_items(issues: pd.DataFrame, names: pd.Series) -> pa.Array:
    """issue_item for every row of the overdue issues (names already masked), by column operations."""
    number = issues["issue_no"].astype("str")
    fields = {
        "category": _texts(issues["category"]),
        "name": _texts(names),
        "place": _texts(issues["county"].astype("str") + issues["township"].astype("str")),
        "issue_category": _texts(issues["issue_category"]),
        "overdue": _texts(issues["days_overdue"].astype("int64")),
        "issue_no": _texts(number),
        "raised_on": _texts(_days(issues["raised_on"])),
    }
    numbered = (number.notna() & number.ne("")).to_numpy(dtype=bool)
    templates = [labels.REMINDER_ISSUE_REFERENCE_UNNUMBERED, labels.REMINDER_ISSUE_REFERENCE]
    fields["reference"] = _fill_cases(templates, numbered.astype(np.int8), **fields)
    return _fill(labels.REMINDER_ISSUE_ITEM, **fields)


def _reminder_texts(
    cadres: pd.Series, items: pa.Array, counts: np.ndarray, today: dt.date, as_of: dt.date
) -> pd.Series:
    """reminder_text for every cadre at once: `items` are the cadres' items one cadre after another, `counts` how
    many each cadre has (in the order of `cadres`)."""
    as_of_text = labels.REMINDER_AS_OF.format(date=date_text(as_of)) if as_of != today else ""
    ends = np.cumsum(counts)
    numbers = np.arange(len(items)) - np.repeat(ends - counts, counts) + 1
    alone = np.repeat(counts == 1, counts).astype(np.int8)
    lines = _fill_cases([labels.REMINDER_LINE, "{item}"], alone, number=_texts(pa.array(numbers)), item=items)
    offsets = pa.array(np.concatenate([[0], ends]), pa.int32())
    body = pc.binary_join(pa.ListArray.from_arrays(offsets, lines), pa.scalar("\n", pa.large_string()))
    greeting = _fill(labels.REMINDER_GREETING, cadre=_texts(cadres))
    # one item: the item in the sentence; several: the count in the sentence, the numbered items below it
    several = f"{labels.REMINDER_MULTIPLE}\n{{item}}"
    text = _fill_cases(
        [several, labels.REMINDER_SINGLE],
        (counts == 1).astype(np.int8),
        greeting=greeting,
        as_of=as_of_text,
        item=body,
        count=_texts(pa.array(counts)),
    )
    signed = _fill("{text}\n{signature}\n{date}", text=text, signature=labels.REMINDER_SIGNATURE, date=date_text(today))
    return pd.Series(pd.array(signed, dtype="str"), index=cadres.index)


def _masked_items(frame: pd.DataFrame, columns: tuple[str, ...], names: pd.Series | None = None) -> pd.DataFrame:
    table = frame.reindex(columns=list(columns)).copy()
    table["beneficiary_name"] = (
        masking.mask_texts(table["beneficiary_name"], masking.mask_name) if names is None else names
    )
    table["id_number"] = masking.mask_texts(table["id_number"], masking.mask_id)
    table["cadre_phone"] = masking.mask_texts(table["cadre_phone"], masking.mask_phone)
    for column in _DATE_COLUMNS:
        if column in table.columns:
            table[column] = _shown_days(table[column])
    return table.reset_index(drop=True)


def build(
    contacts: pd.DataFrame, issues: pd.DataFrame, threshold: int, today: dt.date, as_of: dt.date, *, texts: bool = True
) -> Reminders:
    """Group the overdue frames of queries.overdue by cadre and write each cadre's reminder text.

    The same texts as contact_item, issue_item and reminder_text give row by row, written by column operations (a
    province has a hundred thousand overdue pairs). texts=False leaves them out of `cadres`, to be written for the
    cadres shown (Reminders.with_texts).
    """
    # an issue of a beneficiary with no active pairing has no cadre to remind: it is listed apart
    contacts = contacts.reset_index(drop=True)
    issues = issues.reset_index(drop=True)
    has_cadre = issues["cadre_phone"].notna()
    assigned, unassigned = issues.loc[has_cadre].reset_index(drop=True), issues.loc[~has_cadre]
    contact_names = masking.mask_texts(contacts["beneficiary_name"], masking.mask_name)
    issue_names = masking.mask_texts(assigned["beneficiary_name"], masking.mask_name)
    cadres, cadre_of_item = _cadres(contacts, assigned)
    found = Reminders(
        cadres=cadres,
        contacts=_masked_items(contacts, CONTACT_COLUMNS, contact_names),
        issues=_masked_items(assigned, ISSUE_COLUMNS, issue_names),
        unassigned=_masked_items(unassigned, ISSUE_COLUMNS),
        threshold=threshold,
        as_of=as_of,
        today=today,
        contact_cadre=cadre_of_item[: len(contacts)],
        issue_cadre=cadre_of_item[len(contacts) :],
    )
    return replace(found, cadres=found.with_texts(cadres)) if texts else found


def _cadres(contacts: pd.DataFrame, assigned: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per cadre with an overdue contact or issue (CADRE_COLUMNS but the text), department by department,
    and the row of each item's cadre (the contacts' items, then the issues')."""
    columns = [name for name in CADRE_COLUMNS if name != "reminder_text"]
    if contacts.empty and assigned.empty:
        empty = pd.DataFrame([], columns=columns)
        return empty.astype({"overdue_contact": "int64", "issues_overdue": "int64"}), np.zeros(0, np.int64)
    keys = pd.concat([contacts[list(CADRE_KEY)], assigned[list(CADRE_KEY)]], ignore_index=True)
    # cadres numbered as they first appear
    cadre = keys.groupby(list(CADRE_KEY), sort=False, dropna=False).ngroup().to_numpy()
    counts = np.bincount(cadre)
    contact_counts = np.bincount(cadre[: len(contacts)], minlength=len(counts))
    first = keys.iloc[np.argsort(cadre, kind="stable")[np.cumsum(counts) - counts]].reset_index(drop=True)
    result = pd.DataFrame(
        {
            "department": first["department"],
            "cadre_name": first["cadre_name"],
            "cadre_phone": masking.mask_texts(first["cadre_phone"], masking.mask_phone),
            "overdue_contact": contact_counts.astype("int64"),
            "issues_overdue": (counts - contact_counts).astype("int64"),
        }
    )
    # department by department; within one, the cadres with most items first
    result["_items"] = result["overdue_contact"] + result["issues_overdue"]
    result = result.sort_values(["department", "_items", "cadre_name"], ascending=[True, False, True])
    row = np.empty(len(result), np.int64)  # each cadre's row once sorted
    row[result.index.to_numpy()] = np.arange(len(result))
    return result.drop(columns="_items").reset_index(drop=True), row[cadre]


def by_department(cadres: pd.DataFrame) -> pd.DataFrame:
    """One row per department: cadres to remind, overdue contacts and issues; the most behind first."""
    table = cadres.groupby("department", as_index=False).agg(
        cadres=("cadre_name", "size"),
        overdue_contact=("overdue_contact", "sum"),
        issues_overdue=("issues_overdue", "sum"),
    )
    table["_items"] = table["overdue_contact"] + table["issues_overdue"]
    table = table.sort_values(["_items", "department"], ascending=[False, True]).drop(columns="_items")
    return table.reset_index(drop=True)[list(DEPARTMENT_COLUMNS)].astype({c: "int64" for c in DEPARTMENT_COLUMNS[1:]})


def search_cadres(cadres: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """The cadres whose name contains the text (all when the text is empty), keeping their index (their rows in
    `cadres`, which Reminders.with_texts reads)."""
    text = (text or "").strip()
    if not text:
        return cadres
    return cadres.loc[cadres["cadre_name"].str.contains(text, regex=False)]


def workbook(reminders: Reminders) -> bytes:
    """An .xlsx for sending and filing: one sheet of cadres with their texts, then the items behind them."""
    from openpyxl import Workbook  # only when a workbook is asked for: the import's 督办 check needs none
    from openpyxl.styles import Alignment, Font

    from pipeline import export

    names = export.display_labels()
    book = Workbook()
    book.remove(book.active)
    sheets = [
        ("cadres", reminders.with_texts(reminders.cadres)),
        ("contacts", reminders.contacts),
        ("issues", reminders.issues),
    ]
    if len(reminders.unassigned):
        sheets.append(("unassigned", reminders.unassigned))
    for kind, frame in sheets:
        sheet = book.create_sheet(labels.REMINDER_SHEETS[kind])
        sheet.append([names.get(c, c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for index, column in enumerate(frame.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            header = names.get(column, column)
            wide = column in ("reminder_text", "description")
            sheet.column_dimensions[letter].width = 80 if wide else max(10, len(header) * 2 + 4)
            wrap = column == "reminder_text"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if column in _TEXT_COLUMNS:
                    cell.number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralize(value)
