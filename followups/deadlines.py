"""Due dates after the session: the conclusion notice's, the agencies' (DESIGN §4), and the
reporting unit's annual report.

The agency-response rule of the session's profile decides: Hà Nam 2018 counts 10 working days
from the notice, Điện Biên 2024 15 working days from the session. The shipped profiles whose
document sets no time limit carry an explicit rule that says so (dialogue migration 0005); a
profile an administrator wrote without such a rule gets FALLBACK_RESPONSE_WORKING_DAYS after the
notice, and the explanation names where that figure comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from dialogue import deadlines
from dialogue.models import AdministrativeUnit, DeadlineRule, Milestone
from dialogue.workdays import Deadline, WorkCalendar
from sessions.models import DialogueSession

FALLBACK_RESPONSE_WORKING_DAYS = 15
FALLBACK_NOTE = (
    " (hồ sơ thời hạn không có quy tắc về thời hạn trả lời; áp dụng 15 ngày làm việc như "
    "Hướng dẫn của Sở Nội vụ tỉnh Điện Biên năm 2024)"
)


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
    """(due date, explanation) of `rule` counted from `anchor_on`; the fallback without a rule."""
    if rule is None:
        d = calendar.explain(
            anchor_on,
            FALLBACK_RESPONSE_WORKING_DAYS,
            event=deadlines.ANCHOR_EVENTS["notice_issued"],
        )
        return d.due, d.text + FALLBACK_NOTE
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


def annual_report_rule(unit: AdministrativeUnit, year: int) -> DeadlineRule | None:
    """The annual-report rule that applies to `unit` for `year`: the rule of a profile whose
    plans had sessions that year within the unit's subtree (the Điện Biên guidance).

    The report is the reporting unit's duty (the district, since 2025 the province), so it is
    asked of that unit, never of one commune's session timeline."""
    units = AdministrativeUnit.objects.subtree(unit)
    return (
        DeadlineRule.objects.filter(
            milestone=Milestone.ANNUAL_REPORT,
            profile__plans__sessions__unit__in=units,
            profile__plans__sessions__starts_at__year=year,
        )
        .order_by("pk")
        .first()
    )


def annual_report_due(
    year: int, unit: AdministrativeUnit, calendar: WorkCalendar
) -> Deadline | None:
    """When `unit` must send its report on the dialogues of `year`; None when no profile used
    in its subtree that year asks for one. "Before 15/02" is met by the last working day
    before 15/02 of the next year (dialogue.deadlines.before_fixed_date)."""
    rule = annual_report_rule(unit, year)
    if rule is None:
        return None
    return deadlines.fixed_date_due(rule, year, calendar)
