"""A Redis that accepts connections but never answers (SIGSTOP, a network black hole) costs a
page one short timeout, and then nothing while the circuit breaker is open (dialogue.cache)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from dialogue import cache as forgiving

pytestmark = pytest.mark.django_db


class SilentServer:
    """Accepts TCP connections and reads what is sent, never answering."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        while not self.stopped.is_set():
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += len(data)

    def stop(self) -> None:
        self.stopped.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_redis(settings):
    server = SilentServer()
    settings.CACHES = {
        "default": {
            "BACKEND": "dialogue.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    yield server
    server.stop()


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def test_a_hung_redis_costs_one_timeout_then_the_breaker_skips_it(
    world, client, silent_redis, caplog
):
    client.force_login(world.organiser_a)  # the session is written to the database and the cache
    assert silent_redis.received > 0  # it did try Redis...
    assert "Cache unavailable" in caplog.text
    url = reverse("petition-list")
    seen = silent_redis.received
    # The fastest of a few (the machine running the tests may be busy): without the breaker each
    # cache call of a page would wait its 0.1 s timeout.
    after = min(timed(lambda: client.get(url)) for _ in range(3))
    response = client.get(url)
    assert response.status_code == 200
    assert response.wsgi_request.user == world.organiser_a  # the session came from the database
    assert after < 0.5, after
    assert silent_redis.received == seen  # ...and then left it alone
    assert cache.get("anything", "miss") == "miss"
    cache.set("anything", 1)
    assert silent_redis.received == seen


def test_the_breaker_tries_redis_again_after_its_time(silent_redis, settings):
    settings.CACHES["default"]["OPTIONS"]["breaker_seconds"] = 0.3
    settings.CACHES = {**settings.CACHES}  # setting_changed: a new cache object
    took = timed(lambda: cache.get("a"))
    assert took < 0.5
    tried = silent_redis.received
    assert tried > 0
    assert cache.get("a", "miss") == "miss"
    assert silent_redis.received == tried  # open
    time.sleep(0.35)
    assert cache.get("a", "miss") == "miss"
    assert silent_redis.received > tried  # half-open: one more try, which fails and reopens it
    with pytest.raises(ValueError):
        cache.incr("counter")  # as for a missing key, without waiting


def test_production_settings_keep_redis_timeouts_short():
    from tests.dialogue.test_settings import PRODUCTION, manage

    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CACHES['default']['OPTIONS'], s.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    result = manage("shell", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    cache_options, transport = json.loads(result.stdout.strip().splitlines()[-1])
    assert cache_options["socket_timeout"] <= 0.1
    assert cache_options["socket_connect_timeout"] <= 0.1
    assert cache_options["breaker_seconds"] >= 10
    assert transport["socket_timeout"] <= 0.5 and transport["socket_connect_timeout"] <= 0.5


def test_breakers_are_shared_by_location():
    one = forgiving.breaker_for("redis://example:1/0")
    assert forgiving.breaker_for("redis://example:1/0") is one
    assert forgiving.breaker_for("redis://example:2/0") is not one
