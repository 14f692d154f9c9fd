"""Publishing a session's results for citizens (Luật Tổ chức chính quyền địa phương 2025: the
results of a commune conference are posted on the notice board and sent to the hamlets).

Writes: `publication_publish` and `publication_unpublish`, each recorded on the publication
(dialogue.audit). Reads: `results_context`, the public page's data with no citizen's name,
address or phone (the petitions' own text is redacted with their petitioners' values).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit
from dialogue.models import AdministrativeUnit, User
from dialogue.retention import redact
from followups.models import ConclusionNotice, Publication
from petitions import public as petition_public
from petitions.models import Petition
from sessions.models import DialogueSession

NOTICE_NOT_ISSUED = _("The results are published once the conclusion notice is issued.")
ALREADY_PUBLISHED = _("The results of this session are already published.")
NOT_PUBLISHED = _("The results of this session are not published.")


def _issued_notice(session: DialogueSession) -> ConclusionNotice | None:
    return ConclusionNotice.objects.filter(
        session=session, status=ConclusionNotice.Status.ISSUED
    ).first()


@transaction.atomic
def publication_publish(*, actor: User, session: DialogueSession) -> Publication:
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if _issued_notice(session) is None:
        raise ValidationError(NOTICE_NOT_ISSUED)
    now = timezone.now()
    publication = Publication.objects.select_for_update().filter(session=session).first()
    if publication is None:
        publication = Publication.objects.create(
            session=session, unit_id=session.unit_id, published_at=now, published_by=actor
        )
        audit.record(publication, actor=actor, action="published")
        return publication
    if publication.is_live:
        raise ValidationError(ALREADY_PUBLISHED)
    before = {"unpublished_at": publication.unpublished_at}
    publication.published_at = now
    publication.published_by = actor
    publication.unpublished_at = None
    publication.unpublished_by = None
    publication.save(
        update_fields=["published_at", "published_by", "unpublished_at", "unpublished_by"]
    )
    audit.record(
        publication,
        actor=actor,
        action="republished",
        changes=audit.diff(before, {"unpublished_at": None}),
    )
    return publication


@transaction.atomic
def publication_unpublish(
    *, actor: User, session: DialogueSession, reason: str = ""
) -> Publication:
    publication = Publication.objects.select_for_update().filter(session=session).first()
    if publication is None or not publication.is_live:
        raise ValidationError(NOT_PUBLISHED)
    publication.unpublished_at = timezone.now()
    publication.unpublished_by = actor
    publication.save(update_fields=["unpublished_at", "unpublished_by"])
    audit.record(publication, actor=actor, action="unpublished", reason=reason.strip())
    return publication


# --- the public page ------------------------------------------------------------------------


@dataclass
class PublicPetition:
    number: int
    field: str
    subject: str
    status: str
    answer_at_session: str
    answered_by: str
    assignments: list = field(default_factory=list)


def public_url(session: DialogueSession) -> str:
    return f"{settings.SITE_URL}{reverse('public-results', args=[session.pk])}"


def public_petitions(session: DialogueSession) -> list[PublicPetition]:
    petitions = (
        session.petitions.select_related("field")
        .prefetch_related(
            "assignments__agency",
            "assignments__extensions",
            "assignments__responses",
            "assignments__forwardings",
        )
        .exclude(status=Petition.Status.DUPLICATE)
        .order_by("pk")
    )
    shown = []
    for number, p in enumerate(petitions, start=1):
        values = petition_public.personal_values(p)
        shown.append(
            PublicPetition(
                number=number,
                field=p.field.name,
                subject=redact(p.content, values),
                status=p.get_status_display(),
                answer_at_session=redact(p.answer_at_session, values),
                answered_by=p.answered_by,
                assignments=petition_public.assignments(p),
            )
        )
    return shown


def results_context(session: DialogueSession) -> dict:
    return {
        "session": session,
        "topics": [line.strip() for line in session.topics.splitlines() if line.strip()],
        "notice": _issued_notice(session),
        "petitions": public_petitions(session),
        "url": public_url(session),
    }


def unit_sessions_by_year(unit: AdministrativeUnit) -> list[tuple[int, list[DialogueSession]]]:
    """The unit's sessions whose results are published, newest year first."""
    sessions = (
        DialogueSession.objects.filter(
            publication__unit=unit, publication__unpublished_at__isnull=True
        )
        .only("pk", "title", "starts_at", "venue")
        .order_by("-starts_at", "-pk")
    )
    by_year: dict[int, list[DialogueSession]] = defaultdict(list)
    for s in sessions:
        by_year[timezone.localtime(s.starts_at).year].append(s)
    return sorted(by_year.items(), reverse=True)
