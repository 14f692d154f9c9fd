"""The retention sweep: citizens' personal data of sessions older than RETENTION_YEARS is
anonymised, set-based; records, counts, hashes and statistics stay; nothing is deleted.

Lives in `followups` because it touches every app below it (sessions' speakers and minutes,
petitions, followups' responses and extensions); the rule itself (what is due, the placeholder,
how free text is redacted) is the pure `dialogue.retention`.

One run:

1. marks the due sessions (ended before the cutoff, no legal hold, not yet anonymised) with one
   timestamp `stamp` (one UPDATE); every later statement selects by that stamp, so a run is a
   fixed number of statements whatever the number of rows;
2. redacts free text that repeats a citizen's own values (responses and accepted extensions that
   name the petitioner, minutes entries that name their speaker, the petition's own text) with
   SQL REPLACE, then overwrites the personal columns (petitioners' names, addresses, phones;
   speakers' names, addresses, phones, years of birth). A petition on legal hold is left as is;
   the folded search columns are computed from the new values in the same statements
   (`dialogue.foldsql`: the app's own fold in SQL; on PostgreSQL the rare rows left
   non-ASCII are refolded in Python in one more statement);
3. re-renders the finalised minutes PDFs of those sessions: the new version is stored, the
   earlier versions keep their SHA-256 and size as the record but lose their bytes, and the
   history says which hash was replaced;
4. records one "anonymised" change per session.

Running it twice does nothing the second time (anonymised sessions are not due); a run killed
halfway rolls back (one transaction), and the next run starts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Replace
from django.utils import timezone

from dialogue import audit, foldsql, retention, storage
from dialogue.foldsql import search_document_sql
from dialogue.models import ChangeRecord, StoredDocument
from dialogue.textfold import search_document
from followups.models import Extension, Response
from petitions.models import Petition
from sessions import documents as session_documents
from sessions.minutes import MINUTES_DOCUMENT
from sessions.models import DialogueSession, Minutes, MinutesEntry, Speaker

PH = Value(retention.PLACEHOLDER)


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
        documents=Minutes.objects.filter(session__in=sessions, finalised_at__isnull=False).count(),
        dry_run=True,
    )


@transaction.atomic
def retention_sweep(*, today: date | None = None, years: int | None = None) -> SweepReport:
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    report = SweepReport(cutoff=retention.cutoff(today, years))
    stamp = timezone.now()
    report.sessions = due_sessions(today=today, years=years).update(anonymised_at=stamp)
    if not report.sessions:
        return report
    sessions = DialogueSession.objects.filter(anonymised_at=stamp)
    petitions = Petition.objects.filter(
        session__anonymised_at=stamp, legal_hold=False, anonymised_at__isnull=True
    )
    report.held_petitions = Petition.objects.filter(
        session__anonymised_at=stamp, legal_hold=True
    ).count()

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
    report.documents = _rerender_minutes(sessions)
    _record(sessions, stamp=stamp, years=years)
    return report


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
    """Finalised minutes carry speakers' names: store an anonymised re-render as a new version,
    keep the earlier versions' hashes (not their bytes), and say so in the history."""
    done = 0
    minutes_type = ContentType.objects.get_for_model(Minutes)
    for minutes in Minutes.objects.filter(session__in=sessions, finalised_at__isnull=False):
        session = minutes.session
        original = minutes.sha256
        content = session_documents.minutes_pdf(session, minutes=minutes)
        stored = storage.document_store(
            obj=minutes,
            kind=MINUTES_DOCUMENT,
            content=content,
            filename=f"bien-ban-{session.pk}.pdf",
            reason=f"Ẩn danh dữ liệu cá nhân sau thời hạn lưu trữ; bản gốc SHA-256 {original}",
        )
        StoredDocument.objects.filter(
            content_type=minutes_type, object_id=str(minutes.pk), kind=MINUTES_DOCUMENT
        ).exclude(pk=stored.pk).update(content=b"")
        minutes.sha256 = stored.sha256
        minutes.save(update_fields=["sha256"])
        audit.record(
            minutes,
            actor=None,
            action="anonymised",
            changes={"sha256": [original, stored.sha256]},
            reason="retention",
        )
        done += 1
    return done


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
