"""A larger statistics sample for the folded search column, on PostgreSQL only.

PostgreSQL guesses how many rows hold a substring (`search LIKE '%term%'`) by trying the term on
the column's histogram. With the default 100 entries, a term found in 3 % of the rows is seen
0 to 6 times, so the guess swings by a factor of five from one ANALYZE to the next. A
province's search intersects the unit index with the trigram index
(dialogue.pagination.search_page, window=0); on the national bench data, 3 of 24 analyses led
the planner to drop that intersection for a scan of the province or of the country's matches
(176–190 ms instead of 20–40 ms). With 1000 entries, none of 48 did. The cost: ANALYZE samples
300,000 rows instead of 30,000 (seconds, in the background), and a search is planned in about
0.5 ms more.
"""

from django.db import migrations

TARGET = 1000


def _set_target(apps, schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("petitions", "Petition")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search SET STATISTICS {target}")
    # At once, not at autovacuum's next pass.
    schema_editor.execute(f"ANALYZE {table} (search)")


def forwards(apps, schema_editor):
    _set_target(apps, schema_editor, TARGET)


def backwards(apps, schema_editor):
    _set_target(apps, schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0009_merge_references"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
