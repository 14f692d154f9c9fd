"""Draft documents rendered off the request and kept while their content is unchanged
(dialogue.document_cache): the cache key, inline and worker renders, the progress page, scope,
and issued documents still served as issued.

Most tests count the renders with a fake renderer (what is asserted is when a render happens);
one test renders for real to check the progress WeasyPrint reports.
"""

import hashlib
import io
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogue import document_cache, documents, storage
from dialogue.models import RenderedDocument, Role
from dialogue.tasks import document_render_task
from sessions import documents as session_documents
from sessions import services
from sessions.models import MinutesEntry
from tests.factories import UserFactory, make_plan, make_session, make_speaker, member

Status = RenderedDocument.Status


class Renderer:
    """Stands in for WeasyPrint: a distinct small PDF per HTML, and a count of renders."""

    def __init__(self):
        self.calls = 0
        self.fail = False

    def __call__(self, html, *, progress=None):
        self.calls += 1
        if self.fail:
            raise RuntimeError("renderer broke")
        if progress is not None:
            progress("layout", 1)
            progress("writing", 2)
        return b"%PDF-1.7 " + hashlib.sha256(html.encode()).hexdigest().encode()


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
    fake = Renderer()
    monkeypatch.setattr(documents, "html_to_pdf", fake)
    return fake


@pytest.fixture
def queue(monkeypatch):
    fake = Queue()
    monkeypatch.setattr(document_render_task, "delay", fake.delay)
    return fake


@pytest.fixture
def session(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    speaker = make_speaker(session, actor=world.secretary_a, phone="0912345678")
    for seq in range(1, 4):
        MinutesEntry.objects.create(
            session=session,
            uuid=uuid.uuid4(),
            seq=seq,
            kind="speech",
            speaker=speaker,
            text=f"Ý kiến số {seq}: đề nghị bồi thường thỏa đáng khi thu hồi đất làm đường.",
        )
    return session


@pytest.fixture
def large(settings):
    """Every document counts as large: the minutes of these tests are a page or two."""
    settings.DOCUMENT_INLINE_MAX_BYTES = 100


def minutes_url(session):
    return reverse("minutes-pdf", args=[session.pk])


# --- the key -------------------------------------------------------------------------------


def test_the_key_is_the_html_and_the_stylesheet(monkeypatch):
    key = document_cache.content_hash("<p>Biên bản</p>")
    assert key == document_cache.content_hash("<p>Biên bản</p>")
    assert key != document_cache.content_hash("<p>Biên bản.</p>")
    monkeypatch.setattr(documents, "stylesheet_version", lambda: "another stylesheet")
    assert key != document_cache.content_hash("<p>Biên bản</p>")


def test_the_stylesheet_version_covers_the_css_the_fonts_and_the_watermark():
    documents.stylesheet_version.cache_clear()
    version = documents.stylesheet_version()
    assert len(version) == 64 and version == documents.stylesheet_version()


# --- re-rendered when and only when the content changes ------------------------------------


def test_minutes_are_rendered_again_when_and_only_when_their_content_changes(
    world, login, session, renderer, large
):
    client = login(world.secretary_a)
    first = client.get(minutes_url(session))
    # Eager tasks (tests, `make run`): the worker's render is served at once.
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert renderer.calls == 1
    again = client.get(minutes_url(session))
    assert again.content == first.content and renderer.calls == 1

    # Changes the minutes do not show: the same file, no render.
    speaker = session.speakers.get()
    speaker.phone = "0987654321"
    speaker.save(update_fields=["phone"])
    entry = session.minutes_entries.get(seq=2)
    entry.save()  # touched, same text
    unchanged = client.get(minutes_url(session))
    assert unchanged.content == first.content and renderer.calls == 1

    # An entry edited: a new key, a new render, and the old file is forgotten.
    entry.text = "Ý kiến số 2: đề nghị công khai phương án bồi thường tại nhà văn hóa thôn."
    entry.save(update_fields=["text"])
    changed = client.get(minutes_url(session))
    assert changed.status_code == 200 and changed.content != first.content
    assert renderer.calls == 2
    row = RenderedDocument.objects.get()
    assert row.status == Status.DONE and row.kind == "minutes"
    assert row.content_hash == document_cache.content_hash(session_documents.minutes_html(session))
    assert client.get(minutes_url(session)).content == changed.content and renderer.calls == 2


def test_a_small_document_is_rendered_in_the_request_once(world, login, session, renderer, queue):
    url = reverse("session-invitation-pdf", args=[session.pk])
    html = session_documents.invitation_html(session)
    assert document_cache.is_small(html)
    client = login(world.organiser_a)
    first = client.get(url)
    assert first.status_code == 200 and renderer.calls == 1 and queue.sent == []
    assert client.get(url).content == first.content and renderer.calls == 1
    # Another reader of the unit gets the same file.
    assert login(world.supervisor).get(url).content == first.content and renderer.calls == 1


# --- never rendered by a web worker when large ---------------------------------------------


def test_a_large_document_is_never_rendered_in_the_request(
    world, login, session, renderer, queue, large
):
    client = login(world.secretary_a)
    response = client.get(minutes_url(session))
    assert response.status_code == 202
    assert renderer.calls == 0, "a web worker rendered a large document"
    row = RenderedDocument.objects.get()
    assert queue.sent == [row.pk] and row.status == Status.PENDING
    assert row.html == session_documents.minutes_html(session)
    text = response.content.decode()
    assert f"{minutes_url(session)}?render={row.pk}" in text  # the poll (HTMX)
    assert 'http-equiv="refresh"' in text  # without JavaScript
    # Asked again while it waits: the same row, nothing queued twice, still nothing rendered.
    assert client.get(minutes_url(session)).status_code == 202
    assert RenderedDocument.objects.count() == 1 and queue.sent == [row.pk]
    assert renderer.calls == 0


def test_the_progress_page_follows_the_render_and_opens_the_file(
    world, login, session, renderer, queue, large
):
    client = login(world.secretary_a)
    client.get(minutes_url(session))
    row = RenderedDocument.objects.get()
    poll = f"{minutes_url(session)}?render={row.pk}"

    waiting = client.get(poll, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200 and "HX-Redirect" not in waiting
    assert 'hx-trigger="every 1s"' in waiting.content.decode()

    queue.run_all()
    assert renderer.calls == 1
    row.refresh_from_db()
    assert row.status == Status.DONE and row.pages == 2 and row.html == ""
    ready = client.get(poll, HTTP_HX_REQUEST="true")
    assert ready["HX-Redirect"] == minutes_url(session)
    assert "every 1s" not in ready.content.decode()
    served = client.get(minutes_url(session))
    assert served.status_code == 200 and served.content.startswith(b"%PDF")
    assert renderer.calls == 1


def test_a_second_delivery_renders_nothing(world, login, session, renderer, queue, large):
    login(world.secretary_a).get(minutes_url(session))
    row = RenderedDocument.objects.get()
    document_cache.render_run(row.pk)
    document_cache.render_run(row.pk)
    assert renderer.calls == 1


def test_a_failed_render_is_shown_and_tried_again(world, login, session, renderer, queue, large):
    client = login(world.secretary_a)
    client.get(minutes_url(session))
    row = RenderedDocument.objects.get()
    renderer.fail = True
    with pytest.raises(RuntimeError):
        queue.run_all()
    row.refresh_from_db()
    assert row.status == Status.FAILED
    failed = client.get(f"{minutes_url(session)}?render={row.pk}", HTTP_HX_REQUEST="true")
    assert "alert-danger" in failed.content.decode()
    renderer.fail = False
    assert client.get(minutes_url(session)).status_code == 202
    queue.run_all()
    assert client.get(minutes_url(session)).status_code == 200
    assert renderer.calls == 2


# --- scope ---------------------------------------------------------------------------------


def test_another_provinces_user_gets_404(world, login, session, renderer, queue, large):
    login(world.secretary_a).get(minutes_url(session))
    row = RenderedDocument.objects.get()
    queue.run_all()
    foreign = member(UserFactory(username="supervisor_x"), world.other_province, Role.SUPERVISOR)
    client = login(foreign)
    assert client.get(minutes_url(session)).status_code == 404
    assert client.get(f"{minutes_url(session)}?render={row.pk}").status_code == 404
    assert client.get(reverse("session-invitation-pdf", args=[session.pk])).status_code == 404


def test_a_poll_names_only_a_render_of_its_own_document(world, login, session, renderer, large):
    other = make_session(session.plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    client = login(world.secretary_a)
    client.get(minutes_url(other))
    foreign_row = RenderedDocument.objects.get()
    response = client.get(f"{minutes_url(session)}?render={foreign_row.pk}")
    # Not the other session's status: sent back to this document's own URL.
    assert response.status_code == 302 and response.url == minutes_url(session)


# --- issued documents are served as issued -------------------------------------------------


def test_an_issued_plan_is_served_from_its_stored_file(world, login, renderer):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    services.plan_update(
        actor=world.organiser_a,
        plan=plan,
        number="12/KH-UBND",
        issued_on=date(2026, 11, 2),
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Ký",
    )
    services.plan_issue(actor=world.organiser_a, plan=plan)
    stored = storage.latest(plan, services.PLAN_DOCUMENT)
    calls = renderer.calls
    response = login(world.organiser_a).get(reverse("plan-pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256
    assert renderer.calls == calls and not RenderedDocument.objects.exists()


# --- the real renderer's progress ----------------------------------------------------------


def test_weasyprint_progress_reaches_the_row(world, session, queue, settings):
    from pypdf import PdfReader

    settings.DOCUMENT_INLINE_MAX_BYTES = 100
    paragraph = "<p>" + "Nội dung biên bản hội nghị đối thoại với Nhân dân. " * 60 + "</p>"
    html = f"<html lang='vi'><body>{paragraph * 6}</body></html>"
    steps = []
    pdf = documents.html_to_pdf(html, progress=lambda step, pages: steps.append((step, pages)))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 2
    assert [s for s in steps if s[0] == "layout"][-1] == ("layout", pages)
    assert steps[-1] == ("writing", pages)

    row = document_cache.render_request(obj=session, kind="minutes", html=html, filename="bb.pdf")
    queue.run_all()
    row.refresh_from_db()
    assert row.status == Status.DONE and row.pages == pages and row.percent == 100
    assert bytes(row.content).startswith(b"%PDF")


# --- lost tasks and old files --------------------------------------------------------------


def test_a_render_whose_task_was_lost_is_queued_again(
    world, login, session, renderer, queue, large
):
    client = login(world.secretary_a)
    client.get(minutes_url(session))
    row = RenderedDocument.objects.get()
    queue.sent.clear()  # the broker lost it
    client.get(minutes_url(session))
    assert queue.sent == []  # still recent: it may be on its way
    RenderedDocument.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - document_cache.LOST_AFTER - timedelta(minutes=1)
    )
    assert client.get(minutes_url(session)).status_code == 202
    assert queue.sent == [row.pk]
    queue.run_all()
    assert client.get(minutes_url(session)).status_code == 200 and renderer.calls == 1


def test_old_renders_are_purged(world, session, renderer, settings):
    old = document_cache.render_inline(
        obj=session, kind="invitation", html="<p>a</p>", filename="a"
    )
    RenderedDocument.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.DOCUMENT_CACHE_DAYS + 1)
    )
    fresh = document_cache.render_inline(obj=session, kind="minutes", html="<p>b</p>", filename="b")
    assert document_cache.purge() == 1
    assert list(RenderedDocument.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_an_older_render_finishing_late_keeps_the_newer_file(
    world, login, session, renderer, queue, large
):
    client = login(world.secretary_a)
    client.get(minutes_url(session))
    entry = session.minutes_entries.get(seq=1)
    entry.text = "Ý kiến số 1 đã sửa."
    entry.save(update_fields=["text"])
    client.get(minutes_url(session))
    older, newer = queue.sent
    document_cache.render_run(newer)
    document_cache.render_run(older)
    assert RenderedDocument.objects.get(pk=newer).status == Status.DONE
    assert client.get(minutes_url(session)).status_code == 200 and renderer.calls == 2
    # The next render of the current content (after another edit) forgets both.
    entry.text = "Ý kiến số 1 sửa lần hai."
    entry.save(update_fields=["text"])
    client.get(minutes_url(session))
    queue.run_all()
    assert RenderedDocument.objects.count() == 1
