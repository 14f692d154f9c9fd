"""Benchmark: the supervisors' dashboard, the XLSX export and the annual report (issue 15).

Run: ``.venv/bin/python -m bench supervise`` (one JSON line per measurement). PostgreSQL only,
on the national data of bench.followups (1 + 34 provinces, 3,332 communes, 1,000,000 petitions,
1,000,000 open and 200,000 answered assignments; ``BENCH_SUPERVISE_PETITIONS`` makes it smaller
for a quick look, and the note says so). The database is a throwaway one.

Measured:

1. ``dashboard_1m.national_supervisor`` / ``.province_supervisor``: the dashboard page
   (``reverse("dashboard")``, this year) through django.test.Client, median of RUNS after WARMUP,
   its query count, and the ratio to hand-written SQL timed the same way (the sum of the
   medians): of what the page reads (the unit's summary cells, followups.summary, and the live
   communes, sessions and oldest overdue), and of the same figures counted live from the records
   (the seven grouped SELECTs the page ran before the cells). The national rows are inserted in
   bulk, so the cells are rebuilt once after the load (its time is in the note).
2. ``export_xlsx_100k``: 100,000 assignment rows of the national supervisor's assignment list
   written by dialogue.exports.write_xlsx to a temporary file: rows/s, and the peak RSS of the
   process during an export of 10,000 and of 100,000 rows (the high-water mark is reset before
   each through /proc/self/clear_refs, so each figure is that export's own peak).
3. ``annual_report.province``: the annual report of one province (98 communes): figures, the
   PDF rendered, its pages per second and the total seconds.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import followups as national  # noqa: E402
from bench.petitions import (  # noqa: E402
    configure_django,
    database_label,
    load_note,
    login_verified,
    throwaway_database,
)

WARMUP = 2
RUNS = 9
DASHBOARD_BUDGET = "≤ 100 ms, ≤ 15 queries"
EXPORT_BUDGET = "memory flat in the row count; rows/s reported"


def _median_ms(action, runs: int = RUNS, warmup: int = WARMUP) -> float:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _hand_sql(path: str, year: int, today: date) -> list[tuple[str, str, dict]]:
    """The dashboard's figures in plain SQL: (what, SQL, params)."""
    from dialogue.models import AdministrativeUnit, Agency
    from followups.models import Assignment
    from petitions.models import Field, Petition
    from sessions.models import DialogueSession

    a, u = Assignment._meta.db_table, AdministrativeUnit._meta.db_table
    p, f, ag = Petition._meta.db_table, Field._meta.db_table, Agency._meta.db_table
    s = DialogueSession._meta.db_table
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    base = {"path": path + "%", "start": start, "end": end, "today": today}
    tally = """
        count(*),
        count(*) FILTER (WHERE a.status = 'answered' AND a.closed_on <= a.due_on),
        count(*) FILTER (WHERE a.status = 'answered' AND a.closed_on > a.due_on),
        count(*) FILTER (WHERE a.status = 'open' AND a.due_on >= %(today)s),
        count(*) FILTER (WHERE a.status = 'open' AND a.due_on < %(today)s),
        count(*) FILTER (WHERE a.status = 'forwarded')
    """
    scoped_a = (
        f"FROM {a} a JOIN {u} un ON un.id = a.unit_id WHERE un.path LIKE %(path)s "
        "AND a.assigned_on >= %(start)s AND a.assigned_on < %(end)s"
    )
    return [
        (
            "communes",
            f"""SELECT c.id, c.name, c.path, EXISTS (SELECT 1 FROM {s} s WHERE s.unit_id = c.id
                  AND s.status IN ('held', 'concluded', 'closed') AND s.starts_at >= %(start)s
                  AND s.starts_at < %(end)s)
                FROM {u} c WHERE c.path LIKE %(path)s AND c.is_active
                  AND NOT EXISTS (SELECT 1 FROM {u} k WHERE k.parent_id = c.id)""",
            base,
        ),
        (
            "sessions per unit",
            f"""SELECT un.path, count(*) FROM {s} s JOIN {u} un ON un.id = s.unit_id
                WHERE un.path LIKE %(path)s AND s.status IN ('held', 'concluded', 'closed')
                  AND s.starts_at >= %(start)s AND s.starts_at < %(end)s GROUP BY un.path""",
            base,
        ),
        (
            "petitions per field and month",
            f"""SELECT pe.field_id, fi.name, extract(month FROM pe.received_on), count(*),
                  count(*) FILTER (WHERE pe.status = 'answered_at_session'),
                  count(*) FILTER (WHERE pe.status IN ('assigned', 'answered', 'forwarded')),
                  count(*) FILTER (WHERE pe.is_resolved),
                  count(*) FILTER (WHERE pe.status = 'forwarded'),
                  count(*) FILTER (WHERE pe.status = 'routed_out')
                FROM {p} pe JOIN {u} un ON un.id = pe.unit_id JOIN {f} fi ON fi.id = pe.field_id
                WHERE un.path LIKE %(path)s AND pe.received_on >= %(start)s
                  AND pe.received_on < %(end)s
                GROUP BY 1, 2, 3""",
            base,
        ),
        (
            "assignments per field and month",
            f"""SELECT pe.field_id, fi.name, extract(month FROM a.closed_on), {tally}
                {scoped_a.replace("WHERE", f"JOIN {p} pe ON pe.id = a.petition_id JOIN {f} fi ON fi.id = pe.field_id WHERE", 1)}
                GROUP BY 1, 2, 3""",  # noqa: E501
            base,
        ),
        (
            "assignments per agency",
            f"""SELECT a.agency_id, ag.name, {tally}
                {scoped_a.replace("WHERE", f"JOIN {ag} ag ON ag.id = a.agency_id WHERE", 1)}
                GROUP BY 1, 2""",
            base,
        ),
        ("assignments per unit", f"SELECT un.path, {tally} {scoped_a} GROUP BY 1", base),
        (
            "ten oldest overdue",
            f"""SELECT a.id, a.due_on, ag.name, un.name, pe.content FROM {a} a
                JOIN {u} un ON un.id = a.unit_id JOIN {ag} ag ON ag.id = a.agency_id
                JOIN {p} pe ON pe.id = a.petition_id
                WHERE a.status = 'open' AND a.due_on < %(today)s AND un.path LIKE %(path)s
                ORDER BY a.due_on, a.id LIMIT 10""",
            base,
        ),
    ]


def _hand_cells_sql(unit_id: int, path: str, year: int, today: date) -> list:
    """What the page reads now in plain SQL: the summary cells of the unit (followups.summary;
    the agencies ranked on their merged rows, followups.dashboard.agencies_ranked) and the live
    queries it keeps (the units below with their sessions, the ten oldest overdue)."""
    from dialogue.models import AdministrativeUnit, Agency
    from followups import summary
    from followups.models import DashboardCell
    from sessions.models import DialogueSession

    c = DashboardCell._meta.db_table
    sums = ", ".join(
        f"sum({col})"
        for col in (
            "p_received",
            "p_answered_at_session",
            "p_assigned",
            "p_resolved",
            "p_forwarded",
            "p_routed_out",
            "a_total",
            "a_on_time",
            "a_late",
            "a_open",
            "a_overdue",
            "a_forwarded",
        )
    )
    u, s, ag = (
        AdministrativeUnit._meta.db_table,
        DialogueSession._meta.db_table,
        Agency._meta.db_table,
    )
    a_sums = ", ".join(f"sum({col})" for col in summary.A_COLUMNS)
    a_cols = ", ".join(summary.A_COLUMNS)
    params = {
        "scope": unit_id,
        "year": year,
        "path": path + "%",
        "start": date(year, 1, 1),
        "end": date(year + 1, 1, 1),
    }
    live = {what: (sql, p) for what, sql, p in _hand_sql(path, year, today)}
    differing = f"""SELECT agency_id FROM {c} WHERE scope_id = %(scope)s AND year = %(year)s
                    AND kind = 'agency' AND NOT merged"""
    return [
        (
            "units below, communes and sessions",
            f"""SELECT un.id, un.name, un.path,
                  (un.valid_from IS NULL OR un.valid_from < %(end)s)
                  AND ((un.is_active AND un.valid_to IS NULL) OR un.valid_to >= %(start)s),
                  EXISTS (SELECT 1 FROM {u} k WHERE k.parent_id = un.id),
                  (SELECT count(*) FROM {s} se WHERE se.unit_id = un.id
                     AND se.status IN ('held', 'concluded', 'closed')
                     AND se.starts_at >= %(start)s AND se.starts_at < %(end)s)
                FROM {u} un WHERE un.path LIKE %(path)s""",
            params,
        ),
        (
            "cells per child, field and month",
            f"""SELECT kind, child_id, field_id, month, {sums} FROM {c}
                WHERE scope_id = %(scope)s AND year = %(year)s
                  AND kind IN ('child', 'field', 'month')
                GROUP BY 1, 2, 3, 4""",
            params,
        ),
        (
            "cells of the agencies with difference rows",
            f"""SELECT c.agency_id, ag.name, {a_sums} FROM {c} c JOIN {ag} ag ON ag.id = c.agency_id
                WHERE scope_id = %(scope)s AND year = %(year)s AND kind = 'agency'
                  AND agency_id IN ({differing}) GROUP BY 1, 2""",
            params,
        ),
        (
            "merged cells of the 30 most overdue other agencies",
            f"""SELECT c.agency_id, ag.name, {a_cols} FROM {c} c JOIN {ag} ag ON ag.id = c.agency_id
                WHERE scope_id = %(scope)s AND year = %(year)s AND kind = 'agency' AND merged
                  AND agency_id NOT IN ({differing})
                ORDER BY a_overdue DESC, a_total DESC, agency_id LIMIT 30""",
            params,
        ),
        ("ten oldest overdue", *live["ten oldest overdue"]),
    ]


def _measure_sql(sql: str, params: dict) -> float:
    from django.db import connection

    def action():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(action)


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export(user, rows: int) -> tuple[float, int, float]:
    """(seconds, rows written, peak RSS MB) of one XLSX export of `rows` assignment rows."""
    import gc

    from dialogue import exports

    gc.collect()
    reset = _reset_peak_rss()
    export = exports.build("assignments", user, {"status": ["open"]})
    export.queryset = export.queryset[:rows]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        written = exports.write_xlsx(export, handle)
    seconds = time.perf_counter() - t0
    return seconds, written, _peak_rss_mb() if reset else float("nan")


def _skipped(reason: str) -> list[dict]:
    return [
        {
            "name": "supervise.skipped",
            "value": None,
            "unit": "",
            "budget": f"dashboard {DASHBOARD_BUDGET}; export {EXPORT_BUDGET}",
            "note": reason,
        }
    ]


def run() -> list[dict]:
    choice = configure_django()

    from django.db import connection

    if connection.vendor != "postgresql":
        return _skipped(
            f"Skipped: PostgreSQL only (the national data is made with INSERT … SELECT "
            f"generate_series); the database here is {connection.vendor} ({choice})."
        )

    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from followups import annual_report, summary
    from followups.models import Assignment
    from petitions.models import Petition
    from tests.pdf import pages_text

    petitions_wanted = int(os.environ.get("BENCH_SUPERVISE_PETITIONS", national.PETITIONS))
    national.PETITIONS = petitions_wanted
    open_rows = min(national.OPEN, petitions_wanted)
    closed_rows = min(national.CLOSED, petitions_wanted)

    rows: list[dict] = []
    with throwaway_database():
        where = f"{database_label()} ({choice}); {load_note()}"
        today = timezone.localdate()
        t0 = time.perf_counter()
        root, provinces, national_user, province_user, communes, _agencies = national._country(
            today
        )
        national._insert_petitions(communes, today)
        first_id = Petition.objects.order_by("pk").values_list("pk", flat=True).first()
        national._insert_assignments(
            first_id, open_rows, today=today, status="open", agency_shift=0
        )
        national._insert_assignments(
            first_id, closed_rows, today=today, status="answered", agency_shift=1
        )
        generation_s = time.perf_counter() - t0
        # The rows above were inserted in bulk, past the services that keep the dashboard's
        # cells: count them once, as `manage.py rebuild_dashboard_summary` does after a load.
        t_rebuild = time.perf_counter()
        cells = summary.rebuild(today=today)
        rebuild_s = time.perf_counter() - t_rebuild
        national._vacuum()
        total = Assignment.objects.count()
        year = today.year
        size_note = (
            f"{petitions_wanted:,} petitions, {total:,} assignment rows "
            f"({open_rows:,} open), {communes:,} communes, made in {generation_s:.0f} s; "
            f"dashboard cells rebuilt in {rebuild_s:.1f} s ({cells:,} cells)"
        )

        url = reverse("dashboard")
        for key, user, unit, what in (
            ("national_supervisor", national_user, root, "supervisor of the whole country"),
            ("province_supervisor", province_user, provinces[0], "supervisor of one province"),
        ):
            client = Client()
            login_verified(client, user)
            page = f"{url}?unit={unit.pk}&year={year}"

            def get(client=client, page=page):
                response = client.get(page)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {page}: {response.status_code}")

            ms = _median_ms(get)
            with CaptureQueriesContext(connection) as captured:
                get()
            queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
            slowest_ms, slowest_sql = max(queries)
            slowest_sql = re.sub(r"\s+", " ", slowest_sql)[:140]
            hand = [
                (what_sql, _measure_sql(sql, params))
                for what_sql, sql, params in _hand_sql(unit.path, year, today)
            ]
            hand_ms = sum(t for _w, t in hand)
            cells_sql = [
                (what_sql, _measure_sql(sql, params))
                for what_sql, sql, params in _hand_cells_sql(unit.pk, unit.path, year, today)
            ]
            cells_ms = sum(t for _w, t in cells_sql)
            rows += [
                {
                    "name": f"dashboard_1m.{key}",
                    "value": round(ms, 1),
                    "unit": "ms",
                    "budget": DASHBOARD_BUDGET,
                    "note": (
                        f"{what}, year {year}; median of {RUNS} after {WARMUP}; "
                        f"{len(queries)} queries, SQL {sum(t for t, _ in queries):.1f} ms, "
                        f"slowest {slowest_ms:.1f} ms: {slowest_sql}; "
                        f"{size_note}; {where}"
                    ),
                },
                {
                    "name": f"dashboard_1m.{key}.queries",
                    "value": len(queries),
                    "unit": "queries",
                    "budget": DASHBOARD_BUDGET,
                    "note": "one request after the timed ones (session and auth included)",
                },
                {
                    "name": f"dashboard_1m.{key}.ratio_to_hand_sql",
                    "value": round(ms / cells_ms, 2) if cells_ms else None,
                    "unit": "ratio (page ÷ SQL)",
                    "budget": "report (issue 15)",
                    "note": f"hand-written SQL of what the page reads, {cells_ms:.1f} ms in all: "
                    + "; ".join(f"{w} {t:.1f} ms" for w, t in cells_sql),
                },
                {
                    "name": f"dashboard_1m.{key}.ratio_to_live_aggregates",
                    "value": round(ms / hand_ms, 2) if hand_ms else None,
                    "unit": "ratio (page ÷ SQL)",
                    "budget": "report (issue 15)",
                    "note": f"the same figures counted live by hand-written SQL, {hand_ms:.1f} ms "
                    "in all: " + "; ".join(f"{w} {t:.1f} ms" for w, t in hand),
                },
            ]

        small_s, small_rows, small_rss = _export(national_user, 10_000)
        big_s, big_rows, big_rss = _export(national_user, 100_000)
        rows += [
            {
                "name": "export_xlsx_100k",
                "value": round(big_rows / big_s),
                "unit": "rows/s",
                "budget": EXPORT_BUDGET,
                "note": (
                    f"{big_rows:,} rows in {big_s:.1f} s (10,000 rows: {small_s:.2f} s, "
                    f"{small_rows / small_s:.0f} rows/s); national supervisor's open assignments, "
                    f"openpyxl write-only, rows fetched {2000} at a time; {where}"
                ),
            },
            {
                "name": "export_xlsx_100k.peak_rss_10k",
                "value": round(small_rss, 1),
                "unit": "MB",
                "budget": EXPORT_BUDGET,
                "note": "peak RSS during the 10,000-row export (VmHWM, reset before)",
            },
            {
                "name": "export_xlsx_100k.peak_rss_100k",
                "value": round(big_rss, 1),
                "unit": "MB",
                "budget": EXPORT_BUDGET,
                "note": (
                    f"peak RSS during the 100,000-row export; growth over 10k: "
                    f"{big_rss - small_rss:+.1f} MB"
                ),
            },
        ]

        province = provinces[0]
        report = annual_report.annual_report_draft(actor=None, unit=province, year=year)
        t1 = time.perf_counter()
        figures = annual_report.load(province, year, report.reasons)
        figures_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        pdf = annual_report.report_pdf(report)
        pdf_s = time.perf_counter() - t2
        pages = len(pages_text(pdf))
        rows.append(
            {
                "name": "annual_report.province",
                "value": round(pages / pdf_s, 2),
                "unit": "pages/s",
                "budget": "report (issue 15)",
                "note": (
                    f"{province.name}: {len(figures.rows)} communes, {figures.petitions:,} "
                    f"petitions; figures {figures_s:.2f} s, PDF {pages} pages in {pdf_s:.2f} s, "
                    f"total {figures_s + pdf_s:.2f} s ({len(pdf) / 1024:.0f} KB); {where}"
                ),
            }
        )
    return rows
