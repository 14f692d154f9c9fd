"""`dialogue.textfold.fold` inside an SQL statement, so a set-based UPDATE can rebuild a folded
search column without reading its rows into Python (the retention sweep).

- SQLite: `fold` itself, registered on every new connection as the deterministic SQL function
  ``dt_fold`` (`register_sqlite_fold`, connected to `connection_created` by the app config).
  Exact by construction.
- PostgreSQL (UTF8 databases): ``normalize(x, NFD)``, A–Z lowered (``lower`` under the "C"
  collation touches ASCII only), the eight combining marks Vietnamese uses dropped, "Đ"/"đ" to
  "d", ASCII whitespace runs collapsed to one space and the ends trimmed, with ``replace`` chains
  (``translate`` scans its whole character set for every character: 60 µs a row against 10).
  Whenever the result is ASCII this is exactly `fold`'s definition (casefold, NFD, marks
  dropped, "đ" → "d", whitespace collapsed) restricted to the characters it met. A result that
  still holds a non-ASCII character (another script or letter, another mark) may differ:
  `needs_python` selects those rows and the caller folds them in Python (`exact_in_sql` says
  whether that second pass is needed).

`search_document(*parts)` is `fold` of the parts joined by spaces (each part's whitespace is
collapsed anyway, and blank parts vanish), so `search_document_sql` folds one concatenation.
"""

from __future__ import annotations

from django.db.models import Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat

from dialogue.textfold import _MARKS, fold

SQLITE_FUNCTION = "dt_fold"

# What Python's str.split() treats as whitespace among ASCII characters, the space apart.
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
#: (old, new) pairs applied by nested replace() after NFD and ASCII lower-casing.
REPLACEMENTS = (
    *((mark, "") for mark in _MARKS),
    ("Đ", "d"),
    ("đ", "d"),
    *((space, " ") for space in _ASCII_SPACE),
)

#: A folded value holding a non-ASCII character (to refold in Python on PostgreSQL).
NON_ASCII = r"[^\x01-\x7f]"


def _sqlite_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: make ``dt_fold(text)`` available on SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_fold, deterministic=True)


def exact_in_sql(connection) -> bool:
    """Whether `Fold` equals `fold` for every input on this database (else see NEEDS_PYTHON)."""
    return connection.vendor == "sqlite"


def needs_python(column: str) -> Q:
    """The rows whose folded `column` may differ from `fold` when computed by `Fold`."""
    return Q(**{f"{column}__regex": NON_ASCII})


class Fold(Func):
    """``fold(expression)`` in SQL (see the module's docstring for the PostgreSQL caveat)."""

    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        text = Func(
            expression,
            template='lower(normalize(%(expressions)s, NFD) COLLATE "C")',
            output_field=TextField(),
        )
        for old, new in REPLACEMENTS:
            text = Func(text, Value(old), Value(new), function="replace", output_field=TextField())
        collapsed = Func(
            text,
            Value("  +"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
        trimmed = Func(collapsed, Value(" "), function="btrim", output_field=TextField())
        return trimmed.as_sql(compiler, connection, **extra_context)


def search_document_sql(*parts) -> Fold:
    """`textfold.search_document(*parts)` as an SQL expression (parts: expressions; NULL is
    blank)."""
    joined: list = []
    for part in parts:
        if joined:
            joined.append(Value(" "))
        joined.append(Coalesce(part, Value(""), output_field=TextField()))
    return Fold(Concat(*joined, output_field=TextField()) if len(joined) > 1 else joined[0])
