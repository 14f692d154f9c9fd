"""A session's timeline: every milestone of its deadline profile with its date and state.

Pure apart from what the caller hands in (rules, anchor dates, milestones done, today), so the
dates are tested against the profiles without a request. Once an anchor event has happened the
caller hands in its actual date (the session's actual start and end, the notice's issue date),
so the timeline shows the date the assignments carry: one date per rule. Rules on a fixed date of
the year (the annual report, "trước ngày 15/2") belong to the reporting unit, not to a session,
and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from dialogue import deadlines
from dialogue.workdays import WorkCalendar

DONE = "done"
DONE_LATE = "done_late"
DUE = "due"
LATE = "late"
PENDING = "pending"  # its anchor event has not happened yet (the conclusion notice, say)


@dataclass(frozen=True)
class TimelineItem:
    milestone: str
    anchor: str
    label: str
    rule_text: str
    source_quote: str
    direction: str
    due: date | None
    explanation: str
    state: str
    done_on: date | None = None

    @property
    def is_before_session(self) -> bool:
        return self.direction == "before" and self.anchor == "session_start"


def anchor_dates(*, starts_on: date, ends_on: date, notice_issued_on: date | None) -> dict:
    """The anchor events' dates: pass the actual dates of the events that have happened."""
    return {
        "session_start": starts_on,
        "session_end": ends_on,
        "notice_issued": notice_issued_on,
    }


def build(
    *,
    rules: Iterable,
    anchors: Mapping[str, date | None],
    done: Mapping[str, date],
    today: date,
    calendar: WorkCalendar,
) -> list[TimelineItem]:
    """One item per rule, in date order (items without a date yet last)."""
    items = []
    for rule in rules:
        if deadlines.is_fixed_date(rule):
            continue
        anchor = anchors.get(rule.anchor)
        done_on = done.get(rule.milestone)
        if anchor is None:
            due, explanation = None, ""
        else:
            deadline = deadlines.compute(rule, anchor, calendar)
            due, explanation = deadline.due, deadline.text
        items.append(
            TimelineItem(
                milestone=rule.milestone,
                anchor=rule.anchor,
                label=rule.get_milestone_display(),
                rule_text=rule.describe(),
                source_quote=rule.source_quote,
                direction=rule.direction,
                due=due,
                explanation=explanation,
                state=_state(due, done_on, today),
                done_on=done_on,
            )
        )
    return sorted(items, key=lambda i: (i.due is None, i.due or today, i.milestone))


def _state(due: date | None, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return DONE_LATE if due is not None and done_on > due else DONE
    if due is None:
        return PENDING
    return LATE if today > due else DUE


def passed_preparations(items: Iterable[TimelineItem]) -> list[TimelineItem]:
    """Milestones before the session whose latest date is already behind us, not done."""
    return [i for i in items if i.is_before_session and i.state == LATE]
