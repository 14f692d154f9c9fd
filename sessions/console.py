"""The live session console (DESIGN §5): the speaker queue and the minutes, written by two
secretaries at once on a weak connection.

- A save carries a client-made UUID: sending it again (the browser retries until it hears back)
  returns the stored entry instead of adding one.
- An edit carries the version it started from: if someone saved in between, the edit is refused
  with both texts (EntryConflict) and nothing is overwritten. The check is optimistic (a
  conditional UPDATE on the entry), so saving one entry never waits for another's.
- Every change bumps `DialogueSession.console_revision`, the ETag of the pages that poll, and
  stamps the rows it changed with it (`rev`): a poll sends only the rows changed since the
  client's revision. The bump is an UPDATE of the session's row, which stays locked until the
  change commits: changes commit in revision order, the one point where they queue.
- Finalised minutes refuse every change (MINUTES_FINAL).
"""

from __future__ import annotations

import secrets
import uuid as uuid_module
from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, OuterRef, QuerySet, Subquery
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
ENTRY_CONFLICT = _(
    "Someone else changed this entry while you were editing it. Both texts are shown: merge "
    "them and save again."
)
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


def revision_key(session_id: int) -> str:
    """The cache key of the console's change counter (read directly by sessions.middleware)."""
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
    lock) its counter is kept in step; the caller may stamp its rows itself with
    `next_rev(locked)` before calling.
    """
    entries, speakers = list(entries), list(speakers)
    with transaction.atomic(savepoint=False):
        rev = claim_revision(session_id)
        if rev is None:
            raise DialogueSession.DoesNotExist(session_id)
        if locked is not None:
            locked.console_revision = rev
        if entries:
            MinutesEntry.objects.filter(pk__in=entries).update(rev=rev)
        if speakers:
            Speaker.objects.filter(pk__in=speakers).update(rev=rev)
    return rev


def claim_revision(session_id: int, *, writable_only: bool = False) -> int | None:
    """Move the session's revision on by one and return it, in one UPDATE … RETURNING; None if
    no row matched. The row stays locked until the transaction ends, so changes commit in the
    order of their revisions and a poll that reads revision R finds every row stamped <= R.

    With `writable_only` only a session whose minutes may still be written matches: the test
    is on the row being locked, so a finalisation or a status change committed while this
    waited for the row is seen (PostgreSQL re-reads the locked row, not other tables).

    The shared counter (the ETag) moves once the transaction commits: a poll can never keep
    an old state under a new tag.
    """
    meta = DialogueSession._meta
    qn = connection.ops.quote_name
    revision_column = qn(meta.get_field("console_revision").column)
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {revision_column} = {revision_column} + 1 "
        f"WHERE {qn(meta.pk.column)} = %s"
    )
    params: list = [session_id]
    if writable_only:
        statuses = sorted(WRITABLE_STATUSES)
        sql += (
            f" AND {qn(meta.get_field('status').column)} IN ({', '.join(['%s'] * len(statuses))})"
            f" AND {qn(meta.get_field('minutes_final').column)} = %s"
        )
        params += [*statuses, False]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {revision_column}", params)
            row = cursor.fetchone()
        else:  # SQLite before 3.35: no RETURNING, but it holds every writer out until commit
            cursor.execute(sql, params)
            row = None
            if cursor.rowcount:
                cursor.execute(
                    f"SELECT {revision_column} FROM {qn(meta.db_table)} "
                    f"WHERE {qn(meta.pk.column)} = %s",
                    [session_id],
                )
                row = cursor.fetchone()
    if row is None:
        return None
    transaction.on_commit(lambda: _advance_counter(session_id))
    return row[0]


def next_rev(locked: DialogueSession) -> int:
    """The revision the next bump(locked=...) gives, for rows saved under the session lock."""
    return locked.console_revision + 1


def _advance_counter(session_id: int) -> None:
    key = revision_key(session_id)
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
    key = revision_key(session_id)
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


def console_viewer(user_id: object, session_key: str, auth_hash: str) -> str:
    """Who a console tag is for: the user, the login session and its password-derived hash. A
    tag matching it proves this very session was handed this revision after the full checks,
    which is what lets sessions.middleware answer 304 without loading the user; a new login
    (another session key) or another user never matches it."""
    return f"{user_id}:{session_key}:{auth_hash}"


#: How long a user's access to a console, once checked, answers its 304s without a query: less
#: than the minute between two session renewals, so each renewal's poll checks again.
ACCESS_KEPT_SECONDS = 30


def may_poll(user: User, session_id: int) -> bool:
    """May `user` use the console of session `session_id`, for a 304 that sends no data. Checked
    in the database at most every ACCESS_KEPT_SECONDS per user and console (a yes is kept in
    the cache), so polls that reach the view stay cheap and access taken away stops them
    within a minute."""
    key = f"console-access:{session_id}:{user.pk}"
    if cache.get(key):
        return True
    allowed = DialogueSession.objects.console_for(user).filter(pk=session_id).exists()
    if allowed:
        cache.set(key, True, ACCESS_KEPT_SECONDS)
    return allowed


def minutes_of(session: DialogueSession) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(session=session)
    return minutes


def check_writable(session: DialogueSession) -> None:
    """Refuse writing to a session that is not in progress or whose minutes are final. The row
    mirrors finality (`minutes_final`, kept by sessions.minutes), so the minutes are read only
    to say who finalised them."""
    if session.minutes_final:
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


#: What a secretary types is checked (choices, lengths); the rest is set by the save.
_NOT_TYPED = [
    f.name for f in MinutesEntry._meta.fields if f.name not in ("kind", "text", "given_by")
]


class _Stale(Exception):
    """The entry moved past the edit's base version meanwhile (rolls the save back)."""


def entry_save(
    *,
    actor: User,
    session: DialogueSession | int,
    uuid: uuid_module.UUID,
    kind: str,
    text: str,
    speaker: Speaker | int | None = None,
    base_version: int | None = None,
    typed_at: datetime | None = None,
    given_by: str = "",
    within: QuerySet[DialogueSession] | None = None,
) -> tuple[MinutesEntry, bool]:
    """Create the entry `uuid`, or update it from `base_version`. Returns (entry, created).
    `given_by` names the official who reported, answered or concluded (the speaker, given as
    a Speaker or its pk, is the citizen whose turn it is). With `within` (the sessions the
    actor may use, from a view) a session outside it is DialogueSession.DoesNotExist.

    The same create sent twice (no base_version) returns the stored entry unchanged; an update
    whose base_version is not the stored version raises EntryConflict.

    Nothing is locked while the save is read and checked. An edit is one query to read the
    entry with its session (and the speaker asked for), then the revision claimed (which locks
    the session's row until commit: claim_revision), the entry updated only if still at
    `base_version`, and the change recorded; a create reads the session, claims and inserts,
    numbered after the last entry in the same statement (under the row lock, so two creates
    never take one number). Four queries for an edit, three for a create.
    """
    session_id = getattr(session, "pk", session)
    speaker_id = getattr(speaker, "pk", speaker)
    text, given_by = text.strip(), given_by.strip()
    if base_version is not None:
        entries = MinutesEntry.objects.filter(uuid=uuid, session_id=session_id)
        if within is not None:
            entries = entries.filter(session__in=within)
        existing = (
            entries.select_related("session", "speaker", "created_by", "updated_by")
            .annotate(**_speaker_name(speaker, speaker_id, OuterRef("session_id")))
            .first()
        )
        if existing is not None:
            return _entry_edit(
                existing,
                actor=actor,
                kind=kind,
                text=text,
                speaker=_speaker(speaker, speaker_id, existing, existing.session),
                base_version=base_version,
                given_by=given_by,
            ), False
    row = (
        (within if within is not None else DialogueSession.objects.all())
        .filter(pk=session_id)
        .annotate(**_speaker_name(speaker, speaker_id, OuterRef("pk")))
        .first()
    )
    if row is None:
        raise DialogueSession.DoesNotExist(session_id)
    check_writable(row)
    if not text:
        raise ValidationError({"text": ENTRY_TEXT_REQUIRED})
    _check_typed(text=text, given_by=given_by)
    entry = MinutesEntry(
        session=row,
        uuid=uuid,
        kind=kind,
        text=text,
        speaker=_speaker(speaker, speaker_id, row, row),
        given_by=given_by,
        typed_at=typed_at,
        created_by=actor,
        updated_by=actor,
    )
    entry.clean_fields(exclude=_NOT_TYPED)
    try:
        with transaction.atomic():
            entry.rev = _claim_open(row.pk)
            _insert_numbered(entry)
    except IntegrityError:
        # The UUID is stored already: a create sent again (the browser did not hear the
        # answer), or a UUID of another session's entry.
        stored = (
            MinutesEntry.objects.select_related("speaker", "created_by", "updated_by")
            .filter(uuid=uuid)
            .first()
        )
        if stored is None:
            raise
        if stored.session_id != row.pk:
            raise ValidationError(ENTRY_OTHER_SESSION) from None
        return stored, False
    return entry, True


def _entry_edit(
    existing: MinutesEntry,
    *,
    actor: User,
    kind: str,
    text: str,
    speaker: Speaker | None,
    base_version: int,
    given_by: str,
) -> MinutesEntry:
    check_writable(existing.session)
    if not text:
        raise ValidationError({"text": ENTRY_TEXT_REQUIRED})
    _check_typed(text=text, given_by=given_by)
    before = _as_typed(existing)
    after = {"kind": kind, "text": text, "speaker": speaker, "given_by": given_by}
    if base_version != existing.version:
        if before == after:
            # What is asked is what is stored: an edit resent after its answer was lost (the
            # browser retries until it hears one), not a conflict.
            return existing
        raise EntryConflict(existing, text)
    MinutesEntry(**after).clean_fields(exclude=_NOT_TYPED)
    now = timezone.now()
    try:
        with transaction.atomic():
            rev = _claim_open(existing.session_id)
            changed = MinutesEntry.objects.filter(pk=existing.pk, version=base_version).update(
                **after,
                version=F("version") + 1,
                updated_by=actor,
                updated_at=now,
                rev=rev,
            )
            if not changed:
                raise _Stale
            for name, value in after.items():
                setattr(existing, name, value)
            existing.version = base_version + 1
            existing.updated_by, existing.updated_at, existing.rev = actor, now, rev
            audit.record(existing, actor=actor, action="updated", changes=audit.diff(before, after))
    except _Stale:
        current = (
            MinutesEntry.objects.select_related("speaker", "created_by", "updated_by")
            .filter(pk=existing.pk)
            .get()
        )
        if _as_typed(current) == after:
            return current  # the same edit, resent and saved meanwhile
        raise EntryConflict(current, text) from None
    return existing


def _as_typed(entry: MinutesEntry) -> dict:
    return {
        "kind": entry.kind,
        "text": entry.text,
        "speaker": entry.speaker,
        "given_by": entry.given_by,
    }


def _check_typed(**values: str) -> None:
    for name, value in values.items():
        if has_emoji(value):
            # The entry goes into the minutes' PDF, whose font has none.
            raise ValidationError({name: EMOJI_REFUSED})


def _speaker_name(speaker, speaker_id: int | None, session_ref) -> dict:
    """The name of the speaker asked for by pk, if on the session's list: read in the query
    that reads the session (or the entry), not in one of its own."""
    if speaker_id is None or isinstance(speaker, Speaker):
        return {}
    names = Speaker.objects.filter(pk=speaker_id, session_id=session_ref).values("full_name")
    return {"asked_speaker_name": Subquery(names[:1])}


def _speaker(speaker, speaker_id, row, session: DialogueSession) -> Speaker | None:
    """The entry's speaker, checked to be on `session`'s list (`row` carries the name read
    with _speaker_name). A speaker given by pk is loaded with its name only."""
    if speaker_id is None:
        return None
    if isinstance(speaker, Speaker):
        if speaker.session_id != session.pk:
            raise ValidationError({"speaker": SPEAKER_OTHER_SESSION})
        return speaker
    if isinstance(row, MinutesEntry) and row.speaker_id == speaker_id:
        return row.speaker
    name = getattr(row, "asked_speaker_name", None)
    if name is None:
        raise ValidationError({"speaker": SPEAKER_OTHER_SESSION})
    known = {"id": speaker_id, "session_id": session.pk, "full_name": name}
    names = [f.attname for f in Speaker._meta.concrete_fields if f.attname in known]
    return Speaker.from_db(connection.alias, names, [known[n] for n in names])


def _claim_open(session_id: int) -> int:
    """The revision of a save, claimed only while the session takes entries."""
    rev = claim_revision(session_id, writable_only=True)
    if rev is None:
        # Finalised, ended or cancelled since the save read it: say which.
        check_writable(DialogueSession.objects.get(pk=session_id))
        raise ValidationError(NOT_IN_PROGRESS, code="not_in_progress")
    return rev


def _insert_numbered(entry: MinutesEntry) -> None:
    """INSERT the entry numbered after the session's last one, in one statement. Called under
    the session row's lock (claim_revision): the statement reads the entries after every
    earlier create committed, so the numbers follow the order of the revisions."""
    meta = MinutesEntry._meta
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f is not meta.pk and f.name != "seq"]
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    table = qn(meta.db_table)
    seq = qn(meta.get_field("seq").column)
    session = qn(meta.get_field("session").column)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}, {seq}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}, "
        f"(SELECT COALESCE(MAX({seq}), 0) + 1 FROM {table} WHERE {session} = %s))"
    )
    params = [*values, entry.session_id]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {qn(meta.pk.column)}, {seq}", params)
            entry.pk, entry.seq = cursor.fetchone()
        else:  # SQLite before 3.35
            cursor.execute(sql, params)
            entry.pk, entry.seq = (
                MinutesEntry.objects.filter(uuid=entry.uuid).values_list("pk", "seq").get()
            )
    entry._state.adding = False
    entry._state.db = connection.alias


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
