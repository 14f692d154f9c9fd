"""Finalising the minutes (Biên bản): freeze them as a stored PDF with its SHA-256; reopening
needs an organiser and a reason, and is recorded."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dialogue import audit, document_cache
from dialogue.models import User
from sessions import console, documents
from sessions.models import DialogueSession, Minutes

MINUTES_DOCUMENT = "minutes"


@transaction.atomic
def minutes_finalize(*, actor: User, session: DialogueSession, chair_name: str) -> Minutes:
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    console.check_writable(session)
    if not chair_name.strip():
        raise ValidationError({"chair_name": console.CHAIR_REQUIRED})
    check_times(session)
    minutes = console.minutes_of(session)
    minutes.chair_name = chair_name.strip()
    minutes.finalised_at = timezone.now()
    minutes.finalised_by = actor
    minutes.save(update_fields=["chair_name", "finalised_at", "finalised_by"])
    # A long minutes is rendered by a worker from this snapshot; its SHA-256 is mirrored here
    # when stored (mirror_sha256).
    stored = document_cache.issue(
        obj=minutes,
        kind=MINUTES_DOCUMENT,
        html=documents.minutes_html(session, minutes=minutes),
        filename=f"bien-ban-{session.pk}.pdf",
        actor=actor,
    )
    if stored is not None:
        minutes.sha256 = stored.sha256
        minutes.save(update_fields=["sha256"])
    _mirror_final(session.pk, True)
    audit.record(
        minutes,
        actor=actor,
        action="finalised",
        changes={"sha256": [None, stored.sha256]} if stored is not None else {},
    )
    console.bump(session.pk)
    return minutes


def mirror_sha256(sender, obj: Minutes, kind: str, stored, **kwargs) -> None:
    """dialogue.signals.document_stored: a worker stored the finalised minutes, whose page shows
    its SHA-256 (unless they were reopened meanwhile)."""
    if kind == MINUTES_DOCUMENT:
        Minutes.objects.filter(pk=obj.pk, finalised_at__isnull=False).update(sha256=stored.sha256)


def _mirror_final(session_id: int, final: bool) -> None:
    # On the session's row, where a console save checks it (sessions.console.claim_revision).
    DialogueSession.objects.filter(pk=session_id).update(minutes_final=final)


def check_times(session: DialogueSession) -> None:
    """Minutes whose end precedes their start state something impossible: refused."""
    start = session.started_at or session.starts_at
    end = session.ended_at or session.ends_at
    if end < start:
        tz = timezone.get_default_timezone()
        raise ValidationError(
            {
                "ended_at": ValidationError(
                    console.END_BEFORE_START,
                    code="end_before_start",
                    params={
                        "start": timezone.localtime(start, tz).strftime("%H:%M %d/%m/%Y"),
                        "end": timezone.localtime(end, tz).strftime("%H:%M %d/%m/%Y"),
                    },
                )
            }
        )


@transaction.atomic
def minutes_reopen(*, actor: User, session: DialogueSession, reason: str) -> Minutes:
    """Unfreeze the minutes. The stored PDF stays (as the record of what was signed)."""
    minutes = Minutes.objects.select_for_update().get(session=session)
    if not minutes.is_final:
        raise ValidationError(console.NOT_FINAL)
    if not reason.strip():
        raise ValidationError({"reason": console.REOPEN_REASON_REQUIRED})
    before = {"finalised_at": minutes.finalised_at, "sha256": minutes.sha256}
    minutes.finalised_at = None
    minutes.finalised_by = None
    minutes.sha256 = ""
    minutes.save(update_fields=["finalised_at", "finalised_by", "sha256"])
    _mirror_final(session.pk, False)
    audit.record(
        minutes,
        actor=actor,
        action="reopened",
        changes=audit.diff(before, {"finalised_at": None, "sha256": ""}),
        reason=reason.strip(),
    )
    console.bump(session.pk)
    return minutes
