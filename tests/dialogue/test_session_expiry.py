"""Sessions end after SESSION_IDLE_MINUTES without a request; a polling console keeps one alive
without writing the session on every poll."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_plan, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    cache.clear()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_the_idle_limit_is_two_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_a_session_left_idle_for_two_hours_ends(clock, world, client, password):
    client.post(reverse("login"), {"username": "organiser_a", "password": password})
    clock.shift(timedelta(minutes=119))
    assert client.get(reverse("home")).status_code == 200  # still signed in, and renewed
    clock.shift(timedelta(minutes=119))
    assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=121))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_polling_console_keeps_its_secretary_signed_in_for_a_long_session(clock, world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    client = login(world.secretary_a)
    url = reverse("console-state", args=[session.pk])
    etag = client.get(url)["ETag"]
    writes = 0
    # Five hours of polls every 20 seconds, the secretary typing nothing.
    for _ in range(5 * 60 * 3):
        clock.shift(20)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        writes += any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries)
    # The session was renewed about once a minute, not on each of the 900 polls.
    assert 250 <= writes <= 310
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + timedelta(minutes=118)
