"""Background jobs of the dialogue app, and `enqueue`: how the whole app sends a task."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from dialogue.cache import Breaker

logger = logging.getLogger(__name__)

#: What a broker that is down raises when a task is sent (Redis stopped, refused, timed out).
BROKER_ERRORS = (KombuOperationalError, RedisError, ConnectionError, TimeoutError)


#: After a failed send, sends are skipped this long: a hung broker costs one request its socket
#: timeout (CELERY_BROKER_TRANSPORT_OPTIONS), not every request.
BROKER_BREAKER = Breaker(30)


def enqueue(task, *args) -> None:
    """Send `task` with `args` once the current transaction commits.

    A broker that is down is logged, not raised: the request that changed the database has
    succeeded, and a sweep finds what is owed from the rows themselves (the daily reminder
    sweep, the issued-document sweep). After a failure, sends are skipped (and logged) while
    BROKER_BREAKER is open.
    """

    def send() -> None:
        eager = task.app.conf.task_always_eager
        if not eager and BROKER_BREAKER.is_open():
            logger.warning(
                "Task %s%r was not queued (broker unavailable: skipped for %d s after a failure).",
                task.name,
                args,
                BROKER_BREAKER.seconds,
            )
            return
        try:
            task.delay(*args)
        except BROKER_ERRORS as exc:
            BROKER_BREAKER.trip()
            logger.warning(
                "Task %s%r was not queued (broker unavailable: %s).", task.name, args, exc
            )

    transaction.on_commit(send)


@shared_task(ignore_result=False)
def ping(token: str) -> dict:
    """Answer with the token, the worker's clock and whether it ran eagerly.

    Used by `manage.py celery_ping` and the test that proves a real worker consumes from Redis.
    Nothing is written, so running it any number of times is harmless.
    """
    return {"token": token, "at": timezone.now().isoformat(), "eager": bool(ping.request.is_eager)}


@shared_task(acks_late=True)
def export_run_task(job_id: int) -> None:
    """Write one large export (dialogue.exports.export_job_run).

    The job is claimed with a conditional UPDATE from "waiting" to "being written", so a second
    delivery of the same task finds nothing to claim and does nothing.
    """
    from dialogue.exports import export_job_run

    export_job_run(job_id)


@shared_task
def export_purge_task() -> int:
    """Delete the exports past their 24 hours. Deleting what is already gone is a no-op."""
    from dialogue.exports import export_jobs_purge

    return export_jobs_purge()


@shared_task(acks_late=True)
def document_render_task(render_id: int) -> None:
    """Render one document's PDF (dialogue.document_cache.render_run): a draft's, or an issued
    version's, which it then stores.

    The row is claimed with a conditional UPDATE from "waiting" to "being rendered", so a second
    delivery of the same task finds nothing to claim and does nothing.
    """
    from dialogue.document_cache import render_run

    render_run(render_id)


@shared_task
def document_cache_purge_task() -> int:
    """Delete rendered drafts past DOCUMENT_CACHE_DAYS. Deleting what is gone is a no-op."""
    from dialogue.document_cache import purge

    return purge()


@shared_task
def issued_document_sweep_task() -> int:
    """Queue again the issued documents whose render was lost or failed (their snapshot is
    kept until stored). Queuing what is already queued or stored is a no-op."""
    from dialogue.document_cache import requeue_lost

    return requeue_lost()
