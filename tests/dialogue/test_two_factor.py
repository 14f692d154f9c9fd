"""Two-factor sign-in: enrolment, the second step, recovery codes, reset, who must use it."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import audit, security
from dialogue.account_views import WRONG_CODE
from tests.factories import UserFactory
from tests.helpers import shown

pytestmark = pytest.mark.django_db

REQUIRED_ROLES = ["administrator", "supervisor", "superuser", "staff"]


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.OTP_REQUIRED_ROLES = REQUIRED_ROLES


@pytest.fixture
def clock():
    """Time that the test moves on: a TOTP code is accepted once per 30-second step."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, security.recovery_codes_renew(user=user)


def sign_in(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def verify(client, code: str):
    return client.post(reverse("two-factor-verify"), {"code": code})


@pytest.mark.parametrize("persona", ["administrator", "supervisor"])
def test_roles_that_see_whole_units_are_sent_to_enrolment_and_kept_there(
    client, world, password, persona
):
    user = getattr(world, persona)
    sign_in(client, user, password)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-enrol"))
    for url in [reverse("calendar"), "/admin/", reverse("account-security")]:
        assert client.get(url).url.startswith(reverse("two-factor-enrol")), url


def test_superusers_and_staff_must_enrol_too(client, password):
    for user in [
        UserFactory(username="root", is_superuser=True, is_staff=True),
        UserFactory(username="staff", is_staff=True),
    ]:
        client.logout()
        sign_in(client, user, password)
        assert client.get(reverse("home")).url.startswith(reverse("two-factor-enrol"))


def test_other_roles_sign_in_with_the_password_alone(client, world, password):
    sign_in(client, world.secretary_a, password)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_with_a_qr_code_then_recovery_codes_shown_once(client, world, password, clock):
    sign_in(client, world.administrator, password)
    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200
    assert "<svg" in page.text  # drawn on the server: no image fetched from elsewhere
    assert "http" not in re.search(r"<svg.*?</svg>", page.text, re.S).group(0).replace(
        "http://www.w3.org/2000/svg", ""
    )
    device = TOTPDevice.objects.get(user=world.administrator, confirmed=False)
    assert security.totp_secret(device).replace(" ", "") in page.text.replace(" ", "")

    wrong = client.post(reverse("two-factor-enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    assert shown(WRONG_CODE) in wrong.text
    assert not security.has_device(world.administrator)

    clock.shift(31)
    response = client.post(reverse("two-factor-enrol"), {"code": code_for(device)})
    assert response.url == reverse("recovery-codes")
    codes_page = client.get(reverse("recovery-codes"))
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get(reverse("recovery-codes")).url == reverse("account-security")
    assert client.get(reverse("home")).status_code == 200
    assert audit.history(world.administrator).get().action == "two_factor_enrolled"


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, world, password, clock):
    device, _ = enrolled(world.secretary_a)  # optional for a secretary, but once on, asked
    sign_in(client, world.secretary_a, password)
    response = client.get(reverse("session-list"))
    assert response.url == f"{reverse('two-factor-verify')}?next=%2Fsessions%2F"

    wrong = verify(client, "123456")
    assert wrong.status_code == 200
    assert "Mã này không đúng" in wrong.text
    assert client.get(reverse("home")).status_code == 302

    clock.shift(31)  # past django-otp's back-off after a wrong code
    ok = client.post(reverse("two-factor-verify"), {"code": code_for(device), "next": "/sessions/"})
    assert ok.url == "/sessions/"
    assert client.get(reverse("home")).status_code == 200


def test_a_code_is_accepted_once(client, world, password, clock):
    device, _ = enrolled(world.administrator)
    code = code_for(device)
    sign_in(client, world.administrator, password)
    assert verify(client, code).status_code == 302
    client.logout()
    sign_in(client, world.administrator, password)
    clock.shift(2)
    assert verify(client, code).status_code == 200


def test_a_recovery_code_works_once(client, world, password, clock):
    _, codes = enrolled(world.supervisor)
    sign_in(client, world.supervisor, password)
    assert verify(client, codes[0].upper()).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.logout()

    sign_in(client, world.supervisor, password)
    clock.shift(5)
    assert verify(client, codes[0]).status_code == 200
    assert client.get(reverse("home")).status_code == 302
    clock.shift(5)
    assert verify(client, codes[1]).status_code == 302


def test_an_unverified_session_cannot_replace_the_device(client, world, password):
    enrolled(world.administrator)
    sign_in(client, world.administrator, password)
    assert client.get(reverse("two-factor-enrol")).url == reverse("two-factor-verify")
    assert client.post(reverse("two-factor-enrol"), {"code": "123456"}).url == reverse(
        "two-factor-verify"
    )


def test_reset_by_an_administrator_forces_enrolment_again_even_in_an_open_session(
    client, world, password, clock
):
    device, _ = enrolled(world.supervisor)
    sign_in(client, world.supervisor, password)
    verify(client, code_for(device))
    assert client.get(reverse("home")).status_code == 200

    security.otp_device_reset(user=world.supervisor, actor=world.administrator, reason="mất máy")

    assert client.get(reverse("home")).url.startswith(reverse("two-factor-enrol"))
    assert not security.has_device(world.supervisor)
    record = audit.history(world.supervisor).get()
    assert (record.action, record.actor, record.reason) == (
        "two_factor_reset",
        world.administrator,
        "mất máy",
    )


def test_optional_roles_turn_it_on_and_off_from_the_security_page(client, world, password, clock):
    sign_in(client, world.secretary_a, password)
    assert "Bảo mật tài khoản" in client.get(reverse("account-security")).text
    client.get(reverse("two-factor-enrol"))
    device = TOTPDevice.objects.get(user=world.secretary_a)
    client.post(reverse("two-factor-enrol"), {"code": code_for(device)})
    assert security.has_device(world.secretary_a)

    client.post(reverse("two-factor-remove"))
    assert not security.has_device(world.secretary_a)


def test_required_roles_cannot_turn_it_off(client, world, password):
    device, _ = enrolled(world.administrator)
    sign_in(client, world.administrator, password)
    verify(client, code_for(device))
    client.post(reverse("two-factor-remove"))
    assert security.has_device(world.administrator)


def test_the_projector_page_and_logout_need_no_second_step(client, world, password):
    sign_in(client, world.administrator, password)
    assert client.get("/display/" + "x" * 30 + "/").status_code == 404  # not a redirect
    assert client.post(reverse("logout")).url == reverse("login")
