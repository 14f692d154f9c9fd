"""Reads used more than once: who may see which petitions."""

from __future__ import annotations

from dialogue import access
from dialogue.querysets import ScopedQuerySet, SearchableQuerySet

READ_ROLES = access.STAFF_ROLES
WRITE_ROLES = (access.ORGANISER,)
PERSONAL_DATA_ROLES = (access.ORGANISER, access.SECRETARY)


class PetitionQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> PetitionQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> PetitionQuerySet:
        return self.scoped(user, WRITE_ROLES, "unit")

    def with_personal_data_for(self, user) -> PetitionQuerySet:
        """Petitions whose petitioners' address and phone `user` may see (DESIGN §8)."""
        return self.scoped(user, PERSONAL_DATA_ROLES, "unit")

    def unresolved(self) -> PetitionQuerySet:
        return self.filter(is_resolved=False)


class PreparationQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> PreparationQuerySet:
        return self.scoped(user, READ_ROLES, "petition__unit")

    def editable_by(self, user) -> PreparationQuerySet:
        return self.scoped(user, WRITE_ROLES, "petition__unit")

    def open(self) -> PreparationQuerySet:
        return self.filter(answered_on__isnull=True)
