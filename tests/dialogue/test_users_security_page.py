"""An administrator unlocks a locked-out user and resets a lost phone, within its own units."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import audit, security
from dialogue.models import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def lock(client, username, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "sai"})


def device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_the_administrator_sees_and_unlocks_a_locked_user_of_its_units(
    client, world, login, settings, password
):
    lock(client, "secretary_a", settings)
    admin = login(world.administrator)
    page = admin.get(reverse("users-security"))
    assert page.status_code == 200
    assert reverse("user-unlock", args=[world.secretary_a.pk]) in page.text

    response = admin.post(reverse("user-unlock", args=[world.secretary_a.pk]))

    assert response.url == reverse("users-security")
    assert not security.is_locked(world.secretary_a)
    assert audit.history(world.secretary_a).get().actor == world.administrator
    admin.logout()
    login_again = client.post(reverse("login"), {"username": "secretary_a", "password": password})
    assert login_again.status_code == 302


def test_the_administrator_resets_a_lost_phone(world, login):
    device(world.supervisor)
    admin = login(world.administrator)
    assert (
        reverse("user-two-factor-reset", args=[world.supervisor.pk])
        in admin.get(reverse("users-security")).text
    )
    admin.post(reverse("user-two-factor-reset", args=[world.supervisor.pk]), {"reason": "mất máy"})
    assert not security.has_device(world.supervisor)
    assert audit.history(world.supervisor).get().reason == "mất máy"


def test_outside_its_units_or_above_it_the_administrator_finds_nobody(world, login, login_verified):
    other_admin = member(
        UserFactory(username="admin_other"), world.other_province, Role.ADMINISTRATOR
    )
    peer = member(UserFactory(username="admin_peer"), world.province, Role.ADMINISTRATOR)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    # A user of commune A who is also a supervisor of another province is not only ours.
    shared = member(
        member(UserFactory(username="shared"), world.commune_a, Role.SECRETARY),
        world.other_province,
        Role.SUPERVISOR,
    )
    for user in [other_admin, peer, root, shared]:
        device(user)
    admin = login_verified(world.administrator)  # with a device: the page asks for it too
    targets = [other_admin, peer, root, shared, world.administrator]
    page = admin.get(reverse("users-security")).text
    for user in targets:
        assert f"/accounts/users/{user.pk}/" not in page
        assert admin.post(reverse("user-unlock", args=[user.pk])).status_code == 404
        assert admin.post(reverse("user-two-factor-reset", args=[user.pk])).status_code == 404
        assert security.has_device(user)
    # The other province's administrator cannot reach commune A's secretary either.
    device(world.secretary_a)
    other = login_verified(other_admin)
    assert (
        other.post(reverse("user-two-factor-reset", args=[world.secretary_a.pk])).status_code == 404
    )
    assert security.has_device(world.secretary_a)


@pytest.mark.parametrize("persona", ["organiser_a", "secretary_a", "supervisor", "responder_a"])
def test_other_roles_have_no_such_page(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("users-security")).status_code == 404
    assert client.post(reverse("user-unlock", args=[world.secretary_a.pk])).status_code == 404


def test_a_superuser_manages_everyone_but_itself(world, login_verified, settings):
    settings.OTP_REQUIRED_ROLES = ["administrator", "supervisor", "superuser", "staff"]
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    device(world.administrator)
    client = login_verified(root)
    client.post(reverse("user-two-factor-reset", args=[world.administrator.pk]))
    assert not security.has_device(world.administrator)
    assert client.post(reverse("user-two-factor-reset", args=[root.pk])).status_code == 404
