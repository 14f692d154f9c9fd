"""Who sees which units and agencies: the scoping every later view builds on."""

import pytest
from django.urls import reverse

from dialogue import access
from dialogue.models import AdministrativeUnit, Agency

pytestmark = pytest.mark.django_db


def names(qs) -> set[str]:
    return {obj.name for obj in qs}


def test_organiser_sees_only_their_commune(world):
    assert names(AdministrativeUnit.objects.visible_to(world.organiser_a)) == {"Xã A"}
    assert names(Agency.objects.visible_to(world.organiser_a)) == {
        "Công an xã A",
        "Địa chính xã A",
    }


def test_secretary_sees_only_their_commune(world):
    assert names(AdministrativeUnit.objects.visible_to(world.secretary_a)) == {"Xã A"}


def test_province_supervisor_sees_the_province_and_everything_below(world):
    assert names(AdministrativeUnit.objects.visible_to(world.supervisor)) == {
        "Tỉnh Thử Nghiệm",
        "Huyện Thử Nghiệm",
        "Xã A",
        "Xã B",
    }
    assert "Sở Nội vụ tỉnh khác" not in names(Agency.objects.visible_to(world.supervisor))
    assert {"Công an xã A", "Công an xã B", "Sở Tài nguyên và Môi trường"} <= names(
        Agency.objects.visible_to(world.supervisor)
    )


def test_agency_responder_sees_only_their_agency(world):
    assert names(Agency.objects.visible_to(world.responder_a)) == {"Công an xã A"}
    assert access.scope_for(world.responder_a).is_empty
    assert access.scope_for(world.responder_a, roles=[access.AGENCY_RESPONDER]).agency_ids == {
        world.agency_a1.pk
    }


def test_user_without_membership_sees_nothing(world):
    assert not AdministrativeUnit.objects.visible_to(world.outsider).exists()
    assert not Agency.objects.visible_to(world.outsider).exists()


def test_nested_supervisor_paths_collapse_into_one_filter(world):
    from tests.factories import member

    member(world.supervisor, world.commune_a, access.SUPERVISOR)
    world.supervisor._dialogue_memberships = None
    assert access.scope_for(world.supervisor).subtree_paths == (world.province.path,)


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("organiser_a", "commune_a", 200),
        ("organiser_a", "commune_b", 404),
        ("organiser_a", "province", 404),
        ("secretary_a", "commune_b", 404),
        ("organiser_b", "commune_a", 404),
        ("organiser_b", "commune_b", 200),
        ("supervisor", "commune_a", 200),
        ("supervisor", "commune_b", 200),
        ("supervisor", "other_province", 404),
        ("responder_a", "commune_a", 200),
        ("responder_a", "commune_b", 404),
        ("outsider", "commune_a", 404),
    ],
)
def test_unit_page_is_404_outside_scope(world, login, persona, unit, status):
    client = login(getattr(world, persona))
    response = client.get(reverse("unit-detail", args=[getattr(world, unit).pk]))
    assert response.status_code == status


def test_unit_page_lists_only_visible_agencies_for_a_responder(world, login):
    response = login(world.responder_a).get(reverse("unit-detail", args=[world.commune_a.pk]))
    assert "Công an xã A" in response.text
    assert "Địa chính xã A" not in response.text


def test_anonymous_user_is_sent_to_login(client, world):
    response = client.get(reverse("unit-detail", args=[world.commune_a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
