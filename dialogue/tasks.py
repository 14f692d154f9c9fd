from celery import shared_task
from django.utils import timezone


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
