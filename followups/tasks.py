"""Background jobs of the follow-up app: the reminder sweep, delivery, due-date recomputation.

Tasks are thin (load → service) and safe to run twice or to be killed halfway (STYLE.md
"Background jobs"): the outbox rows and the conditional claims in followups.reminders make a
second run find nothing more to do. `enqueue` is how the rest of the app starts one.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from dialogue.models import CalendarException
from followups import reminders, services

logger = logging.getLogger(__name__)

#: Rows claimed per deliver() call inside the delivery loop.
DELIVER_BATCH = 500
#: Time a delivery run keeps going before handing over to a fresh task; far under the soft
#: time limit (CELERY_TASK_SOFT_TIME_LIMIT), so a run is never cut off mid-message.
DELIVER_BUDGET_SECONDS = 120

#: Calendar exceptions changed this recently are recounted again by the daily sweep.
RECOMPUTE_LOOKBACK = timedelta(days=8)

#: What a broker that is down raises when a task is sent (Redis stopped, refused, timed out).
BROKER_ERRORS = (KombuOperationalError, RedisError, ConnectionError, TimeoutError)


def enqueue(task, *args) -> None:
    """Send `task` with `args` once the current transaction commits.

    A broker that is down is logged, not raised: the request that changed the database has
    succeeded, and the daily sweep (or the frequent delivery run) finds what is owed from the
    rows themselves.
    """

    def send() -> None:
        try:
            task.apply_async(args=args)
        except BROKER_ERRORS as exc:
            logger.warning(
                "Task %s%r was not queued (broker unavailable: %s).", task.name, args, exc
            )

    transaction.on_commit(send)


def _deliver_until_done() -> int:
    """Deliver in batches until a batch sends nothing; hand over to a new task past the budget."""
    started = time.monotonic()
    total = 0
    while True:
        sent = reminders.deliver(limit=DELIVER_BATCH)
        total += sent
        if sent == 0:
            return total
        if time.monotonic() - started > DELIVER_BUDGET_SECONDS:
            enqueue(deliver_reminders_task)
            return total


@shared_task
def reminder_sweep_task(day: str | None = None) -> int:
    """Insert the reminders owed on `day` (default: today in Asia/Ho_Chi_Minh), then send them.

    First recounts the due dates touched by calendar exceptions changed in the last
    RECOMPUTE_LOOKBACK (a no-op when they are right). Then selects open assignments due in 2
    working days, due today or overdue on their weekly reminder day, and the supervisors with
    overdue items below them. Re-running is safe: the
    unique constraints of the outbox let a second sweep insert nothing, and delivery claims
    each row before sending it.
    """
    today = date.fromisoformat(day) if day else timezone.localdate()
    # A recomputation lost with its message (broker down when the calendar changed) is redone
    # here, before reminders are owed from the due dates.
    recent = CalendarException.objects.filter(
        updated_at__gte=timezone.now() - RECOMPUTE_LOOKBACK
    ).values_list("day", flat=True)
    services.recompute_due_dates(days=list(recent))
    reminders.sweep(today=today)
    return _deliver_until_done()


@shared_task
def deliver_reminders_task() -> int:
    """Send the pending reminders, and retry the failed or stuck ones whose claim has expired.

    Selects outbox rows that are pending, failed with attempts left, or "sending" longer than
    REMINDER_CLAIM_TIMEOUT (their worker died). Re-running is safe: each row is claimed with a
    conditional UPDATE before it is sent, so two runs never send the same row. While batches
    are full the task re-enqueues itself instead of running past its time limit.
    """
    return _deliver_until_done()


@shared_task
def recompute_due_dates_task(days: list[str]) -> int:
    """Recount the open, not extended due dates whose span includes one of `days` (ISO dates).

    Sent when a calendar exception changes. Re-running is safe: a due date already right is
    left alone, so a second run changes and records nothing.
    """
    return services.recompute_due_dates(days=[date.fromisoformat(d) for d in days])


@shared_task(acks_late=True)
def retention_sweep_task() -> dict:
    """Anonymise the citizens' data of sessions past RETENTION_YEARS (followups.anonymisation).
    It selects only sessions not yet anonymised and runs in one transaction, so a second run, or
    a run after a killed one, finds exactly what is still due."""
    from followups import anonymisation

    return anonymisation.retention_sweep().as_dict()
