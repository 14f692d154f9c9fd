from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=False)
def ping(token: str) -> dict:
    """Answer with the token, the worker's clock and whether it ran eagerly.

    Used by `manage.py celery_ping` and the test that proves a real worker consumes from Redis.
    Nothing is written, so running it any number of times is harmless.
    """
    return {"token": token, "at": timezone.now().isoformat(), "eager": bool(ping.request.is_eager)}
