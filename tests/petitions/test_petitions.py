"""Petitions: routing complaints out, duplicates, and the answers agencies prepare beforehand."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dialogue.audit import history
from dialogue.workcalendar import get_calendar
from petitions import services
from petitions.forms import AGENCY_REQUIRED, DUPLICATE_NOT_FOUND
from petitions.models import Field, Petition, Preparation
from tests.factories import make_petition, make_plan, make_session
from tests.helpers import field_block, field_errors, shown, widget_is_aria_invalid

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = "2026-11-22 09:00 +07:00"


def session_on(world, day: date, *, profile: str = "ha-nam-2018", unit=None, actor=None):
    unit = unit or world.commune_a
    actor = actor or world.organiser_a
    plan = make_plan(unit, actor=actor, profile=profile)
    return make_session(
        plan, actor=actor, starts_at=datetime(day.year, day.month, day.day, 8, 0, tzinfo=HANOI)
    )


@pytest.fixture
def session(world):
    return session_on(world, date(2026, 12, 15))


def petition_form_data(**changes) -> dict:
    return {
        "source": "hamlet_meeting",
        "received_on": "2026-11-20",
        "petitioner_name": "Hoàng Văn Khiếu",
        "petitioner_address": "Thôn Trung",
        "signatories": 1,
        "content": "Đề nghị xem xét lại quyết định thu hồi đất của gia đình tôi.",
        "field": Field.objects.get(code="dat-dai-gpmb").pk,
        "competence": "commune",
        "scope": "in_scope",
        "times_raised": 1,
        **changes,
    }


def create_page(client, session, **changes):
    return client.post(reverse("petition-create", args=[session.pk]), petition_form_data(**changes))


# --- complaints and denunciations are routed out -----------------------------------------------


@pytest.mark.parametrize("scope", ["complaint", "denunciation"])
def test_routing_without_a_reason_is_refused_next_to_the_field(world, session, login, scope):
    response = create_page(login(world.organiser_a), session, scope=scope, routing_reason="  ")
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "routing_reason") == [
        shown(services.ROUTING_REASON_REQUIRED)
    ]
    assert widget_is_aria_invalid(response.text, "routing_reason")
    # The typed values stay.
    assert "Đề nghị xem xét lại quyết định thu hồi đất" in field_block(response.text, "content")
    assert 'value="Hoàng Văn Khiếu"' in field_block(response.text, "petitioner_name")
    assert f'value="{scope}" selected' in field_block(response.text, "scope")


@pytest.mark.parametrize("scope", ["complaint", "denunciation"])
def test_service_refuses_routing_without_a_reason(world, session, scope):
    with pytest.raises(ValidationError) as caught:
        make_petition(session, actor=world.organiser_a, scope=scope)
    assert caught.value.message_dict == {"routing_reason": [str(services.ROUTING_REASON_REQUIRED)]}
    assert not Petition.objects.exists()


def test_complaint_with_a_reason_is_routed_out_and_recorded(world, session, login):
    reason = "Khiếu nại quyết định hành chính: chuyển Thanh tra huyện theo Luật Khiếu nại."
    response = create_page(
        login(world.organiser_a), session, scope="complaint", routing_reason=reason
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("petition-detail", args=[petition.pk])
    assert petition.status == Petition.Status.ROUTED_OUT
    assert petition.is_resolved
    record = history(petition).get(action="created")
    assert record.reason == reason
    assert record.actor == world.organiser_a
    page = login(world.organiser_a).get(response.url).text
    assert reason in page
    # A routed-out petition gets no answer prepared: no assignment form on its page.
    assert reverse("preparation-create", args=[petition.pk]) not in page


def test_in_scope_petition_turned_into_a_denunciation_is_recorded_as_routed(world, session):
    petition = make_petition(session, actor=world.organiser_a)
    assert petition.status == Petition.Status.RECEIVED
    services.petition_update(
        actor=world.organiser_a,
        petition=petition,
        scope="denunciation",
        routing_reason="Tố cáo cán bộ: chuyển cơ quan có thẩm quyền.",
    )
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ROUTED_OUT
    record = history(petition).get(action="routed_out")
    assert record.reason == "Tố cáo cán bộ: chuyển cơ quan có thẩm quyền."
    assert record.changes["status"] == ["received", "routed_out"]
    assert record.changes["scope"] == ["in_scope", "denunciation"]


def test_routed_petition_gets_no_preparation(world, session):
    petition = make_petition(
        session, actor=world.organiser_a, scope="complaint", routing_reason="Luật Khiếu nại"
    )
    with pytest.raises(ValidationError) as caught:
        services.preparation_assign(
            actor=world.organiser_a, petition=petition, agency=world.agency_a1
        )
    assert caught.value.messages == [str(services.PREPARATION_ROUTED_OUT)]
    assert not Preparation.objects.exists()


# --- duplicates --------------------------------------------------------------------------------


def test_duplicate_counts_on_the_original(world, session, login):
    original = make_petition(session, actor=world.organiser_a, content="Đường ngập khi mưa")
    response = create_page(
        login(world.organiser_a), session, content="Lại đường ngập", duplicate_of=original.pk
    )
    assert response.status_code == 302
    duplicate = Petition.objects.get(content="Lại đường ngập")
    original.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.status == Petition.Status.DUPLICATE
    assert duplicate.is_resolved
    assert original.times_raised == 2
    assert not original.is_resolved

    make_petition(session, actor=world.organiser_a, content="Lần ba", duplicate_of=original)
    original.refresh_from_db()
    assert original.times_raised == 3


def test_duplicate_moved_to_another_original_moves_the_count(world, session):
    first = make_petition(session, actor=world.organiser_a, content="A")
    second = make_petition(session, actor=world.organiser_a, content="B")
    copy = make_petition(session, actor=world.organiser_a, content="C", duplicate_of=first)
    services.petition_update(actor=world.organiser_a, petition=copy, duplicate_of=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.times_raised, second.times_raised) == (1, 2)
    services.petition_update(actor=world.organiser_a, petition=copy, duplicate_of=None)
    second.refresh_from_db()
    copy.refresh_from_db()
    assert second.times_raised == 1
    assert copy.status == Petition.Status.RECEIVED
    assert not copy.is_resolved


def test_duplicate_of_another_units_petition_is_refused(world, session, login):
    other = session_on(world, date(2026, 12, 15), unit=world.commune_b, actor=world.organiser_b)
    foreign = make_petition(other, actor=world.organiser_b)
    response = create_page(login(world.organiser_a), session, duplicate_of=foreign.pk)
    assert response.status_code == 200
    assert field_errors(response.text, "duplicate_of") == [
        shown(DUPLICATE_NOT_FOUND, number=foreign.pk)
    ]
    foreign.refresh_from_db()
    assert foreign.times_raised == 1
    assert Petition.objects.count() == 1

    with pytest.raises(ValidationError) as caught:
        make_petition(session, actor=world.organiser_a, duplicate_of=foreign)
    assert caught.value.message_dict == {"duplicate_of": [str(services.DUPLICATE_OTHER_UNIT)]}


def test_petition_cannot_duplicate_itself(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    response = login(world.organiser_a).post(
        reverse("petition-edit", args=[petition.pk]),
        petition_form_data(duplicate_of=petition.pk),
    )
    assert response.status_code == 200
    assert field_errors(response.text, "duplicate_of") == [shown(services.DUPLICATE_OF_ITSELF)]
    petition.refresh_from_db()
    assert petition.duplicate_of is None
    assert petition.times_raised == 1


def test_original_cannot_become_a_duplicate_of_its_duplicate(world, session):
    original = make_petition(session, actor=world.organiser_a, content="Gốc")
    copy = make_petition(session, actor=world.organiser_a, content="Bản sao", duplicate_of=original)
    with pytest.raises(ValidationError):
        services.petition_update(actor=world.organiser_a, petition=original, duplicate_of=copy)
    assert Petition.objects.unresolved().exists()


def test_list_shows_unresolved_first_then_most_raised(world, session, login):
    once = make_petition(session, actor=world.organiser_a, content="P-once")
    thrice = make_petition(session, actor=world.organiser_a, content="P-thrice", times_raised=3)
    original = make_petition(session, actor=world.organiser_a, content="P-original")
    for n in range(3):
        make_petition(
            session, actor=world.organiser_a, content=f"P-copy-{n}", duplicate_of=original
        )
    routed = make_petition(
        session,
        actor=world.organiser_a,
        content="P-routed",
        times_raised=7,
        scope="complaint",
        routing_reason="Luật Khiếu nại",
    )
    twice = make_petition(session, actor=world.organiser_a, content="P-twice", times_raised=2)
    original.refresh_from_db()
    assert original.times_raised == 4

    response = login(world.organiser_a).get(reverse("petition-list"))
    rows = [row.content_start for row in response.context["page"].rows]
    assert rows == [
        "P-original",  # 4, unresolved
        "P-thrice",  # 3
        "P-twice",  # 2
        "P-once",  # 1
        "P-routed",  # resolved (routed out), however often raised
        "P-copy-2",  # resolved duplicates, newest first
        "P-copy-1",
        "P-copy-0",
    ]
    text = response.text
    positions = [text.index(f">{content}<") for content in rows]
    assert positions == sorted(positions)
    assert {once.pk, thrice.pk, routed.pk, twice.pk} <= {
        r.id for r in response.context["page"].rows
    }


def test_list_filters_by_status(world, session, login):
    make_petition(session, actor=world.organiser_a, content="P-open")
    make_petition(
        session,
        actor=world.organiser_a,
        content="P-routed",
        scope="denunciation",
        routing_reason="Luật Tố cáo",
    )
    response = login(world.organiser_a).get(reverse("petition-list"), {"status": "routed_out"})
    assert [r.content_start for r in response.context["page"].rows] == ["P-routed"]


# --- preparing answers before the session ------------------------------------------------------


def assign(world, petition, agency=None):
    return services.preparation_assign(
        actor=world.organiser_a, petition=petition, agency=agency or world.agency_a1
    )


def test_ha_nam_answers_are_due_five_working_days_before(world, session):
    preparation = assign(world, make_petition(session, actor=world.organiser_a))
    # Before Tue 15/12/2026: 14, 11, 10, 09, 08/12.
    assert preparation.due_on == date(2026, 12, 8)
    assert preparation.due_explanation == (
        "5 ngày làm việc trước ngày tổ chức hội nghị 15/12/2026 → 08/12/2026"
    )


def test_tet_2027_is_on_the_calendar_where_the_next_test_expects_it(db):
    calendar = get_calendar()
    # Tết Nguyên Đán 2027 (mùng 1 on Sat 06/02): off from Thu 04/02 to Wed 10/02.
    assert not any(calendar.is_working_day(date(2027, 2, d)) for d in range(4, 11))
    assert calendar.is_working_day(date(2027, 2, 3))
    assert calendar.is_working_day(date(2027, 2, 11))


def test_ha_nam_answers_for_a_session_right_after_tet(world):
    session = session_on(world, date(2027, 2, 16))
    preparation = assign(world, make_petition(session, actor=world.organiser_a))
    # Before Tue 16/02/2027: Mon 15, Fri 12, Thu 11, (Tết 04–10/02 off) Wed 03, Tue 02/02.
    assert preparation.due_on == date(2027, 2, 2)
    assert preparation.due_explanation.startswith(
        "5 ngày làm việc trước ngày tổ chức hội nghị 16/02/2027 → 02/02/2027"
    )
    assert "Tết Nguyên Đán" in preparation.due_explanation


def test_without_a_prepared_answers_rule_the_working_day_before(world):
    # Điện Biên 2024 has no "prepared answers" rule.
    monday = session_on(world, date(2026, 12, 14), profile="dien-bien-2024")
    preparation = assign(world, make_petition(monday, actor=world.organiser_a))
    assert preparation.due_on == date(2026, 12, 11)
    assert preparation.due_explanation == (
        "1 ngày làm việc trước ngày tổ chức hội nghị 14/12/2026 → 11/12/2026"
    )

    after_tet = session_on(world, date(2027, 2, 11), profile="dien-bien-2024")
    preparation = assign(world, make_petition(after_tet, actor=world.organiser_a))
    assert preparation.due_on == date(2027, 2, 3)


def test_hoa_son_counts_calendar_days(world):
    # 5 days before Tue 15/12/2026 is Thu 10/12.
    session = session_on(world, date(2026, 12, 15), profile="hoa-son-2024")
    assert assign(world, make_petition(session, actor=world.organiser_a)).due_on == date(
        2026, 12, 10
    )


def test_assignment_through_the_page_shows_the_date_and_how_it_was_counted(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    client = login(world.organiser_a)
    response = client.post(
        reverse("preparation-create", args=[petition.pk]),
        {"agency": world.province_agency.pk},
        follow=True,
    )
    assert response.status_code == 200
    preparation = Preparation.objects.get()
    assert preparation.agency == world.province_agency
    assert "08/12/2026" in response.text
    assert "5 ngày làm việc trước ngày tổ chức hội nghị 15/12/2026" in response.text
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PREPARING
    record = history(petition).get(action="preparation_assigned")
    assert record.changes == {
        "agency": [None, "Sở Tài nguyên và Môi trường"],
        "due_on": [None, "2026-12-08"],
    }


def test_agency_of_another_commune_is_refused(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    with pytest.raises(ValidationError) as caught:
        assign(world, petition, world.agency_b1)
    assert list(caught.value.message_dict) == ["agency"]
    assert not Preparation.objects.exists()

    response = login(world.organiser_a).post(
        reverse("preparation-create", args=[petition.pk]), {"agency": world.agency_b1.pk}
    )
    assert response.status_code == 200
    assert len(agency_errors(response.text)) == 1
    assert not Preparation.objects.exists()
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def agency_errors(html: str) -> list[str]:
    """The errors shown beside the agency picker of the preparation form."""
    start = html.index('name="agency"')
    block = html[start : html.index("</form>", start)]
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', block)


def test_assigning_without_an_agency_says_so_beside_the_picker(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    response = login(world.organiser_a).post(
        reverse("preparation-create", args=[petition.pk]), {"agency": ""}
    )
    assert response.status_code == 200
    assert agency_errors(response.text) == [shown(AGENCY_REQUIRED)]
    assert shown(AGENCY_REQUIRED).startswith("Chọn cơ quan")
    assert "is-invalid" in response.text[response.text.index('name="agency"') - 300 :][:400]
    assert not Preparation.objects.exists()


def test_refusal_names_the_agency_and_the_unit(world, session):
    petition = make_petition(session, actor=world.organiser_a)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        assign(world, petition, world.agency_b1)
    with translation.override("en"):
        assert caught.value.messages == [
            "Công an xã B cannot be asked: choose an agency of Xã A or above it."
        ]


def test_same_agency_is_not_asked_twice(world, session):
    petition = make_petition(session, actor=world.organiser_a)
    assign(world, petition)
    with pytest.raises(ValidationError) as caught:
        assign(world, petition)
    assert list(caught.value.message_dict) == ["agency"]
    assert Preparation.objects.count() == 1


def test_agency_choices_are_the_units_own_and_those_above(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    response = login(world.organiser_a).get(reverse("petition-detail", args=[petition.pk]))
    choices = set(response.context["preparation_form"].fields["agency"].queryset)
    assert choices == {world.agency_a1, world.agency_a2, world.province_agency}


def answer_page(client, preparation, **data):
    return client.post(reverse("preparation-answer", args=[preparation.pk]), data)


@time_machine.travel(TODAY, tick=False)
def test_all_answers_recorded_make_the_petition_prepared(world, session, login):
    petition = make_petition(session, actor=world.organiser_a)
    police = assign(world, petition, world.agency_a1)
    land = assign(world, petition, world.agency_a2)
    client = login(world.organiser_a)

    response = answer_page(
        client, police, answer="Công an xã đã xác minh.", answered_on="2026-12-01"
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PREPARING

    answer_page(client, land, answer="Địa chính đã đo đạc lại.", answered_on="2026-12-03")
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PREPARED
    land.refresh_from_db()
    assert (land.answer, land.answered_on, land.answer_recorded_by) == (
        "Địa chính đã đo đạc lại.",
        date(2026, 12, 3),
        world.organiser_a,
    )
    assert [r.changes for r in history(petition).filter(action="status").order_by("pk")] == [
        {"status": ["received", "preparing"]},
        {"status": ["preparing", "prepared"]},
    ]
    assert history(petition).filter(action="answer_prepared").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_a_new_agency_asked_after_all_answers_reopens_the_preparation(world, session):
    petition = make_petition(session, actor=world.organiser_a)
    services.preparation_record_answer(
        actor=world.organiser_a,
        preparation=assign(world, petition),
        answer="Đã trả lời.",
        answered_on=date(2026, 12, 1),
    )
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PREPARED
    assign(world, petition, world.province_agency)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PREPARING


def test_empty_answer_is_refused_by_the_service(world, session):
    preparation = assign(world, make_petition(session, actor=world.organiser_a))
    with pytest.raises(ValidationError) as caught:
        services.preparation_record_answer(
            actor=world.organiser_a,
            preparation=preparation,
            answer="   ",
            answered_on=date(2026, 12, 1),
        )
    assert caught.value.message_dict == {"answer": [str(services.ANSWER_REQUIRED)]}
    preparation.refresh_from_db()
    assert preparation.answered_on is None


def test_no_petition_is_added_to_a_concluded_session(world, session, login):
    from sessions.models import DialogueSession

    DialogueSession.objects.filter(pk=session.pk).update(status="concluded")
    session.refresh_from_db()
    response = create_page(login(world.organiser_a), session)
    assert response.status_code == 200
    assert not Petition.objects.exists()
    with translation.override("vi"):
        status = str(DialogueSession.Status.CONCLUDED.label).lower()
    assert shown(services.SESSION_CLOSED_FOR_PETITIONS, status=status) in response.text


def test_a_concluded_session_offers_no_petition_form_and_says_why(world, session, login):
    from sessions.models import DialogueSession

    client = login(world.organiser_a)
    listing = reverse("petition-list") + f"?session={session.pk}"
    create_url = reverse("petition-create", args=[session.pk])
    import_url = reverse("petition-import", args=[session.pk])
    page = client.get(listing).text
    assert create_url in page and import_url in page

    DialogueSession.objects.filter(pk=session.pk).update(status="concluded")
    session.refresh_from_db()
    with translation.override("vi"):
        status = str(DialogueSession.Status.CONCLUDED.label).lower()
    reason = shown(services.SESSION_CLOSED_FOR_PETITIONS, status=status)
    page = client.get(listing).text
    assert create_url not in page and import_url not in page
    for url in (create_url, import_url):
        response = client.get(url)
        assert response.status_code == 200
        assert reason in response.text
        assert 'name="content"' not in response.text and 'name="file"' not in response.text


def test_list_rows_show_what_the_template_showed_escaped(world, session, login):
    import unicodedata

    from django.template.defaultfilters import truncatechars
    from django.utils.html import escape

    long = "Đề nghị <b>sửa</b> đường & cống " * 12  # 384 characters: cut at 120
    decomposed = unicodedata.normalize("NFD", long)  # up to three code points a character
    shown_petitions = [
        make_petition(
            session, actor=world.organiser_a, content=text, petitioner_name="Lê <i>Văn</i>"
        )
        for text in (long, decomposed, "Ngắn")
    ]
    page = login(world.organiser_a).get(reverse("petition-list")).text
    for petition in shown_petitions:
        url = reverse("petition-detail", args=[petition.pk])
        cell = f'<a href="{url}">{escape(truncatechars(petition.content, 120))}</a>'
        assert cell in page
        assert "<b>sửa</b>" not in page and "Lê &lt;i&gt;Văn&lt;/i&gt; · " in page
    assert f"<td>{petition.get_status_display()}</td>" in page
