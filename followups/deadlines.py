"""Due dates after the session: the conclusion notice's and the agencies' (DESIGN §4).

The agency-response rule of the session's profile decides: Hà Nam 2018 counts 10 working days
from the notice, Điện Biên 2024 15 working days from the session. A profile without such a rule
gets DEFAULT_RESPONSE_WORKING_DAYS after the notice, and says so in the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from dialogue import deadlines
from dialogue.models import DeadlineRule, Milestone
from dialogue.workdays import WorkCalendar
from sessions.models import DialogueSession

DEFAULT_RESPONSE_WORKING_DAYS = 15
DEFAULT_NOTE = " (mặc định khi hồ sơ thời hạn không quy định)"


@dataclass(frozen=True)
class ResponseDeadline:
    rule: DeadlineRule | None
    anchor_on: date
    due: date
    text: str


def session_ended_on(session: DialogueSession) -> date:
    return timezone.localdate(session.ended_at or session.ends_at)


def response_rule(session: DialogueSession) -> DeadlineRule | None:
    return session.plan.profile.rules.filter(milestone=Milestone.AGENCY_RESPONSE).first()


def response_anchor(rule: DeadlineRule | None, *, session_end: date, notice_on: date) -> date:
    if rule is not None and rule.anchor in ("session_end", "session_start"):
        return session_end
    return notice_on


def due_from(rule: DeadlineRule | None, anchor_on: date, calendar: WorkCalendar):
    """(due date, explanation) of `rule` counted from `anchor_on`; the default without a rule."""
    if rule is None:
        d = calendar.explain(
            anchor_on,
            DEFAULT_RESPONSE_WORKING_DAYS,
            event=deadlines.ANCHOR_EVENTS["notice_issued"],
        )
        return d.due, d.text + DEFAULT_NOTE
    d = deadlines.compute(rule, anchor_on, calendar)
    return d.due, d.text


def response_deadline(
    session: DialogueSession, *, notice_on: date, calendar: WorkCalendar
) -> ResponseDeadline:
    rule = response_rule(session)
    anchor_on = response_anchor(rule, session_end=session_ended_on(session), notice_on=notice_on)
    due, text = due_from(rule, anchor_on, calendar)
    return ResponseDeadline(rule=rule, anchor_on=anchor_on, due=due, text=text[:500])


def working_days_overdue(due_on: date, today: date, calendar: WorkCalendar) -> int:
    """Working days past `due_on` up to today (0 when not yet late)."""
    if today <= due_on:
        return 0
    return calendar.working_days_between(due_on, today)
