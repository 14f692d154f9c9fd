from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "dialogue_sessions"
    verbose_name = _("Dialogue sessions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dialogue.signals import document_stored
        from sessions.minutes import mirror_sha256

        # Here, not in the module: a Celery worker stores documents without loading the views.
        document_stored.connect(
            mirror_sha256,
            sender=self.get_model("Minutes"),
            dispatch_uid="sessions.minutes_sha256",
        )
