"""Tasks run eagerly without Redis, and through a real worker when REDIS_URL is set."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from dialogue.celery import app as celery_app
from dialogue.tasks import ping
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def test_task_runs_eagerly_in_process_without_a_broker():
    result = ping.delay("hello")
    assert result.get(timeout=1)["token"] == "hello"
    assert result.get()["eager"] is True


def test_celery_reads_reliability_settings_from_django():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert (
        celery_app.conf.task_time_limit
        < celery_app.conf.broker_transport_options["visibility_timeout"]
    )
    assert celery_app.conf.timezone == "Asia/Ho_Chi_Minh"


def redis_url() -> str:
    """REDIS_URL, or TEST_REDIS_URL for the SQLite run whose tasks are otherwise eager."""
    return settings.REDIS_URL or os.environ.get("TEST_REDIS_URL", "")


def _redis_available() -> bool:
    if not redis_url():
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url()).ping())
    except redis.RedisError:
        return False


@pytest.mark.redis
def test_real_worker_consumes_from_redis():
    require_service(_redis_available(), "REDIS_URL is not set or Redis does not answer")
    url = redis_url()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dialogue",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A client of its own, so this works in the eager (SQLite) run too; not the current app,
    # or every shared task used by a later test would be sent through it.
    client = Celery("test-client", broker=url, backend=url, set_as_current=False)
    try:
        token = uuid.uuid4().hex
        result = client.send_task(ping.name, args=[token], queue=queue)
        answer = result.get(timeout=60)
        assert answer["token"] == token
        assert answer["eager"] is False
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
