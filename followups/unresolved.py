"""Which petitions of a held session still need an agency, and who is proposed for each."""

from __future__ import annotations

from dialogue.models import Agency
from petitions.models import Petition
from sessions.models import DialogueSession

#: Petition statuses that still need an agency after the session.
ASSIGNABLE_STATUSES = frozenset(
    {
        Petition.Status.RECEIVED,
        Petition.Status.PREPARING,
        Petition.Status.PREPARED,
        Petition.Status.TO_ANSWER_AFTER,
        Petition.Status.ASSIGNED,
    }
)


def petitions_to_assign(session: DialogueSession):
    """The session's in-scope petitions that nobody has answered yet, most raised first."""
    return (
        session.petitions.filter(
            scope=Petition.Scope.IN_SCOPE,
            duplicate_of__isnull=True,
            status__in=ASSIGNABLE_STATUSES,
        )
        .select_related("field")
        .prefetch_related("preparations__agency")
        .order_by("-times_raised", "pk")
    )


def proposed_agencies(petition: Petition) -> list[Agency]:
    """Those who prepared the answer are proposed to give it."""
    return [p.agency for p in petition.preparations.all()]
