"""With the whole register loaded, unit pickers search by folded name instead of listing all."""

import pytest
from django.urls import reverse

from dialogue.forms import UNIT_PICKER_LIMIT
from dialogue.models import Role
from tests.factories import UnitFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_province():
    province = UnitFactory(name="Tỉnh Điện Biên", kind="tỉnh", code="11")
    for n in range(UNIT_PICKER_LIMIT + 5):
        UnitFactory(name=f"Xã Số {n}", parent=province)
    thanh_nua = UnitFactory(name="Xã Thanh Nưa", parent=province, code="03328")
    return province, thanh_nua


def options(html: str) -> int:
    return html.count("<option")


def test_search_finds_units_by_folded_name_in_scope(big_province, world, login):
    province, thanh_nua = big_province
    supervisor = member(UserFactory(username="giamsat_db"), province, Role.SUPERVISOR)
    html = login(supervisor).get(reverse("unit-search"), {"q": "THANH nua"}).content.decode()
    assert f'value="{thanh_nua.pk}"' in html and "Xã Thanh Nưa — Tỉnh Điện Biên" in html
    assert options(html) == 2  # the empty choice and the match

    # Someone else's scope does not find it.
    html = login(world.organiser_b).get(reverse("unit-search"), {"q": "thanh nua"}).content
    assert f'value="{thanh_nua.pk}"' not in html.decode()


def test_search_for_planning_offers_only_the_units_one_organises(big_province, world, login):
    client = login(world.supervisor)
    assert "Xã A" in client.get(reverse("unit-search"), {"q": "xa a"}).content.decode()
    html = client.get(reverse("unit-search"), {"q": "xa a", "role": "organiser"}).content
    assert "Xã A" not in html.decode()


def test_search_needs_a_login(client):
    assert client.get(reverse("unit-search"), {"q": "xa"}).status_code == 302


def test_a_large_scope_renders_a_search_box_not_every_unit(big_province, login):
    province, thanh_nua = big_province
    client = login(member(UserFactory(username="giamsat_db"), province, Role.SUPERVISOR))
    html = client.get(reverse("session-list")).content.decode()
    assert reverse("unit-search") in html
    assert options(html) < 10
    chosen = client.get(reverse("session-list"), {"unit": thanh_nua.pk}).content.decode()
    assert f'<option value="{thanh_nua.pk}" selected>' in chosen


def test_a_small_scope_keeps_the_plain_select(world, login):
    html = login(world.supervisor).get(reverse("session-list")).content.decode()
    assert reverse("unit-search") not in html
    assert "Xã A" in html and "Xã B" in html
