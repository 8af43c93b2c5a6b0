"""督办提醒: the overdue contacts and issues of queries.overdue grouped by cadre, one ready-to-send text each.

Pure Python over the two overdue frames, so that the texts can be checked without the app. The
output is masked whatever the input: a beneficiary's name and ID number and a cadre's phone never
appear in full (a cadre's own name stays, the reminder is addressed to him). Given unmasked frames,
cadres are told apart by their full phone; given masked ones, by the masked phone.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

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

    cadres: pd.DataFrame  # one row per cadre: CADRE_COLUMNS
    contacts: pd.DataFrame  # one row per overdue contact of a paired beneficiary: CONTACT_COLUMNS
    issues: pd.DataFrame  # one row per overdue issue of a paired beneficiary: ISSUE_COLUMNS
    unassigned: pd.DataFrame  # overdue issues of beneficiaries with no active pairing: ISSUE_COLUMNS
    threshold: int
    as_of: dt.date
    today: dt.date

    def for_department(self, department: str | None) -> Reminders:
        """The same reminders narrowed to one department (None: all)."""
        if not department:
            return self

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.loc[frame["department"] == department].reset_index(drop=True)

        return Reminders(
            keep(self.cadres),
            keep(self.contacts),
            keep(self.issues),
            keep(self.unassigned),
            self.threshold,
            self.as_of,
            self.today,
        )


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


def _masked_items(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    table = frame.reindex(columns=list(columns)).copy()
    table["beneficiary_name"] = [
        masking.mask_name(v) if isinstance(v, str) else None for v in table["beneficiary_name"]
    ]
    table["id_number"] = [masking.mask_id(v) if isinstance(v, str) else None for v in table["id_number"]]
    table["cadre_phone"] = [masking.mask_phone(v) if isinstance(v, str) else None for v in table["cadre_phone"]]
    for column in _DATE_COLUMNS:
        if column in table.columns:
            table[column] = [_date(v) for v in table[column]]
    return table.reset_index(drop=True)


def build(contacts: pd.DataFrame, issues: pd.DataFrame, threshold: int, today: dt.date, as_of: dt.date) -> Reminders:
    """Group the overdue frames of queries.overdue by cadre and write each cadre's reminder text."""
    # an issue of a beneficiary with no active pairing has no cadre to remind: it is listed apart
    has_cadre = issues["cadre_phone"].notna()
    assigned, unassigned = issues.loc[has_cadre], issues.loc[~has_cadre]
    items: dict[tuple, dict] = {}
    for kind, frame in (("contacts", contacts), ("issues", assigned)):
        for row in frame.to_dict("records"):
            key = tuple(row[c] for c in CADRE_KEY)
            entry = items.setdefault(key, {"contacts": [], "issues": []})
            entry[kind].append(contact_item(row, threshold) if kind == "contacts" else issue_item(row))
    rows = []
    for (department, cadre, phone), entry in items.items():
        texts = entry["contacts"] + entry["issues"]  # each list is already longest overdue first
        rows.append(
            {
                "department": department,
                "cadre_name": cadre,
                "cadre_phone": masking.mask_phone(phone),
                "overdue_contact": len(entry["contacts"]),
                "issues_overdue": len(entry["issues"]),
                "reminder_text": reminder_text(cadre, texts, today, as_of),
            }
        )
    cadres = pd.DataFrame(rows, columns=list(CADRE_COLUMNS))
    if len(cadres):
        # department by department; within one, the cadres with most items first
        cadres["_items"] = cadres["overdue_contact"] + cadres["issues_overdue"]
        cadres = cadres.sort_values(["department", "_items", "cadre_name"], ascending=[True, False, True])
        cadres = cadres.drop(columns="_items").reset_index(drop=True)
    cadres = cadres.astype({"overdue_contact": "int64", "issues_overdue": "int64"})
    return Reminders(
        cadres=cadres,
        contacts=_masked_items(contacts, CONTACT_COLUMNS),
        issues=_masked_items(assigned, ISSUE_COLUMNS),
        unassigned=_masked_items(unassigned, ISSUE_COLUMNS),
        threshold=threshold,
        as_of=as_of,
        today=today,
    )


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
    """The cadres whose name contains the text (all when the text is empty)."""
    text = (text or "").strip()
    if not text:
        return cadres
    return cadres.loc[cadres["cadre_name"].str.contains(text, regex=False)].reset_index(drop=True)


def workbook(reminders: Reminders) -> bytes:
    """An .xlsx for sending and filing: one sheet of cadres with their texts, then the items behind them."""
    from openpyxl import Workbook  # only when a workbook is asked for: the import's 督办 check needs none
    from openpyxl.styles import Alignment, Font

    from pipeline import export

    names = export.display_labels()
    book = Workbook()
    book.remove(book.active)
    sheets = [
        ("cadres", reminders.cadres),
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
