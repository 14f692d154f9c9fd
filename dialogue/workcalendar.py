"""The process-wide working-day calendar, rebuilt when a calendar exception changes.

The calendar itself (dialogue.workdays) is pure and answers without the database. Here it is
built once per process from the CalendarException rows, and each `get_calendar()` compares one
small revision token with the database, so a change saved by any process (admin, another web
worker, a Celery worker) is seen by every process on its next call.
"""

from __future__ import annotations

import threading

from django.db import connection

from dialogue.models import CalendarException, CalendarRevision
from dialogue.workdays import DayInfo, Override, WorkCalendar, build_calendar

_lock = threading.Lock()
_cached: tuple[str, WorkCalendar] | None = None


def current_revision() -> str:
    """The revision token, read on every get_calendar(): one row by its key, in plain SQL
    because building the same query with the ORM costs several times its execution."""
    meta = CalendarRevision._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(meta.get_field('token').column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.pk.column)} = %s",
            [1],
        )
        row = cursor.fetchone()
    return (row[0] if row else None) or ""


def overrides_from_db() -> list[Override]:
    return [
        Override(
            day=e.day,
            working=e.kind == CalendarException.Kind.WORKING_DAY,
            name=e.name,
            source=e.source,
        )
        for e in CalendarException.objects.order_by("day")
    ]


def get_calendar() -> WorkCalendar:
    """The calendar for the current revision; hot loops call this once and reuse the result."""
    global _cached
    revision = current_revision()
    cached = _cached
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != revision:
            _cached = (revision, build_calendar(overrides_from_db()))
        return _cached[1]


def month_grids(year_days: list[DayInfo], year: int) -> list[dict]:
    """Twelve months as week rows (Monday first) of DayInfo, None outside the month."""
    import calendar as stdlib_calendar

    infos = {info.day: info for info in year_days}
    months = []
    for month in range(1, 13):
        weeks = [
            [infos.get(d) if d.month == month else None for d in week]
            for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        months.append({"number": month, "weeks": weeks})
    return months
