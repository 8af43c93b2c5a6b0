"""What an item is made of and who may take which step from which state (no database, no UI).

States: 已交办 `assigned` → 已签收 `signed` → 已反馈 `answered` → 已销号 `closed`; the office may send a feedback
back (退回: `answered` → `signed`), and may withdraw an open item (撤销: → `withdrawn`) instead of deleting it.
Presses, extension requests and decisions, 情况说明 and their acceptance leave the state as it is.

Roles. The office of an item is the city office (every item) or the county office of the item's county; it
raises, presses, returns, decides extensions, accepts 情况说明, closes and withdraws. The department of the item
(承办单位) signs, answers, asks for extensions and explains lines. 只读 only reads. An account sees the items
within its scope: the city and 只读 all, a county the items of its county, a department its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline import access, labels

SOURCES = ("overdue_contacts", "overdue_issues", "behind", "other")
STATES = ("assigned", "signed", "answered", "closed", "withdrawn")
OPEN_STATES = frozenset({"assigned", "signed", "answered"})
LEVELS = ("一般", "重点", "挂牌")
WAYS = ("电话", "通知", "约谈")
LINE_KINDS = ("pair", "issue", "text")
DEFAULT_DAYS = 10  # 办理时限: working days after 交办
LIGHT_DAYS = 3  # 黄 from this many working days left
MAX_TEXT = 2000  # characters of a requirement, feedback, reason or note
MAX_LINES = 500

OFFICE_STEPS = ("press", "return", "extension_grant", "extension_refuse", "accept", "close", "withdraw")
DEPARTMENT_STEPS = ("sign", "feedback", "extension_request", "explain")
STEPS = (*DEPARTMENT_STEPS, *OFFICE_STEPS)
# step → (states it may be taken from, the state after it; None: unchanged)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "sign": (frozenset({"assigned"}), "signed"),
    "feedback": (frozenset({"signed"}), "answered"),
    "return": (frozenset({"answered"}), "signed"),
    "extension_request": (OPEN_STATES, None),
    "extension_grant": (OPEN_STATES, None),
    "extension_refuse": (OPEN_STATES, None),
    "explain": (OPEN_STATES, None),
    "accept": (OPEN_STATES, None),
    "press": (OPEN_STATES, None),
    "close": (OPEN_STATES, "closed"),
    "withdraw": (OPEN_STATES, "withdrawn"),
}
# steps that need a text (反馈, 退回理由, 延期理由, 情况说明, 撤销理由)
TEXT_REQUIRED = frozenset({"feedback", "return", "extension_request", "explain", "withdraw"})


class SupervisionError(ValueError):
    """A step that cannot be taken; the message is the Chinese text for the user."""


class NotAllowed(SupervisionError):
    """The account may not take this step (or see this item)."""


class NotFound(SupervisionError):
    """No such item within the account's scope (an item outside it is "not found", never "forbidden")."""


def number_text(year: int, number: int) -> str:
    """督办〔2026〕第3号."""
    return labels.SV_NUMBER.format(year=year, number=number)


@dataclass(frozen=True)
class Item:
    """One item as stored, with its line counts on the day it was read."""

    item_id: int
    year: int
    number: int
    source: str
    department: str
    county: str | None
    requirement: str
    level: str
    period: str | None
    raised_on: dt.date
    first_due_on: dt.date
    due_on: dt.date
    due_estimated: bool
    raised_by: str
    state: str
    first_feedback_on: dt.date | None
    ready_on: dt.date | None
    closed_on: dt.date | None
    lines: int = 0
    lines_done: int = 0
    presses: int = 0
    pending_extension: bool = False

    @property
    def number_text(self) -> str:
        """督办〔2026〕第3号."""
        return number_text(self.year, self.number)

    @property
    def is_open(self) -> bool:
        """Not closed and not withdrawn."""
        return self.state in OPEN_STATES

    @property
    def all_done(self) -> bool:
        """Every line done (by data or an accepted 情况说明): 可销号."""
        return self.lines > 0 and self.lines_done == self.lines


# ---------------------------------------------------------------- who


def may_raise(user: access.User) -> bool:
    """The city office (for any department) and a county office (for its county) raise items."""
    return not user.disabled and user.role in ("city", "county")


def is_office_for(user: access.User, item: Item) -> bool:
    """The city office, or the county office of the item's county."""
    if user.disabled:
        return False
    return user.role == "city" or (user.role == "county" and item.county is not None and item.county == user.county)


def is_department_for(user: access.User, item: Item) -> bool:
    """The department the item is handed to (承办单位)."""
    return not user.disabled and user.role == "department" and user.department == item.department


def may_see(user: access.User, item: Item) -> bool:
    """Whether the item lies within the account's scope."""
    scope = user.scope
    if access.is_empty(scope):
        return False
    if scope.county is not None and item.county != scope.county:
        return False
    return scope.department is None or item.department == scope.department


def check_step(user: access.User, item: Item, step: str) -> None:
    """Raise NotAllowed / SupervisionError unless this account may take this step on this item now."""
    if step not in TRANSITIONS:
        raise SupervisionError(labels.SV_MSG_STEP_UNKNOWN.format(step=step))
    step_label = labels.SV_STEP_LABELS[step]
    if step in OFFICE_STEPS and not is_office_for(user, item):
        raise NotAllowed(labels.SV_MSG_OFFICE_ONLY.format(step=step_label, number=item.number_text))
    if step in DEPARTMENT_STEPS and not is_department_for(user, item):
        raise NotAllowed(
            labels.SV_MSG_DEPARTMENT_ONLY.format(step=step_label, number=item.number_text, department=item.department)
        )
    allowed, _ = TRANSITIONS[step]
    if item.state not in allowed:
        raise SupervisionError(
            labels.SV_MSG_WRONG_STATE.format(
                step=step_label, number=item.number_text, state=labels.SV_STATE_LABELS[item.state]
            )
        )


def steps_for(user: access.User, item: Item) -> list[str]:
    """The steps this account may take on this item now (for the page's buttons)."""
    found = []
    for step in STEPS:
        try:
            check_step(user, item, step)
        except SupervisionError:
            continue
        if step in ("extension_grant", "extension_refuse") and not item.pending_extension:
            continue
        if step == "extension_request" and item.pending_extension:
            continue
        found.append(step)
    return found


def clean_text(value: object, what: str, required: bool = True) -> str | None:
    """A text typed by a user: trimmed, bounded, without control characters but line breaks."""
    text = "" if value is None else str(value).strip()
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    if not text:
        if required:
            raise SupervisionError(labels.SV_MSG_TEXT_REQUIRED.format(what=what))
        return None
    if len(text) > MAX_TEXT:
        raise SupervisionError(labels.SV_MSG_TEXT_TOO_LONG.format(what=what, limit=MAX_TEXT))
    return text
