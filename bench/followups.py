"""Benchmark: the reminder sweep and the overdue list at national scale (DESIGN §10).

Run: ``.venv/bin/python -m bench followups`` (one JSON line per measurement). PostgreSQL only:
the budgets are PostgreSQL's, and a million rows are generated with ``INSERT … SELECT
generate_series``; on SQLite one row says the benchmark was skipped.

The database is a throwaway one (bench.petitions.throwaway_database: ``<name>_bench_<pid>``,
dropped after), never the developer's nor the one the tests use. The country: one national root,
34 provinces, 98 communes each (3,332, the size of the 2025 map), 5 agencies per commune and 10
per province, one issued plan, concluded session and conclusion notice per commune, all made with
bulk_create. Then 1,000,000 petitions and, for them, 1,000,000 open assignments (one per
petition, so the open-once (petition, agency) constraint holds) plus 200,000 answered ones of
another agency: 1.2 million assignment rows. Due dates are spread over 200 days around today,
never on a weekend, so about 60 % of the open rows are overdue.

Measured:

1. ``followups.reminders.sweep`` over the first 100,000 open assignments, then, with the
   outbox emptied, over all 1,000,000: the first run (that inserts the rows owed today) and a
   second run the same day, which must insert nothing. Time and query count of each; DESIGN §10
   wants ≤ 20 s at a million and a query count that does not depend on the number of rows.
2. The overdue list (``reverse("overdue-list")``) as a supervisor of the whole country and as a
   supervisor of one province: median server time of RUNS requests through django.test.Client
   after WARMUP, DEBUG off, and the queries of one more request (CaptureQueriesContext).
3. Hand-written SQL for the same numbers, timed the same way through the same connection: the
   page the view shows (its rows, joined and ordered, LIMIT page + 1) and the per-agency count of
   overdue assignments within the scope. The ratio view ÷ SQL is DESIGN §10's "within 2×".
4. Last, a calendar change whose recount covers about 650,000 open assignments, run by a worker
   thread as the claimed Recomputation task (followups.recomputation), and the reminder sweep
   run beside it once it is under way: ``followups.recompute_650k`` and
   ``followups.sweep_after_calendar_change_1m``.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.petitions import (  # noqa: E402  (after the path tweak, as bench.petitions does)
    configure_django,
    database_label,
    load_note,
    login_verified,
    throwaway_database,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCES = 34
COMMUNES_PER_PROVINCE = 98
AGENCIES_PER_COMMUNE = 5
AGENCIES_PER_PROVINCE = 10
PETITIONS = 1_000_000
OPEN = 1_000_000
SMALL = 100_000
CLOSED = 200_000
#: Due dates: today + (DUE_FROM … DUE_FROM + DUE_SPAN − 1) days, weekends moved to Monday.
DUE_FROM = -120
DUE_SPAN = 200
WARMUP = 3
RUNS = 15
SWEEP_BUDGET = "≤ 20 s, same query count at both sizes"
LIST_BUDGET = "≤ 100 ms, ≤ 12 queries"
RATIO_BUDGET = "≤ 2 (within 2× of the hand-written SQL)"
#: Candidates of the recount measured by followups.recompute_650k.
RECOMPUTE_TARGET = 650_000

CONTENTS = [
    "Đề nghị xem xét mức bồi thường, hỗ trợ khi thu hồi đất làm đường liên xã",
    "Đề nghị đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ giãn dân",
    "Phản ánh rác thải sinh hoạt không được thu gom thường xuyên tại thôn",
    "Đề nghị sửa chữa kênh mương nội đồng bị sạt lở, thiếu nước tưới",
    "Đề nghị lắp đèn chiếu sáng công cộng trên đường liên thôn",
    "Đề nghị rà soát danh sách hộ nghèo, hộ cận nghèo cho đúng đối tượng",
    "Thời gian giải quyết hồ sơ chứng thực tại bộ phận một cửa còn kéo dài",
    "Phản ánh ô nhiễm mùi từ trang trại chăn nuôi trong khu dân cư",
    "Đề nghị tăng cường tuần tra, xử lý tình trạng trộm cắp vặt ban đêm",
    "Đề nghị công khai quy hoạch sử dụng đất và kế hoạch thực hiện dự án",
    "Đề nghị giải quyết chế độ trợ cấp cho người có công với cách mạng",
    "Đường liên thôn xuống cấp, nhiều ổ gà, đề nghị sửa chữa trước mùa mưa",
]


def _sql_text(values: list[str]) -> str:
    """A SQL ARRAY literal of Vietnamese strings (fixed data of this module, quotes doubled)."""
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _due_sql(today_param: str = "%(today)s") -> str:
    """The due date of the assignment of petition p.id: spread over DUE_SPAN days, no weekend."""
    raw = f"({today_param}::date + (((p.id * 7919) %% {DUE_SPAN}) + ({DUE_FROM}))::int)"
    return (
        f"({raw} + (CASE EXTRACT(ISODOW FROM {raw}) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END)::int)"
    )


# --- the country ------------------------------------------------------------------------------


def _country(today: date):
    """Units, agencies, supervisors, plans, sessions and notices, by bulk_create."""
    from django.db import connection

    from dialogue import services as unit_services
    from dialogue.models import AdministrativeUnit, Agency, DeadlineProfile, Membership, Role, User
    from followups.models import ConclusionNotice
    from sessions.models import DialogueSession, Plan

    root = unit_services.unit_create(name="Cả nước (đo hiệu năng)", kind="quốc gia")

    def children(parent, names, kind):
        units = AdministrativeUnit.objects.bulk_create(
            [
                AdministrativeUnit(name=n, kind=kind, parent=parent, depth=parent.depth + 1)
                for n in names
            ]
        )
        for unit in units:
            unit.path = f"{parent.path}{unit.pk}/"
        AdministrativeUnit.objects.bulk_update(units, ["path"])
        return units

    provinces = children(root, [f"Tỉnh Số {i + 1:02d}" for i in range(PROVINCES)], "tỉnh")
    communes = []
    for p, province in enumerate(provinces):
        communes += children(
            province,
            [f"Xã Số {p + 1:02d}-{c + 1:03d}" for c in range(COMMUNES_PER_PROVINCE)],
            "xã",
        )
    agencies = [
        Agency(unit=u, name=f"Cơ quan {k + 1} — {u.name}", email=f"a{u.pk}-{k}@bench.example")
        for u in communes
        for k in range(AGENCIES_PER_COMMUNE)
    ] + [
        Agency(unit=u, name=f"Sở {k + 1} — {u.name}", email=f"s{u.pk}-{k}@bench.example")
        for u in provinces
        for k in range(AGENCIES_PER_PROVINCE)
    ]
    Agency.objects.bulk_create(agencies, batch_size=5000)

    national = User.objects.create(
        username="bench_national", full_name="Giám sát toàn quốc", email="national@bench.example"
    )
    Membership.objects.create(user=national, unit=root, role=Role.SUPERVISOR)
    provincial = User.objects.create(
        username="bench_province", full_name="Giám sát tỉnh", email="province@bench.example"
    )
    Membership.objects.create(user=provincial, unit=provinces[0], role=Role.SUPERVISOR)
    for p, province in enumerate(provinces[1:], start=2):
        user = User.objects.create(username=f"bench_tinh_{p}", email=f"tinh{p}@bench.example")
        Membership.objects.create(user=user, unit=province, role=Role.SUPERVISOR)

    profile = DeadlineProfile.objects.get(code="dien-bien-2024")
    held_on = today - timedelta(days=150)
    starts = datetime(held_on.year, held_on.month, held_on.day, 7, 30, tzinfo=TZ)
    plans = Plan.objects.bulk_create(
        [
            Plan(
                unit=u,
                issuing_body=f"ỦY BAN NHÂN DÂN {u.name.upper()}",
                number=f"{u.pk}/KH-UBND",
                place=u.name,
                issued_on=held_on - timedelta(days=40),
                title=f"Tổ chức Hội nghị đối thoại với Nhân dân năm {held_on.year}",
                year=held_on.year,
                profile=profile,
                status=Plan.Status.ISSUED,
            )
            for u in communes
        ],
        batch_size=2000,
    )
    sessions = DialogueSession.objects.bulk_create(
        [
            DialogueSession(
                plan=plan,
                unit_id=plan.unit_id,
                kind=DialogueSession.Kind.ANNUAL_CONFERENCE,
                title=f"Hội nghị đối thoại năm {held_on.year}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=4),
                started_at=starts,
                ended_at=starts + timedelta(hours=4),
                venue="Hội trường Ủy ban nhân dân xã",
                chair_name="Chủ tịch Ủy ban nhân dân xã",
                attending_count=200,
                status=DialogueSession.Status.CONCLUDED,
            )
            for plan in plans
        ],
        batch_size=2000,
    )
    notices = ConclusionNotice.objects.bulk_create(
        [
            ConclusionNotice(
                session=s,
                unit_id=s.unit_id,
                issuing_body="ỦY BAN NHÂN DÂN XÃ",
                number=f"{s.pk}/TB-UBND",
                place="Xã",
                issued_on=held_on + timedelta(days=3),
                title="Kết luận của Chủ tịch UBND xã tại Hội nghị đối thoại",
                body="Thông báo kết luận (dữ liệu đo hiệu năng).",
                signer_title="CHỦ TỊCH",
                signer_name="Chủ tịch",
                status=ConclusionNotice.Status.ISSUED,
            )
            for s in sessions
        ],
        batch_size=2000,
    )
    agency_ids: dict[int, list[int]] = {}
    for unit_id, pk in (
        Agency.objects.filter(unit__in=communes).order_by("pk").values_list("unit_id", "pk")
    ):
        agency_ids.setdefault(unit_id, []).append(pk)
    # One row per commune, numbered 0…n−1, that the INSERT … SELECTs join on.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_commune (idx integer PRIMARY KEY, unit_id bigint, "
            "session_id bigint, notice_id bigint, agencies bigint[])"
        )
        cursor.executemany(
            "INSERT INTO bench_commune VALUES (%s, %s, %s, %s, %s)",
            [
                (i, s.unit_id, s.pk, n.pk, agency_ids[s.unit_id])
                for i, (s, n) in enumerate(zip(sessions, notices, strict=True))
            ],
        )
    return root, provinces, national, provincial, len(communes), len(agencies)


def _insert_petitions(communes: int, today: date) -> None:
    from django.db import connection

    from petitions.models import Field, Petition

    fields = list(Field.objects.order_by("pk").values_list("pk", flat=True))
    sql = f"""
        INSERT INTO {Petition._meta.db_table}
            (session_id, unit_id, source, received_on, petitioner_name, petitioner_address,
             petitioner_phone, signatories, content, field_id, competence, scope, routing_reason,
             duplicate_of_id, times_raised, status, minutes_entry_id, answer_at_session,
             answered_by, is_resolved, created_by_id, created_at, updated_at, search,
             legal_hold, legal_hold_reason, reference)
        SELECT c.session_id, c.unit_id, 'hamlet_meeting', %(received)s::date - (g %% 30),
               'Công dân số ' || g, 'Thôn ' || (g %% 12 + 1), '', 1,
               ({_sql_text(CONTENTS)})[1 + g %% {len(CONTENTS)}] || ' (số ' || g || ').',
               (%(fields)s::bigint[])[1 + g %% %(nfields)s], 'commune', 'in_scope', '',
               NULL, 1 + g %% 3, 'assigned', NULL, '', '', false, NULL, now(), now(), '',
               false, '', 'BENCH-' || lpad(g::text, 8, '0')
        FROM generate_series(0, %(rows)s - 1) AS g
        JOIN bench_commune c ON c.idx = g %% %(communes)s
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "received": today - timedelta(days=160),
                "fields": fields,
                "nfields": len(fields),
                "rows": PETITIONS,
                "communes": communes,
            },
        )


def _insert_assignments(
    first_id: int, count: int, *, today: date, status: str, agency_shift: int
) -> None:
    """Assignments for petitions first_id … first_id + count − 1, one each, with the agency
    `agency_shift` places further along the commune's five."""
    from django.db import connection

    from followups.models import Assignment
    from petitions.models import Petition

    due = _due_sql()
    closed = "NULL" if status == "open" else f"({due} - 3)"
    sql = f"""
        INSERT INTO {Assignment._meta.db_table}
            (petition_id, agency_id, unit_id, notice_id, assigned_on, rule_id, anchor_on, due_on,
             due_explanation, extended, status, closed_on, assigned_by_id, created_at,
             updated_at)
        SELECT p.id, c.agencies[1 + (p.id + %(shift)s) %% {AGENCIES_PER_COMMUNE}], p.unit_id,
               c.notice_id, {due} - 21, NULL, {due} - 21, {due},
               '15 ngày làm việc sau ngày ban hành thông báo kết luận', false, %(status)s,
               {closed}, NULL, now(), now()
        FROM {Petition._meta.db_table} p
        JOIN bench_commune c ON c.unit_id = p.unit_id
        WHERE p.id >= %(first)s AND p.id < %(first)s + %(count)s
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "today": today,
                "shift": agency_shift,
                "status": status,
                "first": first_id,
                "count": count,
            },
        )


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # A settled table, as autovacuum leaves it: planner statistics and the visibility map.
        cursor.execute("VACUUM ANALYZE")


# --- measuring ----------------------------------------------------------------------------------


def _statement(sql: str) -> str:
    """ "SELECT … FROM t", "INSERT INTO t", "BEGIN": what a captured statement does, in short."""
    words = sql.split()
    if words[0].upper() == "SELECT":
        found = re.search(r'\bFROM\s+"?(\w+)"?', sql)
        return f"SELECT {found.group(1) if found else '…'}"
    if words[0].upper() == "INSERT":
        return " ".join(words[:3])
    if words[0].upper() == "WITH":
        found = re.search(r"INSERT INTO (\w+)", sql)
        return f"WITH … INSERT INTO {found.group(1) if found else '…'}"
    return words[0]


def _sweep_twice(day: date) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followups.reminders import sweep

    out = {}
    for run in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            created = sweep(today=day)
            seconds = time.perf_counter() - t0
        statements = [_statement(q["sql"]) for q in captured.captured_queries]
        out[run] = {
            "s": seconds,
            "created": created,
            "queries": len(statements),
            "statements": ", ".join(statements),
        }
    return out


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


def _median_ms(action, runs: int = RUNS, warmup: int = WARMUP) -> tuple[float, list[float]]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def _measure_view(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ms, times = _median_ms(lambda: _get(client, url))
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    slowest_ms, slowest_sql = max(queries)
    return {
        "ms": ms,
        "p90_ms": sorted(times)[int(len(times) * 0.9) - 1],
        "queries": len(queries),
        "sql_ms": sum(t for t, _ in queries),
        "slowest_ms": slowest_ms,
        "slowest_sql": re.sub(r"\s+", " ", slowest_sql)[:160],
        "rows": response.content.decode().count("days-overdue"),
    }


def _hand_sql(today: date, path: str, page: int) -> tuple[str, dict, str, dict]:
    """(the page, its params, the per-agency aggregate, its params) in plain SQL."""
    from dialogue.models import AdministrativeUnit, Agency
    from followups.models import Assignment
    from petitions.models import Field, Petition

    a, u = Assignment._meta.db_table, AdministrativeUnit._meta.db_table
    p, f, ag = Petition._meta.db_table, Field._meta.db_table, Agency._meta.db_table
    params = {"today": today, "path": path + "%", "limit": page + 1}
    page_sql = f"""
        SELECT a.id, a.due_on, a.assigned_on, a.extended, a.petition_id, pe.content, fi.name,
               ag.name, un.name
        FROM {a} a
        JOIN {u} un ON un.id = a.unit_id
        JOIN {p} pe ON pe.id = a.petition_id
        JOIN {f} fi ON fi.id = pe.field_id
        JOIN {ag} ag ON ag.id = a.agency_id
        WHERE a.status = 'open' AND a.due_on < %(today)s AND un.path LIKE %(path)s
        ORDER BY a.due_on, a.id
        LIMIT %(limit)s
    """
    per_agency = f"""
        SELECT a.agency_id, count(*), min(a.due_on)
        FROM {a} a JOIN {u} un ON un.id = a.unit_id
        WHERE a.status = 'open' AND a.due_on < %(today)s AND un.path LIKE %(path)s
        GROUP BY a.agency_id
    """
    return page_sql, params, per_agency, {"today": today, "path": path + "%"}


def _measure_sql(sql: str, params: dict) -> tuple[float, int]:
    from django.db import connection

    rows = 0

    def action():
        nonlocal rows
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())

    ms, _times = _median_ms(action)
    return ms, rows


def _recompute_days(today: date) -> tuple[list[date], int]:
    """Two changed days whose bounding range makes about RECOMPUTE_TARGET candidates."""
    from followups.models import Assignment

    low = today + timedelta(days=DUE_FROM + 30)
    while low.weekday() >= 5:
        low += timedelta(days=1)
    open_rows = Assignment.objects.filter(status="open", extended=False, due_on__gte=low)
    high, count = low, 0
    while count < RECOMPUTE_TARGET and high < today + timedelta(days=DUE_FROM + DUE_SPAN):
        high += timedelta(days=1)
        if high.weekday() < 5:
            count = open_rows.filter(anchor_on__lte=high).count()
    return [low, high], count


def _recompute_while_sweeping(sweep_day: date, where: str) -> list[dict]:
    """A calendar change whose recount covers ~650,000 open assignments, run by a worker thread
    as the Recomputation task would; meanwhile the sweep inserts the day's reminders."""
    import threading

    from django.db import connection

    from dialogue.models import CalendarException, CalendarRevision
    from followups import recomputation
    from followups.models import Recomputation, Reminder
    from followups.reminders import sweep

    days, candidates = _recompute_days(sweep_day)
    for day in days:
        CalendarException.objects.create(
            day=day,
            kind="day_off" if day.weekday() < 5 else "working_day",
            name="Nghỉ bù (đo hiệu năng)",
            source="Văn bản thử nghiệm",
        )
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": "bench-recompute"})
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")
    job = recomputation.recomputation_request(days=days)
    result: dict = {}

    def worker() -> None:
        from django.db import connection as thread_connection

        t0 = time.perf_counter()
        try:
            result["changed"], result["finished"] = recomputation.recomputation_run(
                recomputation_id=job.pk, budget_seconds=3600
            )
        finally:
            result["s"] = time.perf_counter() - t0
            thread_connection.close()

    thread = threading.Thread(target=worker)
    started = time.perf_counter()
    thread.start()
    # The sweep starts once the recount is under way (its first chunk committed).
    while not Recomputation.objects.filter(pk=job.pk, next_id__gt=0).exists():
        if not thread.is_alive():
            break
        time.sleep(0.05)
    sweep_started = time.perf_counter() - started
    t0 = time.perf_counter()
    sweep(today=sweep_day)
    sweep_s = time.perf_counter() - t0
    inserted = Reminder.objects.count()
    progress = Recomputation.objects.get(pk=job.pk)
    thread.join()
    job.refresh_from_db()
    chunks = -(-(job.next_id - 1) // recomputation.CHUNK) if job.next_id else 0
    return [
        {
            "name": "followups.recompute_650k",
            "value": round(result["s"], 1),
            "unit": "s",
            "budget": "≤ 60 s",
            "note": (
                f"calendar change on {days[0]:%d/%m/%Y} and {days[1]:%d/%m/%Y}: {candidates:,} "
                f"open, not extended candidates (anchor ≤ last day, due ≥ first day); "
                f"{job.changed:,} due dates changed, each with its change record; chunks of "
                f"{recomputation.CHUNK:,} ids (about {chunks} chunks), one claimed Recomputation "
                f"run in a worker thread, finished={result['finished']}; the reminder sweep ran "
                f"beside it for {sweep_s:.1f} s; {where}"
            ),
        },
        {
            "name": "followups.sweep_after_calendar_change_1m",
            "value": round(sweep_s, 2),
            "unit": "s",
            "budget": "reminders inserted within 20 s while the recompute runs",
            "note": (
                f"reminders.sweep for {sweep_day:%d/%m/%Y} started {sweep_started:.1f} s into the "
                f"recount and inserted {inserted:,} reminders in {sweep_s:.2f} s; the recount was "
                f"then '{progress.status}' at assignment id {progress.next_id:,} "
                f"({progress.changed:,} changed so far) and finished "
                f"{result['s'] - sweep_started - sweep_s:.1f} s after the sweep; {where}"
            ),
        },
    ]


def _skipped(reason: str) -> list[dict]:
    return [
        {
            "name": "followups.skipped",
            "value": None,
            "unit": "",
            "budget": f"sweep {SWEEP_BUDGET}; overdue list {LIST_BUDGET}",
            "note": reason,
        }
    ]


def run() -> list[dict]:
    choice = configure_django()

    from django.db import connection

    if connection.vendor != "postgresql":
        return _skipped(
            f"Skipped: PostgreSQL only (DESIGN §10 budgets; INSERT … SELECT generate_series); "
            f"the database here is {connection.vendor} ({choice}). Set DATABASE_URL."
        )

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dialogue.workcalendar import get_calendar
    from followups.models import Assignment, Reminder
    from petitions.models import Petition

    try:
        from followups.views import PAGE_SIZE
    except ImportError:
        PAGE_SIZE = 50

    rows: list[dict] = []
    with throwaway_database():
        database = database_label()
        where = f"{database} ({choice}); {load_note()}"
        today = timezone.localdate()
        calendar = get_calendar()
        # The sweep owes nothing on a day off: measure on the next working day if today is one.
        sweep_day = today if calendar.is_working_day(today) else calendar.add_working_days(today, 1)

        t0 = time.perf_counter()
        root, provinces, national, provincial, communes, agencies = _country(today)
        country_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        _insert_petitions(communes, today)
        petitions_s = time.perf_counter() - t1
        first_id = Petition.objects.order_by("pk").values_list("pk", flat=True).first()
        t2 = time.perf_counter()
        _insert_assignments(first_id, SMALL, today=today, status="open", agency_shift=0)
        _vacuum()
        small_s = time.perf_counter() - t2

        small = _sweep_twice(sweep_day)
        small_open = Assignment.objects.open().count()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")

        t3 = time.perf_counter()
        _insert_assignments(
            first_id + SMALL, OPEN - SMALL, today=today, status="open", agency_shift=0
        )
        _insert_assignments(first_id, CLOSED, today=today, status="answered", agency_shift=1)
        _vacuum()
        rest_s = time.perf_counter() - t3
        generation_s = country_s + petitions_s + small_s + rest_s
        total = Assignment.objects.count()
        open_rows = Assignment.objects.open().count()
        overdue_rows = Assignment.objects.overdue(on=today).count()

        rows.append(
            {
                "name": "followups.data_generation",
                "value": round(generation_s, 1),
                "unit": "s",
                "budget": "report (≤ ~240 s)",
                "note": (
                    f"{where}; 1 + {PROVINCES} provinces + {communes:,} communes, "
                    f"{agencies:,} agencies, {communes:,} plans/sessions/notices by bulk_create "
                    f"({country_s:.1f} s); {PETITIONS:,} petitions by INSERT … SELECT "
                    f"generate_series ({petitions_s:.1f} s); {SMALL:,} open assignments + VACUUM "
                    f"ANALYZE ({small_s:.1f} s); {OPEN - SMALL:,} more open and {CLOSED:,} "
                    f"answered + VACUUM ANALYZE ({rest_s:.1f} s): {total:,} assignment rows, "
                    f"{open_rows:,} open, {overdue_rows:,} overdue on {today:%d/%m/%Y}"
                ),
            }
        )

        big = _sweep_twice(sweep_day)
        for size, result, open_count in ((SMALL, small, small_open), (OPEN, big, open_rows)):
            first, second = result[1], result[2]
            label = "100k" if size == SMALL else "1m"
            rows.append(
                {
                    "name": f"followups.reminder_sweep_{label}",
                    "value": round(first["s"], 2),
                    "unit": "s",
                    "budget": SWEEP_BUDGET,
                    "note": (
                        f"{open_count:,} open assignments, sweep for {sweep_day:%d/%m/%Y}: "
                        f"{first['created']:,} reminders inserted in {first['queries']} queries "
                        f"({first['statements']}); "
                        f"second run the same day {second['s']:.2f} s, {second['queries']} "
                        f"queries, {second['created']} inserted; {where}"
                    ),
                }
            )
            rows.append(
                {
                    "name": f"followups.reminder_sweep_{label}.queries",
                    "value": first["queries"],
                    "unit": "queries",
                    "budget": SWEEP_BUDGET,
                    "note": f"first run; the second run: {second['queries']} queries",
                }
            )
            rows.append(
                {
                    "name": f"followups.reminder_sweep_{label}.second_run_inserted",
                    "value": second["created"],
                    "unit": "rows",
                    "budget": "0 (running it twice sends nothing twice)",
                    "note": f"the first run inserted {first['created']:,}",
                }
            )
        rows.append(
            {
                "name": "followups.reminder_sweep.query_count_same_at_both_sizes",
                "value": small[1]["queries"] == big[1]["queries"]
                and small[2]["queries"] == big[2]["queries"],
                "unit": "bool",
                "budget": SWEEP_BUDGET,
                "note": (
                    f"{SMALL:,}: {small[1]['queries']} + {small[2]['queries']} queries; "
                    f"{OPEN:,}: {big[1]['queries']} + {big[2]['queries']} queries"
                ),
            }
        )

        url = reverse("overdue-list")
        cases = [
            ("national_supervisor", national, root, "supervisor of the whole country"),
            ("province_supervisor", provincial, provinces[0], "supervisor of one province"),
        ]
        for key, user, unit, what in cases:
            client = Client()
            login_verified(client, user)
            m = _measure_view(client, url)
            page_sql, page_params, agg_sql, agg_params = _hand_sql(today, unit.path, PAGE_SIZE)
            page_ms, page_rows = _measure_sql(page_sql, page_params)
            agg_ms, agg_rows = _measure_sql(agg_sql, agg_params)
            in_scope = Assignment.objects.overdue(on=today).filter(unit__path__startswith=unit.path)
            scope_count = in_scope.count()
            rows += [
                {
                    "name": f"followups.overdue_list_1m.{key}",
                    "value": round(m["ms"], 1),
                    "unit": "ms",
                    "budget": LIST_BUDGET,
                    "note": (
                        f"{what} ({scope_count:,} overdue of {total:,} assignment rows); "
                        f"{m['rows']} rows shown; median of {RUNS} after {WARMUP} "
                        f"(p90 {m['p90_ms']:.1f} ms); SQL {m['sql_ms']:.1f} ms in "
                        f"{m['queries']} queries, slowest {m['slowest_ms']:.1f} ms: "
                        f"{m['slowest_sql']}; {where}"
                    ),
                },
                {
                    "name": f"followups.overdue_list_1m.{key}.queries",
                    "value": m["queries"],
                    "unit": "queries",
                    "budget": LIST_BUDGET,
                    "note": f"{what}; counted on one request after the timed ones",
                },
                {
                    "name": f"followups.overdue_list_1m.{key}.hand_sql_page_ms",
                    "value": round(page_ms, 2),
                    "unit": "ms",
                    "budget": "report",
                    "note": (
                        f"one hand-written SELECT of the page the view shows ({page_rows} rows: "
                        f"open, due before today, unit path in scope, joined to petition, field, "
                        f"agency, unit, ORDER BY due_on, id LIMIT {PAGE_SIZE + 1}); median of "
                        f"{RUNS}"
                    ),
                },
                {
                    "name": f"followups.overdue_list_1m.{key}.ratio_to_hand_sql_page",
                    "value": round(m["ms"] / page_ms, 1),
                    "unit": "ratio (view ÷ SQL)",
                    "budget": RATIO_BUDGET,
                    "note": (
                        "the whole request (session, auth, form, template) against the one "
                        "SELECT that yields the same rows"
                    ),
                },
                {
                    "name": f"followups.overdue_list_1m.{key}.hand_sql_per_agency_ms",
                    "value": round(agg_ms, 1),
                    "unit": "ms",
                    "budget": "report",
                    "note": (
                        f"count and oldest due date of overdue open assignments per agency in "
                        f"scope, one GROUP BY ({agg_rows:,} agencies); median of {RUNS}"
                    ),
                },
                {
                    "name": f"followups.overdue_list_1m.{key}.ratio_to_hand_sql_per_agency",
                    "value": round(m["ms"] / agg_ms, 2),
                    "unit": "ratio (view ÷ SQL)",
                    "budget": RATIO_BUDGET,
                    "note": (
                        "the view shows a keyset page, not the per-agency totals: below 1 means "
                        "the page costs less than the national aggregate"
                    ),
                },
            ]
        # Last: it changes due dates the measurements above rely on.
        rows += _recompute_while_sweeping(sweep_day, f"{database} ({choice}); {load_note()}")
    return rows


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
