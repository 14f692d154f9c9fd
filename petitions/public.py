"""What a citizen sees of a petition by its public reference: its progress, never personal data.

The petition's own follow-up (assignments, extensions, responses, forwarding) is read through its
reverse relations, so `petitions` does not import `followups` (DESIGN §2). Free text shown here
is passed through `dialogue.retention.redact` with the petition's personal values, so an answer
that names the petitioner shows the placeholder instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dialogue.retention import redact
from petitions.models import Petition
from petitions.reference import normalise

#: How long a response summary on the public page may be.
SUMMARY_CHARS = 600


@dataclass
class PublicExtension:
    new_due_on: date
    reason: str
    citizen_told_on: date


@dataclass
class PublicAssignment:
    agency: str
    assigned_on: date
    due_on: date
    is_open: bool
    extensions: list[PublicExtension] = field(default_factory=list)
    responses: list[tuple[date, str]] = field(default_factory=list)
    forwardings: list[tuple[date, str]] = field(default_factory=list)


def personal_values(petition: Petition) -> list[str]:
    return [petition.petitioner_name, petition.petitioner_address, petition.petitioner_phone]


def summary(text: str, values: list[str]) -> str:
    text = redact(text, values).strip()
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def find(reference_text: str) -> Petition | None:
    """The petition with this reference, or None (malformed and unknown look the same)."""
    reference = normalise(reference_text or "")
    if reference is None:
        return None
    return (
        Petition.objects.select_related("session", "unit", "field")
        .prefetch_related(
            "assignments__agency",
            "assignments__extensions",
            "assignments__responses",
            "assignments__forwardings",
        )
        .filter(reference=reference)
        .first()
    )


def assignments(petition: Petition) -> list[PublicAssignment]:
    values = personal_values(petition)
    shown = []
    for a in petition.assignments.all():
        shown.append(
            PublicAssignment(
                agency=a.agency.name,
                assigned_on=a.assigned_on,
                due_on=a.due_on,
                is_open=a.status == "open",
                extensions=[
                    PublicExtension(e.new_due_on, redact(e.reason, values), e.citizen_told_on)
                    for e in a.extensions.all()
                    if e.status == "accepted"
                ],
                responses=[(r.responded_on, summary(r.text, values)) for r in a.responses.all()],
                forwardings=[(f.forwarded_on, f.to_body) for f in a.forwardings.all()],
            )
        )
    return shown


def status_context(petition: Petition) -> dict:
    values = personal_values(petition)
    return {
        "petition": petition,
        "content": redact(petition.content, values),
        "answer_at_session": redact(petition.answer_at_session, values),
        "assignments": assignments(petition),
    }
