"""Home panels of the `followups` app (dialogue.home): the organiser's conclusion notices and
extension requests, the agency's due and overdue items, the supervisor's dashboard in brief."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404

from dialogue import access
from dialogue.home import Panel, panel
from dialogue.models import Milestone
from dialogue.workcalendar import get_calendar
from followups import dashboard
from followups.deadlines import working_days_overdue
from followups.models import Assignment, ConclusionNotice, Extension
from followups.views import DASHBOARD_ROLES, dashboard_unit
from sessions.models import DialogueSession
from sessions.services import session_timeline

DUE_SOON_WORKING_DAYS = 5
REFUSED_SINCE_DAYS = 30
LIMIT = 20


def notices_due(user, today: date) -> list[dict]:
    """Held sessions of the user's units whose conclusion notice is not issued yet, with its
    due date and the working days left (negative: late)."""
    calendar = get_calendar()
    rows = []
    sessions = (
        DialogueSession.objects.editable_by(user)
        .filter(status=DialogueSession.Status.HELD)
        .exclude(conclusion_notice__status=ConclusionNotice.Status.ISSUED)
        .select_related("unit", "plan__profile")
        .order_by("ends_at", "pk")[:LIMIT]
    )
    for session in sessions:
        item = next(
            (
                i
                for i in session_timeline(session, today=today)
                if i.milestone == Milestone.CONCLUSION_NOTICE
            ),
            None,
        )
        due = item.due if item else None
        rows.append(
            {
                "session": session,
                "due": due,
                "left": calendar.working_days_between(today, due) if due else None,
            }
        )
    return rows


@panel
def organiser_followups(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, access.ORGANISER):
        return None
    return Panel(
        "followups/_home_organiser.html",
        order=20,
        context={
            "notices": notices_due(user, today),
            "draft_notices": list(
                ConclusionNotice.objects.editable_by(user)
                .filter(status=ConclusionNotice.Status.DRAFT)
                .select_related("session")
                .order_by("pk")[:LIMIT]
            ),
            "extensions": list(
                Extension.objects.filter(
                    status=Extension.Status.REQUESTED,
                    assignment__in=Assignment.objects.managed_by(user),
                )
                .select_related("assignment__agency")
                .order_by("requested_at", "pk")[:LIMIT]
            ),
        },
    )


@panel
def responder_work(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, access.AGENCY_RESPONDER):
        return None
    calendar = get_calendar()
    horizon = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    mine = Assignment.objects.for_agency_of(user).select_related("petition", "agency")
    overdue = list(
        mine.overdue(on=today).defer("petition__search").order_by("due_on", "pk")[:LIMIT]
    )
    for assignment in overdue:
        assignment.days_overdue = working_days_overdue(assignment.due_on, today, calendar)
    return Panel(
        "followups/_home_responder.html",
        order=15,
        context={
            "due_soon": list(
                mine.open()
                .filter(due_on__gte=today, due_on__lte=horizon)
                .defer("petition__search")
                .order_by("due_on", "pk")[:LIMIT]
            ),
            "horizon": horizon,
            "working_days": DUE_SOON_WORKING_DAYS,
            "overdue": overdue,
            "overdue_total": mine.overdue(on=today).count(),
            "refused": list(
                Extension.objects.filter(
                    status=Extension.Status.REFUSED,
                    assignment__in=Assignment.objects.for_agency_of(user),
                    decided_at__date__gte=today - timedelta(days=REFUSED_SINCE_DAYS),
                )
                .select_related("assignment")
                .order_by("-decided_at")[:LIMIT]
            ),
        },
    )


@panel
def supervisor_dashboard(request, today: date) -> Panel | None:
    user = request.user
    if not access.has_role(user, *DASHBOARD_ROLES):
        return None
    try:
        unit = dashboard_unit(user, None)
    except Http404:
        return None
    data = dashboard.build(unit, year=today.year, today=today)
    return Panel("followups/_home_supervisor.html", order=8, context={"d": data})
