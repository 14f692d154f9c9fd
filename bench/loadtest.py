"""`make loadtest`: gunicorn (DEBUG=0) on PostgreSQL + Redis with the national bench data, loaded
by locust on 127.0.0.1 for a fixed time per scenario; one JSON line per figure, as `make bench`.

Run: ``.venv/bin/python -m bench.loadtest`` (PostgreSQL and Redis needed; nothing is asserted).

1. **Data.** The database ``<DATABASE_URL's name>_loadtest`` (``doithoai_loadtest`` when
   DATABASE_URL is unset; never the developer's database nor a test one) holds the country of
   bench.followups (34 provinces, 3,332 communes, 17,000 agencies, plans, concluded sessions and
   notices), PETITIONS petitions with searchable text as bench.search makes them (its word lists,
   the trigram index built after the load), one open assignment per petition (due dates spread
   around the build day, about 60 % overdue) plus CLOSED answered ones, and one commune with a
   secretary for the live console. It is built once and kept: a table ``loadtest_data`` records
   a marker (DATA_VERSION, the sizes and the project's migration files); a run that finds the
   same marker reuses the data (migrations are applied on every run), any other marker rebuilds
   it from an empty database.
2. **Per run.** A fresh in-progress console session with ENTRIES minutes entries; sessions
   (cookies) for the national supervisor (past the second sign-in step, as
   bench.petitions.login_verified) and the secretary, written to the database with this run's
   SECRET_KEY; collectstatic; then gunicorn with DEBUG=0 on 127.0.0.1 and a free port, with
   WORKER_CLASS (see README, "Other commands", for why gthread), Redis for the cache and sessions.
3. **Scenarios**, each a headless locust (bench/locustfile.py) of USERS users sending requests
   back to back for WARMUP + DURATION seconds, only the last DURATION counted: search, the overdue
   list, the console's unchanged poll (304), saving an entry (each user about twice a second, and
   back to back), and 8 users polling beside 2 searching (the worker class's case: do fast
   requests wait behind slow ones?). Figures:
   requests/s, p50, p95, errors (the warm-up's included) and the 1-minute load average just
   after the scenario.

Everything started is stopped at the end (gunicorn by its process group), whatever happened.
LOADTEST_PETITIONS, LOADTEST_DURATION, LOADTEST_USERS, LOADTEST_WORKER_CLASS, LOADTEST_WORKERS,
LOADTEST_THREADS and LOADTEST_SCENARIOS change the run (LOADTEST_PETITIONS rebuilds the data).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BIN = Path(sys.executable).parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Bump when what _build() makes changes: the next run rebuilds the data.
DATA_VERSION = 1
PETITIONS = int(os.environ.get("LOADTEST_PETITIONS", 1_000_000))
CLOSED = PETITIONS // 5
ENTRIES = 200
USERS = int(os.environ.get("LOADTEST_USERS", 10))
WARMUP = 3
DURATION = int(os.environ.get("LOADTEST_DURATION", 15))
WORKER_CLASS = os.environ.get("LOADTEST_WORKER_CLASS", "gthread")
WORKERS = int(os.environ.get("LOADTEST_WORKERS", os.cpu_count() or 2))
THREADS = int(os.environ.get("LOADTEST_THREADS", 4))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/doithoai"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
#: Search terms found in the data (names, places and matters of bench.petitions' word lists),
#: folded as a user types them; from common to rare.
TERMS = [
    "dat dai",
    "nguyen van an",
    "boi thuong",
    "ho ngheo",
    "den chieu sang",
    "tran thi lan",
    "karaoke",
    "thon dong",
]
SCENARIOS = [
    # (figure name, locust user classes, budget on req/s, budget on p95, budget on p50)
    ("search", "Search", "≥ 30 req/s at 10 users", "≤ 300 ms", None),
    ("overdue", "Overdue", "≥ 100 req/s at 10 users", "≤ 200 ms", None),
    ("poll_304", "Poll304", "≥ 500 req/s", None, None),
    # Ten users on one console, each saving about twice a second (far faster than anyone types
    # an entry): the latency of a save while others save beside it.
    ("save_entry", "SaveEntryPaced", "report", None, "≤ 30 ms at 10 users"),
    # The same users back to back: the console's most saves per second. Its p50 is users ÷ rate
    # (each user waits for its own answer), so it measures the machine, not a save.
    ("save_entry.closed_loop", "SaveEntry", "report", None, None),
    # The worker class's case: fast requests beside slow ones (the polls' figures are reported).
    ("mixed.poll_304_beside_search", "MixedPoll MixedSearch", "report", None, None),
]
#: LOADTEST_SCENARIOS=search,poll_304 runs only those.
ONLY = [n for n in os.environ.get("LOADTEST_SCENARIOS", "").split(",") if n]
#: The request whose figures a mixed scenario reports (bench/locustfile.py names it).
FOCUS = {"mixed.poll_304_beside_search": "console state (304)"}


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _target_url() -> str:
    base = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"make loadtest needs PostgreSQL; DATABASE_URL is {base!r}")
    name = urlsplit(base).path.lstrip("/") or "doithoai"
    # Cut the name, not the suffix: the result always ends in _loadtest, so it is never the
    # database DATABASE_URL names (which a rebuild would drop). PostgreSQL names: 63 bytes.
    return _with_name(base, f"{name[: 63 - len('_loadtest')]}_loadtest")


def _admin(url: str):
    import psycopg

    return psycopg.connect(_with_name(url, "postgres"), autocommit=True, connect_timeout=5)


def _marker() -> str:
    migrations = sorted(
        f"{p.parent.parent.name}/{p.name}" for p in BASE_DIR.glob("*/migrations/0*.py")
    )
    text = json.dumps([DATA_VERSION, PETITIONS, CLOSED, ENTRIES, migrations])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _stored_marker(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT marker FROM loadtest_data").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def _recreate(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    with _admin(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def _load() -> str:
    one_minute = os.getloadavg()[0]
    return (
        f"load average {one_minute:.1f} on {os.cpu_count()} CPUs, CPU probe "
        f"{_cpu_probe_ms():.0f} ms"
    )


def _cpu_probe_ms() -> float:
    """A fixed piece of pure Python, timed (best of three) beside each figure: a shared
    machine's speed swings (on 2026-12-07 one such loop took from 308 to 516 ms, minutes
    apart, on an idle machine here), and a throughput is read with the speed it had."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i
        best = min(best, time.perf_counter() - t0)
    return best * 1000


# --- the data -----------------------------------------------------------------------------------


def _build(marker: str) -> str:
    """The national data, in the (empty, migrated) database; returns what was built."""
    from django.db import connection
    from django.utils import timezone

    import bench.search
    from bench.followups import _country, _insert_assignments, _vacuum
    from followups.models import Assignment
    from petitions.models import Petition

    today = timezone.localdate()
    t0 = time.perf_counter()
    _root, provinces, _national, _provincial, communes, agencies = _country(today)
    country_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    # bench.search's loader reads its row count from the module (BENCH_SEARCH_ROWS).
    bench.search.ROWS = PETITIONS
    with _column_defaults(Petition):
        bench.search._insert(communes)
    petitions_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    first_id = Petition.objects.order_by("pk").values_list("pk", flat=True).first()
    with _column_defaults(Assignment):
        _insert_assignments(first_id, PETITIONS, today=today, status="open", agency_shift=0)
        _insert_assignments(first_id, CLOSED, today=today, status="answered", agency_shift=1)
    _console_world()
    _vacuum()
    assignments_s = time.perf_counter() - t2
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE loadtest_data (marker text, built text)")
        built = (
            f"{len(provinces)} provinces, {communes:,} communes, {agencies:,} agencies "
            f"({country_s:.0f} s); {PETITIONS:,} petitions with the trigram index "
            f"({petitions_s:.0f} s); {PETITIONS:,} open + {CLOSED:,} answered assignments, due "
            f"dates around {today:%d/%m/%Y}, and the console's commune ({assignments_s:.0f} s)"
        )
        cursor.execute("INSERT INTO loadtest_data VALUES (%s, %s)", [marker, built])
    return built


#: Column defaults (SQL) for fields whose default is made in Python, during the bulk load.
SQL_DEFAULTS = {
    # petitions.reference: "DT-XXXXX-XXXXX", unique: the row's number in upper-case hex (all
    # of them Crockford symbols), from a sequence of the load's own.
    ("petitions_petition", "reference"): (
        "'DT-' || substr(lpad(upper(to_hex(nextval('loadtest_reference'))), 10, '0'), 1, 5) "
        "|| '-' || substr(lpad(upper(to_hex(currval('loadtest_reference'))), 10, '0'), 6, 5)"
    ),
}


@contextmanager
def _column_defaults(model):
    """The model's defaults as column defaults while the bench's INSERT … SELECTs run: a field
    added after those statements were written (legal_hold, reference, …) gets its default
    instead of NULL (a blank text field, ''; a default made in Python, SQL_DEFAULTS). Removed
    after, as the migrations leave the table."""
    from django.db import connection

    table = model._meta.db_table
    plain, expressions = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.null or f.generated:
            continue
        if (table, f.column) in SQL_DEFAULTS:
            expressions.append((f.column, SQL_DEFAULTS[(table, f.column)]))
        elif not (f.has_default() and callable(f.default)) and f.get_default() is not None:
            plain.append((f.column, f.get_default()))
    quote = connection.ops.quote_name
    alter = f"ALTER TABLE {quote(table)} ALTER COLUMN"
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS loadtest_reference")
        for column, value in plain:
            cursor.execute(f"{alter} {quote(column)} SET DEFAULT %s", [value])
        for column, sql in expressions:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET DEFAULT {sql}"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for column, _value in plain + expressions:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} DROP DEFAULT"
                )


def _console_world() -> None:
    """One commune with an organiser, a secretary and a plan; each run adds a session to it."""
    from dialogue.models import DeadlineProfile, Membership, Role, User
    from dialogue.services import unit_create
    from sessions import services

    commune = unit_create(name="Xã Tải Thử", kind="xã")
    organiser = User.objects.create(username="loadtest_organiser", full_name="Người Tổ Chức")
    Membership.objects.create(user=organiser, unit=commune, role=Role.ORGANISER)
    secretary = User.objects.create(username="loadtest_secretary", full_name="Thư Ký Hội Nghị")
    Membership.objects.create(user=secretary, unit=commune, role=Role.SECRETARY)
    services.plan_create(
        actor=organiser,
        unit=commune,
        tasks=[],
        issuing_body="ỦY BAN NHÂN DÂN XÃ TẢI THỬ",
        place="Tải Thử",
        title="Kế hoạch tổ chức hội nghị đối thoại năm 2026",
        year=2026,
        profile=DeadlineProfile.objects.get(code="dien-bien-2024"),
    )


def _console_session():
    """A fresh in-progress session of the console's commune with ENTRIES entries, so every run
    saves into a session of the same size."""
    from dialogue.models import User
    from sessions import services
    from sessions.models import MinutesEntry, Plan

    organiser = User.objects.get(username="loadtest_organiser")
    secretary = User.objects.get(username="loadtest_secretary")
    plan = Plan.objects.get(unit__name="Xã Tải Thử")
    starts = datetime.now(TZ).replace(microsecond=0) + timedelta(days=1)
    session = services.session_create(
        actor=organiser,
        plan=plan,
        secretaries=[secretary],
        kind="annual_conference",
        title=f"Hội nghị đối thoại (đo tải {starts:%d/%m/%Y %H:%M:%S})",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        venue="Hội trường UBND xã",
        chair_name="Lò Văn Thanh",
        invited_count=250,
    )
    services.session_transition(actor=organiser, session=session, to="scheduled", confirm=True)
    services.session_transition(actor=organiser, session=session, to="in_progress")
    text = (
        "Ông (bà) phản ánh việc thu hồi đất làm đường liên thôn chưa được bồi thường thỏa đáng, "
        "đề nghị Ủy ban nhân dân xã kiểm tra, xác minh và trả lời bằng văn bản. "
    )
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=session,
            uuid=uuid.uuid4(),
            seq=i + 1,
            kind="speech" if i % 3 else "answer",
            text=f"{i + 1}. {text * (1 + i % 3)}",
            created_by=secretary,
            updated_by=secretary,
        )
        for i in range(ENTRIES)
    )
    return session, secretary


def _cookies(user, *, verified: bool) -> dict[str, str]:
    """A signed-in session for `user` in the session store (the database, read by gunicorn)."""
    from django.conf import settings
    from django.test import Client

    from bench.petitions import login_verified

    client = Client()
    if verified:
        login_verified(client, user)
    else:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


# --- the server and the load ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn does not listen on {port} after {seconds} s")


def _get(base: str, path: str, cookies: dict[str, str], headers: dict | None = None):
    request = urllib.request.Request(
        base + path,
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **(headers or {})},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _locust(base: str, name: str, user_classes: str, config: dict, work: Path) -> dict:
    out = work / f"{name}.json"
    env = {
        **os.environ,
        "LOADTEST_CONFIG": json.dumps(config),
        "LOADTEST_OUT": str(out),
        "LOADTEST_WARMUP": str(WARMUP),
        "LOADTEST_FOCUS": FOCUS.get(name, ""),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [str(BIN / "locust"), "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless"]
        + ["--users", str(USERS), "--spawn-rate", str(USERS), "--host", base]
        + ["--run-time", f"{WARMUP + DURATION}s", "--stop-timeout", "5", "--only-summary"]
        + ["--loglevel", "WARNING", "--exit-code-on-error", "0", *user_classes.split()],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=open(work / f"{name}.log", "wb"),
        timeout=WARMUP + DURATION + 60,
    )
    return json.loads(out.read_text())


def _rows(name: str, figures: dict, budgets: tuple, where: str) -> list[dict]:
    rps_budget, p95_budget, p50_budget = budgets
    errors = figures["failures_with_warmup"]
    note = (
        f"{figures['requests']:,} requests in {figures['seconds']:.1f} s counted (after "
        f"{WARMUP} s of warm-up), p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 "
        f"{figures['p99_ms']} ms, max {figures['max_ms']:.0f} ms, {figures['avg_bytes']:.0f} "
        f"bytes/response, errors {errors}"
        + (f" ({json.dumps(figures['errors'], ensure_ascii=False)[:300]})" if errors else "")
        + (f"; users {USERS}: 8 polling while 2 search" if name in FOCUS else f"; users {USERS}")
        + f", {where}"
    )
    rows = [
        {
            "name": f"loadtest.{name}",
            "value": round(figures["rps"], 1),
            "unit": "req/s",
            "budget": rps_budget,
            "note": note,
        },
        {
            "name": f"loadtest.{name}.p50",
            "value": figures["p50_ms"],
            "unit": "ms",
            "budget": p50_budget or "report",
            "note": f"median response time at {USERS} users as seen by locust",
        },
        {
            "name": f"loadtest.{name}.p95",
            "value": figures["p95_ms"],
            "unit": "ms",
            "budget": p95_budget or "report",
            "note": f"95th percentile at {USERS} users as seen by locust",
        },
        {
            "name": f"loadtest.{name}.errors",
            "value": errors,
            "unit": "errors",
            "budget": "0",
            "note": "failed requests, the warm-up's included (a wrong status code is one)",
        },
    ]
    return rows


def _print(row: dict) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


def main() -> None:
    target = _target_url()
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    marker = _marker()
    t0 = time.perf_counter()
    reuse = _stored_marker(target) == marker
    if not reuse:
        _recreate(target)
    secret_key = secrets.token_urlsafe(50)
    prefix = f"doithoai-loadtest-{os.getpid()}"
    # This process builds the data and writes the sessions: same database, key and Redis as
    # gunicorn; DEBUG=1 only here (development settings, no deploy checks for a builder).
    os.environ.update(
        {
            "DATABASE_URL": target,
            "SECRET_KEY": secret_key,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "dialogue.settings",
        }
    )
    from bench.petitions import configure_django

    configure_django()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from dialogue.models import User

    call_command("migrate", verbosity=0)
    if reuse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT built FROM loadtest_data")
            built = f"reused: {cursor.fetchone()[0]}"
    else:
        built = _build(marker)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session")  # the sessions of earlier runs
    session, secretary = _console_session()
    national = User.objects.get(username="bench_national")
    cookies = {
        "supervisor": _cookies(national, verified=True),
        "secretary": _cookies(secretary, verified=False),
    }
    _print(
        {
            "name": "loadtest.data",
            "value": round(time.perf_counter() - t0, 1),
            "unit": "s",
            "budget": "report (a second run reuses the data)",
            "note": f"{target.rsplit('/', 1)[1]} ({marker}): {built}; {_load()}",
        }
    )
    config = {
        "cookies": cookies,
        "terms": TERMS,
        "overdue_url": reverse("overdue-list"),
        "state_url": reverse("console-state", args=[session.pk]),
        "console_url": reverse("session-console", args=[session.pk]),
        "save_url": reverse("console-entry-save", args=[session.pk]),
    }
    connection.close()

    work = Path(tempfile.mkdtemp(prefix="doithoai-loadtest-"))
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")},
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(work / "staticfiles"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    log = work / "gunicorn.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "dialogue.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--worker-class", WORKER_CLASS, "--workers", str(WORKERS)]
        + (["--threads", str(THREADS)] if WORKER_CLASS == "gthread" else [])
        + ["--error-logfile", "-"],
        cwd=BASE_DIR,
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    server_note = (
        f"gunicorn {WORKER_CLASS}, {WORKERS} workers"
        + (f" × {THREADS} threads" if WORKER_CLASS == "gthread" else "")
        + ", DEBUG=0, PostgreSQL + Redis"
    )
    try:
        _wait_for_port(port, server, log)
        # Each page once, signed in and not redirected: a broken setup fails here, loudly.
        checks = [
            ("supervisor", "/petitions/?q=dat+dai", 200),
            ("supervisor", config["overdue_url"], 200),
            ("secretary", config["state_url"], 200),
            ("secretary", config["console_url"], 200),
        ]
        for role, path, status in checks:
            got = _get(base, path, cookies[role])[0]
            if got != status:
                raise RuntimeError(f"GET {path} as {role}: {got}, expected {status}")
        for name, user_classes, *budgets in SCENARIOS:
            if ONLY and name not in ONLY:
                continue
            figures = _locust(base, name, user_classes, config, work)
            for row in _rows(name, figures, tuple(budgets), f"{server_note}; {_load()}"):
                _print(row)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        tracebacks = log.read_text(errors="replace").count("Traceback")
        if tracebacks:
            print(f"gunicorn logged {tracebacks} traceback(s); see {log}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
