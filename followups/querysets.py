"""Reads used more than once: who may see which notices and assignments, what is open or late."""

from __future__ import annotations

from datetime import date

from django.db import models

from dialogue import access
from dialogue.querysets import ScopedQuerySet

READ_ROLES = access.STAFF_ROLES
MANAGE_ROLES = (access.ORGANISER,)
#: Those who see the overdue list: organisers of their unit, supervisors of their subtree.
OVERDUE_ROLES = (access.ORGANISER, access.SUPERVISOR, access.ADMINISTRATOR)


class ConclusionNoticeQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> ConclusionNoticeQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> ConclusionNoticeQuerySet:
        return self.scoped(user, MANAGE_ROLES, "unit")


class AnnualReportQuerySet(ScopedQuerySet):
    """Organisers of the reporting unit write it; staff of the unit and supervisors above read."""

    def visible_to(self, user) -> AnnualReportQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> AnnualReportQuerySet:
        return self.scoped(user, MANAGE_ROLES, "unit")


class AssignmentQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> AssignmentQuerySet:
        """Staff see their units' assignments; agency responders only their agency's."""
        staff = access.scope_for(user, READ_ROLES)
        responder = access.scope_for(user, [access.AGENCY_RESPONDER])
        if staff.everything:
            return self.all()
        if staff.is_empty and not responder.agency_ids:
            return self.none()
        q = models.Q(pk__in=[])
        if not staff.is_empty:
            q |= staff.unit_q("unit")
        if responder.agency_ids:
            q |= responder.agency_q("agency")
        return self.filter(q)

    def for_agency_of(self, user) -> AssignmentQuerySet:
        """The assignments `user` answers for as an agency responder (superusers: all)."""
        scope = access.scope_for(user, [access.AGENCY_RESPONDER])
        if scope.everything:
            return self.all()
        if not scope.agency_ids:
            return self.none()
        return self.filter(scope.agency_q("agency"))

    def managed_by(self, user) -> AssignmentQuerySet:
        """Assignments whose unit `user` organises: extensions are decided there."""
        return self.scoped(user, MANAGE_ROLES, "unit")

    def overdue_visible_to(self, user) -> AssignmentQuerySet:
        return self.scoped(user, OVERDUE_ROLES, "unit")

    def open(self) -> AssignmentQuerySet:
        return self.filter(status="open")

    def overdue(self, *, on: date) -> AssignmentQuerySet:
        return self.filter(status="open", due_on__lt=on)

    def due_on_or_before(self, day: date) -> AssignmentQuerySet:
        return self.filter(status="open", due_on__lte=day)


class ReminderQuerySet(models.QuerySet):
    def unsent(self) -> ReminderQuerySet:
        return self.exclude(status="sent")
