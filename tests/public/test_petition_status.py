"""A petition's public reference, its receipt and the public status page (/cong-khai/tra-cuu/)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from dialogue import audit
from petitions import reference
from petitions.models import Petition
from petitions.public_views import NOT_FOUND
from tests.factories import make_petition, make_plan, make_session
from tests.public.citizens import PETITIONER, assert_no_personal_data, at, held_and_followed

pytestmark = pytest.mark.django_db
LOOKUP = "/cong-khai/tra-cuu/"


def test_reference_format_and_normalisation():
    made = {reference.new_reference() for _ in range(2000)}
    assert len(made) == 2000  # 50 bits: no collision in a few thousand
    for ref in made:
        assert re.fullmatch(r"DT-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", ref)
        assert reference.normalise(ref.lower().replace("-", " ")) == ref
    assert reference.normalise("dt-0o1il-abcde") == "DT-00111-ABCDE"
    assert reference.normalise("DT-ABCDE-ABCDU") is None  # U is not in Crockford's alphabet
    assert reference.normalise("12") is None


def test_every_petition_gets_a_unique_reference_not_its_id(world):
    session = make_session(make_plan(world.commune_a))
    petitions = [make_petition(session) for _ in range(5)]
    refs = [p.reference for p in petitions]
    assert len(set(refs)) == 5
    field = Petition._meta.get_field("reference")
    assert field.unique and not field.editable


def test_status_page_shows_progress_and_no_personal_data(client, world):
    story = held_and_followed(world)
    response = client.get(LOOKUP, {"ma": story.answered.reference.lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert story.answered.reference in html
    assert "29/01/2027" in html  # the extended due date
    assert "Cần khảo sát hiện trường." in html  # the extension's reason
    assert "28/12/2026" in html  # the response date
    assert "sẽ sửa đường quý I" in html  # the response's summary
    assert "Công an xã A" in html
    assert "ngày làm việc" not in html  # the due date alone, never how it was computed
    assert_no_personal_data(html)
    assert response["Cache-Control"].startswith("max-age=0")


def test_status_page_before_any_answer(client, world):
    story = held_and_followed(world)
    html = client.get(LOOKUP, {"ma": story.waiting.reference}).content.decode()
    assignment = story.waiting.assignments.get()
    assert f"{assignment.due_on:%d/%m/%Y}" in html
    assert "Đề nghị lắp đèn chiếu sáng ngõ 4." in html
    assert_no_personal_data(html)


def test_unknown_and_malformed_references_get_the_same_answer(client, world):
    session = make_session(make_plan(world.commune_a))
    make_petition(session)
    answers = [
        client.get(LOOKUP, {"ma": ma})
        for ma in ("DT-00000-00000", "DT-ZZZZZ-ZZZZZ", "not a reference", "'; drop table")
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert str(NOT_FOUND) in answers[0].content.decode()


def test_lookup_is_rate_limited_per_address(client, world, settings):
    settings.PUBLIC_LOOKUP_LIMIT = 3
    session = make_session(make_plan(world.commune_a))
    petition = make_petition(session)
    for _ in range(3):
        assert client.get(LOOKUP, {"ma": "DT-00000-00000"}).status_code == 404
    limited = client.get(LOOKUP, {"ma": petition.reference})
    assert limited.status_code == 429
    assert "10 phút" in limited.content.decode()
    assert petition.reference not in limited.content.decode()
    # Another address is not limited.
    other = client.get(LOOKUP, {"ma": petition.reference}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_lookup_form_without_a_reference_is_not_counted(client, settings):
    settings.PUBLIC_LOOKUP_LIMIT = 1
    for _ in range(3):
        response = client.get(LOOKUP)
        assert response.status_code == 200
        assert b'name="ma"' in response.content


def test_receipt_prints_reference_and_qr(login, world):
    with at(date(2026, 12, 1)):
        session = make_session(make_plan(world.commune_a))
        petition = make_petition(session, **PETITIONER)
    client = login(world.secretary_a)
    response = client.get(reverse("petition-receipt", args=[petition.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert petition.reference in html
    assert "<svg" in html and "GIẤY BIÊN NHẬN" in html
    assert f"/cong-khai/tra-cuu/?ma={petition.reference}" in html


def test_receipt_by_email_in_vietnamese_without_recording_the_address(login, world):
    session = make_session(make_plan(world.commune_a))
    petition = make_petition(session, **PETITIONER)
    client = login(world.secretary_a)
    response = client.post(
        reverse("petition-receipt", args=[petition.pk]), {"email": "cong.dan@example.test"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cong.dan@example.test"]
    assert petition.reference in message.subject and "Giấy biên nhận" in message.subject
    assert f"ma={petition.reference}" in message.body
    record = audit.history(petition).filter(action="receipt_sent").get()
    assert "cong.dan" not in str(record.changes) + record.reason


@pytest.mark.parametrize("who", ["organiser_b", "responder_a", "outsider"])
def test_receipt_is_not_found_outside_scope(login, world, who):
    session = make_session(make_plan(world.commune_a))
    petition = make_petition(session)
    client = login(getattr(world, who))
    url = reverse("petition-receipt", args=[petition.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@example.test"}).status_code == 404
    assert mail.outbox == []


def test_behind_the_proxy_the_limit_counts_each_citizen_not_the_proxy(client, world, settings):
    """With TRUSTED_PROXY_COUNT = 1 every request comes from the proxy's address: the lookup
    limit counts the client address the proxy appends, like the sign-in limits."""
    settings.PUBLIC_LOOKUP_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        response = client.get(
            LOOKUP, {"ma": "DT-00000-00000"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        )
        assert response.status_code == 404
    assert (
        client.get(
            LOOKUP, {"ma": "DT-00000-00000"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        ).status_code
        == 429
    )
    # Another citizen behind the same proxy is not locked out by the first one.
    other = client.get(
        LOOKUP, {"ma": "DT-00000-00000"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert other.status_code == 404
