"""The live console (DESIGN §5): idempotent entries and edit conflicts, the speaker queue, the
frozen minutes, polling with 304s, the projector and who may use any of it.

The console's browser side is tested in tests/browser/test_console.py; these tests speak to the
views as the console script does (JSON bodies, conditional GETs).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY

from dialogue.audit import history
from dialogue.middleware import RENEW_EVERY, RENEWED_KEY
from dialogue.models import ChangeRecord, Role, StoredDocument
from petitions.models import Petition
from sessions import console, documents, services
from sessions import minutes as minutes_service
from sessions.models import DialogueSession, Minutes, MinutesEntry, Speaker
from tests.factories import UserFactory, make_plan, make_session, make_speaker, member
from tests.helpers import english, in_language, shown

pytestmark = pytest.mark.django_db


HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
#: The session starts on 15/12/2026 at 08:00; the tests run an hour into it.
SESSION_DAY = datetime(2026, 12, 15, 9, 0, tzinfo=HANOI)
FAKE_PDF = b"%PDF-1.7 fake minutes for the console tests"

# What the projector must never show.
PHONE_ONE = "0912 777 001"
TOPIC_ONE = "Bồi thường giải phóng mặt bằng QL-ONE"
BIRTH_YEAR_ONE = 1958


def vi(message, **params) -> str:
    return in_language("vi", message, **params)


@pytest.fixture(autouse=True)
def _session_day():
    cache.clear()  # the console's revision counters live in the cache
    with time_machine.travel(SESSION_DAY, tick=False):
        yield


@pytest.fixture
def fake_pdf(monkeypatch):
    """Finalising renders the minutes; the tests that do not read the PDF skip the ~0.3 s."""
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda html, progress=None: FAKE_PDF)


@pytest.fixture
def scene(world):
    """A scheduled session of commune A kept by secretary_a and secretary_a2, with three
    speakers waiting; a third secretary of commune A keeps another session."""
    secretary_a2 = member(UserFactory(username="secretary_a2"), world.commune_a, Role.SECRETARY)
    secretary_a3 = member(UserFactory(username="secretary_a3"), world.commune_a, Role.SECRETARY)
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(
        plan,
        actor=world.organiser_a,
        secretaries=[world.secretary_a, secretary_a2],
        title="HN-CONSOLE đối thoại xã A",
    )
    one = make_speaker(
        session,
        actor=world.secretary_a,
        full_name="Nguyễn Văn Một",
        address="Thôn Đông",
        birth_year=BIRTH_YEAR_ONE,
        phone=PHONE_ONE,
        topic=TOPIC_ONE,
    )
    two = make_speaker(
        session, actor=world.secretary_a, full_name="Trần Thị Hai", address="Xóm Tây"
    )
    three = make_speaker(
        session, actor=world.secretary_a, full_name="Lê Văn Ba", address="Thôn Bắc"
    )
    services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    other = make_session(plan, actor=world.organiser_a, secretaries=[secretary_a3])
    other_speaker = make_speaker(other, actor=secretary_a3, full_name="Phạm Thị Khác")
    return SimpleNamespace(
        session=session,
        one=one,
        two=two,
        three=three,
        other=other,
        other_speaker=other_speaker,
        secretary_a2=secretary_a2,
        secretary_a3=secretary_a3,
    )


def start(session, actor) -> DialogueSession:
    if DialogueSession.objects.get(pk=session.pk).status == "draft":
        services.session_transition(actor=actor, session=session, to="scheduled", confirm=True)
    return services.session_transition(actor=actor, session=session, to="in_progress")


@pytest.fixture
def running(world, scene):
    """The same scene with the session in progress."""
    start(scene.session, world.organiser_a)
    scene.session.refresh_from_db()
    return scene


def end(world, session, attending=80, invited=100) -> DialogueSession:
    return console.session_end(
        actor=world.organiser_a, session=session, attending_count=attending, invited_count=invited
    )


def finalise(world, session) -> Minutes:
    return minutes_service.minutes_finalize(
        actor=world.secretary_a, session=session, chair_name="Trần Văn Chủ"
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- requests as the console script sends them -----------------------------------------------


def post_json(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def save(client, session, *, uuid_=None, text="Ông Một phát biểu về đất đai.", **data):
    payload = {"uuid": str(uuid_ or uuid.uuid4()), "kind": "speech", "text": text, **data}
    return post_json(client, reverse("console-entry-save", args=[session.pk]), payload)


def set_status(client, session, speaker, to: str, reason: str = ""):
    url = reverse("console-speaker-status", args=[session.pk, speaker.pk])
    return post_json(client, url, {"to": to, "reason": reason})


def call_next(client, session):
    return client.post(reverse("console-next", args=[session.pk]))


def register(client, session, **fields):
    data = {
        "full_name": "Đinh Văn Mới",
        "birth_year": 1975,
        "address": "Thôn Nam",
        "topic": "Nước sạch",
        "channel": "in_advance",
        **fields,
    }
    return client.post(reverse("console-speaker-register", args=[session.pk]), data)


def poll(client, session, tag: str | None = None):
    headers = {"HTTP_IF_NONE_MATCH": tag} if tag else {}
    return client.get(reverse("console-state", args=[session.pk]), **headers)


def statuses(session) -> dict[str, str]:
    return dict(session.speakers.values_list("full_name", "status"))


def queue_names(session) -> list[str]:
    return list(
        session.speakers.filter(status="waiting")
        .order_by("position", "pk")
        .values_list("full_name", flat=True)
    )


def db_state(session) -> tuple:
    """Everything a console URL could change."""
    row = DialogueSession.objects.get(pk=session.pk)
    return (
        row.status,
        row.started_at,
        row.ended_at,
        row.attending_count,
        row.invited_count,
        row.console_revision,
        row.display_token,
        list(MinutesEntry.objects.order_by("pk").values_list("uuid", "seq", "text", "version")),
        list(
            Speaker.objects.order_by("pk").values_list(
                "pk", "status", "position", "status_reason", "channel"
            )
        ),
        list(Minutes.objects.order_by("pk").values_list("finalised_at", "chair_name", "sha256")),
        list(Petition.objects.order_by("pk").values_list("pk", "status")),
        StoredDocument.objects.count(),
        ChangeRecord.objects.count(),
    )


# --- minutes entries: idempotent saves, order, version conflicts -------------------------------


def test_the_same_uuid_twice_stores_one_entry(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    first = save(client, running.session, uuid_=entry_uuid, text="Khai mạc hội nghị.")
    # The browser did not hear the answer and sends the same create again.
    again = save(client, running.session, uuid_=entry_uuid, text="Khai mạc hội nghị.")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["entry"]["seq"] == again.json()["entry"]["seq"] == 1
    assert first.json()["entry"]["uuid"] == again.json()["entry"]["uuid"] == str(entry_uuid)
    assert MinutesEntry.objects.filter(session=running.session).count() == 1


def test_a_retried_create_does_not_overwrite_the_stored_text(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running.session, uuid_=entry_uuid, text="Bản đã lưu.")
    again = save(client, running.session, uuid_=entry_uuid, text="Bản gửi lại khác.")
    assert again.status_code == 200
    assert again.json()["entry"]["text"] == "Bản đã lưu."
    stored = MinutesEntry.objects.get(uuid=entry_uuid)
    assert (stored.text, stored.version) == ("Bản đã lưu.", 1)


def test_entries_are_numbered_in_posting_order(world, running, login):
    one, two = login(world.secretary_a), client_for(running.secretary_a2)
    texts = ["Khai mạc.", "Giới thiệu đại biểu.", "Báo cáo tình hình.", "Ông Một phát biểu."]
    for number, text in enumerate(texts):
        response = save(one if number % 2 == 0 else two, running.session, text=text)
        assert response.status_code == 201
        assert response.json()["entry"]["seq"] == number + 1
    stored = MinutesEntry.objects.filter(session=running.session).order_by("seq")
    assert [(e.seq, e.text) for e in stored] == list(enumerate(texts, start=1))
    state = poll(one, running.session).json()
    assert [e["text"] for e in state["entries"]] == texts


def test_numbering_is_per_session(world, running, login):
    start(running.other, world.organiser_a)
    save(login(world.secretary_a), running.session, text="Phiên này, mục một.")
    response = save(client_for(running.secretary_a3), running.other, text="Phiên khác, mục một.")
    assert response.status_code == 201
    assert response.json()["entry"]["seq"] == 1


def test_a_stale_edit_is_refused_with_both_texts(world, running, login):
    one, two = login(world.secretary_a), client_for(running.secretary_a2)
    entry_uuid = uuid.uuid4()
    save(one, running.session, uuid_=entry_uuid, text="Bản gốc.")
    # Both secretaries open the entry at version 1; the second saves first.
    first = save(two, running.session, uuid_=entry_uuid, text="Sửa của thư ký hai.", base_version=1)
    assert first.status_code == 200
    response = save(
        one, running.session, uuid_=entry_uuid, text="Sửa của thư ký một.", base_version=1
    )
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True
    assert body["current"]["text"] == "Sửa của thư ký hai."
    assert body["current"]["version"] == 2
    assert body["attempted_text"] == "Sửa của thư ký một."
    stored = MinutesEntry.objects.get(uuid=entry_uuid)
    assert (stored.text, stored.version, stored.updated_by) == (
        "Sửa của thư ký hai.",
        2,
        running.secretary_a2,
    )


def test_an_edit_from_the_current_version_updates_and_bumps_it(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running.session, uuid_=entry_uuid, text="Ông Một hỏi về đất.")
    response = save(
        client, running.session, uuid_=entry_uuid, text="Ông Một hỏi về sổ đỏ.", base_version=1
    )
    assert response.status_code == 200
    assert response.json()["entry"]["version"] == 2
    stored = MinutesEntry.objects.get(uuid=entry_uuid)
    assert (stored.text, stored.version, stored.seq) == ("Ông Một hỏi về sổ đỏ.", 2, 1)
    (change,) = [c for c in history(stored) if c.action == "updated"]
    assert change.changes["text"] == ["Ông Một hỏi về đất.", "Ông Một hỏi về sổ đỏ."]
    # The next edit must start from version 2.
    stale = save(client, running.session, uuid_=entry_uuid, text="Lại sửa.", base_version=1)
    assert stale.status_code == 409


def test_an_empty_entry_is_refused_in_vietnamese(world, running, login):
    response = save(login(world.secretary_a), running.session, text="   \n ")
    assert response.status_code == 400
    assert response.json()["errors"]["text"] == [vi(console.ENTRY_TEXT_REQUIRED)]
    assert response.json()["final"] is False
    assert vi(console.ENTRY_TEXT_REQUIRED) == "Hãy nhập nội dung của mục biên bản."
    assert not MinutesEntry.objects.exists()


def test_an_empty_entry_is_refused_in_english_after_switching(world, running, login):
    client = login(world.secretary_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = save(client, running.session, text="")
    assert response.status_code == 400
    assert response.json()["errors"]["text"] == [english(console.ENTRY_TEXT_REQUIRED)]


def test_a_speaker_of_another_session_is_refused(world, running, login):
    response = save(login(world.secretary_a), running.session, speaker=running.other_speaker.pk)
    assert response.status_code == 400
    assert not MinutesEntry.objects.exists()


def test_a_foreign_and_a_nonexistent_speaker_get_the_same_answer(world, running, login):
    """No existence oracle: the answer does not tell whether the id exists elsewhere."""
    client = login(world.secretary_a)
    missing = Speaker.objects.order_by("-pk").first().pk + 1000
    entry = uuid.uuid4()
    foreign = save(client, running.session, uuid_=entry, speaker=running.other_speaker.pk)
    nonexistent = save(client, running.session, uuid_=entry, speaker=missing)
    assert foreign.status_code == nonexistent.status_code == 400
    assert foreign.content == nonexistent.content
    assert foreign.json()["errors"] == {"speaker": [vi(console.SPEAKER_OTHER_SESSION)]}
    assert not MinutesEntry.objects.exists()


def test_the_service_refuses_an_empty_entry(world, running):
    with pytest.raises(ValidationError) as caught:
        console.entry_save(
            actor=world.secretary_a,
            session=running.session,
            uuid=uuid.uuid4(),
            kind="note",
            text=" ",
        )
    assert caught.value.message_dict == {"text": [vi(console.ENTRY_TEXT_REQUIRED)]}
    assert vi(console.ENTRY_TEXT_REQUIRED) == "Hãy nhập nội dung của mục biên bản."
    assert english(console.ENTRY_TEXT_REQUIRED) == "Write the text of the entry."
    assert not MinutesEntry.objects.exists()


def test_the_service_refuses_a_speaker_of_another_session(world, running):
    with pytest.raises(ValidationError) as caught:
        console.entry_save(
            actor=world.secretary_a,
            session=running.session,
            uuid=uuid.uuid4(),
            kind="speech",
            text="Phát biểu.",
            speaker=running.other_speaker,
        )
    assert caught.value.message_dict == {"speaker": [vi(console.SPEAKER_OTHER_SESSION)]}
    assert not MinutesEntry.objects.exists()


def test_an_entry_tied_to_a_speaker_of_this_session(world, running, login):
    response = save(login(world.secretary_a), running.session, speaker=running.one.pk)
    assert response.status_code == 201
    assert response.json()["entry"]["speaker_name"] == "Nguyễn Văn Một"
    assert MinutesEntry.objects.get().speaker == running.one


def test_an_answer_records_the_official_who_gave_it(world, running, login):
    client = login(world.secretary_a)
    response = save(
        client,
        running.session,
        kind="answer",
        speaker=running.one.pk,
        text="Xã sẽ sửa đường trong quý I.",
        given_by="  Công chức Địa chính - Xây dựng ",
    )
    assert response.status_code == 201
    assert response.json()["entry"]["given_by"] == "Công chức Địa chính - Xây dựng"
    entry = MinutesEntry.objects.get()
    assert (entry.speaker, entry.given_by) == (running.one, "Công chức Địa chính - Xây dựng")
    # Corrected later: the change is recorded like any other.
    edited = save(
        client,
        running.session,
        uuid_=entry.uuid,
        kind="answer",
        speaker=running.one.pk,
        text=entry.text,
        given_by="Phó Chủ tịch UBND xã",
        base_version=1,
    )
    assert edited.json()["entry"]["given_by"] == "Phó Chủ tịch UBND xã"
    change = history(MinutesEntry.objects.get())[0]
    assert change.changes["given_by"] == ["Công chức Địa chính - Xây dựng", "Phó Chủ tịch UBND xã"]


def test_the_chairs_conclusion_is_its_own_part_of_the_console_and_the_minutes(
    world, running, login
):
    client = login(world.secretary_a)
    page = client.get(reverse("session-console", args=[running.session.pk])).content.decode()
    assert 'id="conclusion-form"' in page and 'id="conclusion-entries"' in page
    # Not one of the kinds of the running minutes: the conclusion has its own form.
    assert '<option value="conclusion"' not in page
    response = save(
        client,
        running.session,
        kind="conclusion",
        text="Giao Địa chính xã rà soát hồ sơ.",
        given_by="Trần Văn Chủ",
    )
    assert response.status_code == 201
    assert response.json()["entry"]["kind"] == "conclusion"
    context = documents.minutes_context(running.session)
    assert context["conclusion"] == ["Giao Địa chính xã rà soát hồ sơ."]
    assert all("rà soát" not in part["text"] for part in context["proceedings"])


def test_the_uuid_of_another_sessions_entry_is_refused(world, running, login):
    start(running.other, world.organiser_a)
    entry_uuid = uuid.uuid4()
    save(client_for(running.secretary_a3), running.other, uuid_=entry_uuid, text="Phiên khác.")
    response = save(login(world.secretary_a), running.session, uuid_=entry_uuid, text="Ghi đè?")
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [vi(console.ENTRY_OTHER_SESSION)]
    assert MinutesEntry.objects.get(uuid=entry_uuid).text == "Phiên khác."


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"uuid": "not-a-uuid", "text": "x"}'])
def test_an_unreadable_request_is_400(world, running, login, body):
    url = reverse("console-entry-save", args=[running.session.pk])
    response = login(world.secretary_a).post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert not MinutesEntry.objects.exists()


def test_entries_are_refused_before_the_session_starts(world, scene, login):
    response = save(login(world.secretary_a), scene.session)
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [vi(console.NOT_IN_PROGRESS)]
    assert response.json()["final"] is False
    assert not MinutesEntry.objects.exists()


# --- the speaker queue -------------------------------------------------------------------------


def test_call_next_gives_the_floor_in_queue_order(world, running, login):
    client = login(world.secretary_a)
    first = call_next(client, running.session)
    assert first.status_code == 200
    assert first.json()["speaker"]["name"] == "Nguyễn Văn Một"
    assert statuses(running.session) == {
        "Nguyễn Văn Một": "speaking",
        "Trần Thị Hai": "waiting",
        "Lê Văn Ba": "waiting",
    }
    second = call_next(client, running.session)
    assert second.json()["speaker"]["name"] == "Trần Thị Hai"
    assert statuses(running.session) == {
        "Nguyễn Văn Một": "spoke",
        "Trần Thị Hai": "speaking",
        "Lê Văn Ba": "waiting",
    }
    running.one.refresh_from_db()
    assert running.one.called_at == SESSION_DAY
    assert running.one.finished_at == SESSION_DAY


def test_call_next_with_nobody_waiting(world, running, login):
    client = login(world.secretary_a)
    for _ in range(3):
        call_next(client, running.session)
    response = call_next(client, running.session)
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [vi(console.NO_ONE_WAITING)]
    # The last speaker keeps the floor.
    assert statuses(running.session)["Lê Văn Ba"] == "speaking"


def test_calling_a_speaker_out_of_turn_ends_the_current_turn(world, running, login):
    client = login(world.secretary_a)
    call_next(client, running.session)
    response = set_status(client, running.session, running.three, "speaking")
    assert response.status_code == 200
    assert statuses(running.session) == {
        "Nguyễn Văn Một": "spoke",
        "Trần Thị Hai": "waiting",
        "Lê Văn Ba": "speaking",
    }


def test_refusing_needs_a_reason(world, running, login):
    client = login(world.secretary_a)
    response = set_status(client, running.session, running.two, "refused", reason="  ")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": [vi(console.REFUSAL_REASON_REQUIRED)]}
    assert statuses(running.session)["Trần Thị Hai"] == "waiting"


def test_the_service_refuses_a_refusal_without_reason(world, running):
    with pytest.raises(ValidationError) as caught:
        console.speaker_set_status(actor=world.secretary_a, speaker=running.two, to="refused")
    assert caught.value.message_dict == {"reason": [vi(console.REFUSAL_REASON_REQUIRED)]}
    assert statuses(running.session)["Trần Thị Hai"] == "waiting"


def test_refusing_with_a_reason_is_recorded(world, running, login):
    client = login(world.secretary_a)
    response = set_status(client, running.session, running.two, "refused", reason="Say rượu")
    assert response.status_code == 200
    running.two.refresh_from_db()
    assert (running.two.status, running.two.status_reason) == ("refused", "Say rượu")
    (change,) = [c for c in history(running.two) if c.action == "status"]
    assert change.reason == "Say rượu"


def test_a_speaker_who_spoke_can_queue_again_at_the_end(world, running, login):
    client = login(world.secretary_a)
    call_next(client, running.session)  # Một speaks
    call_next(client, running.session)  # Một spoke, Hai speaks
    # Not satisfied with the answer: Một asks to speak again.
    response = set_status(client, running.session, running.one, "waiting")
    assert response.status_code == 200
    assert queue_names(running.session) == ["Lê Văn Ba", "Nguyễn Văn Một"]
    positions = dict(running.session.speakers.values_list("full_name", "position"))
    assert positions["Nguyễn Văn Một"] == max(positions.values())
    assert call_next(client, running.session).json()["speaker"]["name"] == "Lê Văn Ba"
    assert call_next(client, running.session).json()["speaker"]["name"] == "Nguyễn Văn Một"


def test_an_absent_speaker_who_arrives_goes_to_the_end(world, running, login):
    client = login(world.secretary_a)
    assert set_status(client, running.session, running.one, "absent").status_code == 200
    assert set_status(client, running.session, running.one, "waiting").status_code == 200
    assert queue_names(running.session) == ["Trần Thị Hai", "Lê Văn Ba", "Nguyễn Văn Một"]


@pytest.mark.parametrize(
    ("before", "to"),
    [("refused", "waiting"), ("waiting", "spoke"), ("spoke", "speaking"), ("absent", "refused")],
)
def test_moves_outside_the_table_are_refused(world, running, login, before, to):
    Speaker.objects.filter(pk=running.one.pk).update(status=before, status_reason="x")
    response = set_status(login(world.secretary_a), running.session, running.one, to, "Lý do")
    assert response.status_code == 400
    labels = {"from": Speaker.Status(before).label, "to": Speaker.Status(to).label}
    assert response.json()["errors"]["__all__"] == [vi(console.STATUS_NOT_ALLOWED, **labels)]
    assert statuses(running.session)["Nguyễn Văn Một"] == before


def test_the_speaker_moves_table_matches_the_statuses():
    assert set(console.SPEAKER_MOVES) == set(Speaker.Status.values)
    for targets in console.SPEAKER_MOVES.values():
        assert targets <= set(Speaker.Status.values)
    assert console.SPEAKER_MOVES[Speaker.Status.REFUSED] == frozenset()


def test_an_unknown_status_is_400(world, running, login):
    response = set_status(login(world.secretary_a), running.session, running.one, "gone")
    assert response.status_code == 400
    assert statuses(running.session)["Nguyễn Văn Một"] == "waiting"


def test_a_speaker_of_another_session_is_not_found_on_this_console(world, running, login):
    start(running.other, world.organiser_a)
    response = set_status(
        login(world.organiser_a), running.session, running.other_speaker, "absent"
    )
    assert response.status_code == 404
    running.other_speaker.refresh_from_db()
    assert running.other_speaker.status == "waiting"


def test_registering_on_the_spot_joins_the_end_of_the_queue(world, running, login):
    response = register(login(world.secretary_a), running.session, full_name="Đinh Văn Mới")
    assert response.status_code == 201
    speaker = Speaker.objects.get(full_name="Đinh Văn Mới")
    # Whatever the form says, a speaker registered in the hall came "at the session".
    assert speaker.channel == Speaker.Channel.AT_SESSION
    assert speaker.status == "waiting"
    assert speaker.registered_by == world.secretary_a
    assert queue_names(running.session)[-1] == "Đinh Văn Mới"


def test_registering_on_the_spot_refuses_under_18(world, running, login):
    # A session in 2026: born in 2009 may not speak (the same rule as before the session).
    response = register(login(world.secretary_a), running.session, birth_year=2009)
    assert response.status_code == 400
    assert response.json()["errors"]["birth_year"] == [
        vi(services.UNDER_18, year=2008, session_year=2026)
    ]
    assert not Speaker.objects.filter(full_name="Đinh Văn Mới").exists()


def test_the_on_the_spot_registration_service_refuses_under_18(world, running):
    with pytest.raises(ValidationError) as caught:
        services.speaker_register(
            actor=world.secretary_a,
            session=running.session,
            full_name="Lò Văn Nhỏ",
            birth_year=2009,
            address="Thôn Nam",
            topic="Học phí",
            channel=Speaker.Channel.AT_SESSION,
        )
    assert caught.value.message_dict == {
        "birth_year": [vi(services.UNDER_18, year=2008, session_year=2026)]
    }
    assert not Speaker.objects.filter(full_name="Lò Văn Nhỏ").exists()


def test_registering_on_the_spot_born_eighteen_years_before(world, running, login):
    response = register(login(world.secretary_a), running.session, birth_year=2008)
    assert response.status_code == 201
    assert Speaker.objects.get(full_name="Đinh Văn Mới").birth_year == 2008


def test_registering_with_a_missing_field_is_400(world, running, login):
    response = register(login(world.secretary_a), running.session, full_name="")
    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]
    assert running.session.speakers.count() == 3


# --- starting and ending the session -----------------------------------------------------------


def test_start_moves_a_scheduled_session_in_progress(world, scene, login):
    response = login(world.secretary_a).post(reverse("console-start", args=[scene.session.pk]))
    assert response.status_code == 302
    assert response.url == reverse("session-console", args=[scene.session.pk])
    scene.session.refresh_from_db()
    assert (scene.session.status, scene.session.started_at) == ("in_progress", SESSION_DAY)


def test_ending_records_attendance_and_end_time(world, running, login):
    client = login(world.secretary_a)
    url = reverse("console-end", args=[running.session.pk])
    response = client.post(url, {"invited_count": 120, "attending_count": 95})
    assert response.status_code == 302
    assert response.url == reverse("session-minutes", args=[running.session.pk])
    running.session.refresh_from_db()
    assert running.session.status == "held"
    assert running.session.ended_at == SESSION_DAY
    assert (running.session.invited_count, running.session.attending_count) == (120, 95)
    (change,) = [c for c in history(running.session) if c.action == "attendance"]
    assert change.changes["attending_count"] == [None, 95]
    assert change.actor == world.secretary_a
    page = client.get(response.url)
    assert "120 / 95" in page.text


def test_ending_without_the_invited_count(world, running, login):
    url = reverse("console-end", args=[running.session.pk])
    login(world.organiser_a).post(url, {"invited_count": "", "attending_count": 40})
    running.session.refresh_from_db()
    assert running.session.status == "held"
    assert (running.session.invited_count, running.session.attending_count) == (None, 40)


def test_more_attending_than_invited_is_refused_on_the_attending_field(world, running):
    with pytest.raises(ValidationError) as caught:
        console.session_end(
            actor=world.secretary_a, session=running.session, attending_count=150, invited_count=120
        )
    assert caught.value.message_dict == {
        "attending_count": [vi(console.ATTENDANCE_TOO_HIGH, attending=150, invited=120)]
    }
    running.session.refresh_from_db()
    assert running.session.status == "in_progress"
    assert running.session.ended_at is None


def test_more_attending_than_invited_is_refused_by_the_page(world, running, login):
    client = login(world.secretary_a)
    before = db_state(running.session)
    url = reverse("console-end", args=[running.session.pk])
    response = client.post(url, {"invited_count": 120, "attending_count": 150})
    assert db_state(running.session) == before
    # The console again, with what was typed and why it was refused.
    assert response.status_code == 400
    assert shown(console.ATTENDANCE_TOO_HIGH, attending=150, invited=120) in response.text


def test_more_attending_than_invited_shows_the_error_beside_the_field(world, running, login):
    url = reverse("console-end", args=[running.session.pk])
    response = login(world.secretary_a).post(
        url, {"invited_count": 120, "attending_count": 150}, follow=True
    )
    end_form = re.search(r'<form[^>]*id="end-form".*?</form>', response.text, re.S).group(0)
    assert shown(console.ATTENDANCE_TOO_HIGH, attending=150, invited=120) in end_form
    assert re.search(r'<input[^>]*name="attending_count"[^>]*value="150"', end_form)


def test_ending_a_session_that_is_not_running_changes_nothing(world, scene, login):
    before = db_state(scene.session)
    url = reverse("console-end", args=[scene.session.pk])
    login(world.organiser_a).post(url, {"invited_count": 100, "attending_count": 90})
    assert db_state(scene.session) == before


# --- finalised minutes refuse every change -----------------------------------------------------


@pytest.fixture
def finalised(world, running, fake_pdf, login):
    """The session held and its minutes finalised, with one entry and one spoken turn."""
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running.session, uuid_=entry_uuid, text="Bế mạc hội nghị.")
    call_next(client, running.session)
    end(world, running.session)
    finalise(world, running.session)
    running.session.refresh_from_db()
    running.entry_uuid = entry_uuid
    return running


FINAL_WRITES: list[tuple[str, Callable]] = [
    ("new entry", lambda c, s: save(c, s.session, text="Thêm sau khi chốt.")),
    (
        "edit",
        lambda c, s: save(
            c, s.session, uuid_=s.entry_uuid, text="Sửa sau khi chốt.", base_version=1
        ),
    ),
    ("status", lambda c, s: set_status(c, s.session, s.one, "waiting")),
    ("refuse", lambda c, s: set_status(c, s.session, s.two, "refused", "Gây rối")),
    ("call next", lambda c, s: call_next(c, s.session)),
]


@pytest.mark.parametrize("write", [w for _, w in FINAL_WRITES], ids=[n for n, _ in FINAL_WRITES])
def test_finalised_minutes_refuse_console_writes(world, finalised, login, write):
    before = db_state(finalised.session)
    response = write(login(world.organiser_a), finalised)
    assert response.status_code == 400
    assert response.json()["final"] is True
    assert db_state(finalised.session) == before


def test_the_final_refusal_says_when_and_by_whom(world, finalised, login):
    record = Minutes.objects.get(session=finalised.session)
    response = save(login(world.secretary_a), finalised.session, text="Thêm sau khi chốt.")
    assert response.json()["errors"]["__all__"] == [
        vi(console.MINUTES_FINAL, date="15/12/2026 09:00", name=str(record.finalised_by))
    ]


def test_finalised_minutes_refuse_a_second_finalise(world, finalised, login):
    record = Minutes.objects.get(session=finalised.session)
    before = db_state(finalised.session)
    url = reverse("minutes-finalize", args=[finalised.session.pk])
    response = login(world.organiser_a).post(url, {"chair_name": "Người Khác"}, follow=True)
    assert response.status_code == 200
    assert db_state(finalised.session) == before
    assert StoredDocument.objects.count() == 1
    assert Minutes.objects.get(pk=record.pk).chair_name == "Trần Văn Chủ"
    date = "15/12/2026 09:00"
    assert shown(console.MINUTES_FINAL, date=date, name=record.finalised_by) in response.text


def test_finalising_needs_the_chair(world, running, fake_pdf, login):
    end(world, running.session)
    url = reverse("minutes-finalize", args=[running.session.pk])
    response = login(world.secretary_a).post(url, {"chair_name": "  "}, follow=True)
    assert shown(console.CHAIR_REQUIRED) in response.text
    assert not Minutes.objects.filter(finalised_at__isnull=False).exists()
    assert StoredDocument.objects.count() == 0


def test_the_state_tells_the_console_the_minutes_are_final(world, finalised, login):
    assert poll(login(world.secretary_a), finalised.session).json()["final"] is True


def real_pdf_text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_stored_pdf_is_served_and_its_sha256_shown(world, running, login, monkeypatch):
    client = login(world.secretary_a)
    save(client, running.session, text="Ông Một hỏi về đường làng.")
    end(world, running.session)
    pdf_url = reverse("minutes-pdf", args=[running.session.pk])
    draft = client.get(pdf_url)
    assert draft.status_code == 200
    assert "DỰ THẢO" in real_pdf_text(draft.content)

    url = reverse("minutes-finalize", args=[running.session.pk])
    response = client.post(url, {"chair_name": "Trần Văn Chủ"})
    assert response.status_code == 302
    record = Minutes.objects.get(session=running.session)
    assert record.is_final
    # From now on the stored bytes are served; nothing is rendered again.
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda *a, **k: pytest.fail("rendered"))
    final = client.get(pdf_url)
    assert final.status_code == 200
    assert final["Content-Type"] == "application/pdf"
    assert f'filename="bien-ban-{running.session.pk}.pdf"' in final["Content-Disposition"]
    digest = hashlib.sha256(final.content).hexdigest()
    assert digest == record.sha256
    page = client.get(reverse("session-minutes", args=[running.session.pk]))
    shown_sha = re.search(r'id="minutes-sha256">([0-9a-f]+)<', page.text).group(1)
    assert shown_sha == digest
    text = real_pdf_text(final.content)
    assert "DỰ THẢO" not in text
    assert "Ông Một hỏi về đường làng." in text
    assert client.get(pdf_url).content == final.content


@pytest.fixture
def final_in_progress(world, running, fake_pdf, login):
    """The minutes page offers "Finalise" while the session is still in progress."""
    url = reverse("minutes-finalize", args=[running.session.pk])
    login(world.secretary_a).post(url, {"chair_name": "Trần Văn Chủ"})
    return running


def test_final_minutes_refuse_registering_a_speaker(world, final_in_progress, login):
    before = db_state(final_in_progress.session)
    response = register(login(world.secretary_a), final_in_progress.session)
    assert response.status_code == 400
    assert db_state(final_in_progress.session) == before


def test_final_minutes_keep_the_attendance_they_were_signed_with(world, final_in_progress, login):
    url = reverse("console-end", args=[final_in_progress.session.pk])
    login(world.secretary_a).post(url, {"invited_count": 100, "attending_count": 95})
    session = DialogueSession.objects.get(pk=final_in_progress.session.pk)
    assert Minutes.objects.get(session=session).is_final
    assert (session.invited_count, session.attending_count) == (None, None)


# --- reopening ---------------------------------------------------------------------------------


def reopen(client, session, reason: str):
    return client.post(
        reverse("minutes-reopen", args=[session.pk]), {"reason": reason}, follow=True
    )


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_a2", "organiser_b", "supervisor"])
def test_reopening_is_for_the_units_organisers(world, finalised, persona):
    user = getattr(finalised, persona, None) or getattr(world, persona)
    before = db_state(finalised.session)
    url = reverse("minutes-reopen", args=[finalised.session.pk])
    response = client_for(user).post(url, {"reason": "Ghi thiếu ý kiến."})
    assert response.status_code == 404
    assert db_state(finalised.session) == before


def test_reopening_needs_a_reason(world, finalised, login):
    before = db_state(finalised.session)
    response = reopen(login(world.organiser_a), finalised.session, "   ")
    assert shown(console.REOPEN_REASON_REQUIRED) in response.text
    assert db_state(finalised.session) == before
    assert Minutes.objects.get(session=finalised.session).is_final


def test_reopening_is_recorded_and_entries_can_be_saved_again(world, finalised, login):
    reason = "Thư ký ghi thiếu ý kiến của ông Một."
    response = reopen(login(world.organiser_a), finalised.session, reason)
    assert response.status_code == 200
    record = Minutes.objects.get(session=finalised.session)
    assert not record.is_final
    assert (record.sha256, record.finalised_by) == ("", None)
    (change,) = [c for c in history(record) if c.action == "reopened"]
    assert (change.reason, change.actor) == (reason, world.organiser_a)
    # The signed PDF stays as the record of what was signed.
    assert StoredDocument.objects.count() == 1
    assert escape(reason) in response.text  # the history on the minutes page

    added = save(client_for(world.secretary_a), finalised.session, text="Bổ sung ý kiến ông Một.")
    assert added.status_code == 201
    edited = save(
        client_for(world.secretary_a),
        finalised.session,
        uuid_=finalised.entry_uuid,
        text="Bế mạc hội nghị lúc 11 giờ.",
        base_version=1,
    )
    assert edited.status_code == 200


def test_reopening_minutes_that_are_not_final(world, running, login):
    end(world, running.session)
    console.minutes_of(running.session)
    response = reopen(login(world.organiser_a), running.session, "Không cần")
    assert shown(console.NOT_FINAL) in response.text
    assert not history(Minutes.objects.get(session=running.session)).exists()


def test_a_reopened_session_can_be_finalised_again(world, finalised, login):
    reopen(login(world.organiser_a), finalised.session, "Bổ sung ý kiến.")
    finalise(world, finalised.session)
    assert Minutes.objects.get(session=finalised.session).is_final
    assert StoredDocument.objects.count() == 2


# --- who may use the console -------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    #: the session status in which a permitted user's request succeeds
    needs: str
    ok: int
    url: Callable[[SimpleNamespace], str]
    send: Callable[[Client, str, SimpleNamespace], object]
    #: whether the permitted request did its work
    done: Callable[[SimpleNamespace], bool]

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def _session_url(name: str) -> Callable[[SimpleNamespace], str]:
    return lambda s: reverse(name, args=[s.session.pk])


def _get(client, url, s):
    return client.get(url)


ACCESS_UUID = uuid.UUID("0b5f8d0e-8b7a-4c36-9d55-6a5e2f7f0c11")

ACTIONS = [
    Action(
        "session-console",
        "GET",
        "in_progress",
        200,
        _session_url("session-console"),
        _get,
        lambda s: True,
    ),
    Action(
        "console-state",
        "GET",
        "in_progress",
        200,
        _session_url("console-state"),
        _get,
        lambda s: True,
    ),
    Action(
        "console-entry-save",
        "POST",
        "in_progress",
        201,
        _session_url("console-entry-save"),
        lambda c, url, s: post_json(c, url, {"uuid": str(ACCESS_UUID), "text": "Mục mới."}),
        lambda s: MinutesEntry.objects.filter(uuid=ACCESS_UUID).exists(),
    ),
    Action(
        "console-next",
        "POST",
        "in_progress",
        200,
        _session_url("console-next"),
        lambda c, url, s: c.post(url),
        lambda s: statuses(s.session)["Nguyễn Văn Một"] == "speaking",
    ),
    Action(
        "console-speaker-status",
        "POST",
        "in_progress",
        200,
        lambda s: reverse("console-speaker-status", args=[s.session.pk, s.two.pk]),
        lambda c, url, s: post_json(c, url, {"to": "absent"}),
        lambda s: statuses(s.session)["Trần Thị Hai"] == "absent",
    ),
    Action(
        "console-speaker-register",
        "POST",
        "in_progress",
        201,
        _session_url("console-speaker-register"),
        lambda c, url, s: c.post(
            url,
            {
                "full_name": "Đinh Văn Mới",
                "birth_year": 1975,
                "address": "Thôn Nam",
                "topic": "Nước sạch",
                "channel": "in_advance",
            },
        ),
        lambda s: s.session.speakers.filter(full_name="Đinh Văn Mới").exists(),
    ),
    Action(
        "console-start",
        "POST",
        "scheduled",
        302,
        _session_url("console-start"),
        lambda c, url, s: c.post(url),
        lambda s: DialogueSession.objects.get(pk=s.session.pk).status == "in_progress",
    ),
    Action(
        "console-end",
        "POST",
        "in_progress",
        302,
        _session_url("console-end"),
        lambda c, url, s: c.post(url, {"invited_count": 100, "attending_count": 90}),
        lambda s: DialogueSession.objects.get(pk=s.session.pk).status == "held",
    ),
    Action(
        "minutes-finalize",
        "POST",
        "held",
        302,
        _session_url("minutes-finalize"),
        lambda c, url, s: c.post(url, {"chair_name": "Trần Văn Chủ"}),
        lambda s: Minutes.objects.filter(session=s.session, finalised_at__isnull=False).exists(),
    ),
]

PERMITTED = ["organiser_a", "secretary_a", "secretary_a2"]
#: A secretary of commune A who keeps another session, people of other units, other roles.
REFUSED = ["secretary_a3", "organiser_b", "supervisor", "administrator", "responder_a", "outsider"]


def persona(world, scene, name: str):
    return getattr(scene, name, None) or getattr(world, name)


@pytest.fixture
def ready(world, scene, fake_pdf):
    def _ready(action: Action) -> SimpleNamespace:
        if action.needs in ("in_progress", "held"):
            start(scene.session, world.organiser_a)
        if action.needs == "held":
            end(world, scene.session)
        scene.session.refresh_from_db()
        return scene

    return _ready


@pytest.mark.parametrize("who", PERMITTED)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_the_sessions_secretaries_and_organisers_use_the_console(world, ready, action, who):
    scene = ready(action)
    client = client_for(persona(world, scene, who))
    response = action.send(client, action.url(scene), scene)
    assert response.status_code == action.ok
    if action.ok == 302:
        assert not response.url.startswith(reverse("login"))
    assert action.done(scene)


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_everyone_else_gets_404_and_changes_nothing(world, ready, action, who):
    scene = ready(action)
    before = db_state(scene.session)
    client = client_for(persona(world, scene, who))
    response = action.send(client, action.url(scene), scene)
    assert response.status_code == 404
    assert db_state(scene.session) == before


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_anonymous_is_sent_to_login(world, ready, client, action):
    scene = ready(action)
    before = db_state(scene.session)
    response = action.send(client, action.url(scene), scene)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert db_state(scene.session) == before


def test_an_organiser_of_commune_a_uses_a_console_he_is_not_secretary_of(world, scene):
    start(scene.other, world.organiser_a)
    response = save(client_for(world.organiser_a), scene.other, text="Ghi bởi tổ chức.")
    assert response.status_code == 201


def test_a_missing_session_is_404(world, scene, login):
    missing = DialogueSession.objects.order_by("-pk").first().pk + 100
    client = login(world.organiser_a)
    assert client.get(reverse("console-state", args=[missing])).status_code == 404
    assert client.get(reverse("session-console", args=[missing])).status_code == 404


def test_state_urls_answer_only_get_and_write_urls_only_post(world, running, login):
    client = login(world.secretary_a)
    assert client.post(reverse("console-state", args=[running.session.pk])).status_code == 405
    assert client.get(reverse("console-entry-save", args=[running.session.pk])).status_code == 405
    assert client.get(reverse("console-next", args=[running.session.pk])).status_code == 405
    assert client.get(reverse("console-end", args=[running.session.pk])).status_code == 405


# --- polling: conditional GETs -----------------------------------------------------------------


def test_an_unchanged_console_answers_304(world, running, login):
    client = login(world.secretary_a)
    first = poll(client, running.session)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first.json()["status"] == "in_progress"
    again = poll(client, running.session, tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert "no-cache" in again["Cache-Control"]


CHANGES: list[tuple[str, Callable]] = [
    ("entry", lambda c, s: save(c, s.session, text="Mục mới.")),
    ("speaker status", lambda c, s: set_status(c, s.session, s.two, "absent")),
    ("call next", lambda c, s: call_next(c, s.session)),
    ("register", lambda c, s: register(c, s.session)),
]


@pytest.mark.parametrize("change", [c for _, c in CHANGES], ids=[n for n, _ in CHANGES])
def test_a_change_by_the_other_secretary_gets_the_full_state_again(
    world, running, login, django_capture_on_commit_callbacks, change
):
    watcher = login(world.secretary_a)
    tag = poll(watcher, running.session)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        response = change(client_for(running.secretary_a2), running)
    assert response.status_code in (200, 201)
    after = poll(watcher, running.session, tag)
    assert after.status_code == 200
    assert after["ETag"] != tag
    assert poll(watcher, running.session, after["ETag"]).status_code == 304


def test_the_new_state_carries_the_change(
    world, running, login, django_capture_on_commit_callbacks
):
    watcher = login(world.secretary_a)
    tag = poll(watcher, running.session)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        save(client_for(running.secretary_a2), running.session, text="Thư ký hai ghi.")
        call_next(client_for(running.secretary_a2), running.session)
    state = poll(watcher, running.session, tag).json()
    assert [e["text"] for e in state["entries"]] == ["Thư ký hai ghi."]
    assert state["entries"][0]["by"] == str(running.secretary_a2)
    assert [(s["name"], s["status"]) for s in state["speakers"]][:2] == [
        ("Nguyễn Văn Một", "speaking"),
        ("Trần Thị Hai", "waiting"),
    ]


def test_the_tag_is_per_viewer(world, running, login):
    secretary_tag = poll(login(world.secretary_a), running.session)["ETag"]
    other = client_for(running.secretary_a2)
    response = poll(other, running.session, secretary_tag)
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response["ETag"] != secretary_tag


@pytest.mark.parametrize("who", ["secretary_a3", "organiser_b", "outsider"])
def test_a_borrowed_tag_does_not_open_the_console_to_others(world, running, login, who):
    tag = poll(login(world.secretary_a), running.session)["ETag"]
    response = poll(client_for(persona(world, running, who)), running.session, tag)
    assert response.status_code == 404


def test_several_tags_in_if_none_match(world, running, login):
    client = login(world.secretary_a)
    tag = poll(client, running.session)["ETag"]
    assert poll(client, running.session, f'"old-tag", {tag}').status_code == 304


# --- the projector display ---------------------------------------------------------------------


@pytest.fixture
def on_screen(world, running, login):
    """Một speaking, Hai and Ba waiting; a fourth speaker absent and a fifth refused."""
    client = login(world.secretary_a)
    absent = register(client, running.session, full_name="Vắng Mặt Bốn", address="Thôn Xa")
    refused = register(client, running.session, full_name="Từ Chối Năm", address="Thôn Gần")
    set_status(
        client, running.session, Speaker.objects.get(pk=absent.json()["speaker"]["id"]), "absent"
    )
    set_status(
        client,
        running.session,
        Speaker.objects.get(pk=refused.json()["speaker"]["id"]),
        "refused",
        "Gây rối",
    )
    call_next(client, running.session)
    running.token = console.display_token(running.session)
    return running


def display_state(client, token: str, tag: str | None = None):
    headers = {"HTTP_IF_NONE_MATCH": tag} if tag else {}
    return client.get(reverse("display-state", args=[token]), **headers)


def test_the_display_works_without_login(on_screen, client):
    page = client.get(reverse("session-display", args=[on_screen.token]))
    assert page.status_code == 200
    assert "HN-CONSOLE đối thoại xã A" in page.text
    assert reverse("display-state", args=[on_screen.token]) in page.text
    state = display_state(client, on_screen.token)
    assert state.status_code == 200
    assert state.json()["title"] == "HN-CONSOLE đối thoại xã A"


def test_the_display_shows_names_and_hamlets_of_current_and_next_only(on_screen, client):
    response = display_state(client, on_screen.token)
    state = response.json()
    assert (state["current"]["name"], state["current"]["address"]) == (
        "Nguyễn Văn Một",
        "Thôn Đông",
    )
    assert [(s["name"], s["address"]) for s in state["next"]] == [
        ("Trần Thị Hai", "Xóm Tây"),
        ("Lê Văn Ba", "Thôn Bắc"),
    ]
    for speaker in [state["current"], *state["next"]]:
        assert not {"birth_year", "phone", "topic", "reason", "summary"} & set(speaker)
    body = response.content.decode()
    for private in (PHONE_ONE, TOPIC_ONE, str(BIRTH_YEAR_ONE), "Gây rối"):
        assert private not in body
    assert "Vắng Mặt Bốn" not in body
    assert "Từ Chối Năm" not in body
    page = client.get(reverse("session-display", args=[on_screen.token])).text
    for private in (PHONE_ONE, TOPIC_ONE, str(BIRTH_YEAR_ONE)):
        assert private not in page


def test_the_display_with_nobody_speaking(running, client):
    token = console.display_token(running.session)
    state = display_state(client, token).json()
    assert state["current"] is None
    assert [s["name"] for s in state["next"]] == ["Nguyễn Văn Một", "Trần Thị Hai", "Lê Văn Ba"]


def test_the_display_answers_304_until_the_queue_moves(world, on_screen, client):
    tag = display_state(client, on_screen.token)["ETag"]
    unchanged = display_state(client, on_screen.token, tag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    call_next(client_for(world.secretary_a), on_screen.session)
    moved = display_state(client, on_screen.token, tag)
    assert moved.status_code == 200
    assert moved.json()["current"]["name"] == "Trần Thị Hai"
    assert moved["ETag"] != tag


def test_the_display_token_is_made_once(running):
    token = console.display_token(running.session)
    assert len(token) >= 20
    assert console.display_token(DialogueSession.objects.get(pk=running.session.pk)) == token


def test_the_console_page_links_the_display(world, running, login):
    page = login(world.secretary_a).get(reverse("session-console", args=[running.session.pk]))
    token = DialogueSession.objects.get(pk=running.session.pk).display_token
    assert token
    assert f"/display/{token}/" in page.text


def test_the_organiser_renews_the_projector_link_and_the_old_one_stops(
    world, on_screen, client, login
):
    old = on_screen.token
    organiser = login(world.organiser_a)
    console_page = organiser.get(reverse("session-console", args=[on_screen.session.pk]))
    renew_url = reverse("console-display-renew", args=[on_screen.session.pk])
    assert renew_url in console_page.text

    response = organiser.post(renew_url)

    assert response.url == reverse("session-console", args=[on_screen.session.pk])
    new = DialogueSession.objects.get(pk=on_screen.session.pk).display_token
    assert new != old and len(new) >= 20
    assert client.get(reverse("session-display", args=[old])).status_code == 404
    assert display_state(client, old).status_code == 404
    assert display_state(client, new).json()["current"]["name"] == "Nguyễn Văn Một"
    record = history(on_screen.session).filter(action="display_link_renewed").get()
    assert record.actor == world.organiser_a
    assert old not in json.dumps(record.changes) and new not in json.dumps(record.changes)
    assert f"/display/{new}/" in organiser.get(console_page.wsgi_request.path).text


def test_a_secretary_cannot_renew_the_projector_link(world, on_screen, login):
    secretary = login(world.secretary_a)
    page = secretary.get(reverse("session-console", args=[on_screen.session.pk]))
    renew_url = reverse("console-display-renew", args=[on_screen.session.pk])
    assert renew_url not in page.text
    assert secretary.post(renew_url).status_code == 404
    assert login(world.organiser_b).post(renew_url).status_code == 404
    assert DialogueSession.objects.get(pk=on_screen.session.pk).display_token == on_screen.token


def test_the_projector_link_stops_once_the_minutes_are_final(world, on_screen, client, fake_pdf):
    assert display_state(client, on_screen.token).status_code == 200
    end(world, on_screen.session)
    finalise(world, on_screen.session)
    assert client.get(reverse("session-display", args=[on_screen.token])).status_code == 404
    assert display_state(client, on_screen.token).status_code == 404
    with pytest.raises(ValidationError):
        console.display_link_renew(actor=world.organiser_a, session=on_screen.session)


def test_a_wrong_or_short_token_is_404(running, client):
    token = console.display_token(running.session)
    # A session from before tokens were made at creation has an empty one: nothing matches it.
    DialogueSession.objects.filter(pk=running.session.pk).update(display_token="")
    assert client.get("/display/%20/state/").status_code == 404
    DialogueSession.objects.filter(pk=running.session.pk).update(display_token=token)
    wrong = "x" * len(token)
    for bad in (
        wrong,
        token[:19],
        token[:1],
        token + "x",
        token[:-1] + ("A" if token[-1] != "A" else "B"),
    ):
        assert client.get(reverse("session-display", args=[bad])).status_code == 404
        assert display_state(client, bad).status_code == 404


# --- polling: deltas since the client's revision ---------------------------------------------


def poll_since(client, session, since: int):
    return client.get(reverse("console-state", args=[session.pk]), {"since": since})


def apply_delta(state: dict, delta: dict) -> dict:
    """What static/js/console.js does with an answer: a delta merged by uuid / id into the
    state it was asked for, a full state in its place."""
    if delta["since"] is None:
        return delta
    entries = {e["uuid"]: e for e in state["entries"]} | {e["uuid"]: e for e in delta["entries"]}
    speakers = {s["id"]: s for s in state["speakers"]} | {s["id"]: s for s in delta["speakers"]}
    return delta | {
        "entries": sorted(entries.values(), key=lambda e: e["seq"]),
        "speakers": sorted(speakers.values(), key=lambda s: (s["position"], s["id"])),
    }


def comparable(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("now", "since")}


def random_change(rng, world, scene, secretaries, client) -> None:
    """One change a secretary (or the organiser, between turns) could make to the console."""
    session = DialogueSession.objects.get(pk=scene.session.pk)
    actor = rng.choice(secretaries)
    speakers = list(session.speakers.order_by("pk"))
    entries = list(session.minutes_entries.order_by("pk"))
    action = rng.choice(["entry", "entry", "edit", "status", "next", "register", "rename", "move"])
    try:
        if action == "entry" or (action == "edit" and not entries):
            console.entry_save(
                actor=actor,
                session=session,
                uuid=uuid.uuid4(),
                kind=rng.choice(["speech", "answer", "note"]),
                text=f"Mục {rng.randrange(10**6)}",
                speaker=rng.choice([None, *speakers]),
            )
        elif action == "edit":
            entry = rng.choice(entries)
            console.entry_save(
                actor=actor,
                session=session,
                uuid=entry.uuid,
                kind=entry.kind,
                text=f"{entry.text} (sửa {rng.randrange(100)})",
                speaker=rng.choice([None, *speakers]),
                base_version=entry.version,
            )
        elif action == "status":
            speaker = rng.choice(speakers)
            moves = sorted(console.SPEAKER_MOVES[speaker.status])
            if moves:
                console.speaker_set_status(
                    actor=actor, speaker=speaker, to=rng.choice(moves), reason="Gây rối"
                )
        elif action == "next":
            console.speaker_call_next(actor=actor, session=session)
        elif action == "register":
            response = register(client, session, full_name=f"Người {rng.randrange(1000)}")
            assert response.status_code == 201
        elif action == "rename":
            services.speaker_update(
                actor=actor, speaker=rng.choice(speakers), full_name=f"Tên {rng.randrange(1000)}"
            )
        else:
            services.speaker_move(
                actor=world.organiser_a,
                speaker=rng.choice(speakers),
                to_position=rng.randrange(1, len(speakers) + 1),
            )
    except ValidationError:
        pass  # nobody waiting: nothing changed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deltas_applied_to_the_first_load_give_the_full_state(world, running, login, seed):
    import random

    rng = random.Random(seed)
    client = login(world.secretary_a)
    secretaries = [world.secretary_a, running.secretary_a2]
    state = poll(client, running.session).json()
    first = state["revision"]
    assert state["since"] is None
    for _round in range(15):
        for _ in range(rng.randrange(0, 4)):
            random_change(rng, world, running, secretaries, client_for(running.secretary_a2))
        delta = poll_since(client, running.session, state["revision"]).json()
        assert delta["since"] == state["revision"]
        state = apply_delta(state, delta)
        full = poll(client, running.session).json()
        assert comparable(state) == comparable(full)
    assert state["revision"] > first + 10  # the sequence did change things


def test_a_rename_sends_the_speakers_entries_again(world, running, login):
    client = login(world.secretary_a)
    save(client, running.session, speaker=running.one.pk)
    save(client, running.session, text="Không gắn người nói.")
    since = poll(client, running.session).json()["revision"]
    services.speaker_update(actor=world.secretary_a, speaker=running.one, full_name="Tên Mới")
    delta = poll_since(client, running.session, since).json()
    assert [s["name"] for s in delta["speakers"]] == ["Tên Mới"]
    assert [e["speaker_name"] for e in delta["entries"]] == ["Tên Mới"]


def test_a_revision_the_server_never_gave_gets_the_full_state(world, running, login):
    client = login(world.secretary_a)
    save(client, running.session)
    revision = poll(client, running.session).json()["revision"]
    for since in (revision + 5, -1):
        state = poll_since(client, running.session, since).json()
        assert state["since"] is None
        assert len(state["entries"]) == 1 and len(state["speakers"]) == 3


def _queries_of_a_delta_poll(client, session) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    since = poll(client, session).json()["revision"]
    save(client, session, text="Một mục mới sau cùng.")
    with CaptureQueriesContext(connection) as queries:
        response = poll_since(client, session, since)
    assert [e["text"] for e in response.json()["entries"]] == ["Một mục mới sau cùng."]
    return len(queries), len(response.content)


def test_the_poll_after_one_change_is_small_whatever_the_size_of_the_minutes(world, running, login):
    client = login(world.secretary_a)
    small = _queries_of_a_delta_poll(client, running.session)
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=running.session,
            uuid=uuid.uuid4(),
            seq=100 + i,
            kind="speech",
            speaker=running.two,
            text="Ông (bà) phản ánh việc thu hồi đất chưa được bồi thường thỏa đáng. " * 3,
            created_by=world.secretary_a,
            updated_by=world.secretary_a,
        )
        for i in range(4000)
    )
    assert len(poll(client, running.session).json()["entries"]) == 4001  # the first load
    queries, size = _queries_of_a_delta_poll(client, running.session)
    assert queries == small[0]
    assert size < 10_000


# --- saving an entry without a session lock ----------------------------------------------------
# (sessions.console.entry_save): a few queries, an optimistic version check on the entry,
# revisions claimed in one UPDATE of the session's row, numbers that follow the order of the
# saves, and (on PostgreSQL) two secretaries saving at the same moment without waiting for each
# other beyond that UPDATE.

SAVE_BUDGET = 6


def _counted(captured) -> list[str]:
    """The statements of a save as production runs them: the test's own transaction turns the
    save's transaction into a savepoint, and the request's user is the login middleware's."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _without_login(sql: list[str]) -> list[str]:
    assert sql[0].startswith('SELECT "dialogue_user"."id"'), sql[0]
    return sql[1:]


def _revision(session) -> int:
    return DialogueSession.objects.values_list("console_revision", flat=True).get(pk=session.pk)


# --- the cost of a save ------------------------------------------------------------------------


@pytest.mark.parametrize("with_speaker", [False, True], ids=["note", "speaker"])
def test_a_create_and_an_edit_cost_at_most_six_queries(world, running, login, with_speaker):
    client = login(world.secretary_a)
    extra = {"speaker": running.one.pk} if with_speaker else {}
    warm = uuid.uuid4()
    save(client, running.session, uuid_=warm)
    save(client, running.session, uuid_=warm, text="Sửa.", base_version=1)  # content types cached
    entry_uuid = uuid.uuid4()
    with CaptureQueriesContext(connection) as created:
        response = save(client, running.session, uuid_=entry_uuid, **extra)
    assert response.status_code == 201
    with CaptureQueriesContext(connection) as edited:
        response = save(
            client, running.session, uuid_=entry_uuid, text="Ông Một sửa.", base_version=1, **extra
        )
    assert response.status_code == 200
    assert response.json()["entry"]["speaker_name"] == ("Nguyễn Văn Một" if with_speaker else "")
    create_sql, edit_sql = _without_login(_counted(created)), _without_login(_counted(edited))
    assert len(create_sql) <= SAVE_BUDGET, create_sql
    assert len(edit_sql) <= SAVE_BUDGET, edit_sql
    # No lock taken on the session before its revision is claimed.
    assert not any("FOR UPDATE" in sql for sql in create_sql + edit_sql)
    # The edit's history is still recorded, in one INSERT.
    assert sum(sql.startswith('INSERT INTO "dialogue_changerecord"') for sql in edit_sql) == 1


def test_the_service_alone_costs_three_queries_to_create_and_four_to_edit(world, running):
    session = DialogueSession.objects.get(pk=running.session.pk)
    entry_uuid = uuid.uuid4()
    common = {"actor": world.secretary_a, "session": session, "uuid": entry_uuid, "kind": "note"}
    console.entry_save(**common, text="Khai mạc.", base_version=None)
    console.entry_save(**common, text="Khai mạc hội nghị.", base_version=1)  # warm caches
    with CaptureQueriesContext(connection) as created:
        console.entry_save(**{**common, "uuid": uuid.uuid4()}, text="Mục mới.")
    with CaptureQueriesContext(connection) as edited:
        console.entry_save(**common, text="Khai mạc hội nghị đối thoại.", base_version=2)
    assert len(_counted(created)) == 3  # the session, the revision, the INSERT
    assert len(_counted(edited)) == 4  # the entry and its session, the revision, UPDATE, history


# --- the optimistic version check --------------------------------------------------------------


def _between_read_and_claim(monkeypatch, action) -> None:
    """Run `action` once the save has read the entry (or the session), before its transaction
    begins: what a concurrent request could do in that moment."""
    check = console.check_writable
    pending = [action]

    def check_after(session):
        if pending:
            pending.pop()()  # its own saves pass straight through
        return check(session)

    monkeypatch.setattr(console, "check_writable", check_after)


def test_an_edit_saved_meanwhile_is_not_overwritten(world, running, login, monkeypatch):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running.session, uuid_=entry_uuid, text="Bản gốc.")
    entry = MinutesEntry.objects.get(uuid=entry_uuid)

    def other_secretary_saves():
        console.entry_save(
            actor=running.secretary_a2,
            session=running.session,
            uuid=entry_uuid,
            kind="speech",
            text="Sửa của thư ký hai.",
            base_version=1,
        )

    _between_read_and_claim(monkeypatch, other_secretary_saves)
    revision = _revision(running.session)
    changes = ChangeRecord.objects.count()
    response = save(
        client, running.session, uuid_=entry_uuid, text="Sửa của thư ký một.", base_version=1
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["text"] == "Sửa của thư ký hai."
    assert body["current"]["version"] == 2
    assert body["attempted_text"] == "Sửa của thư ký một."
    assert body["errors"]["text"] == [vi(console.ENTRY_CONFLICT)]
    assert vi(console.ENTRY_CONFLICT).startswith("Người khác đã sửa mục này")
    entry.refresh_from_db()
    assert (entry.text, entry.version, entry.updated_by) == (
        "Sửa của thư ký hai.",
        2,
        running.secretary_a2,
    )
    # Only the other secretary's save moved the revision and left a history record.
    assert _revision(running.session) == revision + 1
    assert ChangeRecord.objects.count() == changes + 1
    assert [c.changes["text"][1] for c in history(entry) if c.action == "updated"] == [
        "Sửa của thư ký hai."
    ]


def test_edits_of_different_entries_do_not_conflict(world, running, login):
    one, two = login(world.secretary_a), client_for(running.secretary_a2)
    first, second = uuid.uuid4(), uuid.uuid4()
    save(one, running.session, uuid_=first, text="Mục một.")
    save(two, running.session, uuid_=second, text="Mục hai.")
    # Both start from version 1 of their own entry: neither is stale.
    a = save(one, running.session, uuid_=first, text="Mục một, sửa.", base_version=1)
    b = save(two, running.session, uuid_=second, text="Mục hai, sửa.", base_version=1)
    assert (a.status_code, b.status_code) == (200, 200)
    stored = dict(MinutesEntry.objects.values_list("uuid", "text"))
    assert stored == {first: "Mục một, sửa.", second: "Mục hai, sửa."}


def test_minutes_finalised_while_a_save_was_on_its_way_refuse_it(
    world, running, login, monkeypatch, fake_pdf
):
    client = login(world.secretary_a)
    save(client, running.session, text="Bế mạc.")

    def finalised_meanwhile():
        end(world, running.session)
        finalise(world, running.session)

    _between_read_and_claim(monkeypatch, finalised_meanwhile)
    response = save(client, running.session, text="Thêm sau khi chốt.")
    assert response.status_code == 400
    assert response.json()["final"] is True
    assert list(MinutesEntry.objects.values_list("text", flat=True)) == ["Bế mạc."]


def test_reopened_minutes_take_entries_again(world, running, login, fake_pdf):
    from sessions import minutes as minutes_service

    client = login(world.secretary_a)
    end(world, running.session)
    finalise(world, running.session)
    assert DialogueSession.objects.get(pk=running.session.pk).minutes_final
    assert save(client, running.session).status_code == 400
    minutes_service.minutes_reopen(
        actor=world.organiser_a, session=running.session, reason="Thiếu ý kiến của ông Ba."
    )
    assert not DialogueSession.objects.get(pk=running.session.pk).minutes_final
    assert save(client, running.session, text="Ý kiến của ông Ba.").status_code == 201


def test_a_stranger_gets_404_whatever_the_body(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running.session, uuid_=entry_uuid, text="Bản gốc.")
    stranger = client_for(running.secretary_a3)  # secretary of the other session
    for extra in ({}, {"base_version": 1}, {"speaker": running.one.pk}):
        response = save(stranger, running.session, uuid_=entry_uuid, text="Của người lạ.", **extra)
        assert response.status_code == 404
    assert MinutesEntry.objects.get().text == "Bản gốc."


def test_a_speaker_pk_out_of_range_is_refused_like_a_foreign_one(world, running, login):
    response = save(login(world.secretary_a), running.session, speaker=2**70)
    assert response.status_code == 400
    assert response.json()["errors"]["speaker"] == [vi(console.SPEAKER_OTHER_SESSION)]


# --- revisions and numbers ---------------------------------------------------------------------


def test_each_save_claims_the_next_revision_and_stamps_its_row(world, running, login):
    client = login(world.secretary_a)
    before = _revision(running.session)
    uuids = [uuid.uuid4() for _ in range(3)]
    for entry_uuid in uuids:
        save(client, running.session, uuid_=entry_uuid)
    save(client, running.session, uuid_=uuids[0], text="Sửa.", base_version=1)
    revs = dict(MinutesEntry.objects.values_list("uuid", "rev"))
    assert _revision(running.session) == before + 4
    assert [revs[u] for u in uuids] == [before + 4, before + 2, before + 3]


def test_a_refused_save_claims_no_revision(world, running, login):
    client = login(world.secretary_a)
    before = _revision(running.session)
    assert save(client, running.session, text=" ").status_code == 400
    assert save(client, running.session, speaker=running.other_speaker.pk).status_code == 400
    assert _revision(running.session) == before


def test_a_create_sent_again_keeps_the_number_and_the_revision(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    first = save(client, running.session, uuid_=entry_uuid, text="Khai mạc.")
    revision = _revision(running.session)
    again = save(client, running.session, uuid_=entry_uuid, text="Khai mạc.")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["entry"] == first.json()["entry"]
    assert _revision(running.session) == revision


def test_numbers_follow_the_last_entry_even_when_rows_were_loaded_in_bulk(world, running, login):
    client = login(world.secretary_a)
    save(client, running.session, text="Một.")
    MinutesEntry.objects.bulk_create(
        MinutesEntry(session=running.session, uuid=uuid.uuid4(), seq=seq, kind="note", text="x")
        for seq in (5, 9)
    )
    response = save(client, running.session, text="Sau cùng.")
    assert response.json()["entry"]["seq"] == 10


def test_deltas_after_interleaved_saves_give_the_full_state(world, running, login):
    """Two secretaries alternate creates and edits; the watcher polls between some of them."""
    one, two = login(world.secretary_a), client_for(running.secretary_a2)
    watcher = client_for(world.organiser_a)
    state = poll(watcher, running.session).json()
    mine, theirs = [], []
    for step in range(12):
        client, own = (one, mine) if step % 2 else (two, theirs)
        if own and step % 3 == 0:
            entry_uuid, version = own[-1]
            response = save(
                client, running.session, uuid_=entry_uuid, text=f"Sửa {step}.", base_version=version
            )
            own[-1] = (entry_uuid, response.json()["entry"]["version"])
        else:
            entry_uuid = uuid.uuid4()
            save(
                client,
                running.session,
                uuid_=entry_uuid,
                text=f"Mục {step}.",
                speaker=running.two.pk if step % 4 == 0 else None,
            )
            own.append((entry_uuid, 1))
        if step % 3 == 1:
            state = apply_delta(
                state, poll_since(watcher, running.session, state["revision"]).json()
            )
    state = apply_delta(state, poll_since(watcher, running.session, state["revision"]).json())
    assert comparable(state) == comparable(poll(watcher, running.session).json())
    assert [e["seq"] for e in state["entries"]] == list(range(1, len(mine) + len(theirs) + 1))


def test_the_service_keeps_refusing_what_it_refused(world, running):
    with pytest.raises(ValidationError) as refused:
        console.entry_save(
            actor=world.secretary_a,
            session=running.session.pk,
            uuid=uuid.uuid4(),
            kind="speech",
            text="x",
            speaker=running.other_speaker.pk,
        )
    assert refused.value.message_dict == {"speaker": [str(console.SPEAKER_OTHER_SESSION)]}
    with pytest.raises(DialogueSession.DoesNotExist):
        console.entry_save(
            actor=world.secretary_a,
            session=running.session.pk,
            within=DialogueSession.objects.console_for(running.secretary_a3),
            uuid=uuid.uuid4(),
            kind="speech",
            text="x",
        )


# --- two connections at once (PostgreSQL) ------------------------------------------------------


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite lets one writer in at a time)")


def _in_threads(*jobs):
    """Run each job in its own thread (its own database connection); re-raise their errors."""
    errors = []

    def run(job):
        try:
            job()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a save never finished (blocked?)"
    if errors:
        raise errors[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_secretaries_save_at_the_same_moment_without_waiting_on_each_other(world, running):
    """Both saves read, check and reach the revision claim together (a barrier), then claim:
    one waits for the other's commit only there, and both succeed with their own revision."""
    _postgresql_only()
    session = running.session
    entries = {}
    for secretary in (world.secretary_a, running.secretary_a2):
        entry, _ = console.entry_save(
            actor=secretary, session=session, uuid=uuid.uuid4(), kind="note", text="Gốc."
        )
        entries[secretary.pk] = entry
    before = _revision(session)
    barrier = threading.Barrier(2, timeout=20)
    claim = console.claim_revision

    def claim_together(*args, **kwargs):
        barrier.wait()  # neither has locked anything yet: both got here
        return claim(*args, **kwargs)

    console.claim_revision = claim_together
    try:

        def edit_and_create(secretary):
            def job():
                entry = entries[secretary.pk]
                console.entry_save(
                    actor=secretary,
                    session=session.pk,
                    uuid=entry.uuid,
                    kind="note",
                    text=f"Sửa của {secretary.username}.",
                    base_version=1,
                )
                console.entry_save(
                    actor=secretary,
                    session=session.pk,
                    uuid=uuid.uuid4(),
                    kind="note",
                    text=f"Mục mới của {secretary.username}.",
                )

            return job

        _in_threads(edit_and_create(world.secretary_a), edit_and_create(running.secretary_a2))
    finally:
        console.claim_revision = claim
    rows = list(MinutesEntry.objects.filter(session=session).order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert _revision(session) == before + 4
    assert sorted(r.rev for r in rows[2:]) == [before + 3, before + 4]
    # Numbers follow revisions (the order the saves committed in).
    assert rows[2].rev < rows[3].rev
    assert {r.text for r in rows[:2]} == {
        f"Sửa của {world.secretary_a.username}.",
        f"Sửa của {running.secretary_a2.username}.",
    }
    assert all(r.version == 2 for r in rows[:2])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_watcher_polling_during_concurrent_saves_misses_nothing(world, running):
    _postgresql_only()
    cache.clear()
    session = running.session
    saves_per_writer = 25
    done = threading.Event()
    watcher_states = []

    def writer(secretary):
        def job():
            mine = []
            for i in range(saves_per_writer):
                if mine and i % 3 == 0:
                    entry_uuid, version = mine[-1]
                    entry, _ = console.entry_save(
                        actor=secretary,
                        session=session.pk,
                        uuid=entry_uuid,
                        kind="note",
                        text=f"{secretary.username} sửa {i}",
                        base_version=version,
                    )
                    mine[-1] = (entry_uuid, entry.version)
                else:
                    entry, _ = console.entry_save(
                        actor=secretary,
                        session=session.pk,
                        uuid=uuid.uuid4(),
                        kind="note",
                        text=f"{secretary.username} mục {i}",
                    )
                    mine.append((entry.uuid, entry.version))

        return job

    def watcher():
        client = client_for(world.organiser_a)
        state = poll(client, session).json()
        while not done.is_set():
            state = apply_delta(state, poll_since(client, session, state["revision"]).json())
        state = apply_delta(state, poll_since(client, session, state["revision"]).json())
        watcher_states.append(state)
        connections.close_all()

    watching = threading.Thread(target=watcher)
    watching.start()
    try:
        _in_threads(writer(world.secretary_a), writer(running.secretary_a2))
    finally:
        done.set()
        watching.join(timeout=60)
    (state,) = watcher_states
    full = poll(client_for(world.organiser_a), session).json()
    assert comparable(state) == comparable(full)
    assert [e["seq"] for e in full["entries"]] == list(range(1, len(full["entries"]) + 1))


# --- the minutes page in sections --------------------------------------------------------------


def _long_minutes(world, session, count: int) -> None:
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=session,
            uuid=uuid.uuid4(),
            seq=seq,
            kind="speech",
            text=f"Ý-KIẾN-SỐ-{seq:05d} về thu hồi đất làm đường liên thôn.",
            created_by=world.secretary_a,
            updated_by=world.secretary_a,
        )
        for seq in range(1, count + 1)
    )


def _numbers_shown(page) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="mb-2" id="entry-(\d+)"', page.text)]


def test_a_long_minutes_page_shows_one_section_and_links_to_the_others(world, running, login):
    from sessions.minutes_pages import ENTRIES_PER_PAGE

    _long_minutes(world, running.session, 2 * ENTRIES_PER_PAGE + 50)
    client = login(world.secretary_a)
    url = reverse("session-minutes", args=[running.session.pk])
    page = client.get(url)
    assert _numbers_shown(page) == list(range(1, ENTRIES_PER_PAGE + 1))
    assert "Ý-KIẾN-SỐ-00201" not in page.text
    assert f'href="?entry={ENTRIES_PER_PAGE + 1}"' in page.text
    assert len(page.content) < 100_000
    # Following "next" from the first section shows every entry once, in order.
    seen, response = [], page
    while True:
        numbers = _numbers_shown(response)
        assert 0 < len(numbers) <= ENTRIES_PER_PAGE
        seen += numbers
        found = re.search(r'rel="next" href="\?entry=(\d+)"', response.text)
        if not found:
            break
        response = client.get(url, {"entry": found.group(1)})
        assert response.status_code == 200
    assert seen == list(range(1, 2 * ENTRIES_PER_PAGE + 51))
    assert 'rel="prev" href="?entry=201"' in response.text  # the last section links back


def test_a_jump_to_an_entry_opens_its_section_scrolled_to_it(world, running, login):
    _long_minutes(world, running.session, 450)
    client = login(world.secretary_a)
    url = reverse("session-minutes", args=[running.session.pk])
    response = client.get(url, {"entry": 333})
    assert response.status_code == 302
    assert response.url == f"{url}?entry=201#entry-333"
    shown = client.get(url, {"entry": 201})
    assert _numbers_shown(shown) == list(range(201, 401))
    # Beyond the end: the last section; nonsense: the first.
    assert client.get(url, {"entry": 9999}).url == f"{url}?entry=401#entry-9999"
    for nonsense in ("abc", "-5", "0", str(2**40)):
        assert _numbers_shown(client.get(url, {"entry": nonsense}))[0] == 1


def test_sections_follow_the_numbers_even_with_gaps(world, running, login):
    from sessions import minutes_pages

    seqs = [1, 2, 7, 8, 9, 30, 31]
    MinutesEntry.objects.bulk_create(
        MinutesEntry(session=running.session, uuid=uuid.uuid4(), seq=s, kind="note", text="x")
        for s in seqs
    )
    page = minutes_pages.entries_page(running.session, entry=9, size=3)
    assert page.sections == [(1, 7), (8, 30), (31, 31)]
    assert [e.seq for e in page.entries] == [8, 9, 30]
    assert (page.previous_first, page.next_first, page.total) == (1, 31, 7)


def test_a_short_minutes_page_has_no_sections(world, running, login):
    client = login(world.secretary_a)
    save(client, running.session, text="Khai mạc.")
    page = client.get(reverse("session-minutes", args=[running.session.pk]))
    assert _numbers_shown(page) == [1]
    assert "minutes-sections" not in page.text


def test_the_minutes_document_still_holds_every_entry(world, running):
    from django.template.loader import render_to_string

    _long_minutes(world, running.session, 450)
    html = render_to_string(documents.MINUTES_TEMPLATE, documents.minutes_context(running.session))
    assert all(f"Ý-KIẾN-SỐ-{n:05d}" in html for n in range(1, 451))


def test_the_minutes_page_lists_the_first_petitions_and_links_to_all(world, running, login):
    from petitions.models import Field
    from sessions.minutes_pages import PETITIONS_SHOWN

    field = Field.objects.get(code="dat-dai-gpmb")
    Petition.objects.bulk_create(
        Petition(
            session=running.session,
            unit=running.session.unit,
            source="at_session",
            received_on=SESSION_DAY.date(),
            petitioner_name="Người dân",
            content=f"KIẾN-NGHỊ-{n:03d} về đường liên thôn.",
            competence="commune",
            field=field,
        )
        for n in range(1, PETITIONS_SHOWN + 6)
    )
    client = login(world.secretary_a)
    page = client.get(reverse("session-minutes", args=[running.session.pk]))
    shown = re.findall(r"KIẾN-NGHỊ-(\d{3})", page.text)
    assert shown == [f"{n:03d}" for n in range(1, PETITIONS_SHOWN + 1)]
    link = f"{reverse('petition-list')}?session={running.session.pk}"
    assert f'href="{link}" id="all-petitions"' in page.text
    listed = client.get(reverse("petition-list"), {"session": running.session.pk})
    assert f"KIẾN-NGHỊ-{PETITIONS_SHOWN + 5:03d}" in listed.text  # the newest, not on the page


# --- the early 304 (sessions.middleware) -------------------------------------------------------
# A 304 from the cache alone for the user and login session the tag was handed to; the normal
# rules for everything else.


def watching(user, session):
    """A console open for `user`: its first load (through the whole stack, which renews the
    session) and the tag it got."""
    client = client_for(user)
    first = poll(client, session)
    assert first.status_code == 200
    return client, first["ETag"]


def test_an_unchanged_poll_is_304_without_a_query(world, running, django_assert_num_queries):
    client, tag = watching(world.secretary_a, running.session)
    with django_assert_num_queries(0):
        response = poll(client, running.session, tag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag


def test_the_early_304_carries_the_headers_of_the_views_304(world, running):
    client, tag = watching(world.secretary_a, running.session)
    early = poll(client, running.session, tag)
    # A session due for renewal goes through the whole stack: the view's own 304.
    with time_machine.travel(SESSION_DAY + timedelta(seconds=RENEW_EVERY), tick=False):
        late = poll(client, running.session, tag)
    assert early.status_code == late.status_code == 304
    for header in ("ETag", "Cache-Control"):
        assert early[header] == late[header]
    assert set(early["Vary"].split(", ")) == set(late["Vary"].split(", "))


def test_a_poll_with_since_is_answered_early_too(world, running, django_assert_num_queries):
    client, tag = watching(world.secretary_a, running.session)
    revision = poll(client, running.session).json()["revision"]
    url = reverse("console-state", args=[running.session.pk])
    with django_assert_num_queries(0):
        response = client.get(url, {"since": revision}, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304


def test_a_change_gets_the_delta(world, running, django_capture_on_commit_callbacks):
    client, tag = watching(world.secretary_a, running.session)
    revision = poll(client, running.session).json()["revision"]
    assert poll(client, running.session, tag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        save(client_for(running.secretary_a2), running.session, text="Ý kiến mới.")
    url = reverse("console-state", args=[running.session.pk])
    response = client.get(url, {"since": revision}, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag
    body = response.json()
    assert body["since"] == revision
    assert [e["text"] for e in body["entries"]] == ["Ý kiến mới."]
    assert poll(client, running.session, response["ETag"]).status_code == 304


@pytest.mark.parametrize(("who", "status"), [("secretary_a2", 200), ("secretary_a3", 404)])
def test_another_users_tag_is_not_answered_early(world, running, who, status):
    _client, tag = watching(world.secretary_a, running.session)
    other = getattr(running, who)
    # The other user's session is fresh too, so only the tag keeps it off the early path.
    client = client_for(other)
    poll(client, running.session)
    response = poll(client, running.session, tag)
    assert response.status_code == status


def test_a_tag_of_an_earlier_login_of_the_same_user_is_not_answered(world, running):
    _old, tag = watching(world.secretary_a, running.session)
    client, _new_tag = watching(world.secretary_a, running.session)
    response = poll(client, running.session, tag)
    assert response.status_code == 200


def test_after_logout_the_tag_gets_the_login_page(world, running):
    client, tag = watching(world.secretary_a, running.session)
    assert poll(client, running.session, tag).status_code == 304
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    # The browser may send the old cookie again: its session is gone.
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = poll(client, running.session, tag)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_access_gets_404(world, running):
    client = client_for(running.secretary_a3)
    poll(client, running.session)  # the session renewed: the next request could go early
    assert poll(client, running.session, '"console-1-1-0000000000000000"').status_code == 404


@pytest.mark.parametrize("garbage", ["*", "garbage", '"console-x-y-z"', ",,,", "é" * 300])
def test_an_unreadable_if_none_match_gets_the_state(world, running, garbage):
    client, _tag = watching(world.secretary_a, running.session)
    response = poll(client, running.session, garbage)
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


def test_access_taken_away_stops_the_304s_within_a_minute(world, running):
    client, tag = watching(running.secretary_a2, running.session)
    running.session.secretaries.remove(running.secretary_a2)
    # Within the minute the early path cannot know (it reads no database): it says "unchanged".
    assert poll(client, running.session, tag).status_code == 304
    with time_machine.travel(SESSION_DAY + timedelta(seconds=RENEW_EVERY), tick=False):
        assert poll(client, running.session, tag).status_code == 404


def test_a_poll_due_for_renewal_goes_through_and_renews_the_session(
    world, running, django_assert_num_queries
):
    client, tag = watching(world.secretary_a, running.session)
    later = SESSION_DAY + timedelta(seconds=RENEW_EVERY)
    with time_machine.travel(later, tick=False):
        assert poll(client, running.session, tag).status_code == 304
        assert client.session[RENEWED_KEY] == int(later.timestamp())
        with django_assert_num_queries(0):
            assert poll(client, running.session, tag).status_code == 304


def test_a_session_verified_with_a_device_always_goes_through(world, running, login_verified):
    client = login_verified(world.secretary_a)
    tag = poll(client, running.session)["ETag"]
    response = poll(client, running.session, tag)
    assert response.status_code == 304
    assert DEVICE_ID_SESSION_KEY in client.session
    # Through the whole stack: the device is read, as dialogue.middleware.TwoFactorMiddleware
    # does on every request of such a session.
    with CaptureQueriesContext(connection) as captured:
        assert poll(client, running.session, tag).status_code == 304
    assert any("otp_totp" in q["sql"] for q in captured.captured_queries)


def test_without_the_counter_in_the_cache_the_poll_goes_through(world, running):
    client, tag = watching(world.secretary_a, running.session)
    # A lost counter (Redis restarted, or down behind the breaker) restarts at a fresh value:
    # the stack answers, with the full state.
    cache.delete(console.revision_key(running.session.pk))
    assert poll(client, running.session, tag).status_code == 200


def test_with_redis_down_the_poll_goes_through_the_stack(world, running, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "dialogue.cache.ForgivingRedisCache",
            # Nothing listens on port 1: every call fails and the breaker opens.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.05, "socket_timeout": 0.05},
        }
    }
    client, tag = watching(world.secretary_a, running.session)
    with CaptureQueriesContext(connection) as captured:
        response = poll(client, running.session, tag)
    # The session and the counter come from the database: answered by the view.
    assert response.status_code == 304
    assert len(captured.captured_queries) > 0


def test_polls_through_the_view_check_access_at_most_twice_a_minute(world, running, login_verified):
    client = login_verified(world.secretary_a)
    tag = poll(client, running.session)["ETag"]
    assert poll(client, running.session, tag).status_code == 304  # checks access, keeps the yes

    def session_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert poll(client, running.session, tag).status_code == 304
        return [q["sql"] for q in captured.captured_queries if "dialoguesession" in q["sql"]]

    assert session_queries() == []
    with time_machine.travel(SESSION_DAY + timedelta(seconds=console.ACCESS_KEPT_SECONDS)):
        assert len(session_queries()) == 1
