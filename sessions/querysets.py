"""Reads used more than once: who may see which plans, sessions and speakers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from dialogue import access
from dialogue.querysets import SearchableQuerySet

#: Organisers write; secretaries help them; supervisors and administrators read.
READ_ROLES = access.STAFF_ROLES
WRITE_ROLES = (access.ORGANISER,)
#: Speakers' personal data (year of birth, phone) is for the people who run the session.
SPEAKER_ROLES = (access.ORGANISER, access.SECRETARY)


def _scoped(qs: models.QuerySet, user, roles: Iterable[str], field: str) -> models.QuerySet:
    scope = access.scope_for(user, roles)
    if scope.is_empty:
        return qs.none()
    return qs.filter(scope.unit_q(field))


class PlanQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        return _scoped(self, user, READ_ROLES, "unit")

    def editable_by(self, user) -> PlanQuerySet:
        return _scoped(self, user, WRITE_ROLES, "unit")


class DialogueSessionQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> DialogueSessionQuerySet:
        return _scoped(self, user, READ_ROLES, "unit")

    def editable_by(self, user) -> DialogueSessionQuerySet:
        return _scoped(self, user, WRITE_ROLES, "unit")

    def with_speakers_for(self, user) -> DialogueSessionQuerySet:
        """Sessions whose speaker register `user` may see and keep."""
        return _scoped(self, user, SPEAKER_ROLES, "unit")


class SpeakerQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> SpeakerQuerySet:
        return _scoped(self, user, SPEAKER_ROLES, "session__unit")

    def queue(self) -> SpeakerQuerySet:
        return self.order_by("position", "pk")
