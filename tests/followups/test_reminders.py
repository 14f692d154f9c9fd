"""The reminder outbox: what the daily sweep owes on which day, delivery exactly once, retries,
the supervisors' digest, the beat schedule and the calendar signal. Time is frozen."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogue import audit
from dialogue.celery import app as celery_app
from dialogue.models import CalendarException, CalendarRevision, Role
from dialogue.services import calendar_exception_save
from dialogue.workcalendar import get_calendar
from followups import reminders
from followups.models import Assignment, Reminder
from followups.tasks import reminder_sweep_task
from petitions.models import Petition
from tests.factories import UserFactory, issue_notice, make_held_session, member

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# March 2027: no holiday; Saturdays 6, 13, 20, 27.
MON_08, WED_10, THU_11, FRI_12, SAT_13 = (date(2027, 3, d) for d in (8, 10, 11, 12, 13))
MON_15 = date(2027, 3, 15)


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


# --- helpers shared with test_worker_kill and test_redis_down ---------------------------------


def base_petition(world) -> Petition:
    with at(date(2026, 12, 21)):
        _, (petition,) = make_held_session(world.commune_a)
    return petition


def open_assignments(petition, agency, due_dates, *, unit=None, content=None) -> list[Assignment]:
    """Open assignments made directly (bulk_create, not through the services): one cloned
    petition each, so thousands cost two queries."""
    # The public reference is unique: each clone draws its own (the field's default).
    fields = [
        f for f in Petition._meta.concrete_fields if not f.primary_key and f.name != "reference"
    ]
    clones = []
    for n, _due in enumerate(due_dates, start=1):
        clone = Petition(**{f.attname: getattr(petition, f.attname) for f in fields})
        clone.content = content or f"Kiến nghị thử số {n} về đường giao thông thôn Đông."
        clones.append(clone)
    clones = Petition.objects.bulk_create(clones, batch_size=500)
    unit_id = unit.pk if unit is not None else petition.unit_id
    return Assignment.objects.bulk_create(
        [
            Assignment(
                petition=p,
                agency=agency,
                unit_id=unit_id,
                assigned_on=date(2026, 12, 21),
                anchor_on=date(2026, 12, 21),
                due_on=due,
                due_explanation="10 ngày làm việc sau ngày ban hành thông báo kết luận (thử)",
            )
            for p, due in zip(clones, due_dates, strict=True)
        ],
        batch_size=500,
    )


def owed(**filters) -> set[tuple]:
    """(assignment id, kind, day) of the assignments' reminders (digests: filter kind=digest)."""
    rows = Reminder.objects.filter(**filters)
    if "kind" not in filters:
        rows = rows.exclude(kind="digest")
    return set(rows.values_list("assignment_id", "kind", "for_date"))


def reminder_ids_sent() -> Counter:
    return Counter(int(m.extra_headers["X-Reminder-Id"]) for m in mail.outbox)


def day_off(day: date) -> None:
    CalendarException.objects.create(day=day, kind="day_off", name="Nghỉ thử", source="Thử")
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": f"off-{day}"})


# --- what is owed on which day ----------------------------------------------------------------


def test_due_soon_is_owed_two_working_days_before_across_a_weekend(world):
    (a,) = open_assignments(base_petition(world), world.agency_a1, [MON_15])
    assert get_calendar().add_working_days(THU_11, 2) == MON_15

    assert reminders.sweep(today=WED_10) == 0
    assert reminders.sweep(today=THU_11) == 1
    assert owed() == {(a.pk, "due_soon", THU_11)}
    assert reminders.sweep(today=FRI_12) == 0
    assert reminders.sweep(today=SAT_13) == 0
    assert reminders.sweep(today=MON_15) == 1
    assert owed(for_date=MON_15) == {(a.pk, "due_today", MON_15)}
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {world.agency_a1.email}


def test_due_today_then_overdue_on_the_first_day_late(world):
    (a,) = open_assignments(base_petition(world), world.agency_a1, [WED_10])
    reminders.sweep(today=WED_10)
    reminders.sweep(today=THU_11)
    assert owed() == {(a.pk, "due_today", WED_10), (a.pk, "overdue", THU_11)}


def test_overdue_repeats_weekly_and_a_weekend_anniversary_moves_to_monday(world):
    wed, fri = open_assignments(base_petition(world), world.agency_a1, [WED_10, FRI_12])
    day = THU_11
    while day <= date(2027, 3, 31):
        reminders.sweep(today=day)
        day += timedelta(days=1)
    assert sorted(owed(assignment=wed, kind="overdue")) == [
        (wed.pk, "overdue", date(2027, 3, d)) for d in (11, 18, 25)
    ]
    # Due Friday: first late day Saturday 13 → Monday 15; then Saturdays 20 and 27 → Mondays.
    assert sorted(owed(assignment=fri, kind="overdue")) == [
        (fri.pk, "overdue", date(2027, 3, d)) for d in (15, 22, 29)
    ]


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        (WED_10, WED_10, False),  # due today is not overdue
        (WED_10, THU_11, True),  # first day late
        (WED_10, FRI_12, False),
        (WED_10, date(2027, 3, 17), False),
        (WED_10, date(2027, 3, 18), True),  # a week after the first day late
        (FRI_12, SAT_13, False),  # a day off: nothing is sent
        (FRI_12, MON_15, True),  # Saturday's first late day, sent on Monday
        (FRI_12, date(2027, 3, 16), False),
        (FRI_12, date(2027, 3, 22), True),
        (THU_11, MON_15, False),  # first late day was Friday 12, already sent then
    ],
)
def test_overdue_rule_table(due_on, today, expected):
    calendar = get_calendar()
    assert reminders.overdue_reminder_due(due_on, today, calendar) is expected


def test_sweep_sql_follows_the_overdue_rule_day_by_day_across_tet(world):
    calendar = get_calendar()
    start, end = date(2027, 1, 25), date(2027, 3, 10)  # Tết 2027 closes a week of February
    due_dates = [start + timedelta(days=n) for n in range((end - start).days)]
    made = open_assignments(base_petition(world), world.agency_a1, due_dates)
    expected = set()
    day = start
    while day <= end:
        reminders.sweep(today=day)
        expected |= {
            (a.pk, "overdue", day)
            for a in made
            if reminders.overdue_reminder_due(a.due_on, day, calendar)
        }
        day += timedelta(days=1)
    assert owed(kind="overdue") == expected
    # Every late assignment got its first reminder on the first working day after its due date.
    for a in made:
        first = calendar.add_working_days(a.due_on, 1)
        if first <= end:
            assert (a.pk, "overdue", first) in expected


def test_nothing_is_owed_on_a_day_off(world):
    open_assignments(base_petition(world), world.agency_a1, [SAT_13, FRI_12, WED_10])
    assert reminders.sweep(today=SAT_13) == 0
    assert reminders.sweep(today=date(2027, 3, 14)) == 0
    assert not Reminder.objects.exists()

    day_off(THU_11)  # a weekday declared off: the sweep skips it, the next day catches up
    assert reminders.sweep(today=THU_11) == 0
    assert not Reminder.objects.exists()
    reminders.sweep(today=FRI_12)
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        "overdue",
        "due_today",
        "digest",
    }


def test_an_agency_without_e_mail_is_skipped(world):
    world.agency_a2.email = ""
    world.agency_a2.save(update_fields=["email"])
    petition = base_petition(world)
    (with_mail,) = open_assignments(petition, world.agency_a1, [WED_10])
    open_assignments(petition, world.agency_a2, [WED_10])
    assert reminders.sweep(today=WED_10) == 1
    assert owed() == {(with_mail.pk, "due_today", WED_10)}


def test_closed_assignments_are_not_reminded(world):
    petition = base_petition(world)
    (answered,) = open_assignments(petition, world.agency_a1, [WED_10])
    Assignment.objects.filter(pk=answered.pk).update(status="answered", closed_on=MON_08)
    assert reminders.sweep(today=WED_10) == 0


# --- exactly once -----------------------------------------------------------------------------


def _one_of_each_kind(world) -> list[Assignment]:
    petition = base_petition(world)
    return [
        *open_assignments(petition, world.agency_a1, [date(2027, 3, 12), WED_10, date(2027, 3, 9)]),
        *open_assignments(petition, world.agency_b1, [date(2027, 3, 9)], unit=world.commune_b),
    ]


def test_sweeping_and_delivering_twice_sends_each_message_once(world):
    _one_of_each_kind(world)
    with at(WED_10):
        created = reminders.sweep(today=WED_10)
        assert created == 5  # due soon, due today, two overdue, the province supervisor's digest
        assert reminders.sweep(today=WED_10) == 0
        assert reminders.deliver() == 5
        assert reminders.deliver() == 0
        assert reminder_sweep_task("2027-03-10") == 0  # the task: sweeps and delivers nothing
    assert Reminder.objects.count() == 5
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    sent = reminder_ids_sent()
    assert set(sent) == set(Reminder.objects.values_list("pk", flat=True))
    assert set(sent.values()) == {1}


def test_the_sweep_costs_the_same_queries_for_10_and_60_assignments(world):
    petition = base_petition(world)
    # due soon, due today, first day late, a week late, and a late day without a reminder
    due = [date(2027, 3, 12), WED_10, date(2027, 3, 9), date(2027, 3, 2), date(2027, 3, 1)]
    open_assignments(petition, world.agency_a1, due * 2)
    get_calendar()  # the calendar is built once per process, not per sweep

    def counted() -> tuple[int, int]:
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            created = reminders.sweep(today=WED_10)
        return created, len(queries)

    few = counted()
    open_assignments(petition, world.agency_a2, due * 10)
    many = counted()
    assert few[0] == 8 + 1  # 2 × (due soon, due today, first day late, a week late) + digest
    assert many[0] == 48 + 1
    assert few[1] == many[1] <= 5


# --- e-mail -----------------------------------------------------------------------------------


def test_reminder_email_is_vietnamese_with_html_and_no_citizen_data(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    assignment = Assignment.objects.get(petition=petition)
    due = assignment.due_on  # 10 working days after 21/12/2026, 01/01 off
    with at(due):
        reminders.sweep(today=due)
        assert reminders.deliver() == 1
    (message,) = mail.outbox
    assert message.to == [world.agency_a1.email]
    assert "\n" not in message.subject
    assert message.subject.startswith("[Đối thoại] Hôm nay đến hạn trả lời kiến nghị số")
    body = message.body
    assert "Kính gửi: Công an xã A" in body
    assert f"Hôm nay, ngày {due:%d/%m/%Y}, là hạn cuối trả lời" in body
    assert f"Kiến nghị số: {petition.pk}" in body
    assert "Kiến nghị số 1 về đường giao thông thôn Đông." in body
    assert session.title in body
    assert assignment.due_explanation in body
    assert f"{settings.SITE_URL}" in body and f"/{assignment.pk}/" in body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>" in html and "hạn cuối trả lời" in html
    for private in (petition.petitioner_name, petition.petitioner_address):
        assert private and private not in body and private not in html
    assert message.extra_headers["X-Reminder-Id"] == str(Reminder.objects.get().pk)


def test_overdue_email_counts_working_days_late(world):
    open_assignments(base_petition(world), world.agency_a1, [FRI_12])
    with at(MON_15):
        reminders.sweep(today=MON_15)
        reminders.deliver()
    (overdue,) = [m for m in mail.outbox if m.to == [world.agency_a1.email]]
    assert "đã quá hạn trả lời 1 ngày làm việc" in overdue.body
    assert "Số ngày làm việc quá hạn: 1" in overdue.body


def test_digest_lists_the_overdue_items_of_the_supervisors_subtree_only(world):
    other_supervisor = member(
        UserFactory(username="supervisor_other"), world.other_province, Role.SUPERVISOR
    )
    commune_b_supervisor = member(
        UserFactory(username="supervisor_b"), world.commune_b, Role.SUPERVISOR
    )
    petition = base_petition(world)
    (late_a,) = open_assignments(
        petition, world.agency_a1, [date(2027, 3, 9)], content="Đường liên thôn xã A ngập nước."
    )
    other_agency = world.other_province.agencies.get()
    (late_other,) = open_assignments(
        petition,
        other_agency,
        [date(2027, 3, 1)],
        unit=world.other_province,
        content="Trường học của tỉnh khác xuống cấp.",
    )
    # Due today in commune B: not late, so commune B's supervisor gets no digest.
    open_assignments(petition, world.agency_b1, [WED_10], unit=world.commune_b)
    with at(WED_10):
        reminders.sweep(today=WED_10)
        digests = Reminder.objects.filter(kind="digest")
        assert {(r.user_id, r.recipient, r.assignment_id) for r in digests} == {
            (world.supervisor.pk, world.supervisor.email, None),
            (other_supervisor.pk, other_supervisor.email, None),
        }
        reminders.deliver()
    by_recipient = {m.to[0]: m for m in mail.outbox if "Tổng hợp" in m.subject}
    assert commune_b_supervisor.email not in by_recipient
    province = by_recipient[world.supervisor.email]
    assert "1 kiến nghị quá hạn" in province.subject
    assert "Đường liên thôn xã A ngập nước." in province.body
    assert "Trường học của tỉnh khác" not in province.body
    assert f"quá hạn {1} ngày làm việc" in province.body
    assert province.alternatives[0][1] == "text/html"
    other = by_recipient[other_supervisor.email]
    assert "Trường học của tỉnh khác xuống cấp." in other.body
    assert "Đường liên thôn xã A" not in other.body
    assert late_a.pk and late_other.pk


def test_a_reminder_settled_before_delivery_is_not_sent(world):
    (a,) = open_assignments(base_petition(world), world.agency_a1, [WED_10])
    with at(WED_10):
        reminders.sweep(today=WED_10)
        Assignment.objects.filter(pk=a.pk).update(status="answered", closed_on=WED_10)
        assert reminders.deliver() == 0
    row = Reminder.objects.get()
    assert row.status == "failed"
    assert row.attempts == reminders.MAX_ATTEMPTS  # never tried again
    assert row.last_error == reminders.CLOSED_BEFORE_SENDING
    assert not mail.outbox


# --- failures and claims ----------------------------------------------------------------------


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("máy chủ thư không trả lời")


def test_a_failed_send_is_retried_after_the_claim_timeout(world, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 600
    (a,) = open_assignments(base_petition(world), world.agency_b1, [WED_10], unit=world.commune_b)
    with time_machine.travel(datetime(2027, 3, 10, 7, tzinfo=VN), tick=False) as clock:
        reminders.sweep(today=WED_10)
        settings.EMAIL_BACKEND = "tests.followups.test_reminders.BrokenBackend"
        assert reminders.deliver() == 0
        row = Reminder.objects.get()
        assert (row.status, row.attempts) == ("failed", 1)
        assert "máy chủ thư không trả lời" in row.last_error

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(timedelta(seconds=599))
        assert reminders.deliver() == 0  # not before the claim timeout
        clock.shift(timedelta(seconds=2))
        assert reminders.deliver() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert list(reminder_ids_sent()) == [row.pk]
    assert a.pk == row.assignment_id


def test_a_row_left_sending_by_a_dead_worker_is_taken_over_and_retries_stop(world, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 600
    open_assignments(base_petition(world), world.agency_b1, [WED_10, WED_10], unit=world.commune_b)
    with time_machine.travel(datetime(2027, 3, 10, 7, tzinfo=VN), tick=False) as clock:
        reminders.sweep(today=WED_10)
        stuck, exhausted = Reminder.objects.order_by("pk")
        claimed = datetime(2027, 3, 10, 6, 55, tzinfo=VN)
        Reminder.objects.filter(pk=stuck.pk).update(
            status="sending", claimed_at=claimed, attempts=1
        )
        Reminder.objects.filter(pk=exhausted.pk).update(
            status="failed", claimed_at=claimed, attempts=reminders.MAX_ATTEMPTS
        )
        assert reminders.deliver() == 0  # claimed 5 minutes ago: its worker may be alive
        clock.shift(timedelta(minutes=6))
        assert reminders.deliver() == 1
    stuck.refresh_from_db()
    exhausted.refresh_from_db()
    assert (stuck.status, stuck.attempts) == ("sent", 2)
    assert (exhausted.status, exhausted.attempts) == ("failed", reminders.MAX_ATTEMPTS)
    assert list(reminder_ids_sent()) == [stuck.pk]


def test_two_claims_never_take_the_same_row(world):
    open_assignments(base_petition(world), world.agency_a1, [WED_10] * 15)
    reminders.sweep(today=WED_10)
    first = reminders.claim(10)
    second = reminders.claim(10)
    assert len(first) == 10
    assert len(second) == 15 - 10
    assert not set(first) & set(second)
    assert reminders.claim(10) == []


# --- schedule and calendar --------------------------------------------------------------------


def test_the_beat_schedule_sweeps_at_seven_and_delivers_every_five_minutes():
    schedule = celery_app.conf.beat_schedule
    sweep = schedule["followups-reminder-sweep-daily-0700"]
    assert sweep["task"] == "followups.tasks.reminder_sweep_task"
    assert sweep["schedule"].hour == {7} and sweep["schedule"].minute == {0}
    deliver = schedule["followups-deliver-reminders-every-5-minutes"]
    assert deliver["task"] == "followups.tasks.deliver_reminders_task"
    assert deliver["schedule"].minute == set(range(0, 60, 5))
    assert celery_app.conf.timezone == "Asia/Ho_Chi_Minh"
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks
    assert (
        settings.REMINDER_CLAIM_TIMEOUT
        < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    )


def test_a_calendar_change_recomputes_an_open_due_date_through_the_task(
    world, django_capture_on_commit_callbacks
):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    assignment = Assignment.objects.get(petition=petition)
    assert assignment.due_on == date(2027, 1, 5)
    with at(date(2026, 12, 22)), django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_exception_save(
            actor=world.administrator,
            reason="Thông báo của Chính phủ về nghỉ bù",
            day=date(2026, 12, 31),
            kind=CalendarException.Kind.DAY_OFF,
            name="Nghỉ bù Tết Dương lịch",
            source="Văn bản thử nghiệm số 1",
        )
    assert len(callbacks) == 2  # the signal after commit, then the task it enqueues
    assignment.refresh_from_db()
    assert assignment.due_on == date(2027, 1, 6)
    record = audit.history(assignment).filter(action="due_recomputed").get()
    assert record.changes == {"due_on": ["2027-01-05", "2027-01-06"]}
    assert record.actor is None


def test_the_daily_sweep_redoes_a_recomputation_lost_with_its_message(
    world, django_capture_on_commit_callbacks
):
    """The calendar changed while the broker was down: the next sweep queues the recount of the
    due date (a task of its own, run here once the sweep's transaction commits)."""
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=vn), tick=False):
        session, _ = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    assert Assignment.objects.get().due_on == date(2027, 1, 5)
    with time_machine.travel(datetime(2026, 12, 22, 7, tzinfo=vn), tick=False):
        # Written without the service: no signal, as if the recompute message were lost.
        CalendarException.objects.create(
            day=date(2026, 12, 31), kind="day_off", name="Nghỉ bù", source="Thông báo thử"
        )
        CalendarRevision.objects.update_or_create(pk=1, defaults={"token": "lost"})
        with django_capture_on_commit_callbacks(execute=True):
            reminder_sweep_task.delay("2026-12-22")
    assert Assignment.objects.get().due_on == date(2027, 1, 6)
