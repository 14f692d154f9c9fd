"""Reads used more than once: who may see which plans, sessions and speakers."""

from __future__ import annotations

from django.db import models

from dialogue import access
from dialogue.querysets import SearchableQuerySet

#: Organisers write; secretaries help them; supervisors and administrators read.
READ_ROLES = access.STAFF_ROLES
WRITE_ROLES = (access.ORGANISER,)
#: Speakers' personal data (year of birth, phone) is for the people who run the session.
SPEAKER_ROLES = (access.ORGANISER, access.SECRETARY)


class PlanQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> PlanQuerySet:
        return self.scoped(user, WRITE_ROLES, "unit")


class DialogueSessionQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> DialogueSessionQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> DialogueSessionQuerySet:
        return self.scoped(user, WRITE_ROLES, "unit")

    def console_for(self, user) -> DialogueSessionQuerySet:
        """Sessions whose live console `user` may use: its organisers and its own secretaries."""
        organised = self.scoped(user, WRITE_ROLES, "unit").values("pk")
        kept = self.scoped(user, (access.SECRETARY,), "unit").filter(secretaries=user).values("pk")
        return self.filter(models.Q(pk__in=organised) | models.Q(pk__in=kept))

    def with_speakers_for(self, user) -> DialogueSessionQuerySet:
        """Sessions whose speaker register `user` may see and keep."""
        return self.scoped(user, SPEAKER_ROLES, "unit")


class SpeakerQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> SpeakerQuerySet:
        return self.scoped(user, SPEAKER_ROLES, "session__unit")

    def queue(self) -> SpeakerQuerySet:
        return self.order_by("position", "pk")


class ExtraConferenceRequestQuerySet(SearchableQuerySet):
    def visible_to(self, user) -> ExtraConferenceRequestQuerySet:
        return self.scoped(user, READ_ROLES, "unit")

    def editable_by(self, user) -> ExtraConferenceRequestQuerySet:
        return self.scoped(user, WRITE_ROLES, "unit")
