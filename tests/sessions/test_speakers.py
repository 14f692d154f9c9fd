"""The speaker register: the 18+ rule, likely duplicates, the queue order, closed registration."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dialogue.audit import history
from sessions import services
from sessions.forms import POSITION_INVALID
from sessions.models import DialogueSession, Speaker
from tests.factories import make_plan, make_session, make_speaker
from tests.helpers import (
    field_block,
    field_errors,
    shown,
    widget_is_aria_invalid,
    widget_is_invalid,
)

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = "2026-11-22 09:00 +07:00"


@pytest.fixture
def session(world):
    """A session on 15/12/2026: citizens born in 2008 or earlier may speak."""
    plan = make_plan(world.commune_a, actor=world.organiser_a, profile="dien-bien-2024")
    return make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])


def register(client, session, **fields):
    data = {
        "full_name": "Nguyễn Văn Ả",
        "birth_year": 1970,
        "address": "Thôn Đông",
        "topic": "Đất đai",
        "channel": "in_advance",
        **fields,
    }
    return client.post(reverse("session-speakers", args=[session.pk]), data)


def queue(session) -> list[tuple[int, str]]:
    return list(session.speakers.order_by("position").values_list("position", "full_name"))


# --- the 18+ rule (Điện Biên 2024), by year of birth -------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_born_eighteen_years_before_the_session_year_may_speak(world, session, login):
    response = register(login(world.secretary_a), session, full_name="Lò Văn Đủ", birth_year=2008)
    assert response.status_code == 302
    assert queue(session) == [(1, "Lò Văn Đủ")]


@time_machine.travel(TODAY, tick=False)
def test_born_seventeen_years_before_is_refused_next_to_the_year(world, session, login):
    response = register(
        login(world.secretary_a), session, full_name="Lò Thị Chưa Đủ", birth_year=2009
    )
    assert response.status_code == 200
    assert not session.speakers.exists()
    errors = field_errors(response.text, "birth_year")
    assert len(errors) == 1
    assert "18" in errors[0]
    # The message quotes the Điện Biên guidance.
    assert "Điện Biên" in errors[0]
    assert escape("đủ từ 18 tuổi trở lên") in errors[0]
    assert widget_is_aria_invalid(response.text, "birth_year")
    # Nothing is said about the other fields, and what was typed is still there.
    assert field_errors(response.text, "full_name") == []
    assert 'value="Lò Thị Chưa Đủ"' in field_block(response.text, "full_name")
    assert 'value="2009"' in field_block(response.text, "birth_year")
    assert 'value="Thôn Đông"' in field_block(response.text, "address")


@time_machine.travel(TODAY, tick=False)
def test_under_18_message_names_the_years(world, session, login):
    response = register(login(world.secretary_a), session, birth_year=2009)
    (error,) = field_errors(response.text, "birth_year")
    assert error == shown(services.UNDER_18, year=2008, session_year=2026)
    assert "%(" not in error


@time_machine.travel(TODAY, tick=False)
def test_service_error_marks_the_widget_like_a_form_error(world, session, login):
    response = register(login(world.secretary_a), session, birth_year=2009)
    assert widget_is_invalid(response.text, "birth_year")


@time_machine.travel(TODAY, tick=False)
def test_the_rule_counts_the_sessions_year_not_today(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a, profile="dien-bien-2024")
    january = make_session(
        plan,
        actor=world.organiser_a,
        starts_at=datetime(2027, 1, 8, 8, 0, tzinfo=HANOI),
    )
    # Born in 2009: 17 in 2026, but 18 in the session's year 2027.
    speaker = make_speaker(january, actor=world.secretary_a, birth_year=2009)
    assert speaker.pk is not None
    with pytest.raises(ValidationError) as caught:
        make_speaker(january, actor=world.secretary_a, birth_year=2010)
    assert list(caught.value.message_dict) == ["birth_year"]


@pytest.mark.parametrize("birth_year", [1899, 2027])
@time_machine.travel(TODAY, tick=False)
def test_implausible_year_of_birth_is_refused(world, session, birth_year):
    with pytest.raises(ValidationError) as caught:
        make_speaker(session, actor=world.secretary_a, birth_year=birth_year)
    assert list(caught.value.message_dict) == ["birth_year"]
    assert not session.speakers.exists()


@time_machine.travel(TODAY, tick=False)
def test_changing_the_year_to_under_18_is_refused_too(world, session, login):
    speaker = make_speaker(session, actor=world.secretary_a)
    data = {
        "full_name": speaker.full_name,
        "birth_year": 2010,
        "address": speaker.address,
        "topic": speaker.topic,
        "channel": speaker.channel,
    }
    response = login(world.secretary_a).post(reverse("speaker-edit", args=[speaker.pk]), data)
    assert response.status_code == 200
    assert len(field_errors(response.text, "birth_year")) == 1
    speaker.refresh_from_db()
    assert speaker.birth_year == 1970


# --- likely duplicates -------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_same_folded_name_and_address_is_flagged_not_refused(world, session, login):
    client = login(world.secretary_a)
    register(client, session, full_name="Nguyễn Văn Ả", address="Thôn Đông")
    register(client, session, full_name="Trần Thị Khác", address="Thôn Đông")
    response = register(client, session, full_name="nguyen van a", address="thon dong")
    assert response.status_code == 302

    first, other, again = session.speakers.order_by("position")
    assert again.likely_duplicate_of == first
    assert first.likely_duplicate_of is None
    assert other.likely_duplicate_of is None
    assert again.position == 3

    page = client.get(response.url)
    with translation.override("vi"):
        warning = translation.gettext(
            "%(name)s was registered, but looks like a duplicate of no. %(position)s."
        ) % {"name": "nguyen van a", "position": 1}
        flag = translation.gettext("Likely the same person as no. %(position)s") % {"position": 1}
    assert escape(warning) in page.text
    # The flag sits on the duplicate's row, and only there.
    assert page.text.count(escape(flag)) == 1
    rows = page.text.split("<tr")
    (flagged_row,) = [row for row in rows if escape(flag) in row]
    assert "nguyen van a" in flagged_row
    assert "table-warning" in flagged_row


@time_machine.travel(TODAY, tick=False)
def test_same_name_at_another_address_or_session_is_not_flagged(world, session):
    make_speaker(session, actor=world.secretary_a)
    elsewhere = make_speaker(session, actor=world.secretary_a, address="Thôn Tây")
    assert elsewhere.likely_duplicate_of is None
    other_session = make_session(session.plan, actor=world.organiser_a, title="Buổi thứ hai")
    assert make_speaker(other_session, actor=world.secretary_a).likely_duplicate_of is None


# --- the queue ---------------------------------------------------------------------------------


@pytest.fixture
def three(world, session):
    return [
        make_speaker(session, actor=world.secretary_a, full_name=name, address=f"Thôn {name}")
        for name in ("An", "Bình", "Cường")
    ]


def move(client, speaker, position):
    return client.post(reverse("speaker-move", args=[speaker.pk]), {"position": position})


@time_machine.travel(TODAY, tick=False)
def test_move_to_the_front_renumbers_the_queue(world, session, three, login):
    response = move(login(world.secretary_a), three[2], 1)
    assert response.status_code == 302
    assert response.url == reverse("session-speakers", args=[session.pk])
    assert queue(session) == [(1, "Cường"), (2, "An"), (3, "Bình")]
    (record,) = history(three[2]).filter(action="moved")
    assert record.changes == {"position": [3, 1]}


@time_machine.travel(TODAY, tick=False)
def test_move_to_the_middle_and_past_the_end(world, session, three, login):
    client = login(world.organiser_a)
    move(client, three[0], 2)
    assert queue(session) == [(1, "Bình"), (2, "An"), (3, "Cường")]
    move(client, three[1], 99)
    assert queue(session) == [(1, "An"), (2, "Cường"), (3, "Bình")]


@time_machine.travel(TODAY, tick=False)
def test_move_to_position_zero_is_refused(world, session, three, login):
    client = login(world.secretary_a)
    response = move(client, three[2], 0)
    # The register again, the refusal beside the row's position box, the 0 still in it.
    assert response.status_code == 200
    row = response.text.split(f'action="/speakers/{three[2].pk}/move/"')[1].split("</form>")[0]
    assert 'aria-invalid="true"' in row and 'value="0"' in row
    assert shown(POSITION_INVALID) in row
    assert queue(session) == [(1, "An"), (2, "Bình"), (3, "Cường")]
    assert not history(three[2]).filter(action="moved").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_register_page_lists_the_queue_in_order(world, session, three, login):
    move(login(world.secretary_a), three[2], 1)
    text = login(world.secretary_a).get(reverse("session-speakers", args=[session.pk])).text
    assert text.index("Cường") < text.index(">An<") < text.index("Bình")


# --- closed registration -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["held", "cancelled", "concluded", "closed"])
@time_machine.travel(TODAY, tick=False)
def test_registration_is_closed_after_the_session(world, session, login, status):
    DialogueSession.objects.filter(pk=session.pk).update(status=status)
    session.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        make_speaker(session, actor=world.secretary_a)
    with translation.override("en"):
        label = str(DialogueSession.Status(status).label).lower()
        assert caught.value.messages == [
            f"Speakers can no longer be registered: the session is {label}."
        ]

    client = login(world.secretary_a)
    page = client.get(reverse("session-speakers", args=[session.pk]))
    assert page.status_code == 200
    assert page.context["can_register"] is False
    assert 'name="full_name"' not in page.text
    response = register(client, session)
    assert response.status_code == 200
    assert not Speaker.objects.filter(session=session).exists()


@pytest.mark.parametrize("status", ["draft", "scheduled", "in_progress"])
@time_machine.travel(TODAY, tick=False)
def test_registration_is_open_until_the_session_ends(world, session, login, status):
    DialogueSession.objects.filter(pk=session.pk).update(status=status)
    response = register(login(world.secretary_a), session)
    assert response.status_code == 302
    assert session.speakers.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_edit_of_a_speaker_of_a_held_session_is_refused(world, session, login):
    speaker = make_speaker(session, actor=world.secretary_a)
    DialogueSession.objects.filter(pk=session.pk).update(status="held")
    data = {
        "full_name": "Tên khác",
        "birth_year": 1970,
        "address": speaker.address,
        "topic": speaker.topic,
        "channel": speaker.channel,
    }
    response = login(world.secretary_a).post(reverse("speaker-edit", args=[speaker.pk]), data)
    assert response.status_code == 200
    with translation.override("vi"):
        status = str(DialogueSession.Status.HELD.label).lower()
    assert shown(services.REGISTRATION_CLOSED, status=status) in response.text
    speaker.refresh_from_db()
    assert speaker.full_name == "Nguyễn Văn Ả"
