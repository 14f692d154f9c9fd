"""Published results of a session: publish once the notice is issued, the public page, the unit
index by year, the notice-board sheet with its QR code, unpublish (410), all recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue import audit
from followups import publication
from followups.models import Publication
from tests.factories import (
    hold_session,
    issue_notice,
    make_held_session,
    make_petition,
    make_plan,
    make_session,
    make_speaker,
)
from tests.public.citizens import assert_no_personal_data, at, held_and_followed

pytestmark = pytest.mark.django_db


def test_results_are_published_only_after_the_notice_is_issued(world):
    session, _ = make_held_session(world.commune_a)
    with pytest.raises(ValidationError) as exc:
        publication.publication_publish(actor=world.organiser_a, session=session)
    assert exc.value.messages == [str(publication.NOTICE_NOT_ISSUED)]
    assert not Publication.objects.exists()


def test_public_page_shows_the_results_without_personal_data(client, login, world):
    story = held_and_followed(world)
    organiser = login(world.organiser_a)
    response = organiser.post(reverse("session-publish", args=[story.session.pk]))
    assert response.status_code == 302
    client.logout()
    page = client.get(f"/cong-khai/ket-qua/{story.session.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        story.session.title,
        story.session.venue,
        "Trần Văn Chủ",  # the chair
        "Đất đai",  # a topic
        "Đề nghị lắp đèn chiếu sáng ngõ 4.",
        "đề nghị sửa đường liên thôn",
        "Công an xã A",
        "29/01/2027",  # extended due date
        "28/12/2026",  # response date
        "sẽ sửa đường quý I",  # response summary
    ):
        assert expected in html, expected
    assert_no_personal_data(html)
    assert 'class="navbar-nav' not in html  # no staff navigation
    assert "<script" not in html


def test_sheet_for_the_notice_board_has_a_qr_code(client, world):
    story = held_and_followed(world)
    publication.publication_publish(actor=world.organiser_a, session=story.session)
    response = client.get(f"/cong-khai/ket-qua/{story.session.pk}/niem-yet/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "THÔNG BÁO KẾT QUẢ" in html
    assert f"/cong-khai/ket-qua/{story.session.pk}/" in html
    assert_no_personal_data(html)


def test_unit_index_lists_published_sessions_by_year(client, world):
    story = held_and_followed(world)
    index = f"/cong-khai/don-vi/{world.commune_a.pk}/"
    assert story.session.title not in client.get(index).content.decode()
    publication.publication_publish(actor=world.organiser_a, session=story.session)
    html = client.get(index).content.decode()
    assert story.session.title in html and "2026" in html
    publication.publication_unpublish(actor=world.organiser_a, session=story.session)
    assert story.session.title not in client.get(index).content.decode()


def test_unpublish_answers_gone_and_is_recorded(client, login, world):
    story = held_and_followed(world)
    url = f"/cong-khai/ket-qua/{story.session.pk}/"
    assert client.get(url).status_code == 404  # never published
    publication.publication_publish(actor=world.organiser_a, session=story.session)
    organiser = login(world.organiser_a)
    organiser.post(
        reverse("session-unpublish", args=[story.session.pk]), {"reason": "Sai sót số liệu"}
    )
    organiser.logout()
    assert client.get(url).status_code == 410
    assert client.get(url + "niem-yet/").status_code == 410
    published = Publication.objects.get(session=story.session)
    assert published.unpublished_at is not None and published.unpublished_by == world.organiser_a
    actions = [(r.action, r.reason) for r in audit.history(published).order_by("pk")]
    assert actions == [("published", ""), ("unpublished", "Sai sót số liệu")]
    # Publishing again is recorded too, and the page is back.
    publication.publication_publish(actor=world.organiser_a, session=story.session)
    assert client.get(url).status_code == 200
    assert audit.history(published).filter(action="republished").exists()


@pytest.mark.parametrize("who", ["organiser_b", "secretary_a", "responder_a", "supervisor"])
def test_only_the_units_organisers_publish(login, world, who):
    story = held_and_followed(world)
    client = login(getattr(world, who))
    response = client.post(reverse("session-publish", args=[story.session.pk]))
    assert response.status_code == 404
    assert not Publication.objects.exists()


def test_factory_citizens_never_reach_the_public_pages(client, world):
    """The factories' own citizens (make_speaker, make_petition defaults) on every public page."""
    with at(date(2026, 12, 21)):
        session = make_session(make_plan(world.commune_a))
        speaker = make_speaker(session, phone="0977000111")
        petition = make_petition(session, petitioner_phone="0966000222")
        hold_session(session)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    publication.publication_publish(actor=world.organiser_a, session=session)
    personal = [
        speaker.full_name,
        str(speaker.birth_year),
        speaker.address,
        speaker.phone,
        petition.petitioner_name,
        petition.petitioner_address,
        petition.petitioner_phone,
    ]
    for url in (
        f"/cong-khai/ket-qua/{session.pk}/",
        f"/cong-khai/ket-qua/{session.pk}/niem-yet/",
        f"/cong-khai/don-vi/{world.commune_a.pk}/",
        f"/cong-khai/tra-cuu/?ma={petition.reference}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for value in personal:
            assert value not in html, (url, value)
