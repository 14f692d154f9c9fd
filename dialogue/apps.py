from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "dialogue"
    label = "dialogue"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dialogue import checks  # noqa: F401  (registers the checks)
        from dialogue.foldsql import register_sqlite_fold

        # The SQL form of the search folding (dialogue.foldsql.Fold) on SQLite.
        connection_created.connect(register_sqlite_fold, dispatch_uid="dialogue.foldsql")
