"""Bad input on the petition and prepared-answer forms: re-rendered with the message next to the
field, and what the user typed still in the form."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from dialogue.audit import history
from dialogue.phones import PHONE_INVALID
from petitions import services
from petitions.forms import DUPLICATE_NOT_FOUND
from petitions.models import Field, Petition
from tests.factories import make_petition, make_plan, make_session
from tests.helpers import field_block, field_errors, shown, widget_is_invalid

pytestmark = pytest.mark.django_db

REQUIRED = forms.Field.default_error_messages["required"]


@pytest.fixture
def session(world):
    return make_session(
        make_plan(world.commune_a, actor=world.organiser_a), actor=world.organiser_a
    )


def petition_post(**changes) -> dict:
    return {
        "source": "written",
        "received_on": "2026-11-20",
        "petitioner_name": "Vi Thị Đơn",
        "petitioner_address": "Bản Pá",
        "petitioner_phone": "0203 111 222",
        "signatories": 12,
        "content": "Đề nghị sửa cầu treo bản Pá.",
        "field": Field.objects.get(code="ha-tang-giao-thong").pk,
        "competence": "commune",
        "scope": "in_scope",
        "times_raised": 1,
        **changes,
    }


def test_petition_without_content_and_with_a_bad_date(world, session, login):
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]),
        petition_post(content="  ", received_on="31/02/2026"),
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "content") == [shown(REQUIRED)]
    assert widget_is_invalid(response.text, "content")
    assert len(field_errors(response.text, "received_on")) == 1
    assert widget_is_invalid(response.text, "received_on")
    assert field_errors(response.text, "petitioner_name") == []
    assert 'value="Vi Thị Đơn"' in field_block(response.text, "petitioner_name")
    assert 'value="0203 111 222"' in field_block(response.text, "petitioner_phone")
    assert 'value="12"' in field_block(response.text, "signatories")


def test_petition_duplicate_of_an_unknown_number(world, session, login):
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(duplicate_of=999999)
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "duplicate_of") == [
        shown(DUPLICATE_NOT_FOUND, number=999999)
    ]
    assert 'value="999999"' in field_block(response.text, "duplicate_of")


def test_petition_with_no_signatory_is_refused_next_to_the_field(world, session, login):
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(signatories=0)
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert len(field_errors(response.text, "signatories")) == 1


def test_petition_with_no_signatory_is_not_saved(world, session, login):
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(signatories=0)
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert 'value="Vi Thị Đơn"' in field_block(response.text, "petitioner_name")


@pytest.mark.parametrize("value", ["0", "-3"])
def test_times_raised_below_one_is_a_vietnamese_error_on_its_field(world, session, login, value):
    """The check constraint is mirrored by the form: never "Constraint … is violated" (issue 13)."""
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(times_raised=value)
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "times_raised") == ["Giá trị phải lớn hơn hoặc bằng 1."]
    assert "Constraint" not in response.text and "violated" not in response.text


@pytest.fixture
def preparation(world, session):
    petition = make_petition(session, actor=world.organiser_a)
    return services.preparation_assign(
        actor=world.organiser_a, petition=petition, agency=world.agency_a1
    )


def test_prepared_answer_left_empty(world, preparation, login):
    response = login(world.organiser_a).post(
        reverse("preparation-answer", args=[preparation.pk]),
        {"answer": "   ", "answered_on": "2026-12-02"},
    )
    assert response.status_code == 200
    assert field_errors(response.text, "answer") == [shown(REQUIRED)]
    assert widget_is_invalid(response.text, "answer")
    assert 'value="2026-12-02"' in field_block(response.text, "answered_on")
    preparation.refresh_from_db()
    assert preparation.answered_on is None
    assert not history(preparation.petition).filter(action="answer_prepared").exists()


def test_prepared_answer_with_a_bad_date_keeps_the_answer(world, preparation, login):
    response = login(world.organiser_a).post(
        reverse("preparation-answer", args=[preparation.pk]),
        {"answer": "Công an xã đã làm việc với hai hộ.", "answered_on": "hôm qua"},
    )
    assert response.status_code == 200
    assert len(field_errors(response.text, "answered_on")) == 1
    assert "Công an xã đã làm việc với hai hộ." in field_block(response.text, "answer")
    assert field_errors(response.text, "answer") == []
    preparation.refresh_from_db()
    assert (preparation.answer, preparation.answered_on) == ("", None)


def test_prepared_answer_saved(world, preparation, login):
    response = login(world.organiser_a).post(
        reverse("preparation-answer", args=[preparation.pk]),
        {"answer": "Đã xác minh.", "answered_on": "2026-12-02"},
    )
    assert response.status_code == 302
    preparation.refresh_from_db()
    assert (preparation.answer, preparation.answered_on) == ("Đã xác minh.", date(2026, 12, 2))


def test_petitioner_phone_is_checked_on_its_field_and_stored_normalised(world, session, login):
    client = login(world.organiser_a)
    url = reverse("petition-create", args=[session.pk])
    response = client.post(url, petition_post(petitioner_phone="12345"))
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "petitioner_phone") == [shown(PHONE_INVALID)]
    assert shown(PHONE_INVALID).startswith("Nhập số điện thoại")
    assert 'value="12345"' in field_block(response.text, "petitioner_phone")
    assert 'value="Vi Thị Đơn"' in field_block(response.text, "petitioner_name")

    response = client.post(url, petition_post(petitioner_phone="+84 912.345.678"))
    assert response.status_code == 302
    assert Petition.objects.get().petitioner_phone == "0912345678"
