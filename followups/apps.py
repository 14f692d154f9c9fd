from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext_lazy as _


def recompute_after_calendar_change(sender, days, **kwargs) -> None:
    """dialogue.signals.calendar_changed (sent after commit): recount the open due dates, in a
    stored recomputation the daily sweep queues again if this message is lost."""
    from followups.recomputation import recomputation_request
    from followups.tasks import enqueue, recompute_due_dates_task

    enqueue(recompute_due_dates_task, recomputation_request(days=days).pk)


def rebuild_after_units_moved(sender, **kwargs) -> None:
    """dialogue.signals.units_moved (sent after commit): the cells add each record to the units
    that were above it; recount them under the new tree."""
    from followups.tasks import enqueue, rebuild_dashboard_summary_task

    enqueue(rebuild_dashboard_summary_task)


def check_reminder_claim_timeout(app_configs, **kwargs):
    """A claim must outlive any task that may still be sending, and expire long before Redis
    hands an unacknowledged task to another worker."""
    timeout = settings.REMINDER_CLAIM_TIMEOUT
    time_limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 0
    visibility = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get(
        "visibility_timeout", 3600
    )
    if time_limit < timeout < visibility:
        return []
    return [
        Warning(
            f"REMINDER_CLAIM_TIMEOUT is {timeout} s: it should be longer than the task time "
            f"limit ({time_limit} s) and well under the broker's visibility timeout "
            f"({visibility} s).",
            hint="A shorter claim lets a second worker send a reminder a live worker is still "
            "sending; the default of 600 s fits the default time limits.",
            id="followups.W001",
        )
    ]


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-up")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dialogue.signals import calendar_changed, units_moved
        from followups.summary import Tracker
        from petitions import changes

        # The dashboard's cells follow every tracked write to petitions and assignments.
        changes.register(Tracker)

        calendar_changed.connect(
            recompute_after_calendar_change, dispatch_uid="followups.recompute_due_dates"
        )
        units_moved.connect(rebuild_after_units_moved, dispatch_uid="followups.rebuild_dashboard")
        register(check_reminder_claim_timeout, Tags.compatibility)
