"""Benchmarks of the citizens' side: the XLSX import and the retention sweep.

Run: ``.venv/bin/python -m bench citizen`` (one JSON line per measurement). The database is a
throwaway one (bench.petitions.throwaway_database: DATABASE_URL, else local PostgreSQL, else
SQLite in a temporary file).

- ``import.xlsx_5000``: a 5,000-row file through ``petitions.importing`` (check, then the
  all-or-nothing import through ``petition_create``, one row at a time as the form does), in
  rows per second; the queries are counted.
- ``retention.sweep_1m``: ``followups.anonymisation.retention_sweep`` over RETENTION_ROWS
  petitions (default 1,000,000; ``BENCH_RETENTION_ROWS`` to change it) of sessions past the
  retention period, with a speaker and a minutes entry per ten petitions. Every statement is
  set-based, the folded search columns included (folded in SQL by ``dialogue.foldsql`` in the
  anonymising UPDATEs), so the query count does not depend on the rows; the time of the Python
  refold of rows left non-ASCII (none here) is reported apart.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.petitions import (  # noqa: E402
    GIVEN,
    HAMLETS,
    MIDDLE,
    SURNAMES,
    configure_django,
    database_label,
    load_note,
    throwaway_database,
)

SEED = 20261206
IMPORT_ROWS = 5000
RETENTION_ROWS = int(os.environ.get("BENCH_RETENTION_ROWS", "1000000"))
SESSIONS = 200
BATCH = 5000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class QueryCounter:
    """Counts statements on the default connection (DEBUG is off while measuring)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _unit_and_plan():
    from dialogue import services as unit_services
    from dialogue.models import DeadlineProfile, Membership, Role, User
    from sessions import services as session_services

    unit = unit_services.unit_create(name="Xã Thanh Bình", kind="xã")
    organiser = User.objects.create(username="organiser", full_name="Trần Thị Tổ Chức")
    Membership.objects.create(user=organiser, unit=unit, role=Role.ORGANISER)
    plan = session_services.plan_create(
        actor=None,
        unit=unit,
        tasks=[],
        issuing_body="ỦY BAN NHÂN DÂN XÃ THANH BÌNH",
        place="Thanh Bình",
        title="Kế hoạch đối thoại",
        year=2026,
        profile=DeadlineProfile.objects.get(code="ha-nam-2018"),
    )
    return unit, organiser, plan


def _session(plan, starts_at: datetime, title: str):
    from sessions import services as session_services

    return session_services.session_create(
        actor=None,
        plan=plan,
        secretaries=[],
        kind="annual_conference",
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        venue="Hội trường xã",
        chair_name="Trần Văn Chủ",
    )


def _xlsx(rng: random.Random, rows: int) -> bytes:
    from openpyxl import Workbook

    from petitions import importing
    from petitions.models import Field

    fields = list(Field.objects.values_list("name", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kiến nghị")
    sheet.append([header for _key, header, _width in importing.COLUMNS])
    for n in range(1, rows + 1):
        sheet.append(
            [
                n,
                f"{rng.randint(1, 28):02d}/11/2026",
                "Họp thôn, tổ dân phố",
                _person(rng),
                rng.choice(HAMLETS),
                f"09{rng.randint(10_000_000, 99_999_999)}",
                1,
                f"Kiến nghị số {n}: đề nghị sửa đường, lắp đèn, nạo vét mương thoát nước.",
                rng.choice(fields),
                "Cấp xã",
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_import(rng: random.Random, database: str, choice: str) -> list[dict]:
    from django.db import connection

    from petitions import importing
    from petitions.models import Petition

    _unit, organiser, plan = _unit_and_plan()
    session = _session(plan, datetime(2026, 12, 15, 8, tzinfo=TZ), "Hội nghị đối thoại 2026")
    content = _xlsx(rng, IMPORT_ROWS)
    counter = QueryCounter()
    t0 = time.perf_counter()
    with connection.execute_wrapper(counter):
        upload = importing.import_upload(
            actor=organiser, session=session, filename="bench.xlsx", content=content
        )
        t1 = time.perf_counter()
        created = importing.petition_import_apply(actor=organiser, petition_import=upload)
    t2 = time.perf_counter()
    assert created == IMPORT_ROWS == Petition.objects.filter(session=session).count()
    return [
        {
            "name": "import.xlsx_5000",
            "value": round(IMPORT_ROWS / (t2 - t0)),
            "unit": "rows/s",
            "budget": "within the request budget or as a Celery task with progress",
            "note": (
                f"{database} ({choice}); {IMPORT_ROWS:,} rows, {len(content) / 1024:.0f} KB; "
                f"upload and check {t1 - t0:.1f} s, import {t2 - t1:.1f} s "
                f"(one transaction, petition_create per row, {counter.count:,} queries "
                f"= {counter.count / IMPORT_ROWS:.1f} per row); files over "
                f"{importing.INLINE_ROWS} rows go to a Celery task; {load_note()}"
            ),
        }
    ]


def _load_retention(rng: random.Random, rows: int) -> tuple[int, int]:
    from django.db import connection

    from dialogue.textfold import search_document
    from petitions.models import Field, Petition
    from sessions.models import DialogueSession, MinutesEntry, Speaker

    unit, organiser, plan = _unit_and_plan()
    fields = list(Field.objects.all())
    sessions = [
        _session(plan, datetime(2026, 12, 15, 8, tzinfo=TZ), f"Hội nghị {n}")
        for n in range(SESSIONS)
    ]
    # All ended in 2020: past the retention period.
    DialogueSession.objects.update(
        status="closed",
        starts_at=datetime(2020, 12, 15, 8, tzinfo=TZ),
        ends_at=datetime(2020, 12, 15, 12, tzinfo=TZ),
    )
    speakers = entries = 0
    made = 0
    while made < rows:
        count = min(BATCH, rows - made)
        batch_petitions, batch_speakers = [], []
        for i in range(count):
            name, hamlet = _person(rng), rng.choice(HAMLETS)
            session = sessions[(made + i) % SESSIONS]
            text = f"Ông {name} ở {hamlet} đề nghị sửa đường liên thôn, lắp đèn chiếu sáng."
            batch_petitions.append(
                Petition(
                    session=session,
                    unit=unit,
                    source="hamlet_meeting",
                    received_on=date(2020, 12, 1),
                    petitioner_name=name,
                    petitioner_address=hamlet,
                    petitioner_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    content=text,
                    field=fields[i % len(fields)],
                    competence="commune",
                    status="answered",
                    is_resolved=True,
                    search=search_document(name, hamlet, text),
                )
            )
            if i % 10 == 0:
                batch_speakers.append(
                    Speaker(
                        session=session,
                        position=made + i + 1,
                        full_name=name,
                        birth_year=1960,
                        address=hamlet,
                        phone="0912345678",
                        topic="Giao thông",
                    )
                )
        Petition.objects.bulk_create(batch_petitions, batch_size=BATCH)
        saved = Speaker.objects.bulk_create(batch_speakers, batch_size=BATCH)
        MinutesEntry.objects.bulk_create(
            [
                MinutesEntry(
                    session_id=s.session_id,
                    uuid=uuid.uuid4(),
                    seq=s.position,
                    kind="speech",
                    speaker=s,
                    text=f"{s.full_name} ({s.address}) phát biểu về giao thông.",
                )
                for s in saved
            ],
            batch_size=BATCH,
        )
        speakers += len(saved)
        entries += len(saved)
        made += count
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return speakers, entries


def bench_retention(rng: random.Random, database: str, choice: str) -> list[dict]:
    from django.db import connection

    from followups import anonymisation
    from petitions.models import Petition

    t0 = time.perf_counter()
    speakers, entries = _load_retention(rng, RETENTION_ROWS)
    load_s = time.perf_counter() - t0
    counter = QueryCounter()
    rebuild = {"s": 0.0}
    original = anonymisation._rebuild_petition_search

    def timed_rebuild(stamp):
        r0 = time.perf_counter()
        original(stamp)
        rebuild["s"] = time.perf_counter() - r0

    anonymisation._rebuild_petition_search = timed_rebuild
    try:
        with connection.execute_wrapper(counter):
            t1 = time.perf_counter()
            report = anonymisation.retention_sweep(today=date(2026, 12, 6), years=5)
            sweep_s = time.perf_counter() - t1
    finally:
        anonymisation._rebuild_petition_search = original
    assert report.petitions == RETENTION_ROWS == Petition.objects.count()
    assert not Petition.objects.exclude(petitioner_name="[đã ẩn danh]").exists()
    return [
        {
            "name": f"retention.sweep_{RETENTION_ROWS // 1000}k"
            if RETENTION_ROWS < 1_000_000
            else "retention.sweep_1m",
            "value": round(sweep_s, 1),
            "unit": "s",
            "budget": "report (statements do not grow with the rows of a session)",
            "note": (
                f"{database} ({choice}); {RETENTION_ROWS:,} petitions, {speakers:,} speakers, "
                f"{entries:,} minutes entries in {SESSIONS} sessions of 2020 (loaded in "
                f"{load_s:.0f} s); {counter.count} queries in all: a fixed number, plus one "
                f"fixed set per group of sessions holding up to "
                f"{anonymisation.NAMES_PER_CHUNK:,} citizens (the free-text pass reads their "
                f"names), never one per row (search columns folded in SQL; the Python refold "
                f"of non-ASCII rows took {rebuild['s']:.1f} s of it); "
                f"{load_note()}"
            ),
        }
    ]


def run() -> list[dict]:
    choice = configure_django()
    rows: list[dict] = []
    with throwaway_database():
        database = database_label()
        rows += bench_import(random.Random(SEED), database, choice)
    with throwaway_database():
        database = database_label()
        rows += bench_retention(random.Random(SEED), database, choice)
    return rows


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row, ensure_ascii=False), flush=True)
