"""Benchmark: the petitions list page (petitions.views.petition_list) with 200,000 petitions.

Run: ``.venv/bin/python -m bench petitions`` (one JSON line per measurement).

The database is a throwaway one made with Django's test-database machinery, never the developer's
var/db.sqlite3 or the database DATABASE_URL names:

1. DATABASE_URL if it is set (the benchmark database is ``<its name>_bench_<pid>``, dropped after);
2. otherwise PostgreSQL at postgres://postgres@127.0.0.1:5432 if it answers (DESIGN §10: the
   budgets are on PostgreSQL);
3. otherwise SQLite in a temporary directory (on SQLite the benchmark database is always a file of
   its own in a temporary directory, never var/test.sqlite3 or TEST_SQLITE_NAME).

DESIGN §10 has no budget for this list; the figures are set beside the dashboard's
(≤ 100 ms, ≤ 12 queries). Each figure is the median of RUNS requests through django.test.Client
after WARMUP requests, with DEBUG off as in production (no query log while timing); the queries are
counted, and their time summed, on SQL_RUNS further requests. On PostgreSQL the note of the
supervisor's first page carries its EXPLAIN ANALYZE in one line. ``configure_django``,
``throwaway_database``, ``database_label`` and ``load_note`` are shared with bench.documents.
"""

from __future__ import annotations

import atexit
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

# Allow running as a script (python bench/petitions.py) from anywhere.
BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SEED = 20260415
ROWS = 200_000
#: Of ROWS, this many belong to another province: the supervisor's scope filter has work to do.
OTHER_PROVINCE_ROWS = 10_000
COMMUNES = 50
OTHER_COMMUNES = 5
BATCH = 5000
WARMUP = 3
RUNS = 30
SQL_RUNS = 5
FOLLOWED_PAGES = 20
DEEP_ROW = 185_000
BENCH_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/doithoai_bench"
BUDGET = "report (dashboard budget: ≤100 ms, ≤12 queries)"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# --- Django and the throwaway database (also used by bench.documents) ---------------------------


def _postgres_answers(url: str) -> bool:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    try:
        psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=2,
        ).close()
    except psycopg.Error:
        return False
    return True


def configure_django() -> str:
    """Set Django up once per process (DATABASE_URL, else local PostgreSQL, else SQLite in a
    temporary directory) and return how the database was chosen."""
    import django
    import environ
    from django.apps import apps

    if not apps.ready:
        # As `make bench` does (DEBUG ?= 1): the development settings need no SECRET_KEY.
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue.settings")
        environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
        if os.environ.get("DATABASE_URL"):
            os.environ["BENCH_DATABASE_CHOICE"] = "DATABASE_URL"
        elif _postgres_answers(BENCH_POSTGRES_URL):
            os.environ["DATABASE_URL"] = BENCH_POSTGRES_URL
            os.environ["BENCH_DATABASE_CHOICE"] = "local PostgreSQL (DATABASE_URL unset)"
        else:
            # Never opened: throwaway_database() works in a file of its own.
            tmp = Path(tempfile.mkdtemp(prefix="doithoai-bench-"))
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
            os.environ["BENCH_DATABASE_CHOICE"] = "SQLite in a temporary file (no PostgreSQL)"
        django.setup()
    return os.environ.get("BENCH_DATABASE_CHOICE", "already configured")


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        return f"PostgreSQL {version}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


@contextmanager
def throwaway_database():
    """A fresh, migrated database for the default connection, destroyed on exit."""
    from django.conf import settings
    from django.db import connection

    settings_dict = connection.settings_dict
    test = settings_dict.setdefault("TEST", {})
    tmp = None
    if connection.vendor == "postgresql":
        # Never "test_<name>": that one belongs to pytest runs on the same server.
        name = settings_dict["NAME"]
        test["NAME"] = f"{name if 'bench' in name else name + '_bench'}_{os.getpid()}"[-63:]
    else:
        # Never var/test.sqlite3 or TEST_SQLITE_NAME: a test run may be using them.
        tmp = Path(tempfile.mkdtemp(prefix="doithoai-bench-"))
        test["NAME"] = str(tmp / "bench.sqlite3")
    old_name = settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # Measure as production runs: no query log, no debug pages; the test client's host allowed.
    old_debug, old_hosts = settings.DEBUG, settings.ALLOWED_HOSTS
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        yield
    finally:
        settings.DEBUG, settings.ALLOWED_HOSTS = old_debug, old_hosts
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# --- the world ----------------------------------------------------------------------------------

SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh".split()
)
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Ngọc Xuân Quang Thu Kim Công Bá Đình".split()
GIVEN = (
    "An Bình Cường Dũng Hà Hải Hạnh Hoa Hùng Lan Long Mai Nam Nga Phúc Quân Sơn Tâm Thảo Tuấn "
    "Vinh Yến Khánh Loan Huệ Toàn Thắng Hiền Đông Trang Nhung Lợi Tú Chiến Ánh"
).split()
PLACE_WORDS = (
    "An Bình Thanh Hòa Phú Tân Đông Tây Kim Liêm Duy Mỹ Thuận Lộc Hưng Phúc Quang Trung Nghĩa "
    "Đồng Hợp Thịnh Lạc Khê Sơn Hải Văn Tiên Bảo Yên"
).split()
HAMLETS = ["thôn Đông", "thôn Tây", "thôn Nam", "thôn Bắc", "thôn Thượng", "thôn Hạ", "xóm Chùa"]
PROJECTS = [
    "đường vành đai 5",
    "khu công nghiệp Đồng Văn IV",
    "trường mầm non trung tâm",
    "khu dân cư mới phía Bắc",
    "trạm bơm tiêu úng",
    "nghĩa trang nhân dân",
    "mở rộng quốc lộ 21B",
]
LEADS = [
    "Đề nghị xem xét, giải quyết",
    "Kiến nghị làm rõ",
    "Phản ánh việc",
    "Đề nghị chính quyền quan tâm đến",
    "Cử tri đề nghị kiểm tra",
    "Đề nghị công khai thông tin về",
    "Nhân dân bức xúc về",
]
TAILS = [
    "",
    " Việc này đã kiến nghị nhiều lần nhưng chưa được giải quyết dứt điểm.",
    " Đề nghị trả lời bằng văn bản.",
    " Người dân rất bức xúc, đề nghị có biện pháp xử lý sớm.",
    " Đề nghị cho biết lộ trình và thời gian thực hiện cụ thể.",
    " Đề nghị xử lý nghiêm các trường hợp vi phạm.",
]
#: Field code -> matters of that field ({place}, {project}, {n} filled in).
MATTERS = {
    "dat-dai-gpmb": [
        "việc cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số {n}",
        "mức bồi thường, hỗ trợ khi thu hồi đất làm dự án {project}",
        "tiến độ giải phóng mặt bằng dự án {project}",
        "tranh chấp đất đai, ranh giới giữa các hộ ở {place}",
        "điều chỉnh quy hoạch sử dụng đất tại {place}",
        "hồ sơ đất đai bị trả lại nhiều lần ở bộ phận một cửa",
        "giao đất tái định cư cho các hộ bị thu hồi đất tại {place}",
    ],
    "moi-truong": [
        "ô nhiễm mùi từ trang trại chăn nuôi lợn ở {place}",
        "rác thải sinh hoạt không được thu gom thường xuyên tại {place}",
        "nước thải của cơ sở sản xuất chảy ra kênh tiêu {place}",
        "khói bụi từ lò gạch thủ công gần {place}",
    ],
    "ha-tang-giao-thong": [
        "đường liên thôn {place} xuống cấp, nhiều ổ gà",
        "đèn chiếu sáng công cộng tại {place} hỏng đã lâu",
        "mương thoát nước {place} bị tắc gây ngập khi mưa",
        "cầu dân sinh qua {place} không bảo đảm an toàn",
        "đổ đất lấn chiếm hành lang an toàn giao thông đoạn qua {place}",
    ],
    "chinh-sach-xa-hoi": [
        "chế độ trợ cấp cho người có công với cách mạng ở {place}",
        "việc bình xét hộ nghèo, hộ cận nghèo năm 2026",
        "cấp thẻ bảo hiểm y tế cho người cao tuổi",
        "trợ cấp xã hội hằng tháng cho người khuyết tật",
        "hỗ trợ học phí cho học sinh thuộc hộ nghèo",
    ],
    "thu-tuc-hanh-chinh": [
        "thời gian giải quyết hồ sơ chứng thực tại bộ phận một cửa",
        "thủ tục đăng ký khai sinh, kết hôn còn rườm rà",
        "thủ tục cấp phép xây dựng nhà ở riêng lẻ",
        "dịch vụ công trực tuyến thường xuyên bị lỗi",
    ],
    "le-loi-can-bo": [
        "thái độ của cán bộ tiếp công dân",
        "cán bộ địa chính chậm trả lời đơn của công dân",
        "cán bộ thôn thu các khoản đóng góp không đúng quy định",
    ],
    "an-ninh-trat-tu": [
        "tình trạng trộm cắp vặt ở {place}",
        "thanh thiếu niên tụ tập đua xe ban đêm tại {place}",
        "quán karaoke gây ồn sau 22 giờ tại {place}",
        "hoạt động cho vay nặng lãi trên địa bàn",
    ],
    "khac": [
        "việc tổ chức lễ hội truyền thống của {place}",
        "sửa chữa nhà văn hóa {place}",
        "lịch cắt điện thường xuyên vào giờ cao điểm",
    ],
}
FIELD_WEIGHTS = {
    "dat-dai-gpmb": 30,
    "moi-truong": 12,
    "ha-tang-giao-thong": 20,
    "chinh-sach-xa-hoi": 14,
    "thu-tuc-hanh-chinh": 9,
    "le-loi-can-bo": 5,
    "an-ninh-trat-tu": 7,
    "khac": 3,
}


def _place_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add(" ".join(rng.sample(PLACE_WORDS, 2)))
    return sorted(names)


def _build_world(rng: random.Random, communes: list | None = None):
    """Units (unless `communes` are given: then those, e.g. the register's, with their parent
    loaded, the first one's province the supervisor's), one organiser and one supervisor, and a
    plan and a session in every commune, made through the services."""
    from dialogue import services as unit_services
    from dialogue.models import DeadlineProfile, Membership, Role, User
    from sessions import services as session_services

    if communes is None:
        province = unit_services.unit_create(name="Tỉnh Hà Nam", kind="tỉnh", code="35")
        other = unit_services.unit_create(name="Tỉnh Điện Biên", kind="tỉnh", code="11")
        names = _place_names(rng, COMMUNES + OTHER_COMMUNES)
        communes = [
            unit_services.unit_create(
                name=f"{'Phường' if i % 7 == 0 else 'Xã'} {name}",
                kind="phường" if i % 7 == 0 else "xã",
                parent=province if i < COMMUNES else other,
            )
            for i, name in enumerate(names)
        ]
    else:
        province = communes[0].parent
    organiser = User.objects.create(username="organiser", full_name="Trần Thị Tổ Chức")
    Membership.objects.create(user=organiser, unit=communes[0], role=Role.ORGANISER)
    supervisor = User.objects.create(username="supervisor", full_name="Lê Văn Giám Sát")
    Membership.objects.create(user=supervisor, unit=province, role=Role.SUPERVISOR)

    profile = DeadlineProfile.objects.get(code="ha-nam-2018")
    sessions = []
    for unit in communes:
        plan = session_services.plan_create(
            actor=None,
            unit=unit,
            tasks=[],
            issuing_body=f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
            place=unit.name,
            title=f"Kế hoạch tổ chức hội nghị đối thoại với Nhân dân năm 2026 ({unit.name})",
            year=2026,
            profile=profile,
        )
        starts_at = datetime(2026, 12, 1, 8, 0, tzinfo=TZ) + timedelta(days=rng.randrange(20))
        sessions.append(
            session_services.session_create(
                actor=None,
                plan=plan,
                secretaries=[],
                kind="annual_conference",
                title=f"Hội nghị đối thoại năm 2026 — {unit.name}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=4),
                venue=f"Hội trường Ủy ban nhân dân {unit.name}",
                chair_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            )
        )
    return province, communes, sessions, organiser, supervisor


def _person(rng: random.Random) -> str:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    if rng.random() < 0.12:
        name += f" và {rng.randint(2, 40)} hộ dân"
    return name


def _petitions(rng: random.Random, sessions, fields, creator, local: int = COMMUNES) -> list:
    """ROWS unsaved petitions, spread unevenly over the sessions (so over the units): the first
    OTHER_PROVINCE_ROWS over the sessions after the first `local` ones (if there are any), the
    rest over those `local` ones."""
    from dialogue.textfold import search_document
    from petitions.models import Petition

    in_province = sessions[:local]
    elsewhere = sessions[local:]
    # Cumulative once (what rng.choices does on every call with plain weights: same draws).
    cum_weights = list(accumulate(rng.uniform(0.3, 3.0) for _ in in_province))
    codes = list(FIELD_WEIGHTS)
    field_weights = list(FIELD_WEIGHTS.values())
    sources = [s for s, _label in Petition.Source.choices]
    received_from = date(2026, 9, 1).toordinal()
    rows = []
    for i in range(ROWS):
        session = (
            rng.choice(elsewhere)
            if elsewhere and i < OTHER_PROVINCE_ROWS
            else rng.choices(in_province, cum_weights=cum_weights)[0]
        )
        code = rng.choices(codes, field_weights)[0]
        place = f"{rng.choice(HAMLETS)} {rng.randint(1, 12)}"
        matter = rng.choice(MATTERS[code]).format(
            place=place, project=rng.choice(PROJECTS), n=rng.randint(1, 999)
        )
        content = f"{rng.choice(LEADS)} {matter}.{rng.choice(TAILS)}"
        name = _person(rng)
        address = f"{place}, {session.unit.name}"
        roll = rng.random()
        scope, status, reason = Petition.Scope.IN_SCOPE, Petition.Status.RECEIVED, ""
        if roll < 0.08:
            scope = rng.choice([Petition.Scope.COMPLAINT, Petition.Scope.DENUNCIATION])
            status = Petition.Status.ROUTED_OUT
            reason = "Chuyển giải quyết theo thủ tục khiếu nại, tố cáo."
        elif roll < 0.12:
            status = Petition.Status.DUPLICATE  # duplicate_of is set after the originals exist
        elif roll < 0.15:
            scope = Petition.Scope.OFF_TOPIC
        elif roll < 0.45:
            status = rng.choice([Petition.Status.PREPARING, Petition.Status.PREPARED])
        rows.append(
            Petition(
                session_id=session.pk,
                unit_id=session.unit_id,
                source=rng.choice(sources),
                received_on=date.fromordinal(received_from + rng.randrange(90)),
                petitioner_name=name,
                petitioner_address=address,
                petitioner_phone=f"09{rng.randrange(10**8):08d}",
                signatories=1 if "hộ dân" not in name else rng.randint(2, 60),
                content=content,
                field_id=fields[code],
                competence=rng.choices(["commune", "province", "central"], [80, 17, 3])[0],
                scope=scope,
                routing_reason=reason,
                times_raised=rng.choices([1, 2, 3, 4, 5], [60, 20, 10, 6, 4])[0],
                status=status,
                is_resolved=status in Petition.RESOLVED_STATUSES,
                created_by_id=creator.pk,
                search=search_document(name, address, content),
            )
        )
    return rows


def _load(rng: random.Random, sessions, organiser, local: int = COMMUNES) -> float:
    from django.db import connection, transaction

    from petitions.models import Field, Petition

    t0 = time.perf_counter()
    fields = dict(Field.objects.values_list("code", "pk"))
    rows = _petitions(rng, sessions, fields, organiser, local)
    originals = [p for p in rows if p.status != Petition.Status.DUPLICATE]
    duplicates = [p for p in rows if p.status == Petition.Status.DUPLICATE]
    with transaction.atomic():
        Petition.objects.bulk_create(originals, batch_size=BATCH)
        by_unit: dict[int, list[int]] = {}
        for p in originals:
            by_unit.setdefault(p.unit_id, []).append(p.pk)
        for p in duplicates:
            p.duplicate_of_id = rng.choice(by_unit[p.unit_id])
        Petition.objects.bulk_create(duplicates, batch_size=BATCH)
    with connection.cursor() as cursor:
        # A settled table, as autovacuum leaves it: planner statistics and the visibility map.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - t0


# --- measuring ----------------------------------------------------------------------------------

_ROW_LINK = re.compile(r'href="/petitions/\d+/"')
_NEXT = re.compile(r"[?&;]after=([\w-]+)")


def _rows_on(response) -> int:
    return len(_ROW_LINK.findall(response.content.decode()))


def _next_cursor(response) -> str | None:
    found = _NEXT.search(response.content.decode())
    return found.group(1) if found else None


def login_verified(client, user) -> None:
    """Sign `user` in as past the second step (a confirmed authenticator device, its id in the
    session), as a supervisor is in production (settings.OTP_REQUIRED_ROLES): without it the
    pages answer with the redirect to enrolment. django-otp then loads the device on every
    request, and that query is counted with the page's."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


def _measure(client, url: str, runs: int = RUNS) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        _get(client, url)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _get(client, url)
        times.append(time.perf_counter() - t0)
    # Queries on a few more requests (the debug cursor costs a little, so not while timing).
    sql_ms = []
    for _ in range(SQL_RUNS):
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, url)
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        sql_ms.append(sum(ms for ms, _sql in queries))
    slowest_ms, slowest_sql = max(queries)
    return {
        "ms": statistics.median(times) * 1000,
        "p90_ms": sorted(times)[int(len(times) * 0.9) - 1] * 1000,
        "queries": len(queries),
        "sql_ms": statistics.median(sql_ms),
        "slowest_ms": slowest_ms,
        "slowest_sql": slowest_sql,
        "rows": _rows_on(response),
    }


def _sql_gist(sql: str) -> str:
    """ "FROM petitions_petition … WHERE … ORDER BY …" shortened for a note."""
    sql = re.sub(r"\s+", " ", sql)
    found = re.search(r' FROM "?(\w+)"?', sql)
    table = found.group(1) if found else "?"
    where = re.search(r" WHERE (.*?)(?: ORDER BY | LIMIT |$)", sql)
    condition = (where.group(1)[:160] + "…") if where and len(where.group(1)) > 160 else ""
    if where and not condition:
        condition = where.group(1)
    return f"{table}" + (f" WHERE {condition}" if condition else "")


def _explain(qs) -> str:
    """EXPLAIN ANALYZE in one line: the node chain (Hash nodes and scans of the small tables left
    out), whether an index of the petitions table is used, and the execution time."""
    plan = qs.explain(analyze=True)
    chain: list[str] = []
    petition_scan, total = "", ""
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if text.startswith("Execution Time"):
            total = text.split(":", 1)[1].strip()
        elif text.startswith("Sort Method") and chain:
            chain[-1] += f" [{text.split(':', 1)[1].strip().split('  ')[0]}]"
        elif "(cost=" in text:
            node = text.split("  (cost=")[0]
            if " on petitions_petition" in node:
                petition_scan = node
            elif node != "Hash" and " on " not in node:
                chain.append(node)
    collapsed: list[str] = []
    for node in chain:
        if collapsed and collapsed[-1].split(" ×")[0] == node:
            count = int(collapsed[-1].split(" ×")[1]) + 1 if " ×" in collapsed[-1] else 2
            collapsed[-1] = f"{node} ×{count}"
        else:
            collapsed.append(node)
    index = re.search(r"using (\w+)", petition_scan)
    used = f"index {index.group(1)} used" if index else "no index used on petitions_petition"
    return f"{' › '.join([*collapsed, petition_scan])} ({used}); {total}"


def load_note() -> str:
    one_minute = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"load average {one_minute:.1f} on {os.cpu_count()} CPUs"


def run() -> list[dict]:
    choice = configure_django()

    from django.db import connection
    from django.test import Client

    from dialogue.pagination import encode_cursor
    from petitions.models import Field, Petition
    from petitions.views import LIST_ORDER, PAGE_SIZE

    rows_out: list[dict] = []
    with throwaway_database():
        database = database_label()
        rng = random.Random(SEED)
        t0 = time.perf_counter()
        province, communes, sessions, organiser, supervisor = _build_world(rng)
        world_s = time.perf_counter() - t0
        load_s = _load(rng, sessions, organiser)
        organiser_rows = Petition.objects.filter(unit=communes[0]).count()
        rows_out.append(
            {
                "name": "petitions.list_200k.data_generation",
                "value": round(world_s + load_s, 1),
                "unit": "s",
                "budget": "report (≤ ~120 s)",
                "note": (
                    f"{database} ({choice}); {COMMUNES} communes + {OTHER_COMMUNES} in another "
                    f"province, {len(sessions)} plans and sessions via the services "
                    f"({world_s:.1f} s); {ROWS:,} petitions by bulk_create, batch {BATCH}, "
                    f"{OTHER_PROVINCE_ROWS:,} of them outside the supervisor's province, then "
                    f"{'VACUUM ANALYZE' if 'PostgreSQL' in database else 'ANALYZE'} "
                    f"({load_s:.1f} s); seed {SEED}"
                ),
            }
        )

        supervisor_client, organiser_client = Client(), Client()
        login_verified(supervisor_client, supervisor)
        organiser_client.force_login(organiser)

        # A page reached by following the "next" links, and one near the end (crafted cursor,
        # exactly what the link on the page before it would carry).
        cursor = None
        for _ in range(FOLLOWED_PAGES):
            url = "/petitions/" + (f"?after={cursor}" if cursor else "")
            cursor = _next_cursor(_get(supervisor_client, url))
        visible = Petition.objects.filter(unit__path__startswith=province.path)
        deep_row = visible.order_by(*LIST_ORDER)[DEEP_ROW - 1]
        deep_cursor = encode_cursor(deep_row, LIST_ORDER)
        environment = Field.objects.get(code="moi-truong")

        cases = [
            ("supervisor_first_page", supervisor_client, "/petitions/", "supervisor, province"),
            (
                f"supervisor_page_{FOLLOWED_PAGES + 1}",
                supervisor_client,
                f"/petitions/?after={cursor}",
                f"cursor reached by following {FOLLOWED_PAGES} 'next page' links",
            ),
            (
                "supervisor_deep_page",
                supervisor_client,
                f"/petitions/?after={deep_cursor}",
                f"cursor of row {DEEP_ROW:,} of {ROWS - OTHER_PROVINCE_ROWS:,} visible",
            ),
            (
                "supervisor_search_dat_dai",
                supervisor_client,
                "/petitions/?q=dat+dai",
                "folded search 'dat dai' (search LIKE '%dat%' AND LIKE '%dai%')",
            ),
            (
                "supervisor_filter_field",
                supervisor_client,
                f"/petitions/?field={environment.pk}",
                f"field = {environment.name}",
            ),
            (
                "organiser_first_page",
                organiser_client,
                "/petitions/",
                f"organiser of one commune ({organiser_rows:,} petitions)",
            ),
        ]
        explain = ""
        if connection.vendor == "postgresql":
            qs = (
                Petition.objects.visible_to(supervisor)
                .select_related("field", "session")
                .order_by(*LIST_ORDER)[: PAGE_SIZE + 1]
            )
            plan = _explain(qs)
            explain = f"; EXPLAIN ANALYZE: {plan}" if len(plan) <= 400 else ""

        medians: dict[str, float] = {}
        for key, client, url, what in cases:
            m = _measure(client, url)
            medians[key] = m["ms"]
            note = (
                f"{what}; {m['rows']} rows shown; median of {RUNS} (p90 {m['p90_ms']:.1f} ms); "
                f"SQL {m['sql_ms']:.0f} ms in {m['queries']} queries (median of {SQL_RUNS}; "
                f"the rest, Python and template, ≈ {max(m['ms'] - m['sql_ms'], 0):.0f} ms), "
                f"slowest {m['slowest_ms']:.1f} ms: {_sql_gist(m['slowest_sql'])}; {database}, "
                f"{load_note()}"
            )
            if key == "supervisor_first_page":
                note += explain
            rows_out.append(
                {
                    "name": f"petitions.list_200k.{key}",
                    "value": round(m["ms"], 1),
                    "unit": "ms",
                    "budget": BUDGET,
                    "note": note,
                }
            )
            rows_out.append(
                {
                    "name": f"petitions.list_200k.{key}.queries",
                    "value": m["queries"],
                    "unit": "queries",
                    "budget": BUDGET,
                    "note": f"{what}; counted on the requests after the timed ones",
                }
            )
        ratio = medians["supervisor_deep_page"] / medians["supervisor_first_page"]
        rows_out.append(
            {
                "name": "petitions.list_200k.supervisor_deep_page.ratio_to_first_page",
                "value": round(ratio, 2),
                "unit": "ratio",
                "budget": "≤ 1.5",
                "note": (
                    f"median page at row {DEEP_ROW:,} ({medians['supervisor_deep_page']:.1f} ms) "
                    f"over the first page ({medians['supervisor_first_page']:.1f} ms); keyset "
                    f"(list_rank, id) <= (r, i - 1) on petition_rank_idx; {database}, {load_note()}"
                ),
            }
        )
    return rows_out


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
