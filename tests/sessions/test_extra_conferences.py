"""An extra commune conference when 10% of the voters ask (Luật 72/2025/QH15, Điều 43)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from dialogue import audit, services
from sessions import extra_conferences
from sessions.models import DialogueSession, ExtraConferenceRequest
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Status = ExtraConferenceRequest.Status


def record(world, *, voters=4000, signatures=400, actor=None):
    return extra_conferences.extra_request_create(
        actor=actor or world.organiser_a,
        unit=world.commune_a,
        voters_count=voters,
        signatures_count=signatures,
        received_on=date(2026, 3, 2),
    )


def plan(world, extra, **overrides):
    values = {
        "starts_at": datetime(2026, 4, 10, 8, tzinfo=TZ),
        "ends_at": datetime(2026, 4, 10, 11, tzinfo=TZ),
        "venue": "Hội trường UBND xã",
        "chair_name": "Trần Văn Chủ",
        **overrides,
    }
    return extra_conferences.extra_request_plan_session(
        actor=world.organiser_a, request=extra, **values
    )


@pytest.mark.parametrize(
    ("voters", "signatures", "reached"),
    [
        (4000, 400, True),  # exactly 10%
        (4000, 399, False),  # just below
        (4001, 400, False),  # 9.998%: no rounding up
        (4001, 401, True),
        (7, 1, True),  # 14%
        (10, 0, False),
        (0, 0, False),
    ],
)
def test_threshold_is_at_least_ten_percent(voters, signatures, reached):
    assert extra_conferences.reaches_threshold(voters=voters, signatures=signatures) is reached


def test_a_request_at_exactly_ten_percent_reaches_the_threshold(world):
    assert record(world, voters=4000, signatures=400).status == Status.THRESHOLD_REACHED


def test_a_request_below_waits_then_reaches_with_more_signatures(world):
    extra = record(world, voters=4000, signatures=399)
    assert extra.status == Status.BELOW_THRESHOLD
    with pytest.raises(ValidationError):
        plan(world, extra)
    extra = extra_conferences.extra_request_update(
        actor=world.organiser_a, request=extra, signatures_count=412
    )
    assert extra.status == Status.THRESHOLD_REACHED
    change = audit.history(extra).first()
    assert change.changes["signatures_count"] == [399, 412]
    assert change.changes["status"] == ["below", "reached"]


def test_more_signatures_than_voters_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, voters=100, signatures=101)
    assert "signatures_count" in refused.value.message_dict


def test_a_session_is_created_from_a_request_with_the_law_72_profile_and_co_chairs(world):
    extra = record(world)
    session = plan(world, extra)
    extra.refresh_from_db()
    assert extra.session == session and extra.status == Status.SESSION_PLANNED
    assert session.kind == DialogueSession.Kind.EXTRA_COMMUNE_2025
    assert session.unit == world.commune_a and session.status == "draft"
    assert session.plan.profile.code == "luat-cqdp-2025"
    assert "Mặt trận Tổ quốc" in session.co_chairs and "Hội đồng nhân dân" in session.co_chairs
    assert "Đảng ủy xã" in session.participants
    with pytest.raises(ValidationError):
        plan(world, extra)
    assert DialogueSession.objects.filter(unit=world.commune_a).count() == 1


def test_no_conference_is_planned_in_a_commune_merged_away(world):
    extra = record(world)
    successor = UnitFactory(name="Xã Mới", parent=world.province)
    services.unit_merge(
        actor=None, into=successor, predecessors=[world.commune_a], on=date(2026, 4, 1)
    )
    extra.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        plan(world, extra)
    assert "starts_at" in refused.value.message_dict
    assert not DialogueSession.objects.exists()


# --- pages ------------------------------------------------------------------------------------


def test_organiser_records_a_request_and_is_told_the_threshold_is_reached(world, login):
    client = login(world.organiser_a)
    response = client.post(
        reverse("extra-request-create"),
        {
            "unit": world.commune_a.pk,
            "voters_count": 2000,
            "signatures_count": 200,
            "received_on": "2026-03-02",
            "note": "",
        },
        follow=True,
    )
    extra = ExtraConferenceRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("extra-request-detail", args=[extra.pk])
    page = response.content.decode()
    assert escape(str(extra_conferences.THRESHOLD_REACHED_MESSAGE) % {"percent": 10}) in page

    planned = client.post(
        reverse("extra-request-plan", args=[extra.pk]),
        {
            "starts_at": "2026-04-10T08:00",
            "ends_at": "2026-04-10T11:00",
            "venue": "Hội trường",
            "chair_name": "Trần Văn Chủ",
        },
    )
    extra.refresh_from_db()
    assert planned.status_code == 302
    assert planned.url == reverse("session-detail", args=[extra.session_id])


def test_requests_are_scoped_404_outside(world, login):
    extra = record(world)
    assert (
        login(world.organiser_b).get(reverse("extra-request-detail", args=[extra.pk])).status_code
        == 404
    )
    assert reverse("extra-request-detail", args=[extra.pk]) not in (
        login(world.organiser_b).get(reverse("extra-request-list")).content.decode()
    )
    # The province supervisor reads it but cannot plan from it.
    client = login(world.supervisor)
    assert client.get(reverse("extra-request-detail", args=[extra.pk])).status_code == 200
    assert client.post(reverse("extra-request-plan", args=[extra.pk]), {}).status_code == 404
    assert login(world.outsider).get(reverse("extra-request-create")).status_code == 404


def test_an_organiser_cannot_record_a_request_for_another_commune(world, login):
    response = login(world.organiser_b).post(
        reverse("extra-request-create"),
        {
            "unit": world.commune_a.pk,
            "voters_count": 2000,
            "signatures_count": 200,
            "received_on": "2026-03-02",
        },
    )
    assert response.status_code == 200
    assert not ExtraConferenceRequest.objects.exists()
