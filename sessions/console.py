"""The live session console (DESIGN §5): the speaker queue and the minutes, written by two
secretaries at once on a weak connection.

- A save carries a client-made UUID: sending it again (the browser retries until it hears back)
  returns the stored entry instead of adding one.
- An edit carries the version it started from: if someone saved in between, the edit is refused
  with both texts (EntryConflict) and nothing is overwritten.
- Every change bumps `DialogueSession.console_revision`, the ETag of the pages that poll, and
  stamps the rows it changed with it (`rev`): a poll sends only the rows changed since the
  client's revision.
- Finalised minutes refuse every change (MINUTES_FINAL).
"""

from __future__ import annotations

import secrets
import uuid as uuid_module
from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from dialogue import audit
from dialogue.emoji import EMOJI_REFUSED, has_emoji
from dialogue.models import User
from sessions import services
from sessions.models import DialogueSession, Minutes, MinutesEntry, Speaker

MINUTES_FINAL = _(
    "The minutes were finalised on %(date)s by %(name)s and can no longer be changed. "
    "An organiser can reopen them, giving a reason."
)
NOT_IN_PROGRESS = _("The session is not in progress: the console records only a running session.")
ENTRY_TEXT_REQUIRED = _("Write the text of the entry.")
ENTRY_OTHER_SESSION = _("This entry belongs to another session.")
SPEAKER_OTHER_SESSION = _("This speaker is not on this session's list.")
REFUSAL_REASON_REQUIRED = _(
    "Give the reason for refusing (for example: drunk, disruptive, threatening)."
)
NO_ONE_WAITING = _("Nobody is waiting to speak.")
STATUS_NOT_ALLOWED = _("A speaker cannot go from “%(from)s” to “%(to)s”.")
CHAIR_REQUIRED = _("Enter the name of the chair who signs the minutes.")
END_BEFORE_START = _(
    "The session's end (%(end)s) is before its start (%(start)s): correct the times before "
    "finalising the minutes."
)
REOPEN_REASON_REQUIRED = _("Give the reason for reopening the minutes.")
NOT_FINAL = _("The minutes are not finalised.")
ATTENDANCE_TOO_HIGH = _("More people attended (%(attending)s) than were invited (%(invited)s).")

#: The speaker queue as data: from each status, where a secretary may move a speaker.
SPEAKER_MOVES: dict[str, frozenset[str]] = {
    Speaker.Status.WAITING: frozenset({"speaking", "absent", "withdrawn", "refused"}),
    Speaker.Status.SPEAKING: frozenset({"spoke", "withdrawn", "refused"}),
    # Not satisfied with the answer, absent then arrived: back in the queue.
    Speaker.Status.SPOKE: frozenset({"waiting"}),
    Speaker.Status.ABSENT: frozenset({"waiting"}),
    Speaker.Status.WITHDRAWN: frozenset({"waiting"}),
    Speaker.Status.REFUSED: frozenset(),
}
#: Sessions whose minutes are still written in the console (after "held", only the page).
WRITABLE_STATUSES = frozenset({"in_progress", "held"})
REVISION_CACHE_SECONDS = 24 * 3600


class EntryConflict(Exception):
    """Someone saved the entry since this edit began: both texts go back to be merged."""

    def __init__(self, current: MinutesEntry, attempted_text: str):
        super().__init__(f"entry {current.uuid} is at version {current.version}")
        self.current = current
        self.attempted_text = attempted_text


def _revision_key(session_id: int) -> str:
    return f"console-revision:{session_id}"


def bump(
    session_id: int,
    *,
    entries: Iterable[int] = (),
    speakers: Iterable[int] = (),
    locked: DialogueSession | None = None,
) -> int:
    """Tell every polling page that the console changed (the ETag moves) and return the new
    revision. The rows named (pks of entries and speakers) are stamped with it, so a poll
    `since` an older revision sends them again.

    One transaction moves the counter and stamps the rows: a poll that reads revision R has
    therefore every row of revision <= R. With `locked` (the caller holds the session row's
    lock) the new revision is known without reading it back; the caller may stamp its rows
    itself with `locked.console_revision + 1` before calling.
    """
    entries, speakers = list(entries), list(speakers)
    with transaction.atomic(savepoint=False):
        DialogueSession.objects.filter(pk=session_id).update(
            console_revision=F("console_revision") + 1
        )
        if locked is not None:
            locked.console_revision += 1
            rev = locked.console_revision
        else:
            rev = (
                DialogueSession.objects.filter(pk=session_id)
                .values_list("console_revision", flat=True)
                .get()
            )
        if entries:
            MinutesEntry.objects.filter(pk__in=entries).update(rev=rev)
        if speakers:
            Speaker.objects.filter(pk__in=speakers).update(rev=rev)
        # The shared counter moves only once the change is visible to the other requests, so
        # a poll can never keep an old state under a new tag.
        transaction.on_commit(lambda: _advance_counter(session_id))
    return rev


def next_rev(locked: DialogueSession) -> int:
    """The revision the next bump(locked=...) gives, for rows saved under the session lock."""
    return locked.console_revision + 1


def _advance_counter(session_id: int) -> None:
    key = _revision_key(session_id)
    try:
        cache.incr(key)
    except ValueError:
        # Not cached, or the cache did not answer: drop the counter so that the next poll
        # starts a fresh one, which changes every tag (a kept stale counter would hide this
        # change behind 304s).
        cache.delete(key)


def revision(session_id: int) -> int | None:
    """The console's change counter, from the cache (shared by all processes through Redis).
    None when the session does not exist. A lost counter restarts at a random value, so the
    tags change and every page fetches the state again; it never hides a change."""
    key = _revision_key(session_id)
    value = cache.get(key)
    if value is None:
        stored = (
            DialogueSession.objects.filter(pk=session_id)
            .values_list("console_revision", flat=True)
            .first()
        )
        if stored is None:
            return None
        cache.add(key, secrets.randbelow(2**31) * 1000, REVISION_CACHE_SECONDS)
        value = cache.get(key)
        if value is None:
            # No shared cache (Redis stopped): the session row's counter, kept negative so it
            # never equals a cached one and a tag can never hide a change.
            value = -1 - stored
    return value


def etag(session_id: int, revision: int, view: str, viewer: str = "") -> str:
    """A tag for one viewer: a 304 only answers someone who was given this tag after a full
    access check, so the cheap path needs no access query and tells a stranger nothing."""
    mac = salted_hmac("console-etag", f"{view}:{session_id}:{revision}:{viewer}").hexdigest()
    return f'"{view}-{session_id}-{revision}-{mac[:16]}"'


def minutes_of(session: DialogueSession) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(session=session)
    return minutes


def check_writable(session: DialogueSession) -> None:
    check_not_final(session)
    if session.status not in WRITABLE_STATUSES:
        raise ValidationError(NOT_IN_PROGRESS, code="not_in_progress")


def check_not_final(session: DialogueSession) -> None:
    minutes = Minutes.objects.filter(session=session).select_related("finalised_by").first()
    if minutes is not None and minutes.is_final:
        raise ValidationError(
            MINUTES_FINAL,
            code="final",
            params={
                "date": timezone.localtime(minutes.finalised_at).strftime("%d/%m/%Y %H:%M"),
                "name": minutes.finalised_by or "—",
            },
        )


def _locked_session(session_id: int) -> DialogueSession:
    return DialogueSession.objects.select_for_update().get(pk=session_id)


# --- minutes entries -------------------------------------------------------------------------


@transaction.atomic
def entry_save(
    *,
    actor: User,
    session: DialogueSession,
    uuid: uuid_module.UUID,
    kind: str,
    text: str,
    speaker: Speaker | None = None,
    base_version: int | None = None,
    typed_at: datetime | None = None,
    given_by: str = "",
) -> tuple[MinutesEntry, bool]:
    """Create the entry `uuid`, or update it from `base_version`. Returns (entry, created).
    `given_by` names the official who reported, answered or concluded (the speaker is the
    citizen whose turn it is).

    The same create sent twice (no base_version) returns the stored entry unchanged; an update
    whose base_version is not the stored version raises EntryConflict.
    """
    session = _locked_session(session.pk)
    check_writable(session)
    text = text.strip()
    given_by = given_by.strip()
    if not text:
        raise ValidationError({"text": ENTRY_TEXT_REQUIRED})
    for name, value in (("text", text), ("given_by", given_by)):
        if has_emoji(value):
            # The entry goes into the minutes' PDF, whose font has none.
            raise ValidationError({name: EMOJI_REFUSED})
    if speaker is not None and speaker.session_id != session.pk:
        raise ValidationError({"speaker": SPEAKER_OTHER_SESSION})
    existing = MinutesEntry.objects.select_for_update().filter(uuid=uuid).first()
    if existing is not None:
        if existing.session_id != session.pk:
            raise ValidationError(ENTRY_OTHER_SESSION)
        if base_version is None:
            return existing, False  # a retried create: already stored once
        before = {
            "kind": existing.kind,
            "text": existing.text,
            "speaker": existing.speaker,
            "given_by": existing.given_by,
        }
        after = {"kind": kind, "text": text, "speaker": speaker, "given_by": given_by}
        if base_version != existing.version:
            if before == after:
                # What is asked is what is stored: an edit resent after its answer was lost
                # (the browser retries until it hears one), not a conflict.
                return existing, False
            raise EntryConflict(existing, text)
        existing.kind, existing.text, existing.speaker = kind, text, speaker
        existing.given_by = given_by
        existing.version += 1
        existing.updated_by = actor
        existing.rev = next_rev(session)
        existing.full_clean(exclude=["session", "created_by", "updated_by"])
        existing.save(
            update_fields=[
                "kind",
                "text",
                "speaker",
                "given_by",
                "version",
                "updated_by",
                "updated_at",
                "rev",
            ]
        )
        audit.record(existing, actor=actor, action="updated", changes=audit.diff(before, after))
        bump(session.pk, locked=session)
        return existing, False
    last = session.minutes_entries.aggregate(last=Max("seq"))["last"] or 0
    entry = MinutesEntry(
        session=session,
        uuid=uuid,
        seq=last + 1,
        kind=kind,
        text=text,
        speaker=speaker,
        given_by=given_by,
        typed_at=typed_at,
        created_by=actor,
        updated_by=actor,
        rev=next_rev(session),
    )
    entry.full_clean(exclude=["session", "created_by", "updated_by"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same UUID committed by a concurrent request (the session lock orders writers of
        # one session, so only a cross-session reuse of a UUID lands here).
        raise ValidationError(ENTRY_OTHER_SESSION) from None
    bump(session.pk, locked=session)
    return entry, True


# --- speaker queue ---------------------------------------------------------------------------


def _set_status(speaker: Speaker, to: str, *, actor: User, rev: int, reason: str = "") -> None:
    old = speaker.status
    if to not in SPEAKER_MOVES[old]:
        raise ValidationError(
            STATUS_NOT_ALLOWED,
            params={"from": speaker.get_status_display(), "to": Speaker.Status(to).label},
        )
    if to == Speaker.Status.REFUSED and not reason.strip():
        raise ValidationError({"reason": REFUSAL_REASON_REQUIRED})
    now = timezone.now()
    speaker.status = to
    speaker.status_reason = reason.strip()
    speaker.rev = rev
    fields = ["status", "status_reason", "rev"]
    if to == Speaker.Status.SPEAKING:
        speaker.called_at, speaker.finished_at = now, None
        fields += ["called_at", "finished_at"]
    elif old == Speaker.Status.SPEAKING:
        speaker.finished_at = now
        fields.append("finished_at")
    if to == Speaker.Status.WAITING:
        # Queued again: at the end of the queue.
        last = Speaker.objects.filter(session_id=speaker.session_id).aggregate(m=Max("position"))
        speaker.position = (last["m"] or 0) + 1
        fields.append("position")
    speaker.save(update_fields=fields)
    audit.record(
        speaker, actor=actor, action="status", changes={"status": [old, to]}, reason=reason
    )


@transaction.atomic
def speaker_set_status(*, actor: User, speaker: Speaker, to: str, reason: str = "") -> Speaker:
    session = _locked_session(speaker.session_id)
    check_writable(session)
    speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
    if to == Speaker.Status.SPEAKING:
        for current in session.speakers.filter(status=Speaker.Status.SPEAKING):
            _set_status(current, Speaker.Status.SPOKE, actor=actor, rev=next_rev(session))
    _set_status(speaker, to, actor=actor, reason=reason, rev=next_rev(session))
    bump(session.pk, locked=session)
    return speaker


@transaction.atomic
def speaker_call_next(*, actor: User, session: DialogueSession) -> Speaker:
    """The first waiting speaker takes the floor; whoever was speaking has spoken."""
    session = _locked_session(session.pk)
    check_writable(session)
    nxt = session.speakers.filter(status=Speaker.Status.WAITING).order_by("position", "pk").first()
    if nxt is None:
        raise ValidationError(NO_ONE_WAITING)
    for current in session.speakers.filter(status=Speaker.Status.SPEAKING):
        _set_status(current, Speaker.Status.SPOKE, actor=actor, rev=next_rev(session))
    _set_status(nxt, Speaker.Status.SPEAKING, actor=actor, rev=next_rev(session))
    bump(session.pk, locked=session)
    return nxt


# --- the session itself ----------------------------------------------------------------------


def display_token(session: DialogueSession) -> str:
    """The projector page's token, made on first use (the display of a session whose minutes
    are final shows nothing: sessions.console_views.display_sessions)."""
    if not session.display_token:
        token = secrets.token_urlsafe(24)
        DialogueSession.objects.filter(pk=session.pk, display_token="").update(display_token=token)
        session.refresh_from_db(fields=["display_token"])
    return session.display_token


@transaction.atomic
def display_link_renew(*, actor: User, session: DialogueSession) -> str:
    """A new projector link (the old one was shared too widely): the old one stops at once.
    Recorded without the token, which is as good as a password to the display."""
    session = _locked_session(session.pk)
    check_not_final(session)
    session.display_token = secrets.token_urlsafe(24)
    session.save(update_fields=["display_token"])
    audit.record(session, actor=actor, action="display_link_renewed")
    return session.display_token


@transaction.atomic
def session_end(
    *, actor: User, session: DialogueSession, attending_count: int, invited_count: int | None
) -> DialogueSession:
    """Close the hall: the session is held, with its end time and attendance recorded."""
    session = _locked_session(session.pk)
    check_writable(session)
    if invited_count is not None and attending_count > invited_count:
        raise ValidationError(
            {
                "attending_count": ValidationError(
                    ATTENDANCE_TOO_HIGH,
                    params={"attending": attending_count, "invited": invited_count},
                )
            }
        )
    session = services.session_transition(actor=actor, session=session, to="held")
    before = {"attending_count": session.attending_count, "invited_count": session.invited_count}
    session.attending_count = attending_count
    session.invited_count = invited_count
    session.save(update_fields=["attending_count", "invited_count", "updated_at"])
    audit.record(
        session,
        actor=actor,
        action="attendance",
        changes=audit.diff(
            before, {"attending_count": attending_count, "invited_count": invited_count}
        ),
    )
    bump(session.pk)
    return session
