"""A pg_trgm GIN index on the folded search column, on PostgreSQL only.

`SearchableQuerySet.search` filters with one `search LIKE '%term%'` per folded term; a trigram
GIN index serves each of them (terms of 3 characters or more) instead of a scan of the scope.
SQLite has no such index and keeps scanning, with the same results. The index is not part of the
model state (SQLite cannot create it), so `makemigrations` never sees it. Built CONCURRENTLY so a
national table keeps taking writes while it is built (hence `atomic = False`).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations

INDEX = GinIndex(fields=["search"], name="petition_search_trgm", opclasses=["gin_trgm_ops"])


class OnPostgreSQL(migrations.operations.base.Operation):
    """Run `operation` against PostgreSQL only; the model state never changes."""

    reversible = True

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"


class AddSearchIndex(AddIndexConcurrently):
    """AddIndexConcurrently whose backwards step works from a state without the index."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._ensure_not_in_transaction(schema_editor)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0005_after_session_statuses"),
    ]

    operations = [
        # CreateExtension already does nothing outside PostgreSQL.
        TrigramExtension(),
        OnPostgreSQL(AddSearchIndex("petition", INDEX)),
    ]
