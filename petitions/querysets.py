"""Reads used more than once: who may see which petitions."""

from __future__ import annotations

from django.db import models

from dialogue import access
from dialogue.querysets import SearchableQuerySet

READ_ROLES = access.STAFF_ROLES
WRITE_ROLES = (access.ORGANISER,)
PERSONAL_DATA_ROLES = (access.ORGANISER, access.SECRETARY)


def _scoped(qs: models.QuerySet, user, roles, field: str) -> models.QuerySet:
    scope = access.scope_for(user, roles)
    if scope.is_empty:
        return qs.none()
    return qs.filter(scope.unit_q(field))


class PetitionQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> PetitionQuerySet:
        return _scoped(self, user, READ_ROLES, "unit")

    def editable_by(self, user) -> PetitionQuerySet:
        return _scoped(self, user, WRITE_ROLES, "unit")

    def with_personal_data_for(self, user) -> PetitionQuerySet:
        """Petitions whose petitioners' address and phone `user` may see (DESIGN §8)."""
        return _scoped(self, user, PERSONAL_DATA_ROLES, "unit")

    def unresolved(self) -> PetitionQuerySet:
        return self.filter(is_resolved=False)


class PreparationQuerySet(models.QuerySet):
    def visible_to(self, user) -> PreparationQuerySet:
        return _scoped(self, user, READ_ROLES, "petition__unit")

    def open(self) -> PreparationQuerySet:
        return self.filter(answered_on__isnull=True)
