"""Five years, then anonymised: the retention rule (pure), the sweep on the database (SQLite and
PostgreSQL), the legal hold, nothing deleted, counts unchanged, the minutes PDF re-rendered."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogue import audit, retention, storage
from dialogue.models import ChangeRecord, StoredDocument
from dialogue.textfold import search_document
from followups import anonymisation
from followups.models import Assignment, Extension, Response
from petitions.models import Field, Petition
from petitions.services import petition_set_legal_hold
from sessions import console
from sessions.minutes import minutes_finalize
from sessions.models import DialogueSession, MinutesEntry, Speaker
from sessions.services import session_set_legal_hold, speaker_update
from tests.factories import make_petition, make_plan, make_session, make_speaker
from tests.pdf import pdf_text
from tests.public.citizens import PERSONAL_VALUES, PETITIONER, SPEAKER, held_and_followed

PH = retention.PLACEHOLDER
LATER = date(2032, 1, 10)  # more than five years after the sessions of December 2026


def test_cutoff_and_due_rule():
    assert retention.cutoff(date(2031, 12, 16), 5) == date(2026, 12, 16)
    assert retention.is_due(date(2026, 12, 15), today=date(2031, 12, 16), years=5)
    assert not retention.is_due(date(2026, 12, 16), today=date(2031, 12, 16), years=5)
    assert not retention.is_due(
        date(2020, 1, 1), today=date(2031, 12, 16), years=5, legal_hold=True
    )
    assert not retention.is_due(None, today=date(2031, 12, 16), years=5)


def test_redact_replaces_longest_values_first_and_skips_short_ones():
    text = "Bà Phạm Thị Riêng (Phạm) ở Xóm Bí Mật số 9, sđt 0987654321."
    redacted = retention.redact(
        text, ["Phạm", "Phạm Thị Riêng", "Xóm Bí Mật số 9", "0987654321", "9", ""]
    )
    assert redacted == f"Bà {PH} ({PH}) ở {PH}, sđt {PH}."


def _finalised_minutes(session, speaker, actor):
    console.entry_save(
        actor=actor,
        session=session,
        uuid=uuid.uuid4(),
        kind="speech",
        speaker=speaker,
        text=f"{SPEAKER['full_name']} ({SPEAKER['address']}, {SPEAKER['phone']}) hỏi về đường.",
    )
    return minutes_finalize(actor=actor, session=session, chair_name="Trần Văn Chủ")


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            DialogueSession,
            Speaker,
            MinutesEntry,
            Petition,
            Assignment,
            Response,
            Extension,
            StoredDocument,
        )
    }


@pytest.mark.django_db
def test_sweep_anonymises_keeps_records_and_honours_legal_holds(world):
    story = held_and_followed(world)
    DialogueSession.objects.filter(pk=story.session.pk).update(status="held")
    minutes = _finalised_minutes(story.session, story.speaker, world.secretary_a)
    original_sha = minutes.sha256
    held_petition = story.waiting
    petition_set_legal_hold(
        actor=world.organiser_a, petition=held_petition, hold=True, reason="Đang thanh tra"
    )
    # Another session, on legal hold as a whole.
    kept_session = make_session(make_plan(world.commune_b))
    kept_speaker = make_speaker(kept_session, full_name="Vũ Văn Giữ", address="Thôn Giữ")
    kept_petition = make_petition(kept_session, petitioner_name="Đinh Thị Giữ")
    session_set_legal_hold(
        actor=world.organiser_b, session=kept_session, hold=True, reason="Khiếu nại đang giải quyết"
    )
    before = _counts()
    statuses = dict(Petition.objects.values_list("pk", "status"))

    report = anonymisation.dry_run(today=LATER, years=5)
    assert (report.sessions, report.speakers, report.petitions, report.held_petitions) == (
        1,
        1,
        1,
        1,
    )
    assert Petition.objects.filter(petitioner_name=PH).count() == 0  # dry run changed nothing

    report = anonymisation.retention_sweep(today=LATER, years=5)
    # Documents: the minutes and the conclusion notice, each a new version.
    assert (report.sessions, report.petitions, report.speakers, report.documents) == (1, 1, 1, 2)
    assert _counts() == {**before, "StoredDocument": before["StoredDocument"] + 2}
    assert dict(Petition.objects.values_list("pk", "status")) == statuses

    answered = Petition.objects.get(pk=story.answered.pk)
    assert answered.petitioner_name == PH
    assert answered.petitioner_address == PH and answered.petitioner_phone == PH
    assert PETITIONER["petitioner_name"] not in answered.content
    assert PH in answered.content and "sửa đường liên thôn" in answered.content
    assert answered.anonymised_at is not None
    assert "hoang" not in answered.search and "sua duong lien thon" in answered.search
    response = Response.objects.get(assignment__petition=answered)
    assert PETITIONER["petitioner_name"] not in response.text and "quý I" in response.text

    speaker = Speaker.objects.get(pk=story.speaker.pk)
    assert (speaker.full_name, speaker.address, speaker.phone, speaker.birth_year) == (
        PH,
        PH,
        PH,
        retention.ANONYMOUS_BIRTH_YEAR,
    )
    entry = MinutesEntry.objects.get(session=story.session, speaker=speaker)
    for value in PERSONAL_VALUES:
        assert value not in entry.text
    assert "hỏi về đường" in entry.text

    # The petition on legal hold and the session on legal hold are untouched.
    held_petition.refresh_from_db()
    assert held_petition.petitioner_name == PETITIONER["petitioner_name"]
    assert held_petition.anonymised_at is None
    kept_speaker.refresh_from_db()
    kept_petition.refresh_from_db()
    assert (
        kept_speaker.full_name == "Vũ Văn Giữ" and kept_petition.petitioner_name == "Đinh Thị Giữ"
    )

    # The minutes PDF: a new version, the original's hash kept, the old bytes gone.
    minutes.refresh_from_db()
    assert minutes.sha256 != original_sha
    versions = list(storage.versions(minutes, "minutes"))
    assert [v.sha256 for v in versions][1] == original_sha
    assert bytes(StoredDocument.objects.get(sha256=original_sha).content) == b""
    assert original_sha in versions[0].reason
    assert audit.history(minutes).filter(action="anonymised").get().changes["sha256"] == [
        original_sha,
        minutes.sha256,
    ]
    # Recorded on the session; a second run finds nothing.
    assert audit.history(story.session).filter(action="anonymised").count() == 1
    again = anonymisation.retention_sweep(today=LATER, years=5)
    assert again.sessions == 0
    # One record each: the session, its minutes and its notice.
    assert ChangeRecord.objects.filter(action="anonymised").count() == 3


NEIGHBOUR = "Lò Văn Hàng Xóm"


@pytest.mark.django_db
def test_sweep_redacts_other_citizens_numbers_history_and_the_notice(world):
    """Free text naming another citizen of the session, phone and identity numbers in any text,
    the change history of the rows, and the issued notice's PDF: nothing personal is left, and
    what is not personal (an amount, a document number, the subject) stays."""
    story = held_and_followed(world)
    session = story.session
    DialogueSession.objects.filter(pk=session.pk).update(status="in_progress")
    neighbour = make_speaker(session, full_name=NEIGHBOUR, address="Bản Cạnh", birth_year=1970)
    # A corrected name: the history holds both values.
    neighbour_name = NEIGHBOUR + " Mới"
    speaker_update(actor=world.organiser_a, speaker=neighbour, full_name=neighbour_name)
    text = (
        f"Bà {SPEAKER['full_name']} nói ông {PETITIONER['petitioner_name']} và ông "
        f"{neighbour_name} đã nộp hồ sơ (CCCD 001085012345, ĐT 0912 345 678); bồi thường "
        "1.500.000.000 đồng theo Quyết định 123/QĐ-UBND."
    )
    entry, _ = console.entry_save(
        actor=world.secretary_a,
        session=session,
        uuid=uuid.uuid4(),
        kind="speech",
        speaker=story.speaker,
        text=text,
    )
    Petition.objects.filter(pk=story.waiting.pk).update(
        content=f"Ông {neighbour_name} hỏi về đèn, gọi +84 987 654 321."
    )
    notice_before = storage.latest(session.conclusion_notice, "notice")
    assert PETITIONER["petitioner_name"] in pdf_text(bytes(notice_before.content))

    anonymisation.retention_sweep(today=LATER, years=5)

    entry.refresh_from_db()
    assert SPEAKER["full_name"] not in entry.text
    assert PETITIONER["petitioner_name"] not in entry.text and NEIGHBOUR not in entry.text
    assert entry.text.count(retention.PLACEHOLDER) == 5
    assert "001085012345" not in entry.text and "0912 345 678" not in entry.text
    assert "1.500.000.000 đồng" in entry.text and "123/QĐ-UBND" in entry.text
    waiting = Petition.objects.get(pk=story.waiting.pk)
    assert neighbour_name not in waiting.content and "987 654 321" not in waiting.content
    assert "hỏi về đèn" in waiting.content
    assert neighbour_name.lower() not in waiting.search

    # The history keeps that the neighbour was renamed, not the names.
    for record in ChangeRecord.objects.all():
        dumped = f"{record.object_repr} {record.changes}"
        for value in [*PERSONAL_VALUES, NEIGHBOUR, "001085012345"]:
            assert value not in dumped, (record.action, record.object_repr)
    renamed = audit.history(neighbour).get(action="updated")
    assert renamed.changes["full_name"] == [audit.HIDDEN_VALUE, audit.HIDDEN_VALUE]

    # The notice: body redacted, its PDF re-rendered, the original hash in the history.
    notice = session.conclusion_notice
    notice.refresh_from_db()
    assert PETITIONER["petitioner_name"] not in notice.body
    latest = storage.latest(notice, "notice")
    assert latest.version == notice_before.version + 1
    rendered = pdf_text(bytes(latest.content))
    assert PETITIONER["petitioner_name"] not in rendered and "sửa đường" in rendered
    assert bytes(StoredDocument.objects.get(pk=notice_before.pk).content) == b""
    assert audit.history(notice).get(action="anonymised").changes["sha256"] == [
        notice_before.sha256,
        latest.sha256,
    ]


@pytest.mark.django_db
def test_nothing_is_due_before_five_years(world):
    story = held_and_followed(world)
    report = anonymisation.retention_sweep(today=date(2031, 12, 1), years=5)
    assert report.sessions == 0
    story.answered.refresh_from_db()
    assert story.answered.petitioner_name == PETITIONER["petitioner_name"]


# Names, addresses and texts the search column must fold exactly as the app does: upper case,
# NFD, old-style tones, odd whitespace, and letters from outside Vietnamese.
NAMES = ["NGUYỄN VĂN ẢNH", unicodedata.normalize("NFD", "Đặng Thị Thuý"), "Hans Müller", "Lê Bé"]
ADDRESSES = ["Thôn\tĐông", "", "Xóm Bãi Sậy", "Straße 9"]
TEXTS = [
    "Ông {name} ở {address} đề nghị sửa đường liên thôn.",
    "{name}\x1c hỏi về ΣΊΣΥΦΟΣ và đèn chiếu sáng.",
    unicodedata.normalize("NFD", "Bà {name} ({address}) xin cấp giấy chứng nhận đất."),
]


def _citizens(session, count: int) -> None:
    """`count` petitions and speakers of `session`, made in bulk (their search columns as the
    services would fill them)."""
    field = Field.objects.get(code="dat-dai-gpmb")
    petitions, speakers = [], []
    for n in range(count):
        name, address = NAMES[n % len(NAMES)], ADDRESSES[n % len(ADDRESSES)]
        text = TEXTS[n % len(TEXTS)].format(name=name, address=address)
        petitions.append(
            Petition(
                session=session,
                unit=session.unit,
                source="mailbox",
                received_on=date(2026, 11, 20),
                petitioner_name=name,
                petitioner_address=address,
                petitioner_phone="0912345678" if n % 2 else "",
                content=text,
                field=field,
                competence="commune",
                search=search_document(name, address, text),
            )
        )
        topic = "Giao thông" if n % 2 else "Đất đai của Müller"
        speakers.append(
            Speaker(
                session=session,
                position=n + 1,
                full_name=name,
                birth_year=1960,
                address=address or "Thôn Tây",
                topic=topic,
                search=search_document(name, address or "Thôn Tây", topic),
            )
        )
    Petition.objects.bulk_create(petitions)
    Speaker.objects.bulk_create(speakers)


def _assert_search_columns_as_the_app_folds_them(session) -> None:
    petitions = Petition.objects.filter(session=session)
    assert petitions.exists() and not petitions.filter(anonymised_at__isnull=True).exists()
    for petition in petitions:
        assert petition.search == search_document(
            petition.petitioner_name, petition.petitioner_address, petition.content
        )
        assert "[da an danh]" in petition.search
    for speaker in Speaker.objects.filter(session=session):
        assert speaker.search == search_document(speaker.full_name, speaker.address, speaker.topic)


@pytest.mark.django_db
def test_sweep_statements_do_not_grow_with_rows_and_search_is_refolded(world):
    def sweep_queries(petitions: int) -> int:
        session = make_session(make_plan(world.commune_a))
        _citizens(session, petitions)
        with CaptureQueriesContext(connection) as queries:
            report = anonymisation.retention_sweep(today=LATER, years=5)
        assert report.petitions == report.speakers == petitions
        _assert_search_columns_as_the_app_folds_them(session)
        return len(queries)

    assert sweep_queries(50) == sweep_queries(500)


@pytest.mark.django_db
def test_management_command_dry_run(world, capsys, settings):
    settings.RETENTION_YEARS = 0  # everything ended before today is due
    session = make_session(make_plan(world.commune_a))
    DialogueSession.objects.filter(pk=session.pk).update(
        ends_at=session.starts_at.replace(year=2020), starts_at=session.starts_at.replace(year=2020)
    )
    make_petition(session)
    call_command("retention", "--dry-run")
    assert '"sessions": 1' in capsys.readouterr().out
    assert Petition.objects.get().petitioner_name == "Lê Thị Bé"
    call_command("retention")
    assert Petition.objects.get().petitioner_name == PH


@pytest.mark.django_db
def test_legal_hold_pages(login, world):
    session = make_session(make_plan(world.commune_a))
    petition = make_petition(session)
    client = login(world.organiser_a)
    client.post(f"/petitions/{petition.pk}/legal-hold/", {"hold": "1", "reason": ""})
    petition.refresh_from_db()
    assert not petition.legal_hold  # a reason is required
    client.post(f"/petitions/{petition.pk}/legal-hold/", {"hold": "1", "reason": "Thanh tra"})
    client.post(f"/sessions/{session.pk}/legal-hold/", {"hold": "1", "reason": "Khiếu nại"})
    petition.refresh_from_db()
    session.refresh_from_db()
    assert (petition.legal_hold, petition.legal_hold_reason) == (True, "Thanh tra")
    assert (session.legal_hold, session.legal_hold_reason) == (True, "Khiếu nại")
    assert audit.history(session).filter(action="legal_hold", reason="Khiếu nại").exists()
    assert "Thanh tra" in client.get(f"/petitions/{petition.pk}/").content.decode()
    client.post(f"/sessions/{session.pk}/legal-hold/", {"hold": "0"})
    session.refresh_from_db()
    assert not session.legal_hold


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["organiser_b", "secretary_a", "supervisor"])
def test_legal_hold_is_set_by_the_units_organisers(login, world, who):
    session = make_session(make_plan(world.commune_a))
    petition = make_petition(session)
    client = login(getattr(world, who))
    data = {"hold": "1", "reason": "x"}
    assert client.post(f"/petitions/{petition.pk}/legal-hold/", data).status_code == 404
    assert client.post(f"/sessions/{session.pk}/legal-hold/", data).status_code == 404
    assert not Petition.objects.filter(legal_hold=True).exists()
    assert not DialogueSession.objects.filter(legal_hold=True).exists()
