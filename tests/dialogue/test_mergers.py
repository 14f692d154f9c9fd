"""Units that merge: records stay where they were made, and the successor sees them."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dialogue import audit, demo, services, units_register
from dialogue.models import AdministrativeUnit, Role, UnitSuccession
from sessions.models import DialogueSession, Plan
from tests.factories import UnitFactory, UserFactory, make_plan, make_session, member

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MERGED_ON = date(2025, 7, 1)


@pytest.fixture
def merger():
    """Hà Nam (with a commune) and Ninh Bình, a 2018 session in Hà Nam, then the merger."""
    ha_nam = UnitFactory(name="Tỉnh Hà Nam", kind="tỉnh", code="35")
    phu_ly = UnitFactory(name="Phường Quang Trung", kind="phường", parent=ha_nam)
    ninh_binh = UnitFactory(name="Tỉnh Ninh Bình", kind="tỉnh", code="37")
    other = UnitFactory(name="Tỉnh Điện Biên", kind="tỉnh", code="11")
    before = make_session(
        make_plan(ha_nam, year=2018), starts_at=datetime(2018, 6, 14, 8, tzinfo=TZ)
    )
    ward_before = make_session(
        make_plan(phu_ly, year=2024), starts_at=datetime(2024, 6, 14, 8, tzinfo=TZ)
    )
    services.unit_merge(
        actor=None,
        into=ninh_binh,
        predecessors=[ha_nam],
        on=MERGED_ON,
        source="Nghị quyết 202/2025/QH15",
    )
    after = make_session(
        make_plan(ninh_binh, year=2026), starts_at=datetime(2026, 3, 2, 8, tzinfo=TZ)
    )
    ha_nam.refresh_from_db()
    return {
        "ha_nam": ha_nam,
        "phu_ly": phu_ly,
        "ninh_binh": ninh_binh,
        "other": other,
        "before": before,
        "ward_before": ward_before,
        "after": after,
    }


def supervisor_of(unit, name):
    return member(UserFactory(username=name), unit, Role.SUPERVISOR)


def test_a_merger_ends_the_former_unit_and_names_its_successor(merger):
    ha_nam = merger["ha_nam"]
    assert ha_nam.valid_to == date(2025, 6, 30) and not ha_nam.is_active
    assert list(ha_nam.successors.all()) == [merger["ninh_binh"]]
    assert ha_nam.display_name_with_successor == "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)"
    assert merger["ninh_binh"].display_name_with_successor == "Tỉnh Ninh Bình"
    assert ha_nam.exists_on(date(2025, 6, 30)) and not ha_nam.exists_on(MERGED_ON)
    record = audit.history(ha_nam).first()
    assert record.action == "merged"
    assert record.changes["successors"] == [None, "Tỉnh Ninh Bình"]
    assert record.reason == "Nghị quyết 202/2025/QH15"
    assert audit.history(merger["ninh_binh"]).filter(action="received").exists()
    # The 2018 records stay on Hà Nam.
    assert merger["before"].unit_id == ha_nam.pk
    assert Plan.objects.get(pk=merger["before"].plan_id).unit_id == ha_nam.pk


def test_the_successors_supervisor_sees_records_before_and_after_the_merger(merger):
    sees = supervisor_of(merger["ninh_binh"], "giamsat_nb")
    visible = set(DialogueSession.objects.visible_to(sees))
    assert visible == {merger["before"], merger["ward_before"], merger["after"]}
    assert set(AdministrativeUnit.objects.visible_to(sees)) == {
        merger["ha_nam"],
        merger["phu_ly"],
        merger["ninh_binh"],
    }


def test_the_former_units_supervisor_and_others_do_not_see_the_successors_records(merger):
    old = supervisor_of(merger["ha_nam"], "giamsat_hn")
    assert set(DialogueSession.objects.visible_to(old)) == {
        merger["before"],
        merger["ward_before"],
    }
    elsewhere = supervisor_of(merger["other"], "giamsat_db")
    assert not DialogueSession.objects.visible_to(elsewhere).exists()


def test_an_organiser_of_the_successor_reaches_the_former_unit_itself_not_below(merger):
    organiser = member(UserFactory(username="tochuc_nb"), merger["ninh_binh"], Role.ORGANISER)
    assert set(DialogueSession.objects.visible_to(organiser)) == {
        merger["before"],
        merger["after"],
    }


def test_mergers_chain_a_successor_of_a_successor_sees_all(merger):
    region = UnitFactory(name="Vùng thử nghiệm", kind="vùng")
    services.unit_merge(
        actor=None, into=region, predecessors=[merger["ninh_binh"]], on=date(2030, 1, 1)
    )
    sees = supervisor_of(region, "giamsat_vung")
    assert DialogueSession.objects.visible_to(sees).count() == 3


def test_the_successors_pages_show_the_old_name_with_the_new_one(merger, login):
    client = login(supervisor_of(merger["ninh_binh"], "giamsat_nb"))
    page = client.get(reverse("session-detail", args=[merger["before"].pk]))
    assert page.status_code == 200
    assert "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)" in page.content.decode()
    listing = client.get(reverse("session-list")).content.decode()
    assert "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)" in listing


def test_someone_else_gets_a_404_for_the_former_units_session(merger, login):
    client = login(supervisor_of(merger["other"], "giamsat_db"))
    assert client.get(reverse("session-detail", args=[merger["before"].pk])).status_code == 404


def test_a_session_is_refused_in_a_unit_that_no_longer_exists_on_its_date(merger):
    plan = make_plan(merger["ha_nam"], year=2025)
    with pytest.raises(ValidationError) as refused:
        make_session(plan, starts_at=datetime(2025, 7, 1, 8, tzinfo=TZ))
    assert "starts_at" in refused.value.message_dict
    assert "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)" in refused.value.message_dict["starts_at"][0]
    # Its last day is still its own.
    assert make_session(plan, starts_at=datetime(2025, 6, 30, 8, tzinfo=TZ)).unit_id == (
        merger["ha_nam"].pk
    )


def test_the_session_form_shows_the_refusal_on_the_date(merger, login):
    organiser = member(UserFactory(username="tochuc_hn"), merger["ha_nam"], Role.ORGANISER)
    plan = make_plan(merger["ha_nam"], year=2026)
    response = login(organiser).post(
        reverse("session-create", args=[plan.pk]),
        {
            "kind": "annual_conference",
            "title": "Hội nghị năm 2026",
            "starts_at": "2026-03-02T08:00",
            "ends_at": "2026-03-02T11:00",
            "venue": "Hội trường",
            "chair_name": "Trần Văn Chủ",
        },
    )
    assert response.status_code == 200
    assert "không còn tồn tại" in response.content.decode() or "did not exist" in (
        response.content.decode()
    )
    assert not DialogueSession.objects.filter(title="Hội nghị năm 2026").exists()


def test_merge_units_command_records_the_merger_once():
    bac_giang = UnitFactory(name="Tỉnh Bắc Giang", kind="tỉnh", code="24")
    AdministrativeUnit.objects.filter(pk=bac_giang.pk).update(valid_to=date(2025, 6, 30))
    bac_ninh_old = UnitFactory(name="Tỉnh Bắc Ninh", kind="tỉnh", code="27")
    bac_ninh = UnitFactory(name="Tỉnh Bắc Ninh (mới)", kind="tỉnh", code="24")
    out = StringIO()
    args = ["--into", "24", "--from", "24", "27", "--on", "2025-07-01"]
    call_command("merge_units", *args, stdout=out)
    assert "Tỉnh Bắc Giang → Tỉnh Bắc Ninh (mới) từ 01/07/2025" in out.getvalue()
    assert set(bac_ninh.predecessors.all()) == {bac_giang, bac_ninh_old}
    bac_ninh_old.refresh_from_db()
    assert bac_ninh_old.valid_to == date(2025, 6, 30)
    records = audit.history(bac_ninh_old).count()
    call_command("merge_units", *args, stdout=StringIO())
    assert UnitSuccession.objects.count() == 2
    assert audit.history(bac_ninh_old).count() == records


def test_a_unit_cannot_merge_into_itself():
    unit = UnitFactory(name="Xã Một")
    with pytest.raises(ValidationError):
        services.unit_merge(actor=None, into=unit, predecessors=[unit], on=MERGED_ON)


# --- the demo ----------------------------------------------------------------------------------


def test_demo_keeps_the_seeds_units_as_history_with_their_successors():
    keys = demo.load()
    assert keys["ha-nam"].display_name_with_successor == "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)"
    assert list(keys["dak-nong"].successors.all()) == [keys["lam-dong"]]
    assert list(keys["bac-giang"].successors.all()) == [keys["bac-ninh"]]
    for key in ("phu-ly", "gia-nghia", "huyen-dien-bien", "hiep-hoa", "hoa-son"):
        keys[key].refresh_from_db()
        assert keys[key].valid_to == date(2025, 6, 30), key
    assert keys["dien-bien"].valid_to is None and keys["thanh-nua"].valid_to is None
    assert keys["thanh-nua"].parent_id == keys["dien-bien"].pk
    # The current coded units are the register's, so a full import matches them.
    for unit in units_register.current_units():
        row = units_register.register_unit(unit.code)
        assert (unit.name, unit.kind) == (row.name, row.kind)
    demo.load()
    assert UnitSuccession.objects.count() == 3


def test_import_after_the_demo_matches_its_units_by_code():
    keys = demo.load()
    units_register.import_register()
    assert AdministrativeUnit.objects.filter(code="37").get() == keys["ninh-binh"]
    assert AdministrativeUnit.objects.filter(code="03328").get() == keys["thanh-nua"]
    assert AdministrativeUnit.objects.get(code="24", valid_to__isnull=True) == keys["bac-ninh"]
    keys["bac-giang"].refresh_from_db()
    assert keys["bac-giang"].name == "Tỉnh Bắc Giang"
    assert units_register.import_register().is_empty


def test_the_admin_records_a_merger_through_the_service(login):
    admin_user = UserFactory(username="quantri_test", is_staff=True, is_superuser=True)
    old = UnitFactory(name="Tỉnh Đắk Nông", kind="tỉnh", code="67")
    new = UnitFactory(name="Tỉnh Lâm Đồng", kind="tỉnh", code="68")
    client = login(admin_user)
    response = client.post(
        reverse("admin:dialogue_unitsuccession_add"),
        {"predecessor": old.pk, "successor": new.pk, "on": "2025-07-01", "source": "NQ 202"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30)
    assert audit.history(old).first().actor == admin_user
    refused = client.post(
        reverse("admin:dialogue_unitsuccession_add"),
        {"predecessor": new.pk, "successor": new.pk, "on": "2025-07-01"},
    )
    assert refused.status_code == 200
    assert UnitSuccession.objects.count() == 1


def test_units_existing_in_a_year_count_merged_units_only_for_the_years_they_lived(db):
    """The dashboard's "communes that must hold a conference" (issue 16): a commune merged on
    30/06/2025 is counted in 2025 and not in 2026; its successor from 01/07/2025 the other way."""
    from datetime import date

    from dialogue.models import AdministrativeUnit
    from tests.factories import UnitFactory

    province = UnitFactory(name="Tỉnh Còn", kind="tỉnh")
    old, new, switched_off = (UnitFactory(name=n, parent=province) for n in ("Cũ", "Mới", "Tắt"))
    AdministrativeUnit.objects.filter(pk=old.pk).update(valid_to=date(2025, 6, 30), is_active=False)
    AdministrativeUnit.objects.filter(pk=new.pk).update(valid_from=date(2025, 7, 1))
    AdministrativeUnit.objects.filter(pk=switched_off.pk).update(is_active=False)
    in_year = {
        year: set(AdministrativeUnit.objects.subtree(province).existing_in(year)) - {province}
        for year in (2024, 2025, 2026)
    }
    assert in_year[2024] == {old}
    assert in_year[2025] == {old, new}
    assert in_year[2026] == {new}
    assert switched_off not in in_year[2026]
