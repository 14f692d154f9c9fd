"""Exports of a list as XLSX or CSV: exactly the rows the user sees, in constant memory.

Each app declares its lists in an `exports.py` module (found like `demo.py` and `home.py`, through
the app registry): a name and a builder `(user, params) -> Export` that applies the same scope and
the same filters as the list page. The page and the export call the same builder, so an export
can never show a row the page would not.

- CSV: streamed row by row (StreamingHttpResponse), UTF-8 with a BOM so Excel reads Vietnamese.
- XLSX: openpyxl's write-only workbook (rows are serialised as they come; nothing is kept),
  written to a temporary file and sent with FileResponse. Vietnamese headers, dates as date
  cells, column widths, the header row frozen and an autofilter on it.
- Over `settings.EXPORT_ASYNC_ROWS` rows the export runs as a Celery task that writes the file to
  an ExportJob, which only the user who asked may see and download, for 24 hours.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dialogue.models import ExportJob

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
#: Rows fetched per database round trip (a server-side cursor on PostgreSQL).
CHUNK = 2000
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, how to read the value from a row, its width."""

    header: str
    value: Callable[[Any], Any]
    width: int = 15


@dataclass
class Export:
    """What a list exports: its rows (an ordered, scoped queryset), columns and file name."""

    queryset: QuerySet
    columns: list[Column]
    filename: str
    title: str = "Danh sách"
    extra: dict = field(default_factory=dict)


Builder = Callable[[Any, dict], Export]
_REGISTRY: dict[str, Builder] = {}
_discovered = False


def register(name: str) -> Callable[[Builder], Builder]:
    """Declare the builder of list `name` (used by the page and by the export task)."""

    def decorator(builder: Builder) -> Builder:
        _REGISTRY[name] = builder
        return builder

    return decorator


def builder_for(name: str) -> Builder:
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True
    try:
        return _REGISTRY[name]
    except KeyError as error:
        raise Http404 from error


def build(name: str, user, params: dict) -> Export:
    return builder_for(name)(user, params)


# --- writing ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def rows_of(export: Export) -> Iterator[list[Any]]:
    """Each row's values, fetched in chunks so memory does not grow with the row count.
    Labels are Vietnamese whatever the UI language, like the documents."""
    with translation.override("vi"):
        for obj in export.queryset.iterator(chunk_size=CHUNK):
            yield [column.value(obj) for column in export.columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(export: Export) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([c.header for c in export.columns])
    for values in rows_of(export):
        yield writer.writerow([_plain(v) for v in values])


def _cell(ws, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def write_xlsx(
    export: Export,
    target,
    *,
    rows: Iterable[list[Any]] | None = None,
    progress: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Write the export to `target` (a path or a binary file); return the number of rows."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(export.title[:31])
    for index, column in enumerate(export.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for values in rows if rows is not None else rows_of(export):
        ws.append([_cell(ws, v) for v in values])
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    last = get_column_letter(max(len(export.columns), 1))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(target)
    return count


def csv_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(export), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}.csv"'
    return response


def xlsx_response(export: Export) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(export, handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{export.filename}.xlsx", content_type=XLSX_TYPE
    )


def is_large(export: Export) -> bool:
    """More rows than a request should write: counted no further than the threshold."""
    limit = settings.EXPORT_ASYNC_ROWS
    return export.queryset.order_by()[: limit + 1].count() > limit


def params_of(request) -> dict:
    """The list's filters, as the page received them (the pager's cursor and the format aside)."""
    return {
        key: request.GET.getlist(key)
        for key in request.GET
        if key not in {"format", "after"} and request.GET.get(key) not in (None, "")
    }


def one(params: dict, key: str, default: str = "") -> str:
    """A single value of a parameter stored by params_of (a list per key)."""
    value = params.get(key, default)
    if isinstance(value, list):
        return value[0] if value else default
    return value


def querydict(params: dict):
    """The stored filters as the QueryDict a filter form expects."""
    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, values if isinstance(values, list) else [values])
    return data


# --- the response a list view gives for ?format=… --------------------------------------------


def response_for(request, name: str, **fixed):
    """The export of list `name` if the request asks for one (`?format=xlsx|csv`), else None.

    Small exports are written in the request; large ones become an ExportJob run by a worker,
    and the user is sent to its progress page. `fixed` values come from the URL (a session's
    speakers: its pk) and are stored with the filters."""
    fmt = request.GET.get("format")
    if fmt not in FORMATS:
        return None
    params = {**params_of(request), **{key: [str(value)] for key, value in fixed.items()}}
    export = build(name, request.user, params)
    if is_large(export):
        job = export_job_create(user=request.user, list_name=name, params=params, fmt=fmt)
        return redirect("export-job", pk=job.pk)
    return xlsx_response(export) if fmt == "xlsx" else csv_response(export)


# --- large exports: the job ------------------------------------------------------------------

JOB_LIFETIME_HOURS = 24


def export_job_create(*, user, list_name: str, params: dict, fmt: str):
    """Record the job and enqueue its task once the row is committed."""
    from dialogue.tasks import enqueue, export_run_task

    if fmt not in FORMATS:
        raise ValueError(fmt)
    builder_for(list_name)  # an unknown list is refused before anything is stored
    job = ExportJob.objects.create(
        user=user,
        list_name=list_name,
        params=params,
        format=fmt,
        expires_at=timezone.now() + timedelta(hours=JOB_LIFETIME_HOURS),
    )
    # A broker that is down is logged, not a 500: export_jobs_purge writes a lost job later.
    enqueue(export_run_task, job.pk)
    return job


def export_job_run(job_id: int) -> None:
    """Claim a waiting job (a conditional UPDATE: a second delivery finds nothing to claim),
    write its file, store it. Progress is saved every thousand rows for the page's bar."""
    Status = ExportJob.Status
    claimed = ExportJob.objects.filter(
        pk=job_id, status=Status.PENDING, expires_at__gt=timezone.now()
    ).update(status=Status.RUNNING)
    if not claimed:
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        export = build(job.list_name, job.user, job.params)
        total = export.queryset.order_by().count()
        ExportJob.objects.filter(pk=job.pk).update(total=total)

        def progress(count: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(progress=count)

        with tempfile.TemporaryFile() as handle:
            if job.format == "xlsx":
                count = write_xlsx(export, handle, progress=progress)
            else:
                count = 0
                for line in csv_lines(export):
                    handle.write(line.encode("utf-8"))
                    count += 1
                    if count % 1000 == 0:
                        progress(count)
                count -= 1  # the header line
            handle.seek(0)
            content = handle.read()
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=Status.DONE,
        progress=count,
        total=count,
        content=content,
        filename=f"{export.filename}.{job.format}",
        finished_at=timezone.now(),
    )


def export_jobs_purge() -> int:
    """Delete the jobs (and their files) past their 24 hours and write the ones whose task was
    lost; safe to run any number of times (each job is claimed before it is written)."""
    now = timezone.now()
    deleted, _ = ExportJob.objects.filter(expires_at__lte=now).delete()
    stale = ExportJob.objects.filter(
        status=ExportJob.Status.PENDING, created_at__lt=now - timedelta(minutes=10)
    )
    for pk in stale.values_list("pk", flat=True):
        export_job_run(pk)
    return deleted


def job_of(user, pk: int):
    """The job if `user` asked for it and it has not expired; 404 otherwise."""
    return get_object_or_404(
        ExportJob.objects.defer("content"),
        pk=pk,
        user_id=getattr(user, "pk", None),
        expires_at__gt=timezone.now(),
    )


def job_download(user, pk: int):
    job = job_of(user, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(
        bytes(content), content_type=XLSX_TYPE if job.format == "xlsx" else CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
