"""The Django admin keeps a unit administrator inside its scope (issue 11, item 3).

The probe walks every model registered in the admin, for a province administrator (is_staff,
every model permission through a group, an ADMINISTRATOR membership on the province), with one
row in its scope and one in another province: changelist, change view (GET and POST), history,
add and delete (GET and POST). Out of scope, nothing is listed, shown, changed or deleted. A model
registered without a decided scope makes the probe fail: give it a row maker and a policy here.

Then the escalations: privileged user fields, roles for itself, above itself, administrator of
its own unit, peers and superusers; and the change history of every admin write.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import admin_scope, audit
from dialogue.admin import ChangeRecordAdmin
from dialogue.models import (
    AdministrativeUnit,
    Agency,
    CalendarException,
    ChangeRecord,
    DeadlineProfile,
    Membership,
    Role,
    UnitSuccession,
    User,
)
from dialogue.scoped_admin import (
    NationalAdminMixin,
    ScopedAdminMixin,
    SuperuserOnlyAdminMixin,
)
from followups.models import Extension, Forwarding, Reminder, Response
from petitions.models import Field
from sessions import services as session_services
from tests.factories import (
    AgencyFactory,
    UnitFactory,
    UserFactory,
    issue_notice,
    make_held_session,
    make_petition,
    make_plan,
    make_session,
    make_speaker,
    member,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# --- the rows: one maker per registered model, given the unit the row belongs to --------------


def _notice(unit):
    session, _petitions = make_held_session(unit)
    organiser = member(UserFactory(), unit, Role.ORGANISER)
    agency = AgencyFactory(unit=unit)
    return issue_notice(session, actor=organiser, agencies=[agency], issued_on=date(2026, 12, 21))


def _assignment(unit):
    return _notice(unit).assignments.get()


def _response(unit):
    return Response.objects.create(
        assignment=_assignment(unit),
        responded_on=date(2026, 12, 22),
        method="in_writing",
        text="Đã trả lời công dân.",
    )


def _extension(unit):
    assignment = _assignment(unit)
    return Extension.objects.create(
        assignment=assignment,
        old_due_on=assignment.due_on,
        new_due_on=date(2027, 2, 26),
        reason="Cần xác minh thực địa.",
        citizen_told_on=date(2026, 12, 22),
    )


def _forwarding(unit):
    return Forwarding.objects.create(
        assignment=_assignment(unit),
        level="province",
        to_body="UBND tỉnh",
        document_number="12/CV",
        forwarded_on=date(2026, 12, 22),
    )


def _reminder(unit):
    return Reminder.objects.create(
        assignment=_assignment(unit),
        kind="due_soon",
        for_date=date(2026, 12, 30),
        recipient="coquan@example.test",
    )


def _change_record(unit):
    petition = make_petition(make_session(make_plan(unit)))
    return audit.record(petition, actor=None, action="updated", changes={"content": ["a", "b"]})


def _user(unit):
    return member(UserFactory(), unit, Role.ORGANISER)


def _membership(unit):
    return Membership.objects.create(user=UserFactory(), unit=unit, role=Role.ORGANISER)


SCOPED_MAKERS = {
    "dialogue.administrativeunit": lambda unit: UnitFactory(kind="thôn", parent=unit),
    "dialogue.agency": lambda unit: AgencyFactory(unit=unit),
    "dialogue.user": _user,
    "dialogue.membership": _membership,
    "dialogue.changerecord": _change_record,
    "dialogue_sessions.plan": lambda unit: make_plan(unit),
    "dialogue_sessions.dialoguesession": lambda unit: make_session(make_plan(unit)),
    "followups.conclusionnotice": _notice,
    "followups.assignment": _assignment,
    "followups.response": _response,
    "followups.extension": _extension,
    "followups.forwarding": _forwarding,
    "followups.reminder": _reminder,
}
#: Rows a unit administrator changes in the admin; every other scoped model is read-only there.
SCOPED_EDITABLE = {
    "dialogue.administrativeunit",
    "dialogue.agency",
    "dialogue.user",
    "dialogue.membership",
}
#: National reference data (no unit): read by a unit administrator; changed by a superuser,
#: except the calendar, which top-level administrators keep, as on the app's calendar pages.
NATIONAL_MAKERS = {
    "dialogue.calendarexception": lambda: CalendarException.objects.create(
        day=date(2026, 6, 1), kind="day_off", name="Nghỉ thử", source="TB 1"
    ),
    "dialogue.deadlineprofile": lambda: DeadlineProfile.objects.create(
        code="thu-nghiem", name="Thử nghiệm", source="QĐ 1"
    ),
    "petitions.field": lambda: Field.objects.create(name="Lĩnh vực thử", code="linh-vuc-thu"),
}
NATIONAL_EDITED_BY_PROVINCE_ADMINISTRATOR = {"dialogue.calendarexception"}
#: Django's groups (they carry permissions) and the sign-in records: superusers only.
_SIGN_IN = {"username": "organiser_a", "ip_address": "203.0.113.7", "user_agent": "test"}
SUPERUSER_MAKERS = {
    "auth.group": lambda: Group.objects.create(name="Nhóm khác"),
    "axes.accessattempt": lambda: AccessAttempt.objects.create(
        **_SIGN_IN, get_data="", post_data="", failures_since_start=3
    ),
    "axes.accesslog": lambda: AccessLog.objects.create(**_SIGN_IN),
    "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(**_SIGN_IN),
    "dialogue.unitsuccession": lambda: UnitSuccession.objects.create(
        predecessor=UnitFactory(name="Tỉnh Cũ"),
        successor=UnitFactory(name="Tỉnh Mới"),
        on=date(2025, 7, 1),
    ),
    "otp_totp.totpdevice": lambda: TOTPDevice.objects.create(
        user=User.objects.get(username="organiser_a"), name="authenticator"
    ),
    "otp_static.staticdevice": lambda: StaticDevice.objects.create(
        user=User.objects.get(username="organiser_a"), name="recovery"
    ),
}
SUPERUSER_ONLY = set(SUPERUSER_MAKERS)

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """Issuing a notice stores its PDF; these tests are about access, not documents."""
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda html, progress=None: b"%PDF-1.4")


@pytest.fixture(autouse=True)
def frozen():
    import time_machine

    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        yield


def staff(user: User) -> User:
    """A staff account holding every permission through a group: only the scope holds it back."""
    group, _ = Group.objects.get_or_create(name="Quản trị đơn vị")
    group.permissions.set(Permission.objects.all())
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return user


@pytest.fixture
def province_admin(world) -> User:
    return staff(world.administrator)


@pytest.fixture
def other_commune(world):
    return UnitFactory(name="Xã Tỉnh Khác", parent=world.other_province)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_not_found(response) -> None:
    """The admin answers a row outside the queryset with a redirect to its index ("does not
    exist"): never the row, never a hint it exists elsewhere."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("admin:index")


# --- the probe ---------------------------------------------------------------------------------


def test_every_registered_admin_declares_its_scope():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in SCOPED_MAKERS:
            if isinstance(model_admin, ChangeRecordAdmin):
                continue  # scoped through the object each record is about
            assert isinstance(model_admin, ScopedAdminMixin), label
            assert admin_scope.unit_path(model) not in (None, admin_scope.NATIONAL), label
        elif label in NATIONAL_MAKERS:
            assert isinstance(model_admin, NationalAdminMixin), label
            assert admin_scope.unit_path(model) == admin_scope.NATIONAL, label
        else:
            assert label in SUPERUSER_ONLY, (
                f"{label} is registered in the admin without a decided scope: make its admin "
                "class scoped (dialogue.scoped_admin), then add a row maker and a policy here"
            )
            assert isinstance(model_admin, SuperuserOnlyAdminMixin), label


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label_lower)
@pytest.mark.parametrize("where", ["own", "other"])
def test_province_administrator_stays_in_scope(model, where, world, province_admin, client):
    label = model._meta.label_lower
    client.force_login(province_admin)
    if label in SUPERUSER_ONLY:
        obj = SUPERUSER_MAKERS[label]()
        for view, args in [("changelist", ()), ("add", ()), ("change", (obj.pk,))]:
            assert client.get(url(model, view, *args)).status_code == 403, view
        assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()
        return
    if label in NATIONAL_MAKERS:
        return _walk_national(model, label, client)
    assert label in SCOPED_MAKERS, f"{label}: no row maker, so its scope is not proven"

    # Own scope: a commune below the province; other scope: a commune of another province.
    unit = world.commune_a if where == "own" else UnitFactory(parent=world.other_province)
    obj = SCOPED_MAKERS[label](unit)
    editable = label in SCOPED_EDITABLE
    change_url = url(model, "change", obj.pk)

    listing = client.get(url(model, "changelist"))
    assert listing.status_code == 200
    assert (change_url in listing.text) is (where == "own"), "changelist"

    change = client.get(change_url)
    history = client.get(url(model, "history", obj.pk))
    delete = client.get(url(model, "delete", obj.pk))
    add = client.get(url(model, "add"))
    assert add.status_code == (200 if editable else 403), "add"
    if where == "own":
        assert change.status_code == 200, "change view"
        assert ('name="_save"' in change.text) is editable, "change view editable"
        assert history.status_code == 200, "history"
        assert delete.status_code == (200 if editable else 403), "delete view"
    else:
        assert_not_found(change)
        assert_not_found(history)
        assert delete.status_code in (302, 403), "delete view"
        if delete.status_code == 302:
            assert_not_found(delete)
        changed = client.post(change_url, {"name": "Đổi tên", "username": "doiten"})
        assert changed.status_code in (302, 403), "change POST"
        if changed.status_code == 302:
            assert_not_found(changed)

    deleted = client.post(url(model, "delete", obj.pk), {"post": "yes"})
    still_there = model._default_manager.filter(pk=obj.pk).exists()
    if where == "own" and editable:
        assert deleted.status_code == 302
        assert not still_there, "delete POST"
        assert ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            action="delete",
            actor=province_admin,
        ).exists(), "the deletion is in the change history"
    else:
        assert still_there, "delete POST"
        if where == "other" and model is not ChangeRecord:
            assert model._default_manager.get(pk=obj.pk).__dict__.get("name") != "Đổi tên"


def _walk_national(model, label: str, client) -> None:
    obj = NATIONAL_MAKERS[label]()
    editable = label in NATIONAL_EDITED_BY_PROVINCE_ADMINISTRATOR
    listing = client.get(url(model, "changelist"))
    assert listing.status_code == 200
    assert url(model, "change", obj.pk) in listing.text
    change = client.get(url(model, "change", obj.pk))
    assert change.status_code == 200
    assert ('name="_save"' in change.text) is editable
    assert client.get(url(model, "add")).status_code == (200 if editable else 403)
    assert client.get(url(model, "delete", obj.pk)).status_code == (200 if editable else 403)
    if not editable:
        client.post(url(model, "delete", obj.pk), {"post": "yes"})
        assert model._default_manager.filter(pk=obj.pk).exists()


def test_a_commune_administrator_only_reads_the_national_calendar(world, client):
    commune_admin = staff(member(UserFactory(), world.commune_a, Role.ADMINISTRATOR))
    exception = NATIONAL_MAKERS["dialogue.calendarexception"]()
    client.force_login(commune_admin)
    assert client.get(url(CalendarException, "change", exception.pk)).status_code == 200
    assert client.get(url(CalendarException, "add")).status_code == 403
    deleted = client.post(url(CalendarException, "delete", exception.pk), {"post": "yes"})
    assert deleted.status_code == 403
    assert CalendarException.objects.filter(pk=exception.pk).exists()


def test_a_superuser_sees_every_province(world, client, other_commune):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    agency = AgencyFactory(unit=other_commune)
    assert url(Agency, "change", agency.pk) in client.get(url(Agency, "changelist")).text
    assert client.get(url(Agency, "change", agency.pk)).status_code == 200


def test_staff_without_an_administrator_role_sees_no_rows(world, client):
    organiser = staff(world.organiser_a)
    client.force_login(organiser)
    listing = client.get(url(Agency, "changelist"))
    assert url(Agency, "change", world.agency_a1.pk) not in listing.text
    assert client.get(url(Agency, "add")).status_code == 403


def test_autocomplete_offers_only_units_in_scope(world, province_admin, client, other_commune):
    client.force_login(province_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "dialogue", "model_name": "membership", "field_name": "unit", "term": "Xã"},
    )
    names = {row["text"] for row in response.json()["results"]}
    assert {"Xã A", "Xã B"} <= names
    assert "Xã Tỉnh Khác" not in names


# --- users: privileged fields, self, peers, superusers ---------------------------------------


def user_post(user: User, membership: Membership, **extra) -> dict:
    joined = timezone.localtime(user.date_joined)
    return {
        "username": user.username,
        "full_name": "Tên Đã Sửa",
        "position": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": joined.strftime("%d/%m/%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(user.pk),
        "memberships-0-unit": str(membership.unit_id),
        "memberships-0-role": membership.role,
        "memberships-0-agency": "",
        **extra,
    }


def test_an_administrator_cannot_make_anyone_superuser_or_staff(world, province_admin, client):
    target = world.organiser_a
    group = Group.objects.get(name="Quản trị đơn vị")
    client.force_login(province_admin)
    response = client.post(
        url(User, "change", target.pk),
        user_post(
            target,
            target.memberships.get(),
            is_superuser="on",
            is_staff="on",
            groups=[str(group.pk)],
            user_permissions=[str(Permission.objects.first().pk)],
        ),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    target.refresh_from_db()
    assert target.full_name == "Tên Đã Sửa"  # the allowed change went through
    assert not target.is_superuser
    assert not target.is_staff
    assert not target.groups.exists()
    assert not target.user_permissions.exists()
    record = ChangeRecord.objects.get(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(target.pk),
        action="updated",
    )
    assert record.actor == province_admin
    assert set(record.changes) == {"full_name"}


def test_an_administrator_cannot_change_its_own_user(world, province_admin, client):
    client.force_login(province_admin)
    own_url = url(User, "change", province_admin.pk)
    assert client.get(own_url).status_code == 200  # it sees itself, read-only
    response = client.post(
        own_url, user_post(province_admin, province_admin.memberships.get(), is_superuser="on")
    )
    assert response.status_code == 403
    province_admin.refresh_from_db()
    assert not province_admin.is_superuser
    password_url = reverse("admin:auth_user_password_change", args=[province_admin.pk])
    assert client.get(password_url).status_code in (403, 404)


@pytest.mark.parametrize("who", ["peer administrator", "superuser", "also elsewhere"])
def test_an_administrator_cannot_change_peers_superusers_or_users_it_only_partly_manages(
    who, world, province_admin, client
):
    target = UserFactory(username="target")
    if who == "peer administrator":
        member(target, world.province, Role.ADMINISTRATOR)
    elif who == "superuser":
        User.objects.filter(pk=target.pk).update(is_superuser=True, is_staff=True)
        member(target, world.commune_a, Role.ORGANISER)
    else:
        member(target, world.commune_a, Role.ORGANISER)
        member(target, world.other_province, Role.ORGANISER)
    target.refresh_from_db()
    client.force_login(province_admin)
    assert client.get(url(User, "change", target.pk)).status_code == 200
    membership = target.memberships.order_by("pk").first()
    response = client.post(url(User, "change", target.pk), user_post(target, membership))
    assert response.status_code == 403
    assert client.post(url(User, "delete", target.pk), {"post": "yes"}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.post(password_url, {"password1": "x", "password2": "x"}).status_code == 403
    assert User.objects.get(pk=target.pk).full_name == target.full_name


def test_a_new_user_comes_with_a_role_in_scope_and_without_privileges(
    world, province_admin, client
):
    client.force_login(province_admin)
    base = {
        "username": "moi",
        "full_name": "Người Mới",
        "email": "moi@example.test",
        "usable_password": "true",
        "password1": "một mật khẩu dài 2026",
        "password2": "một mật khẩu dài 2026",
        "is_superuser": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "1",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    refused = client.post(url(User, "add"), base)
    assert refused.status_code == 200
    assert not User.objects.filter(username="moi").exists()

    created = client.post(
        url(User, "add"),
        {
            **base,
            "memberships-0-unit": str(world.commune_a.pk),
            "memberships-0-role": Role.SECRETARY,
        },
    )
    assert created.status_code == 302
    user = User.objects.get(username="moi")
    assert not user.is_superuser and not user.is_staff
    assert list(user.memberships.values_list("unit", "role")) == [
        (world.commune_a.pk, Role.SECRETARY)
    ]
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        action="created",
    ).exists()
    membership = user.memberships.get()
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(membership.pk),
        action="created",
    ).exists()


# --- memberships: within the subtree, never above, never administrator of its own unit ------


def membership_post(client, *, user, unit, role=Role.ORGANISER):
    return client.post(
        url(Membership, "add"),
        {"user": str(user.pk), "unit": str(unit.pk), "role": role, "agency": ""},
    )


def test_an_administrator_cannot_give_itself_a_role(world, province_admin, client):
    client.force_login(province_admin)
    response = membership_post(client, user=province_admin, unit=world.commune_a)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [str(admin_scope.GRANT_TO_SELF)]
    assert province_admin.memberships.count() == 1


def test_an_administrator_cannot_make_an_administrator_of_its_own_unit(
    world, province_admin, client
):
    client.force_login(province_admin)
    response = membership_post(
        client, user=world.organiser_a, unit=world.province, role=Role.ADMINISTRATOR
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == [
        str(admin_scope.GRANT_ADMIN_OF_OWN_UNIT)
    ]
    below = membership_post(
        client, user=world.organiser_a, unit=world.commune_a, role=Role.ADMINISTRATOR
    )
    assert below.status_code == 302
    granted = Membership.objects.get(user=world.organiser_a, role=Role.ADMINISTRATOR)
    assert granted.unit == world.commune_a
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(granted.pk),
        action="created",
        actor=province_admin,
    ).exists()


def test_an_administrator_cannot_grant_a_role_above_or_beside_its_unit(world, client):
    district = world.commune_a.parent
    district_admin = staff(member(UserFactory(), district, Role.ADMINISTRATOR))
    client.force_login(district_admin)
    for unit in (world.province, world.commune_b, world.other_province):
        response = membership_post(client, user=world.organiser_a, unit=unit)
        assert response.status_code == 200, unit
        assert "unit" in response.context["adminform"].form.errors
    assert world.organiser_a.memberships.count() == 1
    # The same rule, as the function the forms ask.
    assert admin_scope.grant_error(
        district_admin, user=world.organiser_a, unit=world.province, role=Role.ORGANISER
    ) == ("unit", admin_scope.GRANT_OUTSIDE_SCOPE)


def test_an_administrator_cannot_change_or_remove_a_peer_administrator_role(
    world, province_admin, client
):
    peer = member(UserFactory(), world.province, Role.ADMINISTRATOR)
    role = peer.memberships.get()
    client.force_login(province_admin)
    assert client.get(url(Membership, "change", role.pk)).status_code == 200
    response = client.post(
        url(Membership, "change", role.pk),
        {"user": str(peer.pk), "unit": str(world.commune_a.pk), "role": Role.ORGANISER},
    )
    assert response.status_code == 403
    assert client.post(url(Membership, "delete", role.pk), {"post": "yes"}).status_code == 403
    role.refresh_from_db()
    assert (role.unit, role.role) == (world.province, Role.ADMINISTRATOR)


# --- units and agencies -------------------------------------------------------------------


def test_units_are_added_below_the_administrator_and_its_own_unit_is_read_only(
    world, province_admin, client, other_commune
):
    client.force_login(province_admin)
    data = {"name": "Xã Mới", "kind": "xã", "code": "", "is_active": "on"}
    orphan = client.post(url(AdministrativeUnit, "add"), data)
    assert orphan.context["adminform"].form.errors["parent"] == [str(admin_scope.PARENT_REQUIRED)]
    elsewhere = client.post(url(AdministrativeUnit, "add"), {**data, "parent": other_commune.pk})
    assert "parent" in elsewhere.context["adminform"].form.errors
    assert not AdministrativeUnit.objects.filter(name="Xã Mới").exists()
    created = client.post(url(AdministrativeUnit, "add"), {**data, "parent": world.province.pk})
    assert created.status_code == 302
    unit = AdministrativeUnit.objects.get(name="Xã Mới")
    assert unit.path == f"{world.province.path}{unit.pk}/"

    # Its own province: shown, not changed (it would leave the tree with parent None).
    assert client.get(url(AdministrativeUnit, "change", world.province.pk)).status_code == 200
    moved = client.post(
        url(AdministrativeUnit, "change", world.province.pk),
        {**data, "name": "Tỉnh Đổi Tên", "parent": ""},
    )
    assert moved.status_code == 403
    world.province.refresh_from_db()
    assert world.province.name == "Tỉnh Thử Nghiệm"


def test_an_agency_change_is_recorded_and_cannot_move_to_another_province(
    world, province_admin, client, other_commune
):
    client.force_login(province_admin)
    agency = world.agency_a2
    data = {"unit": str(world.commune_a.pk), "name": "Địa chính - Xây dựng xã A", "email": ""}
    refused = client.post(url(Agency, "change", agency.pk), {**data, "unit": str(other_commune.pk)})
    assert "unit" in refused.context["adminform"].form.errors
    response = client.post(url(Agency, "change", agency.pk), {**data, "is_active": "on"})
    assert response.status_code == 302
    record = ChangeRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Agency), object_id=str(agency.pk)
    )
    assert record.action == "updated"
    assert record.actor == province_admin
    assert record.changes["name"] == ["Địa chính xã A", "Địa chính - Xây dựng xã A"]


# --- the change history --------------------------------------------------------------------


def test_history_in_the_admin_masks_a_speakers_phone_and_address(world, province_admin, client):
    session = make_session(make_plan(world.commune_a))
    speaker = make_speaker(session, phone="0912 000 111")
    session_services.speaker_update(
        actor=world.organiser_a, speaker=speaker, phone="0988 777 666", address="Xóm Giếng Alpha"
    )
    record = ChangeRecord.objects.get(
        content_type=ContentType.objects.get_for_model(speaker),
        object_id=str(speaker.pk),
        action="updated",
    )
    assert record.changes["phone"][1] == "0988 777 666"  # the app keeps it for the organisers
    client.force_login(province_admin)
    page = client.get(url(ChangeRecord, "change", record.pk))
    assert page.status_code == 200
    assert "0988 777 666" not in page.text and "0912 000 111" not in page.text
    assert "Xóm Giếng Alpha" not in page.text
    assert audit.HIDDEN_VALUE in page.text


def test_history_of_another_province_is_not_listed(world, province_admin, client, other_commune):
    own = _change_record(world.commune_b)
    other = _change_record(other_commune)
    client.force_login(province_admin)
    listing = client.get(url(ChangeRecord, "changelist")).text
    assert url(ChangeRecord, "change", own.pk) in listing
    assert url(ChangeRecord, "change", other.pk) not in listing
    assert_not_found(client.get(url(ChangeRecord, "change", other.pk)))


def test_history_of_users_and_units_follows_their_scope(
    world, province_admin, client, other_commune
):
    outsider = member(UserFactory(), other_commune, Role.ORGANISER)
    records = {
        "own user": audit.record(world.organiser_a, actor=None, action="updated"),
        "own unit": audit.record(world.commune_b, actor=None, action="updated"),
        "national": audit.record(Field.objects.first(), actor=None, action="updated"),
        "other user": audit.record(outsider, actor=None, action="updated"),
        "other unit": audit.record(other_commune, actor=None, action="updated"),
    }
    client.force_login(province_admin)
    listing = client.get(url(ChangeRecord, "changelist")).text
    for name, record in records.items():
        shown = url(ChangeRecord, "change", record.pk) in listing
        assert shown is not name.startswith("other"), name


def test_a_password_set_in_the_admin_is_recorded_without_its_value(world, province_admin, client):
    client.force_login(province_admin)
    target = world.secretary_a
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "mật khẩu mới 2026 dài", "password2": "mật khẩu mới 2026 dài"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("mật khẩu mới 2026 dài")
    record = ChangeRecord.objects.get(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(target.pk),
        action="updated",
    )
    assert record.actor == province_admin
    assert record.changes == {"password": [audit.HIDDEN_VALUE, audit.HIDDEN_VALUE]}
    assert record.reason


def test_bulk_delete_spares_what_the_administrator_may_not_delete(
    world, province_admin, client, other_commune
):
    peer_role = member(UserFactory(), world.province, Role.ADMINISTRATOR).memberships.get()
    own_role = province_admin.memberships.get()
    foreign_role = _membership(other_commune)
    client.force_login(province_admin)
    for selected in (peer_role, own_role, foreign_role):
        client.post(
            url(Membership, "changelist"),
            {"action": "delete_selected", "_selected_action": [selected.pk], "post": "yes"},
        )
        assert Membership.objects.filter(pk=selected.pk).exists(), selected
    superuser = UserFactory(username="root2", is_staff=True, is_superuser=True)
    member(superuser, world.commune_a, Role.ORGANISER)
    client.post(
        url(User, "changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=superuser.pk).exists()
    # The same action does delete what it may, and records it.
    deletable = _membership(world.commune_a)
    client.post(
        url(Membership, "changelist"),
        {"action": "delete_selected", "_selected_action": [deletable.pk], "post": "yes"},
    )
    assert not Membership.objects.filter(pk=deletable.pk).exists()
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(deletable.pk),
        action="delete",
    ).exists()


# --- unlocking and resetting two-step sign-in from the user list ------------------------------


def _locked(username: str) -> None:
    AccessAttempt.objects.create(
        **{**_SIGN_IN, "username": username},
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )


def test_administrator_unlocks_and_resets_users_in_scope_only(world, province_admin, client):
    outside = UserFactory(username="ngoai_tinh")
    Membership.objects.create(user=outside, unit=world.other_province, role=Role.ORGANISER)
    for user in (world.organiser_a, outside):
        _locked(user.username)
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(province_admin)
    changelist = url(User, "changelist")
    selected = [world.organiser_a.pk, outside.pk]

    response = client.post(
        changelist, {"action": "unlock_sign_in", "_selected_action": selected}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="organiser_a").exists()
    assert AccessAttempt.objects.filter(username="ngoai_tinh").exists()
    assert [r.action for r in audit.history(world.organiser_a)][:1] == ["unlocked"]

    client.post(changelist, {"action": "reset_two_factor", "_selected_action": selected})
    assert not TOTPDevice.objects.filter(user=world.organiser_a).exists()
    assert TOTPDevice.objects.filter(user=outside).exists()
    assert "two_factor_reset" in [r.action for r in audit.history(world.organiser_a)]
    assert not audit.history(outside).exists()
