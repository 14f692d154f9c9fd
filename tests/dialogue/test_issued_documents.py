"""Issued documents rendered off the request (dialogue.document_cache.issue, issue 14: "a
184-page minutes never holds a web worker"): the issuing request commits the state change and
the HTML snapshot; a worker renders that snapshot and stores it, once, as the version numbered
at issue; meanwhile the download answers the progress page.

The renderer is the real one behind a counting spy (the stored text is read back); the broker is
a list the test empties when it says so, as a real worker would.
"""

import importlib
import logging
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from dialogue import audit, document_cache, documents, storage
from dialogue.celery import app as celery_app
from dialogue.models import RenderedDocument, Role, StoredDocument
from dialogue.tasks import BROKER_BREAKER, document_render_task
from followups import anonymisation
from followups.documents import notice_html
from sessions import console, services
from sessions import documents as session_documents
from sessions.minutes import MINUTES_DOCUMENT, minutes_finalize, minutes_reopen
from sessions.models import DialogueSession, Minutes, MinutesEntry
from tests.factories import (
    UserFactory,
    hold_session,
    issue_notice,
    make_held_session,
    make_plan,
    make_session,
    make_speaker,
    member,
)
from tests.pdf import pdf_text
from tests.public.citizens import PETITIONER, SPEAKER, held_and_followed

Status = RenderedDocument.Status
VN = ZoneInfo("Asia/Ho_Chi_Minh")
REAL_HTML_TO_PDF = documents.html_to_pdf
SIGNED = {
    "number": "12/KH-UBND",
    "issued_on": date(2026, 11, 2),
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Nguyễn Văn Ký",
}


class Renderer:
    """WeasyPrint, counted; `during` runs inside the first render (another process meanwhile)."""

    def __init__(self):
        self.calls = 0
        self.during = None

    def __call__(self, html, *, progress=None):
        self.calls += 1
        if self.during is not None:
            during, self.during = self.during, None
            during()
        return REAL_HTML_TO_PDF(html, progress=progress)


class Queue:
    """Stands in for the broker: tasks are recorded, run only when a test says so."""

    def __init__(self):
        self.sent = []

    def delay(self, pk):
        self.sent.append(pk)

    def run_all(self):
        while self.sent:
            document_cache.render_run(self.sent.pop(0))


@pytest.fixture
def renderer(monkeypatch):
    spy = Renderer()
    monkeypatch.setattr(documents, "html_to_pdf", spy)
    return spy


@pytest.fixture
def queue(monkeypatch):
    fake = Queue()
    monkeypatch.setattr(document_render_task, "delay", fake.delay)
    return fake


@pytest.fixture
def large(settings):
    """These documents are a few pages: a lower threshold makes them "large" (their HTML is
    checked to be over it), so the path of a 184-page minutes is taken in a second."""
    settings.DOCUMENT_INLINE_MAX_BYTES = 2000


@pytest.fixture
def held(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    speaker = make_speaker(session, actor=world.secretary_a, full_name="Nguyễn Văn Một")
    for seq in range(1, 4):
        MinutesEntry.objects.create(
            session=session,
            uuid=uuid.uuid4(),
            seq=seq,
            kind="speech",
            speaker=speaker,
            text=f"Ý kiến số {seq}: đề nghị bồi thường thỏa đáng khi thu hồi đất làm đường.",
        )
    return hold_session(session)


def minutes_url(session):
    return reverse("minutes-pdf", args=[session.pk])


def finalise(client, session):
    response = client.post(
        reverse("minutes-finalize", args=[session.pk]), {"chair_name": "Trần Văn Chủ"}
    )
    assert response.status_code == 302
    return Minutes.objects.get(session=session)


# --- the minutes -----------------------------------------------------------------------------


def test_finalising_long_minutes_leaves_the_render_to_a_worker(
    world, login, held, renderer, queue, large
):
    client = login(world.secretary_a)
    minutes = finalise(client, held)

    assert renderer.calls == 0, "the finalising request rendered the minutes"
    assert minutes.is_final and minutes.sha256 == ""
    assert DialogueSession.objects.get(pk=held.pk).minutes_final
    assert [c.action for c in audit.history(minutes)] == ["finalised"]
    row = RenderedDocument.objects.get()
    assert queue.sent == [row.pk] and row.status == Status.PENDING and row.stored_version == 1
    snapshot = session_documents.minutes_html(held, minutes=minutes)
    assert row.html == snapshot and not document_cache.is_small(snapshot)
    assert storage.latest(minutes, MINUTES_DOCUMENT) is None

    # Meanwhile: the download is the progress page, the minutes page says the file is coming.
    pending = client.get(minutes_url(held))
    assert pending.status_code == 202 and renderer.calls == 0
    assert f"{minutes_url(held)}?render={row.pk}" in pending.content.decode()
    page = client.get(reverse("session-minutes", args=[held.pk]))
    assert page.status_code == 200 and 'id="minutes-sha256-waiting"' in page.text

    queue.run_all()
    assert renderer.calls == 1
    stored = StoredDocument.objects.get()  # one version
    assert (stored.kind, stored.version, stored.object_id) == ("minutes", 1, str(minutes.pk))
    assert stored.created_by == world.secretary_a
    assert stored.filename == f"bien-ban-{held.pk}.pdf"
    minutes.refresh_from_db()
    assert minutes.sha256 == stored.sha256
    assert not RenderedDocument.objects.exists()
    text = pdf_text(bytes(stored.content))
    assert text == pdf_text(REAL_HTML_TO_PDF(snapshot))  # the snapshot, as finalised
    assert "Ý kiến số 3: đề nghị bồi thường" in text and "DỰ THẢO" not in text

    # The poll opens the file, which is the stored bytes; nothing is rendered again.
    ready = client.get(f"{minutes_url(held)}?render={row.pk}", HTTP_HX_REQUEST="true")
    assert ready["HX-Redirect"] == minutes_url(held)
    served = client.get(minutes_url(held))
    assert served.status_code == 200 and served.content == bytes(stored.content)
    page = client.get(reverse("session-minutes", args=[held.pk]))
    assert f'id="minutes-sha256">{stored.sha256}<' in page.text

    # A second delivery of the task stores nothing more.
    document_cache.render_run(row.pk)
    assert StoredDocument.objects.count() == 1 and renderer.calls == 1


def test_a_render_claimed_again_meanwhile_stores_once(world, login, held, renderer, queue, large):
    minutes = finalise(login(world.secretary_a), held)
    (pk,) = queue.sent
    # While the worker renders, the snapshot is claimed again (settled by a batch, as a lost
    # task would be by another worker) and stored; the first worker then stores nothing.
    renderer.during = lambda: document_cache.issue_settle(minutes, MINUTES_DOCUMENT)
    queue.run_all()
    assert renderer.calls == 2
    stored = StoredDocument.objects.get()
    minutes.refresh_from_db()
    assert stored.version == 1 and minutes.sha256 == stored.sha256
    assert not RenderedDocument.objects.filter(pk=pk).exists()


def test_a_lost_or_failed_render_is_queued_again(
    world, login, held, renderer, queue, large, monkeypatch
):
    client = login(world.secretary_a)
    minutes = finalise(client, held)
    row = RenderedDocument.objects.get()
    queue.sent.clear()  # the broker lost it
    assert document_cache.requeue_lost() == 0  # still recent: it may be on its way
    RenderedDocument.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - document_cache.LOST_AFTER - timedelta(minutes=1)
    )
    # Two downloads at once find it lost: one of them queues it.
    assert client.get(minutes_url(held)).status_code == 202
    assert client.get(minutes_url(held)).status_code == 202
    assert queue.sent == [row.pk]
    assert document_cache.requeue_lost() == 0  # queued again already

    monkeypatch.setattr(documents, "html_to_pdf", lambda html, progress=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        queue.run_all()
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.html  # the snapshot is kept
    failed = client.get(f"{minutes_url(held)}?render={row.pk}", HTTP_HX_REQUEST="true")
    assert "alert-danger" in failed.content.decode()
    assert document_cache.purge() == 0  # not a cache
    # The sweep (every 10 minutes) tries a failure again once LOST_AFTER has passed.
    assert document_cache.requeue_lost() == 0
    RenderedDocument.objects.filter(pk=row.pk).update(
        finished_at=timezone.now() - document_cache.LOST_AFTER - timedelta(minutes=1)
    )
    assert document_cache.requeue_lost() == 1 and queue.sent == [row.pk]
    monkeypatch.setattr(documents, "html_to_pdf", renderer)
    queue.run_all()
    assert storage.latest(minutes, MINUTES_DOCUMENT).version == 1
    assert client.get(minutes_url(held)).status_code == 200


def test_another_units_user_gets_404_on_the_pending_file(
    world, login, held, renderer, queue, large
):
    finalise(login(world.secretary_a), held)
    row = RenderedDocument.objects.get()
    for user in (
        world.organiser_b,
        member(UserFactory(username="supervisor_x"), world.other_province, Role.SUPERVISOR),
    ):
        client = login(user)
        assert client.get(minutes_url(held)).status_code == 404
        assert client.get(f"{minutes_url(held)}?render={row.pk}").status_code == 404
    assert queue.sent == [row.pk] and renderer.calls == 0


def test_with_eager_tasks_the_file_is_stored_in_the_request_as_before(world, login, held, large):
    minutes = finalise(login(world.secretary_a), held)
    stored = storage.latest(minutes, MINUTES_DOCUMENT)
    assert stored is not None and minutes.sha256 == stored.sha256
    history = audit.history(minutes)
    assert history.get(action="finalised").changes == {"sha256": [None, stored.sha256]}
    assert history.get(action="document_stored").changes["sha256"] == [None, stored.sha256]
    assert not RenderedDocument.objects.exists()


# --- the conclusion notice -------------------------------------------------------------------


def test_issuing_a_long_notice_leaves_the_render_to_a_worker(world, login, renderer, queue, large):
    with time_machine.travel(datetime(2026, 12, 22, 9, tzinfo=VN), tick=False):
        session, _ = make_held_session(world.commune_a, petitions=3)
        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 22),
            number="45/TB-UBND",
        )
    assert renderer.calls == 0 and notice.is_issued and notice.assignments.count() == 3
    row = RenderedDocument.objects.get()
    assert row.html == notice_html(notice) and not document_cache.is_small(row.html)
    url = reverse("session-notice-pdf", args=[session.pk])
    staff = login(world.supervisor)
    assert staff.get(url).status_code == 202
    page = staff.get(reverse("session-notice", args=[session.pk]))
    assert page.status_code == 200 and 'id="document-waiting"' in page.text
    assert login(world.organiser_b).get(url).status_code == 404

    staff = login(world.supervisor)
    queue.run_all()
    document_cache.render_run(row.pk)  # delivered twice
    stored = StoredDocument.objects.get()
    assert stored.version == 1 and renderer.calls == 1
    text = pdf_text(bytes(stored.content))
    assert "Số: 45/TB-UBND" in text and "DỰ THẢO" not in text
    served = staff.get(url)
    assert served.status_code == 200 and served.content == bytes(stored.content)


def test_issuing_a_long_annual_report_leaves_the_render_to_a_worker(
    world, login, renderer, queue, large
):
    from followups import annual_report

    with time_machine.travel(datetime(2027, 1, 20, 9, tzinfo=VN), tick=False):
        report = annual_report.annual_report_draft(
            actor=world.organiser_a, unit=world.commune_a, year=2026
        )
        report = annual_report.annual_report_update(
            actor=world.organiser_a, report=report, signer_name="Lê Văn Ký", signer_title="Chủ tịch"
        )
        report = annual_report.annual_report_issue(
            actor=world.organiser_a, report=report, number="05/BC-UBND", issued_on=date(2027, 1, 20)
        )
    assert renderer.calls == 0 and report.is_issued
    row = RenderedDocument.objects.get()
    assert row.html == annual_report.report_html(report) and not document_cache.is_small(row.html)
    client = login(world.organiser_a)
    url = reverse("annual-report-pdf", args=[report.pk])
    assert client.get(url).status_code == 202
    page = client.get(reverse("annual-report-detail", args=[report.pk]))
    assert 'id="document-waiting"' in page.text
    assert login(world.organiser_b).get(url).status_code == 404

    queue.run_all()
    document_cache.render_run(row.pk)  # delivered twice
    stored = StoredDocument.objects.get()
    assert stored.version == 1 and renderer.calls == 1
    text = pdf_text(bytes(stored.content))
    assert "05/BC-UBND" in text and "DỰ THẢO" not in text
    client = login(world.organiser_a)
    served = client.get(url)
    assert served.status_code == 200 and served.content == bytes(stored.content)


# --- the plan --------------------------------------------------------------------------------


def test_plan_versions_keep_their_numbers_whatever_order_the_worker_stores_them(
    world, login, renderer, queue, large
):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    services.plan_update(actor=world.organiser_a, plan=plan, **SIGNED)
    client = login(world.organiser_a)
    assert client.post(reverse("plan-issue", args=[plan.pk])).status_code == 302
    services.plan_amend(
        actor=world.organiser_a, plan=plan, reason="Đổi tiêu đề", title="Kế hoạch đã sửa"
    )
    assert renderer.calls == 0
    first, second = queue.sent
    assert RenderedDocument.objects.get(pk=second).reason == "Đổi tiêu đề"
    url = reverse("plan-pdf", args=[plan.pk])
    assert client.get(url).status_code == 202
    page = client.get(reverse("plan-detail", args=[plan.pk]))
    assert page.status_code == 200 and 'id="document-waiting"' in page.text

    document_cache.render_run(second)  # the amendment first: it is still version 2
    served = client.get(url)
    assert served.status_code == 200 and "Kế hoạch đã sửa" in pdf_text(served.content)
    document_cache.render_run(first)
    versions = {d.version: d for d in StoredDocument.objects.all()}
    assert sorted(versions) == [1, 2] and versions[2].reason == "Đổi tiêu đề"
    assert "Kế hoạch đã sửa" not in pdf_text(bytes(versions[1].content))
    # The newest version is still the one served.
    assert client.get(url).content == bytes(versions[2].content)
    assert renderer.calls == 2


def test_a_short_document_is_still_stored_in_the_request(world, renderer, queue, settings):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    services.plan_update(actor=world.organiser_a, plan=plan, **SIGNED)
    settings.DOCUMENT_INLINE_MAX_BYTES = len(session_documents.plan_html(plan).encode()) + 1000
    services.plan_issue(actor=world.organiser_a, plan=plan)
    assert renderer.calls == 1 and queue.sent == []
    assert storage.latest(plan, services.PLAN_DOCUMENT).version == 1
    assert not RenderedDocument.objects.exists()


def test_the_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "dialogue.tasks.issued_document_sweep_task" in tasks


# --- retention -------------------------------------------------------------------------------


def test_the_retention_sweep_stores_a_waiting_version_before_redacting_it(
    world, renderer, queue, large
):
    story = held_and_followed(world)  # its notice waits for the worker too
    DialogueSession.objects.filter(pk=story.session.pk).update(status="held")
    console.entry_save(
        actor=world.secretary_a,
        session=story.session,
        uuid=uuid.uuid4(),
        kind="speech",
        speaker=story.speaker,
        text=f"{SPEAKER['full_name']} hỏi về đường.",
    )
    minutes = minutes_finalize(
        actor=world.secretary_a, session=story.session, chair_name="Trần Văn Chủ"
    )
    assert len(queue.sent) == 2 and not StoredDocument.objects.exists()

    anonymisation.retention_sweep(today=date(2032, 1, 10), years=5)
    queue.run_all()  # the tasks delivered late: stored already
    assert not RenderedDocument.objects.exists()
    for obj, kind in ((minutes, MINUTES_DOCUMENT), (story.session.conclusion_notice, "notice")):
        original, redacted = storage.versions(obj, kind).order_by("version")
        assert (original.version, redacted.version) == (1, 2)
        text = pdf_text(bytes(redacted.content))
        assert SPEAKER["full_name"] not in text and PETITIONER["petitioner_name"] not in text
        assert audit.history(obj).get(action="anonymised").changes["sha256"] == [
            original.sha256,
            redacted.sha256,
        ]
    minutes.refresh_from_db()
    assert minutes.sha256 == storage.latest(minutes, MINUTES_DOCUMENT).sha256


# --- the production path: tasks sent by a broker, after commit --------------------------------


@pytest.fixture
def not_eager(settings):
    """As in production: tasks are sent to a broker once the transaction commits."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False  # conftest sets it back for the next test


def test_the_task_is_sent_only_once_the_finalising_transaction_commits(
    world, login, held, renderer, queue, large, not_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        minutes = finalise(login(world.secretary_a), held)
    row = RenderedDocument.objects.get()
    assert queue.sent == [] and renderer.calls == 0  # not before the commit
    for callback in callbacks:
        callback()
    assert queue.sent == [row.pk]
    queue.run_all()
    minutes.refresh_from_db()
    assert minutes.sha256 == storage.latest(minutes, MINUTES_DOCUMENT).sha256


def test_nothing_is_sent_when_the_issuing_transaction_rolls_back(
    world, held, renderer, queue, large, not_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            minutes_finalize(actor=world.secretary_a, session=held, chair_name="Trần Văn Chủ")
            assert RenderedDocument.objects.exists()
            raise RuntimeError("the request failed after issuing")
    assert callbacks == [] and queue.sent == []
    assert not RenderedDocument.objects.exists() and not StoredDocument.objects.exists()


def test_with_the_broker_down_finalising_succeeds_and_the_sweep_queues_the_render_later(
    world,
    login,
    held,
    renderer,
    large,
    not_eager,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    def broker_down(pk):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(document_render_task, "delay", broker_down)
    advanced = []
    real_advance = console._advance_counter
    monkeypatch.setattr(
        console, "_advance_counter", lambda pk: advanced.append(pk) or real_advance(pk)
    )
    caplog.set_level(logging.WARNING, logger="dialogue.tasks")
    client = login(world.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):  # raised here before the fix
        minutes = finalise(client, held)
    # The later on-commit work still ran: the console's pages see the change.
    assert advanced == [held.pk]
    assert "was not queued (broker unavailable" in caplog.text
    row = RenderedDocument.objects.get()
    assert row.status == Status.PENDING and minutes.is_final and minutes.sha256 == ""
    assert client.get(minutes_url(held)).status_code == 202

    # Redis is back; the sweep finds the row waiting longer than LOST_AFTER and queues it.
    queue = Queue()
    monkeypatch.setattr(document_render_task, "delay", queue.delay)
    BROKER_BREAKER.reset()
    RenderedDocument.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - document_cache.LOST_AFTER - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert document_cache.requeue_lost() == 1
    assert queue.sent == [row.pk]
    queue.run_all()
    minutes.refresh_from_db()
    assert minutes.sha256 == storage.latest(minutes, MINUTES_DOCUMENT).sha256
    assert client.get(minutes_url(held)).status_code == 200


# --- a version that can never be rendered ----------------------------------------------------


def test_an_issued_version_failing_every_time_is_given_up_after_max_attempts(
    world, login, held, queue, large, monkeypatch, caplog
):
    client = login(world.secretary_a)
    minutes = finalise(client, held)
    row = RenderedDocument.objects.get()
    monkeypatch.setattr(documents, "html_to_pdf", lambda html, progress=None: 1 / 0)
    caplog.set_level(logging.WARNING, logger="dialogue.document_cache")
    for attempt in range(1, document_cache.MAX_ATTEMPTS + 1):
        assert queue.sent == [row.pk], attempt
        with pytest.raises(ZeroDivisionError):
            queue.run_all()
        row.refresh_from_db()
        assert row.attempts == attempt and row.status == Status.FAILED
        RenderedDocument.objects.filter(pk=row.pk).update(
            finished_at=timezone.now() - document_cache.LOST_AFTER - timedelta(minutes=1)
        )
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        if attempt < document_cache.MAX_ATTEMPTS:
            assert errors == []
            assert document_cache.requeue_lost() == 1
    (error,) = errors
    assert f"sessions.minutes {minutes.pk}, minutes version 1" in error.getMessage()
    assert "5 attempts" in error.getMessage()
    # No longer queued, by the sweep or by a download; the snapshot stays (the issued text).
    assert document_cache.requeue_lost() == 0
    assert client.get(minutes_url(held)).status_code == 202
    assert queue.sent == []
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.html and row.stored_version == 1
    assert document_cache.purge() == 0


def test_a_lost_worker_counts_as_an_attempt_and_is_given_up_too(
    world, login, held, queue, large, caplog
):
    finalise(login(world.secretary_a), held)
    row = RenderedDocument.objects.get()
    long_ago = timezone.now() - timedelta(hours=2)
    for attempt in range(1, document_cache.MAX_ATTEMPTS + 1):
        # A worker claims it and is killed (its row left "being rendered").
        assert RenderedDocument.objects.filter(pk=row.pk, status=Status.PENDING).update(
            status=Status.RUNNING, started_at=long_ago, attempts=attempt
        )
        queue.sent.clear()
        caplog.clear()
        requeued = document_cache.requeue_lost()
        if attempt < document_cache.MAX_ATTEMPTS:
            assert requeued == 1 and queue.sent == [row.pk]
    assert requeued == 0 and queue.sent == []
    row.refresh_from_db()
    assert row.status == Status.FAILED and "worker was lost" in row.error
    assert "no longer retried" in caplog.text
    caplog.clear()
    assert document_cache.requeue_lost() == 0 and "no longer retried" not in caplog.text


# --- version numbers -------------------------------------------------------------------------


def test_a_document_stored_meanwhile_takes_the_number_after_the_reserved_ones(
    world, login, held, renderer, queue, large
):
    minutes = finalise(login(world.secretary_a), held)  # version 1 reserved, waiting
    assert storage.next_version(minutes, MINUTES_DOCUMENT) == 2
    # As anonymisation's re-render does (no version given).
    other = storage.document_store(
        obj=minutes, kind=MINUTES_DOCUMENT, content=b"%PDF-1.7 other", filename="x.pdf"
    )
    assert other.version == 2
    queue.run_all()
    versions = storage.versions(minutes, MINUTES_DOCUMENT).values_list("version", flat=True)
    assert sorted(versions) == [1, 2]
    assert not RenderedDocument.objects.exists()


def test_a_reserved_number_taken_anyway_fails_the_row_instead_of_leaving_it_running(
    world, login, held, renderer, queue, large, caplog
):
    minutes = finalise(login(world.secretary_a), held)
    storage.document_store(
        obj=minutes, kind=MINUTES_DOCUMENT, content=b"%PDF-1.7", filename="x.pdf", version=1
    )
    caplog.set_level(logging.ERROR, logger="dialogue.document_cache")
    queue.run_all()
    row = RenderedDocument.objects.get()
    assert row.status == Status.FAILED and "Version 1 could not be stored" in row.error
    assert row.html and row.attempts == 1
    assert "could not be stored" in caplog.text
    assert StoredDocument.objects.count() == 1


# --- the object is locked while a version is stored ------------------------------------------


def test_an_older_version_stored_last_leaves_the_newer_hash_on_the_minutes(
    world, held, renderer, queue, large
):
    minutes_finalize(actor=world.secretary_a, session=held, chair_name="Trần Văn Chủ")
    minutes_reopen(actor=world.organiser_a, session=held, reason="Sửa lỗi chính tả")
    MinutesEntry.objects.filter(session=held, seq=3).update(text="Ý kiến số 3 đã sửa.")
    minutes = minutes_finalize(actor=world.secretary_a, session=held, chair_name="Trần Văn Chủ")
    first, second = queue.sent
    document_cache.render_run(second)
    document_cache.render_run(first)  # the worker storing version 1 finishes last
    minutes.refresh_from_db()
    newest = storage.latest(minutes, MINUTES_DOCUMENT)
    assert newest.version == 2 and minutes.sha256 == newest.sha256
    assert "Ý kiến số 3 đã sửa." in pdf_text(bytes(newest.content))


def test_storing_a_version_locks_the_issued_object_first(
    world, login, held, renderer, queue, large
):
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite has no row locks (its writes are serialised)")
    minutes = finalise(login(world.secretary_a), held)
    table = Minutes._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        queue.run_all()
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [i for i, s in enumerate(sql) if "FOR UPDATE" in s and f'"{table}"' in s]
    deletes = [i for i, s in enumerate(sql) if s.startswith("DELETE") and "rendered" in s]
    assert locks and deletes and locks[0] < deletes[0]
    assert storage.latest(minutes, MINUTES_DOCUMENT) is not None


# --- the history -----------------------------------------------------------------------------


def test_the_history_records_the_hash_when_the_worker_stores_the_document(
    world, login, held, renderer, queue, large
):
    minutes = finalise(login(world.secretary_a), held)
    assert audit.history(minutes).get(action="finalised").changes == {}
    queue.run_all()
    stored = storage.latest(minutes, MINUTES_DOCUMENT)
    record = audit.history(minutes).get(action="document_stored")
    assert record.changes == {"version": [None, 1], "sha256": [None, stored.sha256]}
    assert record.actor is None and record.action_label == "đã lưu văn bản ban hành"


# --- migrating back --------------------------------------------------------------------------


def test_migrating_back_past_issued_snapshots_is_refused_while_versions_wait(
    world, login, held, renderer, queue, large
):
    from django.apps import apps

    migration = importlib.import_module(
        "dialogue.migrations.0010_rendered_document_issued_snapshots"
    )
    migration.refuse_while_issued_versions_wait(apps, None)  # nothing waits: allowed
    finalise(login(world.secretary_a), held)
    with pytest.raises(RuntimeError, match="1 issued document version"):
        migration.refuse_while_issued_versions_wait(apps, None)
    queue.run_all()
    migration.refuse_while_issued_versions_wait(apps, None)


# --- retention: a document that cannot be stored ---------------------------------------------


def test_the_retention_sweep_skips_a_session_whose_document_cannot_be_stored(
    world, held, queue, large, monkeypatch, caplog
):
    other = make_session(
        make_plan(world.commune_a, actor=world.organiser_a),
        actor=world.organiser_a,
        secretaries=[world.secretary_a],
    )
    speaker = make_speaker(other, actor=world.secretary_a, full_name="Trần Thị Hai")
    for seq in range(1, 4):
        MinutesEntry.objects.create(
            session=other,
            uuid=uuid.uuid4(),
            seq=seq,
            kind="speech",
            speaker=speaker,
            text=f"Bà Trần Thị Hai nêu ý kiến số {seq} về thu hồi đất làm đường liên thôn.",
        )
    other = hold_session(other)
    broken = minutes_finalize(actor=world.secretary_a, session=held, chair_name="Trần Văn Chủ")
    fine = minutes_finalize(actor=world.secretary_a, session=other, chair_name="Trần Văn Chủ")
    assert len(queue.sent) == 2 and not StoredDocument.objects.exists()

    def renderer(html, *, progress=None):
        if "Nguyễn Văn Một" in html:
            raise RuntimeError("font missing")
        return REAL_HTML_TO_PDF(html, progress=progress)

    monkeypatch.setattr(documents, "html_to_pdf", renderer)
    caplog.set_level(logging.WARNING)
    report = anonymisation.retention_sweep(today=date(2040, 1, 10), years=5)

    assert report.sessions == 1 and report.blocked == 1
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.anonymised_at is None and other.anonymised_at is not None
    assert f"Session {held.pk} is not anonymised this run" in caplog.text
    # The broken version stays, failed, with its snapshot; nothing of its session changed.
    row = RenderedDocument.objects.get()
    assert row.object_id == str(broken.pk) and row.status == Status.FAILED and row.attempts == 1
    assert "Nguyễn Văn Một" in row.html
    assert held.speakers.get().full_name == "Nguyễn Văn Một"
    # The other session's minutes: stored as issued, then redacted.
    original, redacted = storage.versions(fine, MINUTES_DOCUMENT).order_by("version")
    assert (original.version, redacted.version) == (1, 2)
    assert "Trần Thị Hai" not in pdf_text(bytes(redacted.content))

    # Once the cause is fixed, a later run anonymises it.
    monkeypatch.setattr(documents, "html_to_pdf", REAL_HTML_TO_PDF)
    report = anonymisation.retention_sweep(today=date(2040, 1, 10), years=5)
    assert report.sessions == 1 and report.blocked == 0
    assert not RenderedDocument.objects.exists()
    held.refresh_from_db()
    assert held.anonymised_at is not None
