"""Keyset ("seek") pagination for long lists.

Django's Paginator counts every row and skips with OFFSET: at a million rows that is a full
COUNT(*) per page and a scan to the offset (DESIGN §11). Here a page is "the next `size` rows
after the last row shown", one indexed query whatever the depth, and the cursor is the sort key of
that last row. No total is computed.
"""

from __future__ import annotations

import base64
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import BooleanField, F, GeneratedField, Q, QuerySet
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None
    is_first: bool


class BadCursor(ValueError):
    """A cursor that was not produced by this module (edited URL): show the first page."""


def _fields(order: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(name.lstrip("-"), name.startswith("-")) for name in order]


def encode_cursor(row: Any, order: tuple[str, ...]) -> str:
    values = []
    for name, _descending in _fields(order):
        value = getattr(row, name)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _value_field(field):
    """The field that validates a cursor value: a generated column's output field."""
    return field.output_field if isinstance(field, GeneratedField) else field


def decode_cursor(cursor: str, qs: QuerySet, order: tuple[str, ...]) -> list:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        fields = _fields(order)
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise BadCursor(cursor)
        values = []
        for (name, _d), value in zip(fields, raw, strict=True):
            field = _value_field(qs.model._meta.get_field(name))
            if isinstance(value, bool) and not isinstance(field, BooleanField):
                raise BadCursor(cursor)  # to_python would take true for 1
            value = field.to_python(value)
            if value is not None:
                field.run_validators(value)  # integers within the column's range
            values.append(value)
        if any(value is None for value in values):
            raise BadCursor(cursor)  # sort keys are never null: an edited cursor
        return values
    except (ValueError, TypeError, OverflowError, ValidationError) as error:
        raise BadCursor(cursor) from error


def after_row(qs: QuerySet, values: list, order: tuple[str, ...]) -> RawSQL | None:
    """`(a, b) < (x, y)` when every field sorts the same way: a row comparison lets PostgreSQL
    (and SQLite) start reading the index at the cursor, so page 20,000 costs what page 2 does.
    The OR form of `after_q` can only filter while reading from the start."""
    fields = _fields(order)
    if len({descending for _name, descending in fields}) != 1:
        return None
    connection = connections[qs.db]
    meta = qs.model._meta
    columns, params = [], []
    for (name, _descending), value in zip(fields, values, strict=True):
        field = meta.get_field(name)
        columns.append(
            f"{connection.ops.quote_name(meta.db_table)}.{connection.ops.quote_name(field.column)}"
        )
        params.append(_value_field(field).get_db_prep_value(value, connection))
    descending = fields[0][1]
    op = "<" if descending else ">"
    if _value_field(meta.get_field(fields[-1][0])).get_internal_type() in _INTEGER_TYPES:
        # (a, id) < (x, y) is (a, id) <= (x, y - 1) when ids are integers. PostgreSQL estimates a
        # row comparison from its first column alone: with "<" that is `a < x`, which leaves out
        # the cursor's own group, so a cursor in the last group (a deep page) looks like it has
        # no rows after it and the planner sorts the whole rest instead of reading the index in
        # order. With "<=" the estimate counts the group and the plan stops after one page.
        op += "="
        params[-1] += -1 if descending else 1
    placeholders = ", ".join(["%s"] * len(columns))
    return RawSQL(
        f"({', '.join(columns)}) {op} ({placeholders})", params, output_field=BooleanField()
    )


def after_q(values: list, order: tuple[str, ...]) -> Q:
    """Rows strictly after `values` in `order` (lexicographic, per-field direction)."""
    fields = _fields(order)
    q = Q(pk__in=[])
    for i, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{fields[j][0]: values[j]})
        q |= step
    return q


def keyset_page(qs: QuerySet, *, order: tuple[str, ...], cursor: str | None, size: int) -> Page:
    """The page of `qs` (ordered by `order`, whose last field must be unique) after `cursor`."""
    qs = qs.order_by(*order)
    is_first = True
    if cursor:
        try:
            values = decode_cursor(cursor, qs, order)
            row = after_row(qs, values, order)
            qs = qs.filter(row if row is not None else after_q(values, order))
            is_first = False
        except BadCursor:
            pass
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        next_cursor=encode_cursor(rows[-1], order) if has_more else None,
        is_first=is_first,
    )


@contextmanager
def _read_in_index_order(alias: str):
    """On PostgreSQL, no bitmap scans for the next query (inside a transaction): the planner,
    misjudging how rare a substring is, would otherwise combine the id range with the search
    index and pay for every match in the country instead of reading the window in order."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_bitmapscan'), "
            "set_config('enable_bitmapscan', 'off', true)"
        )
        (before, _off) = cursor.fetchone()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [before])


#: A search page first reads at most this many ids back from its cursor (see `search_page`).
SEARCH_WINDOW = 10_000


def search_page(qs: QuerySet, *, cursor: str | None, size: int, window: int | None = None) -> Page:
    """The page of search matches in `qs` after `cursor`, newest first (by id), in two reads
    whose cost is bounded whatever the terms.

    No database can estimate how many rows hold a substring (PostgreSQL also multiplies the
    terms' guesses as if they were independent), so a single ORDER BY … LIMIT either walks the
    id index through a whole country for terms it wrongly takes for common, or collects and sorts
    every match of terms it wrongly takes for rare. Here:

    1. the newest `window` ids before the cursor, read in id order: at most `window` rows, and
       enough for a page whenever the terms are common;
    2. only if that leaves the page short, the older matches, found through the search index and
       sorted (the sort key is an expression, so no plan walks the id index): few, since the
       recent window held fewer than a page of them.

    ``window=0`` skips the first read, for a caller that knows the matches are few (a small
    scope). The rows are exactly those of ``qs.order_by("-id")`` after the cursor."""
    order = ("-id",)
    window = SEARCH_WINDOW if window is None else window
    upper, is_first = None, True
    if cursor:
        try:
            (upper,) = decode_cursor(cursor, qs, order)
            is_first = False
        except BadCursor:
            pass
    rows: list = []
    if window:
        if upper is None:
            newest = qs.model._base_manager.using(qs.db).order_by("-pk").values_list("pk")
            upper = (newest.first() or (0,))[0] + 1
        lower = max(upper - window, 0)
        recent = qs.filter(pk__lt=upper, pk__gte=lower).order_by("-pk")[: size + 1]
        with transaction.atomic(using=qs.db), _read_in_index_order(qs.db):
            rows = list(recent)
        upper = lower
    if len(rows) <= size and (upper is None or upper > 0):
        older = qs if upper is None else qs.filter(pk__lt=upper)
        rows += list(older.order_by((F("pk") + 0).desc())[: size + 1 - len(rows)])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        next_cursor=encode_cursor(rows[-1], order) if has_more else None,
        is_first=is_first,
    )
