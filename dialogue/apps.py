from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "dialogue"
    label = "dialogue"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from dialogue import checks  # noqa: F401  (registers the checks)
