"""Redis stopped: what people record still succeeds (the database is the truth), the tasks that
could not be queued are only logged, and once Redis is back the sweep sends what is owed."""

from __future__ import annotations

import logging
import socket
import time
from contextlib import contextmanager
from datetime import date

from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from dialogue.celery import app as celery_app
from dialogue.models import CalendarException
from dialogue.services import calendar_exception_save
from followups import services
from followups.models import Assignment, Reminder
from followups.tasks import deliver_reminders_task, enqueue, reminder_sweep_task
from sessions import console
from sessions.services import session_transition
from tests.factories import issue_notice, make_held_session, make_plan, make_session
from tests.followups.test_reminders import at

WARNING = "was not queued (broker unavailable"


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_broker_pools() -> None:
    # The app keeps its broker connections; a new URL needs new ones.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def redis_stopped():
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    conf.task_always_eager = False
    _reset_broker_pools()
    try:
        yield
    finally:
        conf.update(saved)
        _reset_broker_pools()


def test_with_redis_stopped_records_succeed_and_redis_back_sends_what_is_owed(
    world, login, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="dialogue.tasks")
    with redis_stopped():
        started = time.monotonic()
        with at(date(2026, 12, 21)), django_capture_on_commit_callbacks(execute=True):
            session, petitions = make_held_session(world.commune_a, petitions=2)
            issue_notice(
                session,
                actor=world.organiser_a,
                agencies=[world.agency_a1],
                issued_on=date(2026, 12, 21),
            )
        answered, still_open = Assignment.objects.order_by("pk")
        with at(date(2026, 12, 22)), django_capture_on_commit_callbacks(execute=True):
            services.response_record(
                actor=world.responder_a,
                assignment=answered,
                responded_on=date(2026, 12, 22),
                method="in_writing",
                document_number="15/CV-CA",
                text="Đã kiểm tra và trả lời công dân.",
            )
            with transaction.atomic():
                enqueue(deliver_reminders_task)  # a service's enqueue, after its commit
        # The signal handler enqueues the recomputation: the calendar is saved all the same,
        # through the service and through the web page.
        with at(date(2026, 12, 22)), django_capture_on_commit_callbacks(execute=True):
            calendar_exception_save(
                actor=world.administrator,
                reason="Thông báo nghỉ bù",
                day=date(2027, 6, 14),
                kind=CalendarException.Kind.DAY_OFF,
                name="Nghỉ bù thử",
                source="Văn bản thử nghiệm",
            )
            response = login(world.administrator).post(
                reverse("calendar-exception-new"),
                {
                    "day": "2027-06-15",
                    "kind": "day_off",
                    "name": "Nghỉ thử qua trang",
                    "source": "Thông báo 2/TB-TEST",
                    "note": "",
                    "reason": "Chính phủ cho nghỉ",
                },
            )
        assert response.status_code == 302
        assert time.monotonic() - started < 30  # each failed send gives up within seconds
    warnings = [r for r in caplog.records if WARNING in r.getMessage()]
    assert len(warnings) == 3  # the explicit enqueue and two recomputations
    assert CalendarException.objects.filter(day__in=[date(2027, 6, 14), date(2027, 6, 15)]).count()
    answered.refresh_from_db()
    assert answered.status == "answered"
    assert not Reminder.objects.exists()
    assert not mail.outbox

    # Redis is back (eager tasks in tests): the daily task finds what is owed from the rows.
    due = still_open.due_on
    with at(due, hour=7):
        assert reminder_sweep_task(due.isoformat()) == 1
    (message,) = mail.outbox
    assert message.to == [world.agency_a1.email]
    assert message.extra_headers["X-Reminder-Id"] == str(
        Reminder.objects.get(assignment=still_open, kind="due_today").pk
    )
    assert not Reminder.objects.filter(assignment=answered).exists()


def stopped_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "dialogue.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_with_the_cache_on_a_stopped_redis_pages_still_record(world, client, settings, caplog):
    """Production settings put sessions and the console counter in Redis: with Redis stopped,
    logging in, recording a response and issuing a notice through the pages still work."""
    settings.CACHES = stopped_cache(closed_port())
    assert cache.get("anything", "miss") == "miss"
    cache.set("anything", 1)  # dropped, not raised

    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        notice = services.notice_draft(actor=world.organiser_a, session=session)
        services.notice_update(
            actor=world.organiser_a,
            notice=notice,
            signer_name="Trần Văn Chủ",
            signer_title="CHỦ TỊCH",
        )
        client.force_login(world.organiser_a)
        response = client.post(
            reverse("session-notice-issue", args=[session.pk]),
            {
                "issue-number": "09/TB-UBND",
                "issue-issued_on": "2026-12-21",
                f"issue-agencies_{petition.pk}": [world.agency_a1.pk],
                "issue-confirm_early": "on",
            },
        )
        assert response.status_code == 302, response.content[:500]
        assignment = Assignment.objects.get(petition=petition)

        client.force_login(world.responder_a)
        response = client.post(
            reverse("assignment-response", args=[assignment.pk]),
            {
                "response-responded_on": "2026-12-21",
                "response-method": "in_person",
                "response-text": "Đã gặp và trả lời trực tiếp công dân.",
            },
        )
        assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "answered"

    # The console's change counter falls back to the session row: polls still get tags.
    live = make_session(make_plan(world.commune_a), secretaries=[world.secretary_a])
    session_transition(actor=world.organiser_a, session=live, to="scheduled", confirm=True)
    first = console.revision(live.pk)
    assert first is not None
    console.bump(live.pk)
    assert console.revision(live.pk) != first
    assert "Cache unavailable" in caplog.text
