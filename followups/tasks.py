"""Background jobs of the follow-up app: the reminder sweep, delivery, due-date recomputation.

Tasks are thin (load → service) and safe to run twice or to be killed halfway (STYLE.md
"Background jobs"): the outbox rows and the conditional claims in followups.reminders make a
second run find nothing more to do. `enqueue` is how the rest of the app starts one.
"""

from __future__ import annotations

import time
from datetime import date

from celery import shared_task
from django.utils import timezone

# The broker's failures are handled where the app sends any task (dialogue.tasks.enqueue).
from dialogue.tasks import BROKER_BREAKER, BROKER_ERRORS, enqueue  # noqa: F401
from followups import recomputation, reminders
from followups.models import Recomputation

#: Rows claimed per deliver() call inside the delivery loop.
DELIVER_BATCH = 500
#: Time a delivery run keeps going before handing over to a fresh task; far under the soft
#: time limit (CELERY_TASK_SOFT_TIME_LIMIT), so a run is never cut off mid-message.
DELIVER_BUDGET_SECONDS = 120


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

    Selects open assignments due in 2 working days, due today or overdue on their weekly
    reminder day, and the supervisors with overdue items below them. Then queues the due-date
    recomputations still owed (followups.recomputation.recomputations_owed: pending ones, ones
    whose worker died, calendar changes no recomputation covers) as tasks of their own: a
    recomputation of national size never stands in front of the reminders. Re-running is safe:
    the unique constraints of the outbox let a second sweep insert nothing, delivery claims each
    row before sending it, and a recomputation is claimed before it runs.
    """
    today = date.fromisoformat(day) if day else timezone.localdate()
    reminders.sweep(today=today)
    for recomputation_id in recomputation.recomputations_owed():
        enqueue(recompute_due_dates_task, recomputation_id)
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
def recompute_due_dates_task(recomputation_id: int | list[str]) -> int:
    """Run the claimed recomputation `recomputation_id` (a followups.models.Recomputation).

    Selects the open, not extended assignments whose span includes one of its days, chunk by
    chunk of ids from its stored progress. Re-running is safe: the row is claimed with a
    conditional UPDATE (a second task finds it taken and returns), each chunk commits with the
    progress, and a due date already right is left alone. Past its time budget the run hands the
    rest to a fresh task. (A list of ISO dates is a message queued before recomputations were
    stored: it becomes one.)
    """
    if isinstance(recomputation_id, list):
        recomputation_id = recomputation.recomputation_request(days=recomputation_id).pk
    changed, finished = recomputation.recomputation_run(recomputation_id=recomputation_id)
    if (
        not finished
        and Recomputation.objects.filter(
            pk=recomputation_id, status=Recomputation.Status.PENDING
        ).exists()
    ):
        enqueue(recompute_due_dates_task, recomputation_id)
    return changed


@shared_task(acks_late=True)
def retention_sweep_task() -> dict:
    """Anonymise the citizens' data of sessions past RETENTION_YEARS (followups.anonymisation).
    It selects only sessions not yet anonymised and runs in one transaction, so a second run, or
    a run after a killed one, finds exactly what is still due."""
    from followups import anonymisation

    return anonymisation.retention_sweep().as_dict()


@shared_task(acks_late=True)
def dashboard_summary_roll_task(day: str | None = None) -> int:
    """Judge the dashboard's open assignments on `day` (default: today): those that fell due
    become overdue in the cells (followups.summary.roll), then merge the day's difference rows.

    Selects the open assignments due since the cells' last judging day. Re-running is safe: the
    state row is locked exclusively, and a second run finds the cells already judged on `day`
    (merging again changes no sum)."""
    from followups import summary

    today = date.fromisoformat(day) if day else timezone.localdate()
    moved = summary.roll(today=today)
    summary.compact()
    return moved


@shared_task(acks_late=True)
def rebuild_dashboard_summary_task() -> int:
    """Recount the dashboard's cells from every petition and assignment (after a bulk load or a
    move in the unit tree). Re-running is safe: it replaces the cells, under the state row's
    exclusive lock, with the same recount."""
    from followups import summary

    return summary.rebuild()
