"""The live console (DESIGN §10): saving one minutes entry (a create and an edit, with their
queries), an unchanged poll, the minutes PDF at 200 entries against plain WeasyPrint on the same
HTML and stylesheet, a 184-page minutes asked for through the web (the request only queues it; a
worker renders it) and finalised through the web (the request commits the snapshot; a worker
renders and stores it), the poll that follows one change in a session of 4,000 entries (a delta
since the client's revision), and the minutes page of that session (one section).

Server time is the in-process time of a request through the whole Django stack (middleware,
session, authentication, view) with the test client, on the bench database (bench.petitions).
"""

from __future__ import annotations

import io
import json
import statistics
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.petitions import configure_django, database_label, load_note, throwaway_database

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SAVES = 200
POLLS = 300
PDF_RUNS = 7
ENTRIES = 200
PETITIONS = 100
BIG_SESSION = 4000
#: The long minutes of issue 14 ("a 184-page minutes never holds a web worker").
LARGE_PAGES = 184
CHANGES = 60
TRANSACTION = {"BEGIN", "COMMIT", "ROLLBACK"}
PAGE_RUNS = 10


def _world():
    from dialogue.models import DeadlineProfile, Role
    from dialogue.services import unit_create
    from petitions.models import Field, Petition
    from sessions import services
    from sessions.models import MinutesEntry
    from tests.factories import UserFactory, member

    commune = unit_create(name="Xã Đo Lường", kind="xã")
    organiser = member(UserFactory(username="bench_organiser"), commune, Role.ORGANISER)
    secretary = member(UserFactory(username="bench_secretary"), commune, Role.SECRETARY)
    plan = services.plan_create(
        actor=organiser,
        unit=commune,
        tasks=[],
        issuing_body="ỦY BAN NHÂN DÂN XÃ ĐO LƯỜNG",
        place="Đo Lường",
        title="Kế hoạch tổ chức hội nghị đối thoại năm 2026",
        year=2026,
        profile=DeadlineProfile.objects.get(code="dien-bien-2024"),
    )
    starts = datetime(2026, 12, 10, 7, 30, tzinfo=TZ)
    session = services.session_create(
        actor=organiser,
        plan=plan,
        secretaries=[secretary],
        kind="annual_conference",
        title="Hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân năm 2026",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        venue="Hội trường UBND xã",
        chair_name="Lò Văn Thanh",
        invited_count=250,
    )
    services.session_transition(actor=organiser, session=session, to="scheduled", confirm=True)
    services.session_transition(actor=organiser, session=session, to="in_progress")
    speakers = [
        services.speaker_register(
            actor=secretary,
            session=session,
            full_name=f"Người dân số {i}",
            birth_year=1960 + i % 40,
            address=f"Thôn {i % 12 + 1}",
            topic="Đất đai, giải phóng mặt bằng",
        )
        for i in range(40)
    ]
    text = (
        "Ông (bà) phản ánh việc thu hồi đất làm đường liên thôn chưa được bồi thường thỏa đáng, "
        "đề nghị Ủy ban nhân dân xã kiểm tra, xác minh và trả lời bằng văn bản; đồng thời đề "
        "nghị công khai phương án bồi thường, hỗ trợ tại nhà văn hóa thôn. "
    )
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=session,
            uuid=uuid.uuid4(),
            seq=i + 1,
            kind="speech" if i % 3 else "answer",
            speaker=speakers[i % len(speakers)],
            text=f"{i + 1}. {text * (1 + i % 3)}",
            created_by=secretary,
            updated_by=secretary,
        )
        for i in range(ENTRIES)
    )
    field = Field.objects.get(code="dat-dai-gpmb")
    Petition.objects.bulk_create(
        Petition(
            session=session,
            unit=commune,
            source="at_session",
            received_on=starts.date(),
            petitioner_name=speakers[i % len(speakers)].full_name,
            content=f"Kiến nghị số {i + 1}: {text}",
            field=field,
            competence="commune",
            status="answered_at_session" if i % 2 else "to_answer_after",
            answer_at_session="Sẽ kiểm tra và trả lời trong 15 ngày làm việc." if i % 2 else "",
            answered_by="Chủ tịch UBND xã" if i % 2 else "",
        )
        for i in range(PETITIONS)
    )
    return session, secretary


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _save_and_poll(session, secretary) -> dict:
    """Creates and edits through the whole request, their queries (the request's, the save's
    without the login middleware's user, and the service call's alone), then unchanged polls."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sessions import console

    client = Client()
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    save_url = reverse("console-entry-save", args=[session.pk])
    state_url = reverse("console-state", args=[session.pk])

    def save(body: dict, status: int) -> None:
        response = client.post(save_url, json.dumps(body), content_type="application/json")
        if response.status_code != status:
            raise RuntimeError(f"save: {response.status_code} {response.content[:200]!r}")

    def create():
        save({"uuid": str(uuid.uuid4()), "kind": "speech", "text": "Ý kiến của người dân."}, 201)

    edited = {"uuid": str(uuid.uuid4()), "kind": "speech", "text": "Ý kiến", "base_version": 0}

    def edit():
        if edited["base_version"] == 0:
            save({**edited, "base_version": None}, 201)
        else:
            save(edited, 200)
        edited["base_version"] += 1
        edited["text"] = f"Ý kiến, sửa lần {edited['base_version']}."

    def statements(action) -> list[str]:
        # A full log (it keeps 9,000) would hide what this one action adds.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            action()
        # BEGIN and COMMIT are logged on PostgreSQL: transaction control, not queries.
        return [q["sql"] for q in captured.captured_queries if q["sql"] not in TRANSACTION]

    def counted(action) -> tuple[int, int]:
        sql = statements(action)
        # The login middleware reads the user on every request; the rest is the save's.
        return len(sql), len(
            [q for q in sql if 'FROM "dialogue_user"' not in q.split(" WHERE ")[0]]
        )

    for _ in range(5):
        create()
        edit()
    creates, edits = [], []
    for _ in range(SAVES):
        t0 = time.perf_counter()
        create()
        creates.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        edit()
        edits.append(time.perf_counter() - t0)
    create_request, create_save = counted(create)
    edit_request, edit_save = counted(edit)

    service_uuid = uuid.uuid4()

    def service(**kwargs):
        return console.entry_save(
            actor=secretary, session=session, uuid=service_uuid, kind="speech", **kwargs
        )

    service_create = statements(lambda: service(text="Ý kiến."))
    service_edit = statements(lambda: service(text="Ý kiến, sửa.", base_version=1))

    tag = client.get(state_url)["ETag"]
    polls = []
    for _ in range(POLLS):
        t0 = time.perf_counter()
        response = client.get(state_url, HTTP_IF_NONE_MATCH=tag)
        polls.append(time.perf_counter() - t0)
        if response.status_code != 304:
            raise RuntimeError(f"poll: {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(state_url, HTTP_IF_NONE_MATCH=tag)
    return {
        "create_ms": _median_ms(creates),
        "edit_ms": _median_ms(edits),
        "create_request": create_request,
        "create_save": create_save,
        "create_service": len(service_create),
        "edit_request": edit_request,
        "edit_save": edit_save,
        "edit_service": len(service_edit),
        "poll_ms": _median_ms(polls),
        "poll_queries": len(captured.captured_queries),
    }


def _poll_after_change(session, secretary) -> tuple[float, int, int, int]:
    """The session grown to BIG_SESSION entries; one watcher holds the state and, after each
    save by the other secretary's console, polls since its revision as console.js does.
    Returns (median ms, median bytes, queries of one poll, bytes of the first load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sessions.models import MinutesEntry

    last = session.minutes_entries.order_by("-seq").values_list("seq", flat=True).first() or 0
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=session,
            uuid=uuid.uuid4(),
            seq=last + i + 1,
            kind="speech",
            text=f"{i}. Ông (bà) phản ánh việc thu hồi đất chưa được bồi thường thỏa đáng. " * 2,
            created_by=secretary,
            updated_by=secretary,
        )
        for i in range(BIG_SESSION - session.minutes_entries.count())
    )
    writer, watcher = Client(), Client()
    for client in (writer, watcher):
        client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    save_url = reverse("console-entry-save", args=[session.pk])
    state_url = reverse("console-state", args=[session.pk])
    first = watcher.get(state_url)
    if len(first.json()["entries"]) < BIG_SESSION:
        raise RuntimeError("poll_after_change: the session is not at its size")
    tag, revision = first["ETag"], first.json()["revision"]
    times, sizes, queries = [], [], 0
    for i in range(CHANGES):
        body = {"uuid": str(uuid.uuid4()), "kind": "speech", "text": f"Ý kiến thứ {i}."}
        writer.post(save_url, json.dumps(body), content_type="application/json")
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = watcher.get(state_url, {"since": revision}, HTTP_IF_NONE_MATCH=tag)
            times.append(time.perf_counter() - t0)
        if response.status_code != 200 or len(response.json()["entries"]) != 1:
            raise RuntimeError(f"poll_after_change: {response.status_code}")
        tag, revision = response["ETag"], response.json()["revision"]
        sizes.append(len(response.content))
        queries = len(captured.captured_queries)
    return _median_ms(times), int(statistics.median(sizes)), queries, len(first.content)


def _minutes_page(session, secretary) -> tuple[float, int, int, int]:
    """The minutes page of the big session (after _poll_after_change): its first section and a
    deep one. Returns (median ms, bytes of the first section, of a deep one, entries)."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("session-minutes", args=[session.pk])
    entries = session.minutes_entries.count()
    times, first, deep = [], 0, 0
    for i in range(PAGE_RUNS):
        params = {"entry": entries - 100} if i % 2 else {}
        t0 = time.perf_counter()
        response = client.get(url, params, follow=True)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"minutes page: {response.status_code}")
        if i % 2:
            deep = len(response.content)
        else:
            first = len(response.content)
    return _median_ms(times), first, deep, entries


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _plain_weasyprint(html: str) -> bytes:
    """WeasyPrint as its documentation shows it, on the minutes' own HTML and stylesheet (so
    justified text, the header table and the draft's page marks are on both sides): what the
    document costs WeasyPrint by itself, without our context, template or configuration."""
    from weasyprint import CSS, HTML

    from dialogue.documents import BASE_URL, STYLESHEET_URL, safe_url_fetcher

    stylesheet = CSS(url=STYLESHEET_URL, url_fetcher=safe_url_fetcher)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher).write_pdf(
        stylesheets=[stylesheet]
    )


def _pdf(session) -> tuple[float, int, float, int, float]:
    from sessions.documents import minutes_html, minutes_pdf

    minutes_pdf(session)  # warm: fonts, templates
    ours, plain, ours_cpu, plain_cpu = [], [], [], []
    pages = plain_pages = 0
    html = minutes_html(session)
    _plain_weasyprint(html)
    for _ in range(PDF_RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = minutes_pdf(session)
        ours.append(time.perf_counter() - t0)
        ours_cpu.append(time.process_time() - c0)
        pages = _pages(pdf)
        t0, c0 = time.perf_counter(), time.process_time()
        plain_pdf = _plain_weasyprint(html)
        plain.append(time.perf_counter() - t0)
        plain_cpu.append(time.process_time() - c0)
        plain_pages = _pages(plain_pdf)
    # The fastest of interleaved runs: this machine is shared, and a slow outlier says
    # nothing about either renderer. The CPU-time ratio (this process only: the database
    # server's share of ours is not in it) is steadier when other processes load the machine.
    return min(ours), pages, min(plain), plain_pages, min(ours_cpu) / min(plain_cpu)


def _grow(session, secretary, pages_now: int, target: int) -> None:
    """Add entries and petitions in the bench's proportions until about `target` pages."""
    from petitions.models import Petition
    from sessions.models import MinutesEntry

    factor = target / max(pages_now, 1) - 1
    entries = list(session.minutes_entries.order_by("seq"))
    petitions = list(session.petitions.order_by("pk"))
    last = entries[-1].seq
    extra_entries = round(len(entries) * factor)
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            session=session,
            uuid=uuid.uuid4(),
            seq=last + i + 1,
            kind=entries[i % len(entries)].kind,
            speaker=entries[i % len(entries)].speaker,
            text=entries[i % len(entries)].text,
            created_by=secretary,
            updated_by=secretary,
        )
        for i in range(extra_entries)
    )
    reference = Petition._meta.get_field("reference")
    copies = []
    for i in range(round(len(petitions) * factor)):
        copy = Petition.objects.get(pk=petitions[i % len(petitions)].pk)
        copy.pk = copy.id = None
        copy.reference = reference.get_default()
        copies.append(copy)
    Petition.objects.bulk_create(copies)


def _off_the_request(session, secretary, pages_now: int) -> tuple[float, float, int, int]:
    """A long minutes asked for through the web: the request's time (it queues a render and
    answers with the progress page; the broker is replaced by a list, as with a real worker
    nothing is rendered in the request), then the worker's render of the same document."""
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    from dialogue import document_cache
    from dialogue.models import RenderedDocument
    from dialogue.tasks import document_render_task

    _grow(session, secretary, pages_now, LARGE_PAGES)
    client = Client()
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("minutes-pdf", args=[session.pk])
    sent = []
    with mock.patch.object(document_render_task, "delay", sent.append):
        t0 = time.perf_counter()
        response = client.get(url)
        request_s = time.perf_counter() - t0
    if response.status_code != 202 or len(sent) != 1:
        raise RuntimeError(f"off_the_request: {response.status_code}, {len(sent)} task(s)")
    t0 = time.perf_counter()
    document_cache.render_run(sent[0])
    worker_s = time.perf_counter() - t0
    row = RenderedDocument.objects.get(pk=sent[0])
    t0 = time.perf_counter()
    served = client.get(url)
    served_s = time.perf_counter() - t0
    if served.status_code != 200 or served.content != bytes(row.content):
        raise RuntimeError(f"off_the_request: served {served.status_code}")
    return request_s, worker_s, row.pages, served_s


def _finalise_off_the_request(session, secretary) -> tuple[float, float, int, float]:
    """The same long minutes finalised through the web: the request's time (it commits the
    finalisation and the HTML snapshot and queues the render, the broker a list as above;
    WeasyPrint must not run in it), the worker's render and storing, then serving the stored
    file. The minutes are reopened after, for the pieces that still write to the session."""
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    from dialogue import document_cache, documents
    from dialogue.models import StoredDocument
    from dialogue.tasks import document_render_task
    from sessions import minutes
    from sessions.models import Minutes

    client = Client()
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    sent, renders = [], []

    def not_in_the_request(html, **kwargs):
        renders.append(len(html))
        raise RuntimeError("WeasyPrint ran in the finalising request")

    with (
        mock.patch.object(document_render_task, "delay", sent.append),
        mock.patch.object(documents, "html_to_pdf", not_in_the_request),
    ):
        t0 = time.perf_counter()
        response = client.post(
            reverse("minutes-finalize", args=[session.pk]), {"chair_name": "Lò Văn Thanh"}
        )
        request_s = time.perf_counter() - t0
    record = Minutes.objects.get(session=session)
    if response.status_code != 302 or not record.is_final or len(sent) != 1 or renders:
        raise RuntimeError(f"finalise: {response.status_code}, {len(sent)} task(s), {renders}")
    t0 = time.perf_counter()
    document_cache.render_run(sent[0])
    worker_s = time.perf_counter() - t0
    stored = StoredDocument.objects.get(kind=minutes.MINUTES_DOCUMENT, object_id=str(record.pk))
    t0 = time.perf_counter()
    served = client.get(reverse("minutes-pdf", args=[session.pk]))
    served_s = time.perf_counter() - t0
    if served.status_code != 200 or served.content != bytes(stored.content):
        raise RuntimeError(f"finalise: served {served.status_code}")
    minutes.minutes_reopen(actor=session.created_by, session=session, reason="Đo hiệu năng.")
    return request_s, worker_s, _pages(bytes(stored.content)), served_s


def run() -> list[dict]:
    choice = configure_django()
    with throwaway_database():
        database = database_label()
        session, secretary = _world()
        saves = _save_and_poll(session, secretary)
        ours_s, pages, plain_s, plain_pages, cpu_ratio = _pdf(session)
        request_s, worker_s, large_pages, served_s = _off_the_request(session, secretary, pages)
        finalise = _finalise_off_the_request(session, secretary)
        delta_ms, delta_bytes, delta_queries, full_bytes = _poll_after_change(session, secretary)
        page_ms, page_bytes, deep_bytes, page_entries = _minutes_page(session, secretary)
    where = f"{database} ({choice}); {load_note()}"
    ours_rate = pages / ours_s
    plain_rate = plain_pages / plain_s
    return [
        {
            "name": "console.save_entry",
            "value": saves["create_ms"],
            "unit": "ms (median server time of a create)",
            "budget": "<= 6 queries per save",
            "note": (
                f"{SAVES} creates and {SAVES} edits (an edit median {saves['edit_ms']} ms); "
                f"queries of a create: {saves['create_save']} in the save "
                f"({saves['create_request']} in the request with the login's user, "
                f"{saves['create_service']} in the service call alone); of an edit: "
                f"{saves['edit_save']} ({saves['edit_request']}, {saves['edit_service']}), "
                "BEGIN and COMMIT not counted; "
                f"{where}"
            ),
        },
        {
            "name": "console.unchanged_poll_304_ms",
            "value": saves["poll_ms"],
            "unit": "ms (median server time)",
            "budget": "<= 5",
            "note": (
                f"{POLLS} polls answered 304 (by sessions.middleware, before the session and "
                f"auth middleware), {saves['poll_queries']} queries each; {where}"
            ),
        },
        {
            "name": "console.poll_after_change_4000",
            "value": delta_ms,
            "unit": "ms (median server time)",
            "budget": "<= 20 ms and <= 10 KB",
            "note": (
                f"{delta_bytes} bytes (median) and {delta_queries} queries per poll after one "
                f"save, {CHANGES} changes in a session of {BIG_SESSION} entries; the first "
                f"load is {full_bytes} bytes; {where}"
            ),
        },
        {
            "name": "console.minutes_page_4000",
            "value": page_ms,
            "unit": "ms (median server time)",
            "budget": "HTML bounded whatever the number of entries",
            "note": (
                f"the staff minutes page of a session of {page_entries} entries, in sections of "
                f"200: the first {page_bytes} bytes, a deep one (a jump to an entry near the "
                f"end, redirect followed) {deep_bytes} bytes; {where}"
            ),
        },
        {
            "name": "minutes_pdf.pages_per_s",
            "value": round(ours_rate, 2),
            "unit": "pages/s",
            "budget": ">= 8",
            "note": (
                f"{ENTRIES} entries and {PETITIONS} petitions: {pages} pages in "
                f"{ours_s * 1000:.0f} ms (fastest of {PDF_RUNS}, interleaved with plain); "
                "a draft: the DỰ THẢO marks are a named page, as cheap as a final"
            ),
        },
        {
            "name": "minutes_pdf.ratio_to_plain_weasyprint",
            "value": round(ours_s / plain_s * (plain_pages / pages), 2) if pages else None,
            "unit": "ratio (time per page, ours / plain)",
            "budget": "<= 1.3",
            "note": (
                f"plain WeasyPrint (HTML(...).write_pdf(stylesheets=[CSS(...)])) on the same "
                f"HTML and stylesheet: {plain_pages} pages in {plain_s * 1000:.0f} ms "
                f"({plain_rate:.1f} pages/s); whole document {ours_s / plain_s:.2f}x; in CPU "
                f"time of this process {cpu_ratio:.2f}x; {where}"
            ),
        },
        {
            "name": "minutes_pdf.web_request_184_pages_ms",
            "value": round(request_s * 1000, 1),
            "unit": "ms (the web request)",
            "budget": "never holds a web worker",
            "note": (
                f"a {large_pages}-page draft minutes asked for through the web: the request "
                f"queues the render and answers 202 with the progress page; the worker renders "
                f"it in {worker_s:.1f} s; once ready the request serves the stored file in "
                f"{served_s * 1000:.0f} ms; {where}"
            ),
        },
        {
            "name": "minutes_pdf.finalise_request_184_pages_ms",
            "value": round(finalise[0] * 1000, 1),
            "unit": "ms (the web request)",
            "budget": "never holds a web worker",
            "note": (
                f"the same minutes finalised through the web ({finalise[2]} pages once final): "
                "the request commits the finalisation with the HTML snapshot and queues the "
                "render (WeasyPrint not called in it); the worker renders and stores it in "
                f"{finalise[1]:.1f} s; then the request serves the stored file in "
                f"{finalise[3] * 1000:.0f} ms; {where}"
            ),
        },
    ]
