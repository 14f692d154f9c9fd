"""The materialised path keeps "this unit and everything below" a single prefix query."""

import pytest
from django.core.exceptions import ValidationError

from dialogue import services
from dialogue.models import AdministrativeUnit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_path_and_depth_follow_the_tree():
    province = UnitFactory(name="Tỉnh", kind="tỉnh")
    district = UnitFactory(name="Huyện", kind="huyện", parent=province)
    commune = UnitFactory(name="Xã", parent=district)
    assert commune.path == f"/{province.pk}/{district.pk}/{commune.pk}/"
    assert (province.depth, district.depth, commune.depth) == (0, 1, 2)
    assert commune.ancestor_ids == [province.pk, district.pk]
    assert set(AdministrativeUnit.objects.subtree(province)) == {province, district, commune}


def test_prefix_of_a_sibling_id_is_not_a_descendant():
    # "/1/" must not match "/12/": the trailing slash is part of every path.
    units = [UnitFactory(name=f"Tỉnh {i}", kind="tỉnh") for i in range(12)]
    first = units[0]
    assert set(AdministrativeUnit.objects.subtree(first)) == {first}


def test_moving_a_unit_moves_its_subtree():
    # The former district level is abolished: communes move up under the province.
    province = UnitFactory(name="Tỉnh", kind="tỉnh")
    district = UnitFactory(name="Huyện", kind="huyện", parent=province)
    commune = UnitFactory(name="Xã", parent=district)
    hamlet = UnitFactory(name="Thôn", kind="thôn", parent=commune)
    other = UnitFactory(name="Tỉnh khác", kind="tỉnh")
    services.unit_update(unit=commune, name="Xã", kind="xã", parent=other)
    hamlet.refresh_from_db()
    assert hamlet.path == f"/{other.pk}/{commune.pk}/{hamlet.pk}/"
    assert hamlet.depth == 2
    assert set(AdministrativeUnit.objects.subtree(district)) == {district}


def test_a_unit_cannot_move_under_its_own_descendant():
    province = UnitFactory(name="Tỉnh", kind="tỉnh")
    commune = UnitFactory(name="Xã", parent=province)
    with pytest.raises(ValidationError):
        services.unit_update(unit=province, name="Tỉnh", kind="tỉnh", parent=commune)
