"""Home panels of the `sessions` app (dialogue.home): the organiser's coming sessions and draft
plans, the secretary's next session, and the month calendar of sessions."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from dialogue import access
from dialogue.home import Panel, panel
from sessions import timeline
from sessions.models import DialogueSession, Plan
from sessions.services import session_timeline

UPCOMING_DAYS = 30
OPEN_STATUSES = ("draft", "scheduled", "in_progress")
CALENDAR_LIMIT = 400
PER_DAY = 3


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def next_milestone(session: DialogueSession, today: date):
    """The first milestone of the session not yet done (due or late), if any."""
    for item in session_timeline(session, today=today):
        if item.state in (timeline.DUE, timeline.LATE) and item.due is not None:
            return item
    return None


@panel
def organiser_sessions(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, access.ORGANISER):
        return None
    sessions = list(
        DialogueSession.objects.editable_by(user)
        .filter(
            starts_at__gte=_start_of(today),
            starts_at__lt=_start_of(today + timedelta(days=UPCOMING_DAYS + 1)),
            status__in=OPEN_STATUSES,
        )
        .select_related("unit", "plan__profile")
        .order_by("starts_at", "pk")[:20]
    )
    rows = [{"session": s, "milestone": next_milestone(s, today)} for s in sessions]
    drafts = list(
        Plan.objects.editable_by(user).filter(status=Plan.Status.DRAFT).order_by("-pk")[:10]
    )
    return Panel(
        "sessions/_home_organiser.html",
        order=10,
        context={"rows": rows, "draft_plans": drafts, "days": UPCOMING_DAYS, "today": today},
    )


@panel
def secretary_next_session(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, access.SECRETARY):
        return None
    session = (
        DialogueSession.objects.console_for(user)
        .filter(secretaries=user, status__in=OPEN_STATUSES, ends_at__gte=_start_of(today))
        .select_related("unit")
        .order_by("starts_at", "pk")
        .first()
    )
    on_the_day = session is not None and (
        session.status == DialogueSession.Status.IN_PROGRESS
        or timezone.localdate(session.starts_at) == today
    )
    return Panel(
        "sessions/_home_secretary.html",
        order=5,
        context={"session": session, "on_the_day": on_the_day},
    )


def month_of(value: str | None, today: date) -> date:
    """The month asked for as YYYY-MM, or this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_grid(first: date, sessions: list[DialogueSession]) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with its sessions (at most PER_DAY shown)."""
    by_day: dict[date, list] = {}
    for session in sessions:
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    weeks = []
    for week in month_calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "sessions": by_day.get(day, [])[:PER_DAY],
                    "more": max(0, len(by_day.get(day, [])) - PER_DAY),
                }
                for day in week
            ]
        )
    return weeks


@panel
def session_calendar(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, access.ORGANISER, access.SUPERVISOR):
        return None
    first = month_of(request.GET.get("month"), today)
    following = (first + timedelta(days=32)).replace(day=1)
    sessions = list(
        DialogueSession.objects.visible_to(user)
        .filter(starts_at__gte=_start_of(first), starts_at__lt=_start_of(following))
        .exclude(status=DialogueSession.Status.CANCELLED)
        .select_related("unit")
        .only("pk", "title", "starts_at", "status", "unit__name")
        .order_by("starts_at", "pk")[:CALENDAR_LIMIT]
    )
    return Panel(
        "sessions/_home_calendar.html",
        order=90,
        context={
            "month": first,
            "previous": f"{(first - timedelta(days=1)):%Y-%m}",
            "next": f"{following:%Y-%m}",
            "weeks": month_grid(first, sessions),
            "today": today,
        },
    )
