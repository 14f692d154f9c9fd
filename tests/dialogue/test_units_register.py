"""The official register: 34 provinces and 3,321 communes, keyed on the official code."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from dialogue import audit, units_register
from dialogue.models import AdministrativeUnit, ChangeRecord
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def test_the_register_has_34_provinces_and_3321_communes():
    rows = units_register.register_units()
    provinces = [r for r in rows if not r.parent_code]
    communes = [r for r in rows if r.parent_code]
    assert len(provinces) == 34
    assert len(communes) == 3321
    assert {r.kind for r in provinces} == {"tỉnh", "thành phố trung ương"}
    assert sorted({r.kind for r in communes}) == ["phường", "xã", "đặc khu"]
    assert sum(r.kind == "đặc khu" for r in communes) == 13


def test_import_builds_the_tree_with_correct_paths_then_changes_nothing():
    output = run()
    assert "thêm 3355" in output
    assert AdministrativeUnit.objects.filter(depth=0).count() == 34
    assert AdministrativeUnit.objects.filter(depth=1).count() == 3321

    ninh_binh = AdministrativeUnit.objects.get(code="37")
    assert ninh_binh.name == "Tỉnh Ninh Bình" and ninh_binh.kind == "tỉnh"
    assert ninh_binh.path == f"/{ninh_binh.pk}/"
    phu_ly = AdministrativeUnit.objects.get(code="13291")
    assert (phu_ly.name, phu_ly.kind, phu_ly.parent_id) == ("Phường Phủ Lý", "phường", ninh_binh.pk)
    assert phu_ly.path == f"/{ninh_binh.pk}/{phu_ly.pk}/"
    assert phu_ly.search == "phuong phu ly"
    hanoi = AdministrativeUnit.objects.get(code="01")
    assert (hanoi.name, hanoi.kind) == ("Thành phố Hà Nội", "thành phố trung ương")
    # Every path is its parent's plus its own key.
    parents = dict(AdministrativeUnit.objects.values_list("pk", "path"))
    for pk, parent_id, path in AdministrativeUnit.objects.values_list("pk", "parent_id", "path"):
        assert path == f"{parents[parent_id] if parent_id else '/'}{pk}/"
    assert AdministrativeUnit.objects.subtree(ninh_binh).count() == 1 + 129
    assert audit.history(phu_ly).get().action == "created"

    records = ChangeRecord.objects.count()
    second = run()
    assert "Không có thay đổi: 3355 đơn vị" in second
    assert ChangeRecord.objects.count() == records


def test_dry_run_changes_nothing_and_says_what_would_change():
    output = run("--dry-run")
    assert "Sẽ thêm 3355" in output
    assert "Chạy thử" in output
    assert not AdministrativeUnit.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_a_renamed_unit_is_updated_by_code_and_the_change_recorded():
    run()
    ward = AdministrativeUnit.objects.get(code="13291")
    AdministrativeUnit.objects.filter(pk=ward.pk).update(name="Phường Phủ Lý cũ")
    output = run("--dry-run")
    assert "cập nhật 1" in output and "Phường Phủ Lý cũ" in output
    assert AdministrativeUnit.objects.get(pk=ward.pk).name == "Phường Phủ Lý cũ"

    run()
    ward.refresh_from_db()
    assert ward.name == "Phường Phủ Lý"
    assert ward.search == "phuong phu ly"
    record = audit.history(ward).first()
    assert record.action == "updated"
    assert record.changes == {"name": ["Phường Phủ Lý cũ", "Phường Phủ Lý"]}
    assert "vietnam-provinces" in record.reason


def test_a_unit_missing_from_the_register_is_ended_never_deleted():
    # A hand-typed district of the old three tiers, with its old code, and a unit with no code.
    district = UnitFactory(name="Thành phố Phủ Lý", kind="thành phố", code="347")
    uncoded = UnitFactory(name="Xã An Bình (tên minh họa)")
    run()
    district.refresh_from_db()
    uncoded.refresh_from_db()
    assert district.valid_to == units_register.register_date() - timedelta(days=1)
    assert not district.is_active
    assert audit.history(district).first().action == "ended"
    assert uncoded.valid_to is None and uncoded.is_active
    assert "Không có thay đổi" in run()


def test_existing_units_are_matched_by_code_and_moved_under_their_province():
    # The demo's Điện Biên and a commune still under its abolished district.
    province = UnitFactory(name="Tỉnh Điện Biên", kind="tỉnh", code="11")
    district = UnitFactory(name="Huyện Điện Biên", kind="huyện", parent=province)
    commune = UnitFactory(name="Xã Thanh Nưa", parent=district, code="03328")
    hamlet = UnitFactory(name="Bản Noong Nhai", kind="bản", parent=commune)
    run()
    assert AdministrativeUnit.objects.filter(code="11").count() == 1
    commune.refresh_from_db()
    hamlet.refresh_from_db()
    assert commune.parent_id == province.pk
    assert commune.path == f"/{province.pk}/{commune.pk}/"
    assert hamlet.path == f"/{province.pk}/{commune.pk}/{hamlet.pk}/" and hamlet.depth == 2
    assert "Không có thay đổi" in run()


def test_a_former_unit_keeps_its_code_when_the_register_gives_it_to_the_successor():
    # Bắc Giang's 24 is Bắc Ninh's since 1 July 2025.
    bac_giang = UnitFactory(name="Tỉnh Bắc Giang", kind="tỉnh", code="24")
    AdministrativeUnit.objects.filter(pk=bac_giang.pk).update(valid_to=date(2025, 6, 30))
    run()
    bac_ninh = AdministrativeUnit.objects.get(code="24", valid_to__isnull=True)
    assert bac_ninh.name == "Tỉnh Bắc Ninh" and bac_ninh.pk != bac_giang.pk
    assert AdministrativeUnit.objects.get(pk=bac_giang.pk).name == "Tỉnh Bắc Giang"
