"""Bad input on the plan, task, session and speaker forms: re-rendered with the message next to
the field, and what the user typed still in the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue.models import DeadlineProfile
from dialogue.phones import PHONE_INVALID
from sessions import services
from sessions.forms import TASK_NEEDS_DUTY, TASK_NEEDS_WHO
from sessions.models import DialogueSession, Plan
from tests.factories import make_plan, make_session
from tests.helpers import field_block, field_errors, shown, widget_is_invalid

pytestmark = pytest.mark.django_db

REQUIRED = forms.Field.default_error_messages["required"]
TODAY = "2026-11-22 09:00 +07:00"


def plan_post(world, **changes) -> dict:
    return {
        "unit": world.commune_a.pk,
        "issuing_body": "ỦY BAN NHÂN DÂN XÃ A",
        "place": "Xã A",
        "title": "Kế hoạch đối thoại năm 2026",
        "year": 2026,
        "profile": DeadlineProfile.objects.get(code="ha-nam-2018").pk,
        "purpose": "Lắng nghe ý kiến của Nhân dân.",
        "tasks-TOTAL_FORMS": 1,
        "tasks-INITIAL_FORMS": 0,
        "tasks-0-agency": "",
        "tasks-0-assignee": "",
        "tasks-0-duty": "",
        **changes,
    }


def task_cell(html: str, name: str) -> str:
    """The formset cell of `name`: from its widget to the next widget."""
    start = html.index(f'name="{name}"')
    following = html.find('name="tasks-', start + 1)
    return html[start : following if following != -1 else len(html)]


def test_plan_without_title_and_with_a_bad_year(world, login):
    response = login(world.organiser_a).post(
        reverse("plan-create"), plan_post(world, title="", year="hai nghìn")
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert field_errors(response.text, "title") == [shown(REQUIRED)]
    assert widget_is_invalid(response.text, "title")
    assert len(field_errors(response.text, "year")) == 1
    assert widget_is_invalid(response.text, "year")
    # Fields without an error say nothing and keep what was typed.
    assert field_errors(response.text, "issuing_body") == []
    assert 'value="ỦY BAN NHÂN DÂN XÃ A"' in field_block(response.text, "issuing_body")
    assert "Lắng nghe ý kiến của Nhân dân." in field_block(response.text, "purpose")
    assert 'value="hai nghìn"' in field_block(response.text, "year")


def test_plan_task_line_needs_who_and_what(world, login):
    client = login(world.organiser_a)
    response = client.post(
        reverse("plan-create"), plan_post(world, **{"tasks-0-duty": "Chuẩn bị hội trường"})
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
    cell = task_cell(response.text, "tasks-0-assignee")
    assert shown(TASK_NEEDS_WHO) in cell
    assert "Chuẩn bị hội trường" in task_cell(response.text, "tasks-0-duty")
    assert 'value="Kế hoạch đối thoại năm 2026"' in field_block(response.text, "title")

    response = client.post(
        reverse("plan-create"), plan_post(world, **{"tasks-0-assignee": "Văn phòng UBND xã"})
    )
    assert response.status_code == 200
    assert shown(TASK_NEEDS_DUTY) in task_cell(response.text, "tasks-0-duty")
    assert 'value="Văn phòng UBND xã"' in task_cell(response.text, "tasks-0-assignee")


def test_plan_edit_page_keeps_the_typed_values_on_error(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    data = plan_post(world, title="Tiêu đề mới đã gõ", place="")
    data.pop("unit")
    response = login(world.organiser_a).post(reverse("plan-edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert field_errors(response.text, "place") == [shown(REQUIRED)]
    assert 'value="Tiêu đề mới đã gõ"' in field_block(response.text, "title")
    plan.refresh_from_db()
    assert plan.title != "Tiêu đề mới đã gõ"


def session_post(world, **changes) -> dict:
    return {
        "kind": "thematic",
        "title": "Đối thoại chuyên đề giải phóng mặt bằng",
        "starts_at": "2026-12-15T14:00",
        "ends_at": "2026-12-15T08:00",
        "venue": "Nhà văn hóa thôn Đông",
        "chair_name": "Trần Văn Chủ",
        "secretaries": [world.secretary_a.pk],
        **changes,
    }


def test_session_that_ends_before_it_starts(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    response = login(world.organiser_a).post(
        reverse("session-create", args=[plan.pk]), session_post(world)
    )
    assert response.status_code == 200
    assert not DialogueSession.objects.exists()
    assert field_errors(response.text, "ends_at") == [shown(services.SESSION_ENDS_BEFORE_START)]
    assert widget_is_invalid(response.text, "ends_at")
    assert field_errors(response.text, "starts_at") == []
    assert 'value="2026-12-15T14:00"' in field_block(response.text, "starts_at")
    assert 'value="2026-12-15T08:00"' in field_block(response.text, "ends_at")
    assert 'value="Đối thoại chuyên đề giải phóng mặt bằng"' in field_block(response.text, "title")
    secretary = re.search(
        rf'<input[^>]*value="{world.secretary_a.pk}"[^>]*>',
        field_block(response.text, "secretaries"),
    )
    assert secretary is not None and "checked" in secretary.group(0)


def test_service_refuses_a_session_that_ends_before_it_starts(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a)
    with pytest.raises(ValidationError) as caught:
        services.session_update(
            actor=world.organiser_a, session=session, ends_at=session.starts_at - timedelta(hours=1)
        )
    assert caught.value.message_dict == {"ends_at": [str(services.SESSION_ENDS_BEFORE_START)]}


def test_session_edit_with_a_missing_venue(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    response = login(world.organiser_a).post(
        reverse("session-edit", args=[session.pk]),
        session_post(world, ends_at="2026-12-15T17:00", venue="", title="Tên đã sửa"),
    )
    assert response.status_code == 200
    assert field_errors(response.text, "venue") == [shown(REQUIRED)]
    assert 'value="Tên đã sửa"' in field_block(response.text, "title")
    session.refresh_from_db()
    assert session.title != "Tên đã sửa"


@time_machine.travel(TODAY, tick=False)
def test_speaker_without_topic_and_with_text_for_the_year(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a)
    response = login(world.secretary_a).post(
        reverse("session-speakers", args=[session.pk]),
        {
            "full_name": "Quàng Văn Nói",
            "birth_year": "năm mươi",
            "address": "Bản Na",
            "topic": "",
            "channel": "hamlet",
        },
    )
    assert response.status_code == 200
    assert not session.speakers.exists()
    assert field_errors(response.text, "topic") == [shown(REQUIRED)]
    assert len(field_errors(response.text, "birth_year")) == 1
    assert 'value="Quàng Văn Nói"' in field_block(response.text, "full_name")
    assert 'value="Bản Na"' in field_block(response.text, "address")
    assert 'value="hamlet" selected' in field_block(response.text, "channel")


@pytest.mark.parametrize("year", ["0", "1900", "9999"])
def test_plan_year_outside_the_calendar_is_refused_on_the_field(world, login, year):
    response = login(world.organiser_a).post(reverse("plan-create"), plan_post(world, year=year))
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert field_errors(response.text, "year") == ["Lịch chỉ tính cho các năm từ 2000 đến 2050."]
    assert f'value="{year}"' in field_block(response.text, "year")


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("birth_year", ["1899", "9999"])
def test_speaker_birth_year_outside_1900_to_this_year_is_refused_on_the_field(
    world, login, birth_year
):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a)
    response = login(world.secretary_a).post(
        reverse("session-speakers", args=[session.pk]),
        {
            "full_name": "Quàng Văn Nói",
            "birth_year": birth_year,
            "address": "Bản Na",
            "topic": "Đường vào bản",
            "channel": "hamlet",
        },
    )
    assert response.status_code == 200
    assert not session.speakers.exists()
    assert field_errors(response.text, "birth_year") == ["Hãy nhập năm sinh từ 1900 đến 2026."]
    assert f'value="{birth_year}"' in field_block(response.text, "birth_year")


def test_plan_tasks_offer_the_agencies_serving_the_unit_named_with_their_unit(world, login):
    page = login(world.organiser_a).get(reverse("plan-create")).text
    cell = task_cell(page, "tasks-0-agency")
    assert f"{world.agency_a1.name} — {world.commune_a.name}" in cell
    assert f"{world.province_agency.name} — {world.province_agency.unit.name}" in cell
    assert world.agency_b1.name not in cell


def test_plan_task_with_another_units_agency_is_refused_on_the_field(world, login):
    response = login(world.organiser_a).post(
        reverse("plan-create"),
        plan_post(world, **{"tasks-0-agency": world.agency_b1.pk, "tasks-0-duty": "Giữ trật tự"}),
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
    cell = task_cell(response.text, "tasks-0-agency")
    errors = re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', cell)
    assert errors == [shown(forms.ModelChoiceField.default_error_messages["invalid_choice"])]
    assert "Giữ trật tự" in task_cell(response.text, "tasks-0-duty")


@time_machine.travel(TODAY, tick=False)
def test_speaker_phone_is_checked_on_its_field_and_stored_normalised(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a)
    client = login(world.secretary_a)
    data = {
        "full_name": "Quàng Văn Nói",
        "birth_year": 1970,
        "address": "Bản Na",
        "topic": "Đường vào bản",
        "channel": "hamlet",
    }
    url = reverse("session-speakers", args=[session.pk])
    response = client.post(url, {**data, "phone": "0912 34"})
    assert response.status_code == 200
    assert not session.speakers.exists()
    assert field_errors(response.text, "phone") == [shown(PHONE_INVALID)]
    assert 'value="0912 34"' in field_block(response.text, "phone")

    response = client.post(url, {**data, "phone": "0912 345 678"})
    assert response.status_code == 302
    assert session.speakers.get().phone == "0912345678"
