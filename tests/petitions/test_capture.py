"""Petitions captured in the live console (DESIGN §5): answered on the spot or taken away,
complaints routed out, tied to the minutes entry that records them, and only while the session
runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from dialogue.audit import history
from dialogue.models import Role
from petitions import services
from petitions.forms import PETITIONER_REQUIRED
from petitions.models import Field, Petition
from sessions import console
from sessions import minutes as minutes_service
from sessions import services as session_services
from sessions.models import DialogueSession
from tests.factories import UserFactory, make_plan, make_session, make_speaker, member
from tests.helpers import field_block, field_errors, shown, widget_is_invalid

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SESSION_DAY = datetime(2026, 12, 15, 9, 30, tzinfo=HANOI)
CONTENT = "Đề nghị sửa đường liên thôn Đông – Tây, mùa mưa ngập sâu."
ANSWER = "UBND xã đưa tuyến đường vào kế hoạch sửa chữa quý I năm 2027."


@pytest.fixture(autouse=True)
def _session_day():
    with time_machine.travel(SESSION_DAY, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def move(session, actor, *statuses: str) -> None:
    for to in statuses:
        session_services.session_transition(actor=actor, session=session, to=to, confirm=True)
    session.refresh_from_db()


@pytest.fixture
def scene(world):
    """A session of commune A in progress, kept by secretary_a and secretary_a2, one speaker;
    secretary_a3 of commune A keeps another session."""
    secretary_a2 = member(UserFactory(username="secretary_a2"), world.commune_a, Role.SECRETARY)
    secretary_a3 = member(UserFactory(username="secretary_a3"), world.commune_a, Role.SECRETARY)
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(
        plan, actor=world.organiser_a, secretaries=[world.secretary_a, secretary_a2]
    )
    speaker = make_speaker(
        session, actor=world.secretary_a, full_name="Nguyễn Văn Một", address="Thôn Đông"
    )
    other = make_session(plan, actor=world.organiser_a, secretaries=[secretary_a3])
    other_speaker = make_speaker(other, actor=secretary_a3, full_name="Phạm Thị Khác")
    move(session, world.organiser_a, "scheduled", "in_progress")
    return SimpleNamespace(
        session=session,
        speaker=speaker,
        other=other,
        other_speaker=other_speaker,
        secretary_a2=secretary_a2,
        secretary_a3=secretary_a3,
        field=Field.objects.get(code="dat-dai-gpmb"),
    )


def form_data(scene, **fields) -> dict:
    return {
        "speaker": scene.speaker.pk,
        "petitioner_name": "",
        "entry": "",
        "content": CONTENT,
        "field": scene.field.pk,
        "competence": "commune",
        "scope": "in_scope",
        "routing_reason": "",
        "answer": "later",
        "answer_at_session": "",
        "answered_by": "",
        **fields,
    }


def capture(client, scene, session=None, **fields):
    url = reverse("petition-capture", args=[(session or scene.session).pk])
    return client.post(url, form_data(scene, **fields))


# --- answered on the spot or later ------------------------------------------------------------


def test_answered_now_needs_the_answer(world, scene, login):
    response = capture(
        login(world.secretary_a), scene, answer="now", answered_by="Ông Trần Văn Chủ"
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "answer_at_session") == [
        shown(services.ANSWER_AT_SESSION_REQUIRED)
    ]
    assert widget_is_invalid(response.text, "answer_at_session")
    assert field_errors(response.text, "content") == []
    # What was typed stays in the form.
    assert escape(CONTENT) in field_block(response.text, "content")
    assert 'value="Ông Trần Văn Chủ"' in field_block(response.text, "answered_by")


def test_answered_now_needs_who_answered(world, scene, login):
    response = capture(login(world.secretary_a), scene, answer="now", answer_at_session=ANSWER)
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "answered_by") == [shown(services.ANSWERED_BY_REQUIRED)]
    assert widget_is_invalid(response.text, "answered_by")
    assert escape(ANSWER) in field_block(response.text, "answer_at_session")
    assert escape(CONTENT) in field_block(response.text, "content")


def test_answered_now_with_both_missing_names_both_fields(world, scene, login):
    response = capture(login(world.secretary_a), scene, answer="now")
    assert field_errors(response.text, "answer_at_session") == [
        shown(services.ANSWER_AT_SESSION_REQUIRED)
    ]
    assert field_errors(response.text, "answered_by") == [shown(services.ANSWERED_BY_REQUIRED)]


def test_answered_now_is_resolved_at_the_session(world, scene, login):
    response = capture(
        login(world.secretary_a),
        scene,
        answer="now",
        answer_at_session=f"  {ANSWER}  ",
        answered_by=" Ông Trần Văn Chủ, Chủ tịch UBND xã ",
    )
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.status == Petition.Status.ANSWERED_AT_SESSION
    assert petition.is_resolved
    assert petition.answer_at_session == ANSWER
    assert petition.answered_by == "Ông Trần Văn Chủ, Chủ tịch UBND xã"
    assert petition.source == Petition.Source.AT_SESSION
    assert petition.received_on == date(2026, 12, 15)
    assert (petition.session, petition.unit) == (scene.session, world.commune_a)
    # Left empty, the petitioner is the speaker.
    assert (petition.petitioner_name, petition.petitioner_address) == (
        "Nguyễn Văn Một",
        "Thôn Đông",
    )
    assert petition.created_by == world.secretary_a
    assert [c.action for c in history(petition)] == ["captured"]
    # A fresh form for the next petition, and the one just recorded in the list.
    assert field_errors(response.text, "content") == []
    assert escape(CONTENT) not in field_block(response.text, "content")
    assert reverse("petition-detail", args=[petition.pk]) in response.text


def test_answered_later_is_to_be_answered_after_the_session(world, scene, login):
    capture(
        login(world.secretary_a),
        scene,
        answer="later",
        answer_at_session="Sẽ trả lời sau",
        answered_by="Ông Chủ",
    )
    petition = Petition.objects.get()
    assert petition.status == Petition.Status.TO_ANSWER_AFTER
    assert not petition.is_resolved
    assert (petition.answer_at_session, petition.answered_by) == ("", "")


def test_a_petitioner_other_than_the_speaker(world, scene, login):
    capture(login(world.secretary_a), scene, speaker="", petitioner_name="Bà Lê Thị Bé")
    petition = Petition.objects.get()
    assert (petition.petitioner_name, petition.petitioner_address) == ("Bà Lê Thị Bé", "")


def test_a_petitioner_is_required(world, scene, login):
    response = capture(login(world.secretary_a), scene, speaker="", petitioner_name=" ")
    assert field_errors(response.text, "petitioner_name") == [shown(PETITIONER_REQUIRED)]
    assert not Petition.objects.exists()


def test_a_speaker_of_another_session_is_not_a_choice(world, scene, login):
    response = capture(login(world.secretary_a), scene, speaker=scene.other_speaker.pk)
    assert len(field_errors(response.text, "speaker")) == 1
    assert not Petition.objects.exists()


# --- complaints and denunciations are routed out ----------------------------------------------


@pytest.mark.parametrize("scope", ["complaint", "denunciation"])
def test_a_complaint_without_a_reason_is_refused(world, scene, login, scope):
    response = capture(login(world.secretary_a), scene, scope=scope, answer="now")
    assert field_errors(response.text, "routing_reason") == [
        shown(services.ROUTING_REASON_REQUIRED)
    ]
    assert widget_is_invalid(response.text, "routing_reason")
    assert escape(CONTENT) in field_block(response.text, "content")
    assert not Petition.objects.exists()


@pytest.mark.parametrize("answer", ["now", "later"])
def test_a_complaint_with_a_reason_is_routed_out(world, scene, login, answer):
    reason = "Khiếu nại quyết định thu hồi đất: hướng dẫn gửi đơn theo Luật Khiếu nại."
    capture(
        login(world.secretary_a), scene, scope="complaint", routing_reason=reason, answer=answer
    )
    petition = Petition.objects.get()
    assert petition.status == Petition.Status.ROUTED_OUT
    assert petition.is_resolved
    assert petition.routing_reason == reason
    (change,) = history(petition)
    assert (change.action, change.reason) == ("captured", reason)


# --- tied to the minutes ----------------------------------------------------------------------


def test_a_captured_petition_points_to_its_minutes_entry(world, scene, login):
    entry, _created = console.entry_save(
        actor=world.secretary_a,
        session=scene.session,
        uuid=uuid.uuid4(),
        kind="speech",
        text="Ông Một đề nghị sửa đường liên thôn.",
        speaker=scene.speaker,
    )
    client = login(world.secretary_a)
    url = reverse("petition-capture", args=[scene.session.pk])
    form = client.get(url, {"speaker": scene.speaker.pk, "entry": str(entry.uuid)})
    assert f'value="{entry.uuid}"' in form.text
    capture(client, scene, entry=str(entry.uuid))
    petition = Petition.objects.get()
    assert petition.minutes_entry == entry
    assert list(entry.petitions.all()) == [petition]


def test_an_entry_of_another_session_is_not_linked(world, scene, login):
    move(scene.other, world.organiser_a, "scheduled", "in_progress")
    entry, _created = console.entry_save(
        actor=scene.secretary_a3,
        session=scene.other,
        uuid=uuid.uuid4(),
        kind="speech",
        text="Phiên khác.",
    )
    capture(login(world.secretary_a), scene, entry=str(entry.uuid))
    assert Petition.objects.get().minutes_entry is None


def test_without_an_entry_the_petition_stands_alone(world, scene, login):
    capture(login(world.secretary_a), scene)
    assert Petition.objects.get().minutes_entry is None


# --- only while the session runs --------------------------------------------------------------


def test_capture_goes_on_after_the_session_ends(world, scene, login):
    move(scene.session, world.organiser_a, "held")
    capture(login(world.secretary_a), scene)
    assert Petition.objects.get().status == Petition.Status.TO_ANSWER_AFTER


@pytest.mark.parametrize("status", ["draft", "scheduled", "concluded", "cancelled"])
def test_capture_is_refused_when_the_session_is_not_running(world, scene, login, status):
    DialogueSession.objects.filter(pk=scene.session.pk).update(status=status)
    response = capture(login(world.secretary_a), scene, answer="now", answer_at_session=ANSWER)
    assert response.status_code == 200
    assert shown(services.CAPTURE_NOT_RUNNING) in response.text
    assert not Petition.objects.exists()
    # What was typed stays.
    assert escape(ANSWER) in field_block(response.text, "answer_at_session")


def test_the_service_refuses_a_session_that_is_not_running(world, scene):
    move(scene.other, world.organiser_a, "scheduled")
    with pytest.raises(ValidationError) as caught:
        services.petition_capture(
            actor=world.organiser_a,
            session=scene.other,
            content=CONTENT,
            field=scene.field,
            competence="commune",
            scope="in_scope",
            petitioner_name="Bà Bé",
        )
    assert caught.value.messages == [str(services.CAPTURE_NOT_RUNNING)]
    assert not Petition.objects.exists()


def test_capture_is_refused_once_the_minutes_are_final(world, scene, login, monkeypatch):
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda html, progress=None: b"%PDF-")
    move(scene.session, world.organiser_a, "held")
    minutes_service.minutes_finalize(
        actor=world.secretary_a, session=scene.session, chair_name="Trần Văn Chủ"
    )
    response = capture(login(world.secretary_a), scene)
    assert not Petition.objects.exists()
    assert 'class="alert alert-danger"' in response.text


# --- who may capture --------------------------------------------------------------------------


PERMITTED = ["organiser_a", "secretary_a", "secretary_a2"]
REFUSED = ["secretary_a3", "organiser_b", "supervisor", "administrator", "responder_a", "outsider"]


def persona(world, scene, name: str):
    return getattr(scene, name, None) or getattr(world, name)


@pytest.mark.parametrize("who", PERMITTED)
def test_the_sessions_secretaries_and_organisers_capture(world, scene, who):
    client = client_for(persona(world, scene, who))
    url = reverse("petition-capture", args=[scene.session.pk])
    assert client.get(url).status_code == 200
    assert capture(client, scene).status_code == 200
    assert Petition.objects.get().created_by == persona(world, scene, who)


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_gets_404_and_captures_nothing(world, scene, who):
    client = client_for(persona(world, scene, who))
    url = reverse("petition-capture", args=[scene.session.pk])
    assert client.get(url).status_code == 404
    assert capture(client, scene).status_code == 404
    assert not Petition.objects.exists()


def test_anonymous_is_sent_to_login(world, scene, client):
    response = capture(client, scene)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Petition.objects.exists()
