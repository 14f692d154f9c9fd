"""Sign-in limits: by (username, address) and by address alone, the proxy setting, the unlock."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from dialogue import audit, security
from dialogue.login_limits import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = 8
    settings.TRUSTED_PROXY_COUNT = 0


def attempt(client, username, password="sai", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_one_address_trying_many_accounts_is_locked_for_every_account(client, world, password):
    for n in range(8):
        # Fewer failures per account than the per-account limit: only the address count trips.
        attempt(client, f"nobody{n % 4}", REMOTE_ADDR="203.0.113.7")
    response = attempt(client, "organiser_a", password, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    # Another address is not concerned.
    assert attempt(client, "organiser_a", password, REMOTE_ADDR="203.0.113.8").status_code == 302


def test_a_few_typos_from_a_shared_office_address_lock_nobody_else(client, world, password):
    for _ in range(5):
        attempt(client, "organiser_b", REMOTE_ADDR="198.51.100.1")
    assert attempt(client, "organiser_b", password, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert attempt(client, "organiser_a", password, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, world, password):
    for n in range(7):
        attempt(client, f"victim{n}", REMOTE_ADDR="203.0.113.9")
    assert attempt(client, "organiser_a", password, REMOTE_ADDR="203.0.113.9").status_code == 302
    client.logout()
    attempt(client, "victim8", REMOTE_ADDR="203.0.113.9")
    assert attempt(client, "organiser_b", password, REMOTE_ADDR="203.0.113.9").status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, world, password):
    for n in range(5):
        attempt(
            client, "organiser_a", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    response = attempt(
        client, "organiser_a", password, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert response.status_code == 429


def test_behind_one_proxy_the_client_address_comes_from_forwarded_for(
    client, world, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        # What the client wrote on the left is ignored; the proxy's own entry is on the right.
        attempt(client, "organiser_a", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = attempt(client, "organiser_a", password, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert locked.status_code == 429
    # The same user from another client behind the same proxy is not locked out.
    other = attempt(client, "organiser_a", password, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.2"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "9.9.9.9, 1.2.3.4", "1.2.3.4"),
        (2, "9.9.9.9, 1.2.3.4, 10.0.0.1", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.2"),  # fewer hops than proxies: the request went round them
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_an_administrator_unlocks_a_locked_user_and_it_is_recorded(client, world, password):
    for _ in range(5):
        attempt(client, "secretary_a", REMOTE_ADDR="203.0.113.7")
    assert security.is_locked(world.secretary_a)
    assert attempt(client, "secretary_a", password, REMOTE_ADDR="203.0.113.7").status_code == 429

    cleared = security.user_unlock(user=world.secretary_a, actor=world.administrator)

    assert cleared == 1
    assert not security.is_locked(world.secretary_a)
    assert attempt(client, "secretary_a", password, REMOTE_ADDR="203.0.113.7").status_code == 302
    record = audit.history(world.secretary_a).get()
    assert (record.action, record.actor) == ("unlocked", world.administrator)
    assert record.action_label == "mở khóa đăng nhập"


def test_unlock_leaves_other_users_attempts_alone(client, world):
    other = UserFactory(username="khac")
    for _ in range(5):
        attempt(client, "khac", REMOTE_ADDR="203.0.113.7")
    security.user_unlock(user=world.secretary_a, actor=world.administrator)
    assert security.is_locked(other)


def test_lockout_page_says_when_it_unlocks_and_that_an_administrator_can_unlock(client, world):
    for _ in range(5):
        attempt(client, "secretary_a")
    text = attempt(client, "secretary_a").text
    assert "15 phút" in text
    assert "Quản trị viên của đơn vị có thể mở khóa" in text
