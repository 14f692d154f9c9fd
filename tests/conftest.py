import os

import pytest
from django.core.cache import cache

from dialogue import documents
from dialogue.cache import _breakers as redis_breakers
from dialogue.celery import app as celery_app
from followups.tasks import BROKER_BREAKER
from tests.factories import PASSWORD, World, build_world

IN_CI = os.environ.get("CI") == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip locally when a service is absent; in CI a missing service fails the run."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Local memory is shared by every cache object of the process: nothing kept by one test
    # (a total, a filter form keyed by a user pk the next test's database reuses) reaches another.
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    celery_app.conf.task_always_eager = True
    # Two-factor sign-in is required of nobody, so tests log supervisors and administrators in
    # with force_login; tests/dialogue/test_two_factor.py switches it back on (REQUIRED_ROLES).
    settings.OTP_REQUIRED_ROLES = []
    # Circuit breakers are per process: one test's dead Redis must not skip the next test's.
    redis_breakers.clear()
    BROKER_BREAKER.reset()
    yield


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(client):
    """Log `user` in directly (tests of the login form itself post to it) and return the client."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def login_verified(client):
    """Log `user` in as having passed two-step sign-in (with an authenticator device, made if
    the user has none): for tests that run with OTP_REQUIRED_ROLES on, or with a device."""

    def _login(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the safe fetcher for during the test."""
    urls: list[str] = []
    original = documents.SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(documents.SafeURLFetcher, "fetch", spy)
    return urls
