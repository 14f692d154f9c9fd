"""The reminder outbox: what is owed today (`sweep`) and sending it (`deliver`).

The database is the truth (DESIGN §7). `sweep` inserts one Reminder row per message owed, in
a fixed number of set-based statements whatever the number of assignments (DESIGN §10: a
million open assignments in ≤ 20 s); the two partial unique constraints of Reminder make a
second sweep on the same day insert nothing. `deliver` claims rows with a conditional UPDATE
before sending, so two workers never send the same row, and a worker killed halfway leaves at
most the one message it was sending to be sent again.

What is owed on a working day `today` (nothing on a day off):

- due_soon: open assignments due 2 working days after today (due dates that fall on a day off
  are counted with the next working day, so none is skipped);
- due_today: open assignments due today;
- overdue: open assignments past their due date, on the first working day after the due date
  and then weekly: on each working day on or after due_on + 1, due_on + 8, due_on + 15, … that
  is the first working day on or after that calendar day. With calendar days x = today − due_on
  and gap = calendar days since the previous working day, that is ``(x − 1) mod 7 < gap``:
  every weekday when gap = 1, and the anniversaries that fell on the weekend or a holiday are
  sent on the next working day;
- digest: one per supervisor (by e-mail address) whose subtree has at least one overdue open
  assignment.

The three assignment kinds go to the agency's e-mail; agencies without one are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from dialogue.models import AdministrativeUnit, Agency, Membership, Role, User
from dialogue.workcalendar import get_calendar
from dialogue.workdays import WorkCalendar
from followups.deadlines import working_days_overdue
from followups.models import Assignment, Reminder

logger = logging.getLogger(__name__)

DUE_SOON_WORKING_DAYS = 2
OVERDUE_REPEAT_DAYS = 7
#: A failed row is tried again after the claim timeout, until it has been tried this often.
MAX_ATTEMPTS = 5
#: Rows claimed per UPDATE: a killed worker leaves at most this many rows for the timeout.
CLAIM_BATCH = 10
EXCERPT_CHARS = 300
DIGEST_EXCERPT_CHARS = 120
DIGEST_ITEMS = 100
#: Why a row was not sent; stored in last_error (the row is then never tried again).
CLOSED_BEFORE_SENDING = "Không gửi: nhiệm vụ đã được trả lời hoặc chuyển trước khi gửi."
NOTHING_OVERDUE = "Không gửi: không còn kiến nghị quá hạn khi gửi."


# --- sweep ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """The dates that decide what is owed on `today` (computed once, without the database)."""

    today: date
    soon_after: date  # due_soon: due_on in (soon_after, soon]
    soon: date
    gap: int  # calendar days since the previous working day


def owed_on(today: date, calendar: WorkCalendar) -> Owed:
    previous = calendar.add_working_days(today, -1)
    return Owed(
        today=today,
        soon_after=calendar.add_working_days(today, DUE_SOON_WORKING_DAYS - 1),
        soon=calendar.add_working_days(today, DUE_SOON_WORKING_DAYS),
        gap=(today - previous).days,
    )


def overdue_reminder_due(due_on: date, today: date, calendar: WorkCalendar) -> bool:
    """The overdue rule of the module docstring, in Python (the sweep says it in SQL)."""
    if due_on >= today or not calendar.is_working_day(today):
        return False
    gap = (today - calendar.add_working_days(today, -1)).days
    return ((today - due_on).days - 1) % OVERDUE_REPEAT_DAYS < gap


def _days_between_sql(vendor: str) -> str:
    """SQL for the calendar days from a.due_on to the date parameter (today)."""
    if vendor == "postgresql":
        return "(%s::date - a.due_on)"
    return "CAST(julianday(%s) - julianday(a.due_on) AS INTEGER)"


def _insert(vendor: str) -> tuple[str, str]:
    if vendor == "postgresql":
        return "INSERT INTO", "ON CONFLICT DO NOTHING"
    if vendor == "sqlite":
        return "INSERT OR IGNORE INTO", ""
    raise NotImplementedError(f"The reminder sweep supports PostgreSQL and SQLite, not {vendor}.")


def _assignment_reminders_sql(vendor: str) -> str:
    insert, on_conflict = _insert(vendor)
    return f"""
        {insert} {Reminder._meta.db_table}
            (assignment_id, user_id, kind, for_date, recipient, status, attempts, last_error,
             created_at)
        SELECT a.id, CAST(NULL AS BIGINT),
               CASE WHEN a.due_on = %s THEN %s WHEN a.due_on < %s THEN %s ELSE %s END,
               %s, ag.email, %s, 0, '', %s
        FROM {Assignment._meta.db_table} a
        JOIN {Agency._meta.db_table} ag ON ag.id = a.agency_id
        WHERE a.status = %s AND ag.email <> ''
          AND ((a.due_on > %s AND a.due_on <= %s)
               OR a.due_on = %s
               OR (a.due_on < %s AND (({_days_between_sql(vendor)} - 1) %% %s) < %s))
        {on_conflict}
    """


def _digest_sql(vendor: str) -> str:
    insert, on_conflict = _insert(vendor)
    unit = AdministrativeUnit._meta.db_table
    # The units with an overdue open assignment and all their ancestors, up the parent chain
    # (the same tree as the materialised path), then their supervisors.
    # The WITH goes inside the INSERT: Python's sqlite3 reports rowcount only for statements
    # that begin with INSERT.
    return f"""
        {insert} {Reminder._meta.db_table}
            (assignment_id, user_id, kind, for_date, recipient, status, attempts, last_error,
             created_at)
        WITH RECURSIVE late_units(id) AS (
            SELECT DISTINCT a.unit_id FROM {Assignment._meta.db_table} a
            WHERE a.status = %s AND a.due_on < %s
            UNION
            SELECT u.parent_id FROM {unit} u JOIN late_units l ON u.id = l.id
            WHERE u.parent_id IS NOT NULL
        )
        SELECT CAST(NULL AS BIGINT), MIN(u.id), %s, %s, u.email, %s, 0, '', %s
        FROM {User._meta.db_table} u
        WHERE u.is_active AND u.email <> ''
          AND EXISTS (
              SELECT 1 FROM {Membership._meta.db_table} m
              WHERE m.user_id = u.id AND m.role = %s
                AND m.unit_id IN (SELECT id FROM late_units)
          )
        GROUP BY u.email
        {on_conflict}
    """


def sweep(*, today: date) -> int:
    """Insert the Reminder rows owed on `today`; returns how many were new.

    Three queries at most (the calendar revision, the assignments' reminders, the digests),
    whatever the number of assignments; a second run the same day inserts nothing.
    """
    calendar = get_calendar()
    if not calendar.is_working_day(today):
        return 0
    owed = owed_on(today, calendar)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    vendor = connection.vendor
    kinds = Reminder.Kind
    pending = Reminder.Status.PENDING.value
    day, soon_after, soon = (
        ops.adapt_datefield_value(d) for d in (today, owed.soon_after, owed.soon)
    )
    assignment_params = [
        day,
        kinds.DUE_TODAY.value,
        day,
        kinds.OVERDUE.value,
        kinds.DUE_SOON.value,
        day,
        pending,
        now,
        Assignment.Status.OPEN.value,
        soon_after,
        soon,
        day,
        day,
        day,
        OVERDUE_REPEAT_DAYS,
        owed.gap,
    ]
    digest_params = [
        Assignment.Status.OPEN.value,
        day,
        kinds.DIGEST.value,
        day,
        pending,
        now,
        Role.SUPERVISOR.value,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_assignment_reminders_sql(vendor), assignment_params)
        created = max(cursor.rowcount, 0)
        cursor.execute(_digest_sql(vendor), digest_params)
        created += max(cursor.rowcount, 0)
    logger.info("Reminder sweep for %s: %d new rows.", today.isoformat(), created)
    return created


# --- deliver ----------------------------------------------------------------------------------


def _claimable(now) -> Q:
    stale = now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
    return (
        Q(status=Reminder.Status.PENDING)
        # A worker killed while sending leaves its row here; the timeout says it is dead.
        | Q(status=Reminder.Status.SENDING, claimed_at__lt=stale, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Reminder.Status.FAILED, claimed_at__lt=stale, attempts__lt=MAX_ATTEMPTS)
    )


def claim(limit: int) -> list[int]:
    """Mark up to `limit` claimable rows as being sent by this process and return their ids.

    The UPDATE repeats the claimable condition, so a row another worker claimed meanwhile is
    not taken twice (PostgreSQL also skips rows locked by a concurrent claim; SQLite takes
    the write lock when the transaction begins).
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Reminder.objects.filter(_claimable(now), pk__in=ids).update(
            status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        return list(
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING, claimed_at=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _give_up_on_stuck_rows() -> None:
    """Rows left in "sending" after their last attempt are failures, shown as such."""
    stale = timezone.now() - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
    Reminder.objects.filter(
        status=Reminder.Status.SENDING, claimed_at__lt=stale, attempts__gte=MAX_ATTEMPTS
    ).update(status=Reminder.Status.FAILED, last_error="Không rõ kết quả gửi sau nhiều lần thử.")


def assignment_url(pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("assignment-detail", args=[pk])


def _fmt(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _item(assignment: Assignment, today: date, calendar: WorkCalendar) -> dict:
    petition = assignment.petition
    content = Truncator(" ".join(petition.content.split()))
    return {
        "assignment": assignment,
        "petition_number": petition.pk,
        "excerpt": content.chars(EXCERPT_CHARS),
        "excerpt_short": content.chars(DIGEST_EXCERPT_CHARS),
        "session_title": petition.session.title,
        "unit_name": assignment.unit.name,
        "agency_name": assignment.agency.name,
        "due_on": _fmt(assignment.due_on),
        "due_explanation": assignment.due_explanation,
        "days_overdue": working_days_overdue(assignment.due_on, today, calendar),
        "days_left": max(calendar.working_days_between(today, assignment.due_on), 0),
        "url": assignment_url(assignment.pk),
    }


def _render(name: str, context: dict) -> tuple[str, str, str]:
    """(subject on one line, plain text, HTML) from templates/emails/<name>-*."""
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    context = {**context, "subject": subject}
    return (
        subject,
        render_to_string(f"emails/{name}-body.txt", context),
        render_to_string(f"emails/{name}-body.html", context),
    )


def _reminder_message(reminder: Reminder, today: date, calendar: WorkCalendar):
    """(subject, text, html) of an assignment's reminder, or None when nothing is owed now."""
    assignment = reminder.assignment
    if not assignment.is_open:
        return None
    context = {"kind": reminder.kind, "today": _fmt(today), **_item(assignment, today, calendar)}
    return _render("reminder", context)


def _digest_message(reminder: Reminder, today: date, calendar: WorkCalendar):
    # The supervisor's scope as the overdue page computes it (dialogue.access).
    overdue = (
        Assignment.objects.scoped(reminder.user, [Role.SUPERVISOR], "unit")
        .overdue(on=today)
        .order_by("due_on", "pk")
    )
    total = overdue.count()
    if not total:
        return None
    items = [
        _item(a, today, calendar)
        for a in overdue.select_related("petition__session", "agency", "unit")[:DIGEST_ITEMS]
    ]
    user = reminder.user
    context = {
        "today": _fmt(today),
        "name": (user.full_name or user.get_username()) if user else "",
        "total": total,
        "items": items,
        "shown": len(items),
        "more": total - len(items),
    }
    return _render("digest", context)


def build_message(reminder: Reminder, *, today: date, calendar: WorkCalendar, connection=None):
    """The e-mail of `reminder`, or None when what it reminds of is settled meanwhile."""
    with translation.override("vi"):
        if reminder.kind == Reminder.Kind.DIGEST:
            parts = _digest_message(reminder, today, calendar)
        else:
            parts = _reminder_message(reminder, today, calendar)
    if parts is None:
        return None
    subject, text, html = parts
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient],
        headers={"X-Reminder-Id": str(reminder.pk)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


class _Connection:
    """One mail connection for a batch, reopened after an error (an SMTP session may be dead)."""

    def __init__(self) -> None:
        self.backend = None

    def get(self):
        if self.backend is None:
            self.backend = mail.get_connection()
            self.backend.open()
        return self.backend

    def reset(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception:  # closing a broken connection may fail too
                logger.debug("Closing the mail connection failed.", exc_info=True)


def _load(pks: list[int]) -> dict[int, Reminder]:
    rows = Reminder.objects.filter(pk__in=pks).select_related(
        "assignment__petition__session", "assignment__agency", "assignment__unit", "user"
    )
    return {r.pk: r for r in rows}


def deliver(*, limit: int = 500) -> int:
    """Send up to `limit` claimable reminders; returns how many were sent.

    Each row is claimed before it is sent and marked sent right after, so a worker killed
    between the two sends that one message again after REMINDER_CLAIM_TIMEOUT; a failure is
    stored on the row and tried again after the timeout, up to MAX_ATTEMPTS times.
    """
    _give_up_on_stuck_rows()
    calendar = get_calendar()
    today = timezone.localdate()
    conn = _Connection()
    sent = 0
    handled = 0
    try:
        while handled < limit:
            pks = claim(min(CLAIM_BATCH, limit - handled))
            if not pks:
                break
            handled += len(pks)
            rows = _load(pks)
            for pk in pks:
                reminder = rows.get(pk)
                if reminder is None:
                    continue
                try:
                    message = build_message(
                        reminder, today=today, calendar=calendar, connection=conn.get()
                    )
                    if message is None:
                        reason = (
                            NOTHING_OVERDUE
                            if reminder.kind == Reminder.Kind.DIGEST
                            else CLOSED_BEFORE_SENDING
                        )
                        Reminder.objects.filter(pk=pk).update(
                            status=Reminder.Status.FAILED, attempts=MAX_ATTEMPTS, last_error=reason
                        )
                        continue
                    message.send()
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:  # any failure is stored on the row
                    logger.warning("Reminder %s was not sent: %s", pk, exc, exc_info=True)
                    conn.reset()
                    Reminder.objects.filter(pk=pk).update(
                        status=Reminder.Status.FAILED,
                        last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    )
                    continue
                Reminder.objects.filter(pk=pk).update(
                    status=Reminder.Status.SENT, sent_at=timezone.now(), last_error=""
                )
                sent += 1
    finally:
        conn.reset()
    return sent
