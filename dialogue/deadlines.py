"""Turning a deadline rule and its anchor event into a due date that explains itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from dialogue.workdays import Deadline, WorkCalendar

CALENDAR_DAYS = "calendar_days"
FIXED_DATE_NEXT_YEAR = "fixed_next_year"

# How each anchor reads inside an explanation ("… sau ngày kết thúc hội nghị 12/03/2026").
ANCHOR_EVENTS = {
    "session_start": "tổ chức hội nghị",
    "session_end": "kết thúc hội nghị",
    "notice_issued": "ban hành thông báo kết luận",
}


class RuleLike(Protocol):
    anchor: str
    direction: str
    amount: int
    unit: str
    fixed_month: int | None
    fixed_day: int | None


def is_fixed_date(rule: RuleLike) -> bool:
    """A rule on a fixed date of the year ("trước ngày 15/2"): the reporting unit's duty (the
    district, since 2025 the province), not a milestone of one commune's session."""
    return rule.unit == FIXED_DATE_NEXT_YEAR


def before_fixed_date(fixed: date, calendar: WorkCalendar) -> Deadline:
    """ "Before date D" is met by the last working day before D; it never moves after D.

    A weekend or a holiday just before D (Tết often falls there) moves the date earlier.
    """
    due = calendar.add_working_days(fixed, -1)
    text = f"Trước ngày {fixed:%d/%m/%Y}: ngày làm việc cuối cùng trước đó là {due:%d/%m/%Y}"
    skipped = calendar.days_off_between(due + timedelta(days=1), fixed - timedelta(days=1))
    names = list(dict.fromkeys(_holiday_group(i.name) for i in skipped if i.name))
    if names:
        text += f" (nghỉ {', '.join(names)})"
    return Deadline(start=fixed, amount=0, calendar_days=True, due=due, text=text)


def _holiday_group(name: str) -> str:
    return "Tết Nguyên Đán" if "Tết" in name and "Dương lịch" not in name else name


def fixed_date_due(rule: RuleLike, year: int, calendar: WorkCalendar) -> Deadline:
    """The rule's fixed date in the year after `year` (the year of the sessions reported)."""
    fixed = date(year + 1, rule.fixed_month or 1, rule.fixed_day or 1)
    return before_fixed_date(fixed, calendar)


def compute(rule: RuleLike, anchor_date: date, calendar: WorkCalendar) -> Deadline:
    """The due date of `rule` for an event on `anchor_date` (Civil Code 2015, Art. 147-148)."""
    if is_fixed_date(rule):
        return fixed_date_due(rule, anchor_date.year, calendar)
    signed = rule.amount if rule.direction == "after" else -rule.amount
    return calendar.explain(
        anchor_date,
        signed,
        calendar_days=rule.unit == CALENDAR_DAYS,
        event=ANCHOR_EVENTS.get(rule.anchor),
    )
