"""Draft and live documents rendered off the request, kept while what they show is unchanged.

A PDF view finds its object (its own scope: whoever may not see the object gets a 404 before
anything here runs), then calls :func:`pdf_or_progress` with the document's HTML builder:

- The key is :func:`content_hash`: SHA-256 of the stylesheet's version and the HTML, i.e. of
  everything the PDF shows. A finished render with that key is served as it is; any change to the
  document (an entry edited, a number given) is another key, hence a new render, and a change
  that the document does not show leaves the key, and the file, as they were.
- A small document (its HTML at most ``settings.DOCUMENT_INLINE_MAX_BYTES``, about one page) is
  rendered in the request and kept. Anything larger is never rendered by a web worker: a
  RenderedDocument row holding the HTML is rendered by ``document_render_task``, and the answer
  is a progress page polling the same URL (``?render=<id>``) that opens the file when ready.
- One render per key: the row is unique on (object, kind, key) and the task claims it with a
  conditional UPDATE, so a second request or a second delivery renders nothing.
- With ``CELERY_TASK_ALWAYS_EAGER`` (tests, ``make run`` without Redis) the task runs inside
  the request, so the file is served at once.

Issued documents are StoredDocument rows served as issued (dialogue.storage). :func:`issue`
stores one from the HTML snapshot its issuing transaction took: at once if small, else through a
row of the same kind (``stored_version`` set) that the same task renders and then stores as that
version, exactly once (the claim, then a delete of the row in the storing transaction). Until
then :func:`issued_pdf_or_progress` answers the same progress page. The task is sent after
commit through dialogue.tasks.enqueue (a broker that is down is logged; the sweep
:func:`requeue_lost` queues the row again); a version whose render failed MAX_ATTEMPTS times is
no longer retried but logged as an error, its snapshot kept. Storing locks the issued object
first, as issuing does, and records the stored file's SHA-256 in the object's history.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dialogue import audit, documents, signals, storage
from dialogue.models import RenderedDocument, StoredDocument

logger = logging.getLogger(__name__)

Status = RenderedDocument.Status
#: About this many bytes of document HTML fill an A4 page (bench.console's minutes: 2.8 KB).
BYTES_PER_PAGE = 2800
#: Seconds between two saves of a render's progress (the page polls every second).
PROGRESS_EVERY = 0.5
#: A row waiting this long had its task lost (a broker restart): it is queued again.
LOST_AFTER = timedelta(minutes=10)
#: An issued version whose render failed (or whose worker was lost) this many times is no longer
#: queued again: logged as an error, its snapshot kept for an administrator (who may set its
#: `attempts` back to 0 once the cause is fixed; the sweep then retries it).
MAX_ATTEMPTS = 5


def content_hash(html: str) -> str:
    """The key of a render: what the document shows (its HTML) and how it is drawn."""
    digest = hashlib.sha256(documents.stylesheet_version().encode())
    digest.update(b"\n")
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def is_small(html: str) -> bool:
    """A document a web worker may render itself: about one page."""
    return len(html.encode("utf-8")) <= settings.DOCUMENT_INLINE_MAX_BYTES


def _all_rows(obj: models.Model, kind: str):
    return RenderedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        kind=kind,
    )


def _rows(obj: models.Model, kind: str):
    """The draft renders (a cache)."""
    return _all_rows(obj, kind).filter(stored_version__isnull=True)


def _issued_rows(obj: models.Model, kind: str):
    """The issued versions still waiting to be rendered and stored."""
    return _all_rows(obj, kind).filter(stored_version__isnull=False)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _forget_others(row: RenderedDocument) -> None:
    """Delete the finished renders of the same document asked for before this one (another
    content: caches only). A newer one is kept even if it finished first: it is the current
    content, which an older render finishing late must not remove."""
    RenderedDocument.objects.filter(
        content_type_id=row.content_type_id,
        object_id=row.object_id,
        kind=row.kind,
        status__in=[Status.DONE, Status.FAILED],
        pk__lt=row.pk,
        stored_version__isnull=True,
    ).delete()


def cached(obj: models.Model, kind: str, digest: str) -> RenderedDocument | None:
    """The render of this content if there is one (its bytes not loaded)."""
    return _rows(obj, kind).filter(content_hash=digest).defer("content", "html").first()


def content_of(row: RenderedDocument) -> bytes:
    return bytes(RenderedDocument.objects.values_list("content", flat=True).get(pk=row.pk))


def render_inline(
    *, obj: models.Model, kind: str, html: str, filename: str, user=None
) -> RenderedDocument:
    """Render a small document now and keep it (only for :func:`is_small` HTML)."""
    digest = content_hash(html)
    content = documents.html_to_pdf(html)
    now = timezone.now()
    row, _created = _rows(obj, kind).update_or_create(
        content_hash=digest,
        defaults={
            "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
            "object_id": str(obj.pk),
            "kind": kind,
            "status": Status.DONE,
            "html": "",
            "filename": filename,
            "content": content,
            "pages": 1,
            "pages_expected": 1,
            "requested_by": _user(user),
            "started_at": now,
            "finished_at": now,
        },
    )
    _forget_others(row)
    return row


def _expected_pages(obj: models.Model, kind: str, html: str) -> int:
    """The last render's page count, else a guess from the HTML's size (for the progress bar)."""
    last = _rows(obj, kind).filter(status=Status.DONE).values_list("pages", flat=True).first()
    return last or max(1, len(html.encode("utf-8")) // BYTES_PER_PAGE)


def _enqueue(pk: int) -> None:
    from dialogue.tasks import document_render_task, enqueue

    if document_render_task.app.conf.task_always_eager:
        # Tests, `make run` without Redis: rendered here, in the request.
        document_render_task.delay(pk)
    else:
        # A worker must find the row: sent once it is committed. A broker that is down is
        # logged, not raised (the request has committed); the row waits, and the sweep
        # (requeue_lost) or the next download queues it again after LOST_AFTER.
        enqueue(document_render_task, pk)


def _is_lost(row: RenderedDocument, now) -> bool:
    if row.status == Status.PENDING:
        return row.created_at < now - LOST_AFTER
    if row.status == Status.RUNNING:
        limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        return row.started_at is None or row.started_at < now - limit
    return row.status == Status.FAILED


def render_request(
    *, obj: models.Model, kind: str, html: str, filename: str, user=None
) -> RenderedDocument:
    """The render of this content: found, or recorded and queued (never rendered here unless
    tasks run eagerly). A failed or lost render is queued again."""
    digest = content_hash(html)
    try:
        with transaction.atomic():
            row, created = _rows(obj, kind).get_or_create(
                content_hash=digest,
                defaults={
                    "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
                    "object_id": str(obj.pk),
                    "kind": kind,
                    "html": html,
                    "filename": filename,
                    "pages_expected": _expected_pages(obj, kind, html),
                    "requested_by": _user(user),
                },
            )
    except IntegrityError:  # the same content asked for at the same moment
        row, created = _rows(obj, kind).get(content_hash=digest), False
    if created:
        _enqueue(row.pk)
    else:
        _requeue_if_lost(row, html=html)
    return RenderedDocument.objects.defer("content", "html").get(pk=row.pk)


def _describe(row: RenderedDocument) -> str:
    return (
        f"{row.content_type.app_label}.{row.content_type.model} {row.object_id}, "
        f"{row.kind} version {row.stored_version} (render {row.pk})"
    )


def _given_up(row: RenderedDocument) -> bool:
    return row.is_issued and row.attempts >= MAX_ATTEMPTS


def _give_up(row: RenderedDocument) -> None:
    """An issued version past MAX_ATTEMPTS found lost: failed for good (logged once; a failed
    render was logged when it failed)."""
    if row.status == Status.FAILED:
        return
    failed = RenderedDocument.objects.filter(pk=row.pk, status=row.status).update(
        status=Status.FAILED,
        error=f"The worker was lost (attempt {row.attempts}).",
        finished_at=timezone.now(),
    )
    if failed:
        logger.error(
            "Issued document %s was not stored after %d attempts (its worker was lost): it is "
            "no longer retried; its snapshot is kept.",
            _describe(row),
            row.attempts,
        )


def _requeue_if_lost(row: RenderedDocument, *, html: str | None = None) -> bool:
    """Queue a failed or lost render again (a draft's with its current `html`; an issued
    snapshot is never changed). False if it is not lost, another request requeued it, or it
    is an issued version that failed MAX_ATTEMPTS times."""
    if not _is_lost(row, timezone.now()):
        return False
    if _given_up(row):
        _give_up(row)
        return False
    fields = {"html": html} if html is not None else {}
    requeued = (
        RenderedDocument.objects.filter(pk=row.pk, status=row.status)
        .exclude(status=Status.DONE)
        .update(
            status=Status.PENDING,
            pages=0,
            writing=False,
            error="",
            created_at=timezone.now(),
            started_at=None,
            **fields,
        )
    )
    if requeued:
        _enqueue(row.pk)
    return bool(requeued)


def render_run(pk: int) -> None:
    """Claim a waiting render (a conditional UPDATE: a second delivery finds nothing), render
    its HTML, store the PDF. Progress is saved at most every half second for the page's bar."""
    started = timezone.now()
    claimed = RenderedDocument.objects.filter(pk=pk, status=Status.PENDING).update(
        status=Status.RUNNING, started_at=started, attempts=F("attempts") + 1
    )
    if claimed:
        _render(pk, started)


def _render(pk: int, started) -> None:
    """Render a claimed row; `started` (its claim's time) says the claim is still this one's."""
    row = RenderedDocument.objects.defer("content").filter(pk=pk).first()
    if row is None:  # an issued version stored meanwhile by a newer claim
        return
    html = row.html
    last = [0.0]

    def progress(step: str, pages: int) -> None:
        now = time.monotonic()
        if step == "writing" or now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            RenderedDocument.objects.filter(pk=pk).update(pages=pages, writing=step == "writing")

    try:
        content = documents.html_to_pdf(html, progress=progress)
    except Exception as error:
        _fail(row, started, error)
        raise
    if row.is_issued:
        _store_issued(row, started, content)
        return
    RenderedDocument.objects.filter(pk=pk).update(
        status=Status.DONE, content=content, html="", writing=False, finished_at=timezone.now()
    )
    _forget_others(RenderedDocument.objects.defer("content").get(pk=pk))


def _fail(row: RenderedDocument, started, error: Exception) -> None:
    """Record a render's failure (its claim still this one's); an issued version that has
    failed MAX_ATTEMPTS times is logged as an error: it is no longer retried."""
    RenderedDocument.objects.filter(pk=row.pk, started_at=started).update(
        status=Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )
    if _given_up(row):
        logger.error(
            "Issued document %s could not be rendered or stored after %d attempts: it is no "
            "longer retried; its snapshot is kept. Last error: %s",
            _describe(row),
            row.attempts,
            error,
        )


def purge() -> int:
    """Delete renders older than ``settings.DOCUMENT_CACHE_DAYS``: they are rendered again on
    demand. Issued snapshots are not a cache: never deleted here. Safe to run any number of
    times."""
    cutoff = timezone.now() - timedelta(days=settings.DOCUMENT_CACHE_DAYS)
    deleted, _ = RenderedDocument.objects.filter(
        created_at__lt=cutoff, stored_version__isnull=True
    ).delete()
    return deleted


# --- issued documents ----------------------------------------------------------------------


def issue(
    *, obj: models.Model, kind: str, html: str, filename: str, actor=None, reason: str = ""
) -> StoredDocument | None:
    """Keep `obj`'s issued `kind` document as `html` shows it, as its next version. Call it
    inside the issuing transaction, `obj` locked (the version is numbered here).

    Small: rendered and stored now. Larger: the snapshot is kept in a row that
    ``document_render_task`` (sent on commit) renders and stores; None until then (with eager
    tasks it has run already and the stored document is returned)."""
    version = storage.next_version(obj, kind)
    if is_small(html):
        return storage.document_store(
            obj=obj,
            kind=kind,
            content=documents.html_to_pdf(html),
            filename=filename,
            actor=actor,
            reason=reason,
            version=version,
        )
    row = RenderedDocument.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        kind=kind,
        content_hash=content_hash(html),
        html=html,
        filename=filename,
        pages_expected=max(1, len(html.encode("utf-8")) // BYTES_PER_PAGE),
        requested_by=_user(actor),
        stored_version=version,
        reason=reason,
    )
    _enqueue(row.pk)
    return storage.versions(obj, kind).filter(version=version).first()


def _store_issued(row: RenderedDocument, started, content: bytes) -> None:
    model = row.content_type.model_class()
    try:
        with transaction.atomic():
            # The issued object's row first: issuing holds it (locked or updated) until its
            # version's row is committed, so a version issued while this one was rendered is
            # seen below, and its document is not mirrored over by this older one.
            obj = model._default_manager.select_for_update().filter(pk=row.object_id).first()
            # Deleting the row is the last claim: a render claimed again meanwhile (thought
            # lost, or settled by a batch) finds it gone, so each issued version is stored once.
            deleted, _ = RenderedDocument.objects.filter(pk=row.pk, started_at=started).delete()
            if not deleted:
                return
            if obj is None:  # deleted meanwhile: nothing left to store it for
                return
            stored = storage.document_store(
                obj=obj,
                kind=row.kind,
                content=content,
                filename=row.filename,
                actor=row.requested_by,
                reason=row.reason,
                version=row.stored_version,
            )
            # The issuing change was recorded before the file existed: its hash is recorded now.
            audit.record(
                obj,
                actor=None,
                action="document_stored",
                changes={"version": [None, stored.version], "sha256": [None, stored.sha256]},
            )
            newer = _issued_rows(obj, row.kind).filter(stored_version__gt=stored.version)
            if not newer.exists() and storage.last_version(obj, row.kind) == stored.version:
                signals.document_stored.send(
                    sender=type(obj), obj=obj, kind=row.kind, stored=stored
                )
    except IntegrityError as error:
        # Its version number was taken meanwhile (stored without regard to the reservation):
        # storing again cannot succeed; the row stays, failed, for an administrator.
        RenderedDocument.objects.filter(pk=row.pk, started_at=started).update(
            status=Status.FAILED,
            error=f"Version {row.stored_version} could not be stored: {error}"[:2000],
            finished_at=timezone.now(),
        )
        logger.error("Issued document %s could not be stored: %s", _describe(row), error)


def issued_waiting(obj: models.Model, kind: str) -> RenderedDocument | None:
    """The newest issued version of the document if it is still to be stored (no bytes)."""
    row = _issued_rows(obj, kind).defer("content", "html").order_by("-stored_version").first()
    if row is not None and row.stored_version > storage.last_version(obj, kind):
        return row
    return None


def requeue_lost() -> int:
    """Queue again the issued documents whose task was lost (a broker down or restarted) or
    whose render failed at least LOST_AFTER ago: an issued document is stored even if nobody
    asks for it. One that failed MAX_ATTEMPTS times is left (logged) for an administrator."""
    since = timezone.now() - LOST_AFTER
    rows = (
        RenderedDocument.objects.filter(stored_version__isnull=False)
        .exclude(status=Status.DONE)
        .exclude(status=Status.FAILED, finished_at__gt=since)
        .exclude(status=Status.FAILED, attempts__gte=MAX_ATTEMPTS)
        .select_related("content_type")
        .defer("content", "html")
    )
    return sum(_requeue_if_lost(row) for row in rows)


def issue_settle(obj: models.Model, kind: str) -> RenderedDocument | None:
    """Render and store now the issued versions of the document still waiting, in order. For
    a batch about to change what the document shows (anonymisation): each version is first
    stored as issued. A worker rendering one meanwhile stores nothing (this claim is newer).

    None when every version is stored; else the first one that could not be (its render or
    its storing failed, recorded on the row and logged; the caller must not change what the
    document shows). A failure rolls back only its own savepoint, not the caller's work.

    Call it inside the caller's transaction: `obj` is locked first, as a worker storing a
    version locks it before its row (the same order: no deadlock with a worker)."""
    if transaction.get_connection().in_atomic_block:
        list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
    for pk in _issued_rows(obj, kind).order_by("stored_version").values_list("pk", flat=True):
        started = timezone.now()
        claimed = RenderedDocument.objects.filter(pk=pk).update(
            status=Status.RUNNING, started_at=started, error="", attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        try:
            with transaction.atomic():
                _render(pk, started)
        except Exception as error:
            # The savepoint took back the row's failure (_render records it): again, outside.
            RenderedDocument.objects.filter(pk=pk, started_at=started).update(
                status=Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            row = RenderedDocument.objects.defer("content", "html").get(pk=pk)
            logger.warning("Issued document %s could not be stored: %s", _describe(row), error)
            return row
        row = RenderedDocument.objects.defer("content", "html").filter(pk=pk).first()
        if row is not None:  # not stored (_store_issued recorded why)
            return row
    return None


# --- the response a PDF view gives ---------------------------------------------------------


def issued_pdf_or_progress(request, *, obj: models.Model, kind: str) -> HttpResponse | None:
    """The issued document's stored file, or while its newest version waits for its worker
    the progress page (202) as for a draft; None if nothing was issued (serve the draft).
    Call it after the view's own scope check."""
    poll = request.GET.get("render")
    if poll is not None:
        return _progress(request, _issued_rows(obj, kind), poll)
    waiting = issued_waiting(obj, kind)
    if waiting is not None and _requeue_if_lost(waiting):
        waiting = issued_waiting(obj, kind)  # eager tasks: stored already
    if waiting is not None:
        return _progress_page(request, waiting, status=202)
    stored = storage.latest(obj, kind)
    if stored is None:
        return None
    return documents.pdf_response(bytes(stored.content), stored.filename)


def pdf_or_progress(
    request, *, obj: models.Model, kind: str, filename: str, html: Callable[[], str]
) -> HttpResponse:
    """The document's PDF if it is ready or small; else a progress page (202) that polls this
    URL and opens the file when it is ready. Call it after the view's own scope check."""
    poll = request.GET.get("render")
    if poll is not None:
        return _progress(request, _rows(obj, kind), poll)
    source = html()
    row = cached(obj, kind, content_hash(source))
    if row is None and is_small(source):
        row = render_inline(obj=obj, kind=kind, html=source, filename=filename, user=request.user)
    elif row is None or row.status != Status.DONE:
        row = render_request(obj=obj, kind=kind, html=source, filename=filename, user=request.user)
    if row.status == Status.DONE:
        return documents.pdf_response(content_of(row), filename)
    return _progress_page(request, row, status=202)


def _progress(request, rows, poll: str) -> HttpResponse:
    if not poll.isdigit():
        raise Http404
    row = rows.filter(pk=int(poll)).defer("content", "html").first()
    if row is None:
        # Superseded by a newer content of the document, or issued and stored: start again
        # from its URL.
        response = HttpResponse(status=204) if request.htmx else redirect(request.path)
        response["HX-Redirect"] = request.path
        return response
    response = _progress_page(request, row)
    if row.status == Status.DONE and request.htmx:
        # Ready: the page becomes the file (the same URL, now served from the cache).
        response["HX-Redirect"] = request.path
    return response


def _progress_page(request, row: RenderedDocument, *, status: int = 200) -> HttpResponse:
    template = (
        "dialogue/_document_render_status.html" if request.htmx else "dialogue/document_render.html"
    )
    context = {"row": row, "poll_url": f"{request.path}?render={row.pk}", "file_url": request.path}
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-cache"  # each poll must reach the server
    return response
