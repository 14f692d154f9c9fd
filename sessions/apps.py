from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "dialogue_sessions"
    verbose_name = _("Dialogue sessions")
    default_auto_field = "django.db.models.BigAutoField"
