"""A prefork worker killed (SIGKILL, whole process group) while it sends reminders: a new worker
finishes the job, every owed reminder is delivered, and at most one message per killed child
process is sent twice (the one it had sent but not yet marked)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.db import connection
from django.utils import timezone

from dialogue.workcalendar import get_calendar
from followups.models import Reminder
from followups.tasks import deliver_reminders_task, reminder_sweep_task
from tests.conftest import require_service
from tests.dialogue.test_celery import _redis_available, redis_url
from tests.followups.test_reminders import base_petition, open_assignments

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = 3000
HEADER = re.compile(rb"^X-Reminder-Id: (\d+)\r?$", re.MULTILINE)


def database_url() -> str:
    """The test database, as a DATABASE_URL the worker's settings read."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{os.path.abspath(conf['NAME'])}"
    if connection.vendor == "postgresql":
        user = quote(conf.get("USER") or "", safe="")
        password = quote(conf.get("PASSWORD") or "", safe="")
        host = conf.get("HOST") or "localhost"
        port = conf.get("PORT") or 5432
        return f"postgres://{user}:{password}@{host}:{port}/{conf['NAME']}"
    pytest.skip(f"no worker database URL for {connection.vendor}")


def start_worker(queue: str, mail_dir: Path, log: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dialogue",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dialogue.settings",
            "REDIS_URL": redis_url(),
            "DATABASE_URL": database_url(),
            # Four slashes: django-environ drops the first one of the path.
            "EMAIL_URL": f"filemail:///{mail_dir.resolve()}",
            **env,
        },
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole
    )


def group_members(pgid: int) -> set[int]:
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp …; comm may contain spaces, so split after ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.add(int(entry.name))
    return members


def deliveries(mail_dir: Path) -> Counter:
    counted: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        counted.update(int(pk) for pk in HEADER.findall(path.read_bytes()))
    return counted


def wait_for(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_loses_no_reminder_and_repeats_at_most_one_per_process(world, tmp_path):
    require_service(_redis_available(), "REDIS_URL is not set or Redis does not answer")
    if not Path("/proc/self/stat").exists():
        pytest.skip("counting a worker's processes reads /proc")
    # The worker renders with the real clock: sweep the last working day up to today, with
    # items due that day and late since the day before (so the supervisor's digest is owed).
    calendar = get_calendar()
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day = calendar.add_working_days(day, -1)
    late = calendar.add_working_days(day, -1)
    petition = base_petition(world)
    agencies = [world.agency_a1, world.agency_a2, world.province_agency]
    for n, agency in enumerate(agencies):
        share = ASSIGNMENTS // len(agencies)
        open_assignments(petition, agency, [day if (n + i) % 2 else late for i in range(share)])
    owed = ASSIGNMENTS + 1  # one reminder per assignment and the province supervisor's digest

    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    client = Celery("test-client", broker=redis_url(), set_as_current=False)
    workers: list[subprocess.Popen] = []
    try:
        first = start_worker(queue, mail_dir, log)
        workers.append(first)
        client.send_task(reminder_sweep_task.name, args=[day.isoformat()], queue=queue)
        wait_for(lambda: Reminder.objects.count() >= owed, 60, "the sweep", log)
        # The second child delivers alongside the first (sweep, then deliver).
        client.send_task(deliver_reminders_task.name, queue=queue)
        wait_for(
            lambda: Reminder.objects.filter(status="sent").count() >= 300, 60, "first sends", log
        )
        children = group_members(first.pid) - {first.pid}
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        wait_for(lambda: not group_members(first.pid), 10, "the killed processes to go", log)
        sent_when_killed = Reminder.objects.filter(status="sent").count()
        assert 0 < sent_when_killed < owed, "the worker must be killed halfway"
        stuck = Reminder.objects.filter(status="sending").count()
        assert stuck <= 2 * 10  # at most one claim batch per child

        # A new worker, with a short claim timeout so that the dead claims are taken over.
        second = start_worker(queue, mail_dir, log, REMINDER_CLAIM_TIMEOUT="2")
        workers.append(second)
        client.send_task(reminder_sweep_task.name, args=[day.isoformat()], queue=queue)
        deadline = time.monotonic() + 60
        while Reminder.objects.exclude(status="sent").exists():
            if time.monotonic() > deadline:
                pytest.fail(f"reminders left unsent; worker log:\n{log.read_text()[-3000:]}")
            # The beat's every-5-minutes delivery, sped up: it takes over the expired claims.
            client.send_task(deliver_reminders_task.name, queue=queue)
            time.sleep(1)
    finally:
        for worker in workers:
            stop(worker)
        client.close()
        # The extra deliveries sent while finishing may still wait in the queue.
        redis.Redis.from_url(redis_url()).delete(queue)

    assert Reminder.objects.count() == owed  # the second sweep owed nothing more
    delivered = deliveries(mail_dir)
    ids = set(Reminder.objects.values_list("pk", flat=True))
    assert set(delivered) == ids, "every owed reminder is delivered"
    duplicates = sum(count - 1 for count in delivered.values())
    assert len(children) == 2
    assert duplicates <= len(children), f"{duplicates} sent twice, {len(children)} killed"
