"""Turning a deadline rule and its anchor event into a due date that explains itself."""

from __future__ import annotations

from datetime import date
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


def compute(rule: RuleLike, anchor_date: date, calendar: WorkCalendar) -> Deadline:
    """The due date of `rule` for an event on `anchor_date` (Civil Code 2015, Art. 147-148)."""
    if rule.unit == FIXED_DATE_NEXT_YEAR:
        fixed = date(anchor_date.year + 1, rule.fixed_month or 1, rule.fixed_day or 1)
        due = fixed if calendar.is_working_day(fixed) else calendar.add_working_days(fixed, 1)
        text = (
            f"Ngày {fixed:%d/%m/%Y} (ngày {rule.fixed_day}/{rule.fixed_month} của năm liền kề "
            f"năm tổ chức hội nghị {anchor_date.year})"
        )
        if due != fixed:
            text += f" → {due:%d/%m/%Y} (ngày nghỉ, chuyển sang ngày làm việc tiếp theo)"
        return Deadline(start=anchor_date, amount=0, calendar_days=True, due=due, text=text)
    signed = rule.amount if rule.direction == "after" else -rule.amount
    return calendar.explain(
        anchor_date,
        signed,
        calendar_days=rule.unit == CALENDAR_DAYS,
        event=ANCHOR_EVENTS.get(rule.anchor),
    )
