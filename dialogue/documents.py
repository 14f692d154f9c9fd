"""Administrative documents (Nghị định 30/2020/NĐ-CP layout) rendered to PDF with WeasyPrint.

Usage::

    header = DocumentHeader(parent_body="UBND TỈNH HÀ NAM", issuing_body="UBND XÃ AN LÃO", ...)
    pdf = render_pdf("documents/base.html", {**header.as_context(), "body_text": text}, draft=True)

Templates extend ``documents/base.html`` and fill its blocks (``body``, ``title``, ``subtitle``,
``recipients``, ``signature``...). All user text goes through Django autoescaping; never mark it
``|safe``.

Resources: WeasyPrint only ever sees :data:`safe_url_fetcher`, which serves files under the
project's static directories (``settings.STATICFILES_DIRS``) through the ``doithoai-static:``
scheme, e.g. ``doithoai-static:fonts/LiberationSerif-Regular.ttf``, and refuses everything else
(``file:``, ``http(s):``, ``data:``, relative paths without that scheme, ``..`` escapes and
symlinks pointing out of the static directory). A refused resource is skipped and logged by
WeasyPrint; rendering goes on.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import weasyprint
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from dialogue import document_systems
from dialogue.document_systems import DocumentSystem

STATIC_SCHEME = "doithoai-static"
#: Base URL given to every HTML() document: relative references in it do not resolve (the scheme
#: is not a hierarchical one for urljoin), so they reach the fetcher as relative and are refused.
BASE_URL = f"{STATIC_SCHEME}:/"
STYLESHEET_URL = f"{STATIC_SCHEME}:css/documents.css"

DRAFT_MARK = "DỰ THẢO"


class ResourceRefused(ValueError):
    """A resource outside the static directories (or with another scheme) was requested."""


def static_roots() -> list[Path]:
    """The resolved static directories the fetcher may serve from."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        # An entry may be a path or a (prefix, path) pair.
        path = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(path).resolve())
    return roots


def resolve_static_url(url: str) -> Path:
    """Map a ``doithoai-static:`` URL to a file inside a static directory, or raise."""
    prefix = f"{STATIC_SCHEME}:"
    if not isinstance(url, str) or not url[: len(prefix)].lower() == prefix:
        raise ResourceRefused(f"Refused resource (scheme not allowed): {url!r}")
    relative = unquote(url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    if not relative or "\x00" in relative or "\\" in relative:
        raise ResourceRefused(f"Refused resource (bad path): {url!r}")
    for root in static_roots():
        # resolve() follows symlinks, so a link pointing out of the root is refused too.
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise ResourceRefused(f"Refused resource (not a file under the static directories): {url!r}")


class SafeURLFetcher(URLFetcher):
    """WeasyPrint 70 URL fetcher serving only static files; never opens a network/file URL.

    WeasyPrint 70 wants a :class:`~weasyprint.urls.URLFetcher` instance (it reads
    ``_fail_on_errors`` from it) whose ``fetch``/``__call__`` returns a
    :class:`~weasyprint.urls.URLFetcherResponse`. Any exception is caught by WeasyPrint, which
    logs and skips the resource.
    """

    def __init__(self):
        super().__init__(allowed_protocols=[STATIC_SCHEME], allow_redirects=False)

    def fetch(self, url, headers=None):
        path = resolve_static_url(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            mime_type = "font/ttf"
        content_type = f"{mime_type}; charset=utf-8" if mime_type == "text/css" else mime_type
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url):
        return self.fetch(url)


#: The only fetcher given to WeasyPrint (stateless, so one shared instance is fine).
safe_url_fetcher = SafeURLFetcher()


def vietnamese_date_line(place: str, d: date) -> str:
    """``"Hà Nam, ngày 05 tháng 02 năm 2026"`` (Nghị định 30/2020: days < 10 and months 1–2
    take a leading zero; other months do not)."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def official_date(d: date) -> str:
    """A date inside a document's text, as Nghị định 30/2020 writes dates: "03/7/2018",
    "15/02/2025" (days < 10 and months 1–2 take a leading zero; other months do not)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{d.day:02d}/{month}/{d.year}"


@dataclass
class DocumentHeader:
    """Context keys ``documents/base.html`` expects (see :meth:`as_context`)."""

    parent_body: str  # cơ quan chủ quản, e.g. "ỦY BAN NHÂN DÂN TỈNH HÀ NAM"
    issuing_body: str  # cơ quan ban hành, e.g. "ỦY BAN NHÂN DÂN XÃ AN LÃO"
    number: str  # e.g. "12/QĐ-UBND"
    place: str  # địa danh, e.g. "Hà Nam"
    date: date
    title: str  # tên loại văn bản, e.g. "QUYẾT ĐỊNH"
    subtitle: str = ""  # trích yếu nội dung
    recipients: list[str] = field(default_factory=list)  # nơi nhận
    signer_capacity: str = ""  # "TM." / "KT." / "Q." / ""
    signer_body: str = ""  # e.g. "ỦY BAN NHÂN DÂN"
    signer_title: str = ""  # e.g. "PHÓ CHỦ TỊCH"
    signer_name: str = ""
    signer_delegation: str = ""  # optional second line, e.g. "KT. CHỦ TỊCH"
    system: str = DocumentSystem.STATE  # the issuing body's system (dialogue.document_systems)

    def as_context(self) -> dict:
        context = asdict(self)
        style = document_systems.style(self.system)
        context["date_line"] = vietnamese_date_line(self.place, self.date)
        # A header line never breaks inside a place's name ("TỈNH HÀ / NAM").
        context["parent_body_parts"] = document_systems.split_place(self.parent_body)
        context["issuing_body_parts"] = document_systems.split_place(self.issuing_body)
        context["signer_capacity"] = style.capacity(self.signer_capacity)
        head, _space, rest = self.signer_delegation.partition(" ")
        if rest and style.capacity(head) != head:
            context["signer_delegation"] = f"{style.capacity(head)} {rest}"  # "KT. BÍ THƯ"
        context["nation"] = style.nation
        context["motto"] = style.motto
        context["number_label"] = style.number_label
        context["issuer_mark"] = style.issuer_mark
        context["is_party"] = self.system == DocumentSystem.PARTY
        return context


#: Files the rendered look depends on besides the HTML: a change to any of them is a new
#: :func:`stylesheet_version`, so every cached draft (dialogue.document_cache) is rendered again.
STYLE_FILES = ("css/documents.css", "img/draft-watermark.svg", "fonts")


@cache
def stylesheet_version() -> str:
    """A digest of the stylesheet, the fonts and images it loads, and WeasyPrint's version."""
    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__}".encode())
    for name in STYLE_FILES:
        for root in static_roots():
            path = root / name
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for file in files:
                if file.is_file():
                    digest.update(file.relative_to(root).as_posix().encode())
                    digest.update(file.read_bytes())
    return digest.hexdigest()


#: A progress callback: ``(step, pages)`` with step "layout" (``pages`` laid out so far) or
#: "writing" (the PDF file is being written; ``pages`` is then the document's page count).
Progress = Callable[[str, int], None]


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12", "Step 6 -
    Creating PDF") into calls of a :data:`Progress` callback."""

    def __init__(self, progress: Progress):
        super().__init__(logging.INFO)
        self.progress = progress
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        if message.startswith("Step 5 - Creating layout - Page") and record.args:
            self.pages = max(self.pages, int(record.args[0]))
            self.progress("layout", self.pages)
        elif message.startswith("Step 6"):
            self.progress("writing", self.pages)


@contextmanager
def _reporting(progress: Progress | None):
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(progress)
    saved = logger.level, logger.propagate
    # Only our handler hears these INFO lines: the worker's log stays as it was.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def html_to_pdf(html: str, *, progress: Progress | None = None) -> bytes:
    """Render an HTML string (already escaped) to PDF with the restricted fetcher and fonts.

    This is WeasyPrint as its documentation shows it, with nothing added per page: the bench
    (bench.console) compares it with a bare ``HTML(...).write_pdf(stylesheets=[CSS(...)])`` on
    the same HTML and stylesheet."""
    font_config = FontConfiguration()
    stylesheet = CSS(url=STYLESHEET_URL, url_fetcher=safe_url_fetcher, font_config=font_config)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher)
    with _reporting(progress):
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def render_html(template_name: str, context: dict, *, draft: bool) -> str:
    """The HTML a document's PDF is rendered from (what :mod:`dialogue.document_cache` hashes).

    ``draft=True`` puts a "DỰ THẢO" mark on every page. ``date_line`` is derived from ``place``
    and ``date`` when the context does not give it.
    """
    context = dict(context)
    if "date_line" not in context and context.get("place") and context.get("date"):
        context["date_line"] = vietnamese_date_line(context["place"], context["date"])
    context["draft"] = draft
    context["draft_mark"] = DRAFT_MARK
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, *, draft: bool) -> bytes:
    """Render a Django template (normally extending ``documents/base.html``) to PDF bytes."""
    return html_to_pdf(render_html(template_name, context, draft=draft))


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser; the file name may carry any text (a document's number)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
