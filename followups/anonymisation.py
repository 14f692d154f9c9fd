"""The retention sweep: citizens' personal data of sessions older than RETENTION_YEARS is
anonymised, set-based; records, counts, hashes and statistics stay; nothing is deleted.

Lives in `followups` because it touches every app below it (sessions' speakers and minutes,
petitions, followups' responses and extensions); the rule itself (what is due, the placeholder,
how free text is redacted) is the pure `dialogue.retention`.

One run:

0. stores as issued the versions of the due sessions' minutes and notices still waiting for a
   worker (their snapshot holds the names); a session one of whose versions cannot be stored
   (its render fails) is left, logged, for a later run, and the others go on;
1. marks the due sessions (ended before the cutoff, no legal hold, not yet anonymised) with one
   timestamp `stamp` (one UPDATE); every later statement selects by that stamp, so a run is a
   fixed number of statements whatever the number of rows (the Python pass of step 2: a fixed
   number per group of sessions);
2. redacts free text (minutes entries, speakers' summaries, petitions, responses, extensions, the
   conclusion notice's body): the names of the session's other citizens and phone and identity
   numbers in Python (`dialogue.retention`; each text read once, in groups of sessions, only
   changed texts written), then each text's own citizen's values with SQL REPLACE; then the
   sweep overwrites the personal columns (petitioners' names, addresses, phones; speakers'
   names, addresses, phones, years of birth). A petition on legal hold is left as is. The
   folded search columns are computed from the new values in the same statements
   (`dialogue.foldsql`: the app's own fold in SQL; on PostgreSQL the rare rows left non-ASCII
   are refolded in Python in one more statement);
3. masks the history of those rows: the values of personal and free-text fields in their change
   records, and the speakers' and petitions' names in the records' titles;
4. re-renders the finalised minutes and the issued conclusion notice of those sessions: the new
   version is stored, the earlier versions keep their SHA-256 and size as the record but lose
   their bytes, and the history says which hash was replaced;
5. records one "anonymised" change per session.

Running it twice does nothing the second time (anonymised sessions are not due); a run killed
halfway rolls back (one transaction), and the next run starts again.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Replace
from django.utils import timezone

from dialogue import audit, document_cache, foldsql, retention, storage
from dialogue.foldsql import search_document_sql
from dialogue.models import ChangeRecord, RenderedDocument, StoredDocument
from dialogue.textfold import search_document
from followups.documents import notice_filename, notice_pdf
from followups.models import ConclusionNotice, Extension, Response
from followups.services import NOTICE_DOCUMENT
from petitions.models import Petition
from sessions import documents as session_documents
from sessions.minutes import MINUTES_DOCUMENT
from sessions.models import DialogueSession, Minutes, MinutesEntry, Speaker

logger = logging.getLogger(__name__)

PH = Value(retention.PLACEHOLDER)
#: Due sessions are redacted in groups of at most this many citizens' names (memory) and sessions.
NAMES_PER_CHUNK = 50_000
SESSIONS_PER_CHUNK = 500
#: Change-record keys whose values may hold a citizen's data or repeat it in free text.
HISTORY_KEYS = frozenset(
    {
        "full_name",
        "address",
        "phone",
        "birth_year",
        "organisation",
        "summary",
        "text",
        "content",
        "answer_at_session",
        "routing_reason",
        "petitioner_name",
        "petitioner_address",
        "petitioner_phone",
        "reason",
        "body",
    }
)


@dataclass
class SweepReport:
    cutoff: date
    sessions: int = 0
    speakers: int = 0
    petitions: int = 0
    held_petitions: int = 0
    minutes_entries: int = 0
    responses: int = 0
    documents: int = 0
    free_texts: int = 0
    history: int = 0
    #: Due sessions left for the next run: an issued document of theirs could not be stored.
    blocked: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(self).items()}


def _cutoff_moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def due_sessions(*, today: date, years: int):
    """Sessions whose citizens' data is due: ended (or planned to end) before the cutoff."""
    moment = _cutoff_moment(retention.cutoff(today, years))
    return DialogueSession.objects.filter(anonymised_at__isnull=True, legal_hold=False).filter(
        Q(ended_at__lt=moment) | Q(ended_at__isnull=True, ends_at__lt=moment)
    )


def _settle_issued(due) -> set[int]:
    """Store now, as issued, the versions of the due sessions' minutes and notices still
    waiting for a worker (dialogue.document_cache.issue_settle), before anything they show is
    redacted. The sessions with a version that cannot be stored (its render fails) are
    returned and logged: they are left for a later run, the others go on."""
    waiting = RenderedDocument.objects.filter(stored_version__isnull=False)
    blocked: set[int] = set()
    for model, kind in ((Minutes, MINUTES_DOCUMENT), (ConclusionNotice, NOTICE_DOCUMENT)):
        kind_type = ContentType.objects.get_for_model(model)
        ids = waiting.filter(content_type=kind_type, kind=kind).values_list("object_id", flat=True)
        for obj in model.objects.filter(session__in=due, pk__in=[int(pk) for pk in set(ids)]):
            failed = document_cache.issue_settle(obj, kind)
            if failed is not None:
                logger.error(
                    "Session %s is not anonymised this run: its issued %s version %s (render "
                    "%s) could not be stored first: %s",
                    obj.session_id,
                    kind,
                    failed.stored_version,
                    failed.pk,
                    failed.error,
                )
                blocked.add(obj.session_id)
    return blocked


def _settled(obj, kind: str) -> None:
    """Every issued version of the document is stored (_settle_issued did it; one issued since
    is stored here). One that cannot be stored now stops the run: its redaction would precede
    it."""
    failed = document_cache.issue_settle(obj, kind)
    if failed is not None:
        raise RuntimeError(f"Issued {kind} version {failed.stored_version} of {obj!r} not stored")


def _redact_sql(expression, *values):
    """REPLACE each value (an expression; NULL and '' leave the text unchanged) by the
    placeholder. Values are applied in the order given: the longest (the full name) first."""
    for value in values:
        expression = Replace(
            expression,
            Coalesce(value, Value(""), output_field=TextField()),
            PH,
            output_field=TextField(),
        )
    return expression


def _blank_or_placeholder(name: str):
    return Case(When(**{name: ""}, then=Value("")), default=PH)


def _petition_value(field: str):
    """The value of the petition of a row's assignment (responses and extensions)."""
    return Subquery(
        Petition.objects.filter(assignments=OuterRef("assignment_id")).values(field)[:1]
    )


def _speaker_value(field: str):
    return Subquery(Speaker.objects.filter(pk=OuterRef("speaker_id")).values(field)[:1])


def dry_run(*, today: date | None = None, years: int | None = None) -> SweepReport:
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    sessions = due_sessions(today=today, years=years)
    petitions = Petition.objects.filter(session__in=sessions)
    return SweepReport(
        cutoff=retention.cutoff(today, years),
        sessions=sessions.count(),
        speakers=Speaker.objects.filter(session__in=sessions).count(),
        petitions=petitions.filter(legal_hold=False).count(),
        held_petitions=petitions.filter(legal_hold=True).count(),
        minutes_entries=MinutesEntry.objects.filter(session__in=sessions).count(),
        documents=Minutes.objects.filter(session__in=sessions, finalised_at__isnull=False).count()
        + ConclusionNotice.objects.filter(session__in=sessions, issued_on__isnull=False).count(),
        dry_run=True,
    )


@transaction.atomic
def retention_sweep(*, today: date | None = None, years: int | None = None) -> SweepReport:
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    report = SweepReport(cutoff=retention.cutoff(today, years))
    stamp = timezone.now()
    due = due_sessions(today=today, years=years)
    blocked = _settle_issued(due)
    report.blocked = len(blocked)
    report.sessions = due.exclude(pk__in=blocked).update(anonymised_at=stamp)
    if not report.sessions:
        return report
    sessions = DialogueSession.objects.filter(anonymised_at=stamp)
    petitions = Petition.objects.filter(
        session__anonymised_at=stamp, legal_hold=False, anonymised_at__isnull=True
    )
    report.held_petitions = Petition.objects.filter(
        session__anonymised_at=stamp, legal_hold=True
    ).count()

    # Every free text: the names of the session's citizens and any phone or identity number,
    # before the personal columns they are read from are overwritten.
    report.free_texts = _redact_free_texts(stamp, petitions)
    # Free text in followups that repeats the petitioner's values, before those values go.
    report.responses = Response.objects.filter(
        assignment__petition__in=petitions.values("pk")
    ).update(
        text=_redact_sql(
            F("text"),
            _petition_value("petitioner_name"),
            _petition_value("petitioner_address"),
            _petition_value("petitioner_phone"),
        )
    )
    Extension.objects.filter(assignment__petition__in=petitions.values("pk")).update(
        reason=_redact_sql(
            F("reason"),
            _petition_value("petitioner_name"),
            _petition_value("petitioner_address"),
            _petition_value("petitioner_phone"),
        )
    )
    # The minutes: each entry loses its own speaker's values.
    report.minutes_entries = MinutesEntry.objects.filter(
        session__anonymised_at=stamp, speaker__isnull=False
    ).update(
        text=_redact_sql(
            F("text"),
            _speaker_value("full_name"),
            _speaker_value("address"),
            _speaker_value("phone"),
        )
    )
    # Petitions: their own text, then the personal columns (one statement: every SET reads
    # the row as it was).
    # The search column is folded from the new values in the same statement, as
    # petitions.services computes it (dialogue.foldsql): each row is written once.
    own = (F("petitioner_name"), F("petitioner_address"), F("petitioner_phone"))
    address = _blank_or_placeholder("petitioner_address")
    report.petitions = petitions.update(
        content=_redact_sql(F("content"), *own),
        answer_at_session=_redact_sql(F("answer_at_session"), *own),
        routing_reason=_redact_sql(F("routing_reason"), *own),
        petitioner_name=PH,
        petitioner_address=address,
        petitioner_phone=_blank_or_placeholder("petitioner_phone"),
        search=search_document_sql(PH, address, _redact_sql(F("content"), *own)),
        anonymised_at=stamp,
    )
    speakers = Speaker.objects.filter(session__anonymised_at=stamp)
    report.speakers = speakers.update(
        summary=_redact_sql(F("summary"), F("full_name"), F("address"), F("phone")),
        full_name=PH,
        address=PH,
        phone=_blank_or_placeholder("phone"),
        birth_year=retention.ANONYMOUS_BIRTH_YEAR,
        identity_key="",
        # From the new values, as sessions.services computes it.
        search=search_document_sql(PH, PH, F("topic")),
    )
    _refold_in_python(speakers, "full_name", "address", "topic")
    _rebuild_petition_search(stamp)
    report.history = _mask_history(stamp, Petition.objects.filter(anonymised_at=stamp))
    report.documents = _rerender_minutes(sessions) + _rerender_notices(sessions)
    _record(sessions, stamp=stamp, years=years)
    return report


def _free_texts(stamp: datetime, petitions):
    """(rows, free-text fields, path to the row's session, path to the row's own citizen's name
    or None) for every free text of the due sessions."""
    of_petitions = {"assignment__petition__in": petitions.values("pk")}
    via_assignment = "assignment__petition__session"
    own_petitioner = "assignment__petition__petitioner_name"
    return [
        (
            MinutesEntry.objects.filter(session__anonymised_at=stamp),
            ["text"],
            "session",
            "speaker__full_name",
        ),
        (Speaker.objects.filter(session__anonymised_at=stamp), ["summary"], "session", "full_name"),
        (
            petitions,
            ["content", "answer_at_session", "routing_reason"],
            "session",
            "petitioner_name",
        ),
        (Response.objects.filter(**of_petitions), ["text"], via_assignment, own_petitioner),
        (Extension.objects.filter(**of_petitions), ["reason"], via_assignment, own_petitioner),
        (ConclusionNotice.objects.filter(session__anonymised_at=stamp), ["body"], "session", None),
    ]


def _session_chunks(stamp: datetime) -> list[list[int]]:
    """The due sessions in groups of at most NAMES_PER_CHUNK citizens (and SESSIONS_PER_CHUNK
    sessions), so that their names fit in memory."""
    citizens: Counter[int] = Counter()
    for model in (Speaker, Petition):
        counts = (
            model.objects.filter(session__anonymised_at=stamp)
            .values("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
        citizens.update(dict(counts))
    chunks: list[list[int]] = [[]]
    size = 0
    for pk in (
        DialogueSession.objects.filter(anonymised_at=stamp)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        if chunks[-1] and (
            size + citizens[pk] > NAMES_PER_CHUNK or len(chunks[-1]) >= SESSIONS_PER_CHUNK
        ):
            chunks.append([])
            size = 0
        chunks[-1].append(pk)
        size += citizens[pk]
    return [chunk for chunk in chunks if chunk]


def _names_of(session_ids: list[int]) -> dict[int, set[tuple[str, ...]]]:
    """Each session's citizens' names (speakers and petitioners), as `retention.name_key`s."""
    names: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    for model, field in ((Speaker, "full_name"), (Petition, "petitioner_name")):
        rows = model.objects.filter(session_id__in=session_ids).values_list("session_id", field)
        for session_id, name in rows.iterator(chunk_size=5000):
            if key := retention.name_key(name):
                names[session_id].add(key)
    return names


def _redact_free_texts(stamp: datetime, petitions) -> int:
    """Names of the session's other citizens, and phone and identity numbers, in every free text
    (`dialogue.retention`); each text's own citizen is left to the SQL REPLACE that follows. Reads
    each text once; writes only the rows that change."""
    changed_rows = 0
    for chunk in _session_chunks(stamp):
        names = _names_of(chunk)
        for rows, fields, session, own in _free_texts(stamp, petitions):
            wanted = ["pk", session, own or session, *fields]
            changed = []
            for pk, session_id, own_name, *texts in (
                rows.filter(**{f"{session}__in": chunk}).values_list(*wanted).iterator(2000)
            ):
                skip = retention.name_key(own_name) if own else ()
                session_names = names.get(session_id, set())
                redacted = [
                    retention.redact_numbers(retention.redact_names(text, session_names, skip=skip))
                    for text in texts
                ]
                if redacted != texts:
                    changed.append(rows.model(pk=pk, **dict(zip(fields, redacted, strict=True))))
            rows.model.objects.bulk_update(changed, fields, batch_size=1000)
            changed_rows += len(changed)
    return changed_rows


def _mask_history(stamp: datetime, petitions) -> int:
    """The change records of the anonymised rows: personal and free-text values masked (the fact
    of each change kept), speakers' and petitions' titles replaced."""
    by_model = {
        Speaker: Speaker.objects.filter(session__anonymised_at=stamp),
        Petition: petitions,
        MinutesEntry: MinutesEntry.objects.filter(session__anonymised_at=stamp),
        Response: Response.objects.filter(assignment__petition__in=petitions.values("pk")),
        Extension: Extension.objects.filter(assignment__petition__in=petitions.values("pk")),
        ConclusionNotice: ConclusionNotice.objects.filter(session__anonymised_at=stamp),
    }
    masked = []
    for model, rows in by_model.items():
        records = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=rows.annotate(_id=Cast("pk", CharField())).values("_id"),
        )
        if model is not ConclusionNotice:
            records.update(object_repr=Concat(Value("#"), F("object_id"), Value(" "), PH))
        for record in (
            records.filter(changes__has_any_keys=sorted(HISTORY_KEYS))
            .only("pk", "changes")
            .iterator(chunk_size=2000)
        ):
            record.changes = audit.masked(record.changes, HISTORY_KEYS)
            masked.append(record)
    ChangeRecord.objects.bulk_update(masked, ["changes"], batch_size=1000)
    return len(masked)


def _rebuild_petition_search(stamp: datetime) -> None:
    """The anonymised petitions' search column, where SQL alone may have folded it otherwise."""
    _refold_in_python(
        Petition.objects.filter(anonymised_at=stamp),
        "petitioner_name",
        "petitioner_address",
        "content",
    )


def _refold_in_python(rows, *fields: str) -> None:
    """`search = search_document(*fields)` for the `rows` whose search column the SQL fold may
    have computed differently from the Python one: none on SQLite (`dialogue.foldsql` runs the
    Python fold there); on PostgreSQL those left with a non-ASCII character (another script or
    letter), few in practice: one SELECT and, if there are any, one UPDATE from two arrays."""
    if foldsql.exact_in_sql(connection):
        return
    refolded = [
        (pk, search_document(*values))
        for pk, *values in rows.filter(foldsql.needs_python("search")).values_list("pk", *fields)
    ]
    if not refolded:
        return
    table = connection.ops.quote_name(rows.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET search = v.search "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, search) WHERE t.id = v.id",
            [[pk for pk, _ in refolded], [text for _, text in refolded]],
        )


def _rerender_minutes(sessions) -> int:
    """Finalised minutes carry speakers' names."""
    done = 0
    for minutes in Minutes.objects.filter(session__in=sessions, finalised_at__isnull=False):
        session = minutes.session
        # A version still waiting for its worker is stored as issued first, then redacted.
        _settled(minutes, MINUTES_DOCUMENT)
        minutes.refresh_from_db(fields=["sha256"])
        stored = _store_rerender(
            minutes,
            kind=MINUTES_DOCUMENT,
            original=minutes.sha256,
            content=session_documents.minutes_pdf(session, minutes=minutes),
            filename=f"bien-ban-{session.pk}.pdf",
        )
        minutes.sha256 = stored.sha256
        minutes.save(update_fields=["sha256"])
        done += 1
    return done


def _rerender_notices(sessions) -> int:
    """An issued conclusion notice may repeat petitioners' names in its body (now redacted)."""
    done = 0
    for notice in ConclusionNotice.objects.filter(
        session__in=sessions, issued_on__isnull=False
    ).select_related("session"):
        _settled(notice, NOTICE_DOCUMENT)
        latest = storage.latest(notice, NOTICE_DOCUMENT)
        if latest is None:
            continue
        _store_rerender(
            notice,
            kind=NOTICE_DOCUMENT,
            original=latest.sha256,
            content=notice_pdf(notice),
            filename=notice_filename(notice),
        )
        done += 1
    return done


def _store_rerender(obj, *, kind: str, original: str, content: bytes, filename: str):
    """Store an anonymised re-render as the next version of `obj`'s document, keep the earlier
    versions' hashes (not their bytes), and say so in the history."""
    stored = storage.document_store(
        obj=obj,
        kind=kind,
        content=content,
        filename=filename,
        reason=f"Ẩn danh dữ liệu cá nhân sau thời hạn lưu trữ; bản gốc SHA-256 {original}",
    )
    StoredDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        kind=kind,
    ).exclude(pk=stored.pk).update(content=b"")
    audit.record(
        obj,
        actor=None,
        action="anonymised",
        changes={"sha256": [original, stored.sha256]},
        reason="retention",
    )
    return stored


def _record(sessions, *, stamp: datetime, years: int) -> None:
    session_type = ContentType.objects.get_for_model(DialogueSession)
    reason = f"RETENTION_YEARS={years}"
    ChangeRecord.objects.bulk_create(
        (
            ChangeRecord(
                content_type=session_type,
                object_id=str(pk),
                object_repr=title[:300],
                actor=None,
                action="anonymised",
                changes={"anonymised_at": [None, stamp.isoformat()]},
                reason=reason,
            )
            for pk, title in sessions.values_list("pk", "title").iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )
