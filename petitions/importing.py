"""Petitions collected before the session, imported from an XLSX sheet (hamlets, the Fatherland
Front). Reading and checking are pure of writes; `petition_import_apply` writes every row
through `petitions.services.petition_create`, the service the form uses, so an imported petition
is the same as one typed by hand.

- Preview: every row with its errors on the field (unknown field of competence, missing content,
  bad date, ...) and the likely duplicates of a petition already recorded in the unit (same text
  once folded), which are imported as duplicates of it (the petitions' duplicate rule: the
  original counts one more time raised).
- All or nothing: one transaction; any error and nothing is saved.
- Idempotent: one `PetitionImport` per (session, file SHA-256); a file already imported creates
  nothing new, and the history records the SHA-256.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from dialogue import audit
from dialogue.emoji import EMOJI_REFUSED, has_emoji
from dialogue.models import User
from dialogue.phones import normalise_phone
from dialogue.textfold import fold
from petitions import services
from petitions.models import Field, Petition, PetitionImport
from sessions.models import DialogueSession

FILE_NOT_XLSX = _("The file is not an Excel workbook (.xlsx): download the template and fill it.")
FILE_TOO_LARGE = _("The file is too large: at most %(limit)s MB.")
FILE_TOO_MANY_ROWS = _("The file has %(rows)s rows: at most %(limit)s rows per file.")
FILE_NO_HEADER = _("The first sheet has no header row with the template's columns (%(columns)s).")
FILE_NO_ROWS = _("The file has no petition rows.")
CONTENT_REQUIRED = _("The content of the petition is missing.")
NAME_REQUIRED = _("The petitioner's name is missing.")
DATE_REQUIRED = _("The date received is missing.")
DATE_INVALID = _("“%(value)s” is not a date: write it as dd/mm/yyyy.")
DATE_IN_FUTURE = _("The date received cannot be later than today.")
FIELD_REQUIRED = _("The field is missing.")
FIELD_UNKNOWN = _("“%(value)s” is not a field in the list: use a name from the “Hướng dẫn” sheet.")
SOURCE_UNKNOWN = _("“%(value)s” is not a source: use one from the “Hướng dẫn” sheet.")
COMPETENCE_UNKNOWN = _("“%(value)s” is not a level of competence: use one from the list.")
SIGNATORIES_INVALID = _("The number of signatories must be a whole number of at least 1.")
TOO_LONG = _("At most %(limit)s characters.")
LIKELY_DUPLICATE = _(
    "Likely the same matter as petition no. %(number)s: it will be recorded as raised again."
)
LIKELY_DUPLICATE_IN_FILE = _(
    "Likely the same matter as row %(row)s of this file: it will be recorded as raised again."
)
FILE_HAS_ERRORS = _("Some rows have errors: correct the file and upload it again.")
ALREADY_IMPORTED = _("This file was already imported on %(date)s: nothing new was created.")

MAX_ROWS = 5000
MAX_MEGABYTES = 5
#: Files with more rows are imported by a Celery task (petitions.tasks), with progress.
INLINE_ROWS = 500
PROGRESS_EVERY = 100

#: (key, Vietnamese header, width) in the template's column order.
COLUMNS = (
    ("number", "STT", 6),
    ("received_on", "Ngày tiếp nhận", 15),
    ("source", "Nguồn", 30),
    ("petitioner_name", "Người kiến nghị", 28),
    ("petitioner_address", "Địa chỉ", 30),
    ("petitioner_phone", "Điện thoại", 14),
    ("signatories", "Số người ký", 10),
    ("content", "Nội dung ý kiến, kiến nghị", 60),
    ("field", "Lĩnh vực", 30),
    ("competence", "Thẩm quyền giải quyết", 20),
)
HEADERS = {fold(header): key for key, header, _width in COLUMNS}
REQUIRED_HEADERS = ("received_on", "petitioner_name", "content", "field")
IMPORTED_SOURCES = (
    Petition.Source.HAMLET_MEETING,
    Petition.Source.FRONT,
    Petition.Source.MAILBOX,
    Petition.Source.WRITTEN,
)
EXAMPLES = (
    (
        1,
        "10/11/2026",
        Petition.Source.HAMLET_MEETING,
        "Nguyễn Văn Mẫu",
        "Thôn Đông",
        "",
        1,
        "Đề nghị nâng cấp đường bê tông liên thôn Đông – Tây đã xuống cấp.",
        None,
        Petition.Competence.COMMUNE,
    ),
    (
        2,
        "12/11/2026",
        Petition.Source.FRONT,
        "Trần Thị Ví Dụ (và 15 hộ dân)",
        "Tổ dân phố 3",
        "",
        16,
        "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ tái định cư.",
        None,
        Petition.Competence.PROVINCE,
    ),
)


@dataclass
class Row:
    line: int  # the row number in the sheet, as the user sees it
    values: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def error(self, key: str, message) -> None:
        self.errors.setdefault(key, []).append(str(message))

    def note(self, key: str, message) -> None:
        self.notes.setdefault(key, []).append(str(message))

    def cells(self) -> list[tuple[str, str, list[str], list[str]]]:
        """(key, value, errors, notes) per column, for the preview table."""
        return [
            (key, self.values.get(key, ""), self.errors.get(key, []), self.notes.get(key, []))
            for key, _header, _width in COLUMNS
        ]


@dataclass
class Preview:
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors) + len(self.file_errors)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not any(r.errors for r in self.rows)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _labels(choices) -> dict[str, str]:
    """Folded Vietnamese label (and code) → value."""
    with translation.override("vi"):
        found = {fold(str(label)): value for value, label in choices}
    found.update({fold(value): value for value, _label in choices})
    return found


def _choice_labels(values, choices) -> list[str]:
    labels = dict(choices)
    with translation.override("vi"):
        return [str(labels[v]) for v in values]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _date(raw: Any, row: Row, today: date) -> date | None:
    if raw in (None, ""):
        row.error("received_on", DATE_REQUIRED)
        return None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    else:
        text = str(raw).strip()
        day = None
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
                break
            except ValueError:
                continue
        if day is None:
            row.error("received_on", DATE_INVALID % {"value": text[:40]})
            return None
    if day > today:
        row.error("received_on", DATE_IN_FUTURE)
        return None
    return day


def read_rows(content: bytes) -> tuple[list[Row], list[str]]:
    """The sheet's rows as raw values (no database), or the file's errors."""
    if len(content) > MAX_MEGABYTES * 1024 * 1024:
        return [], [str(FILE_TOO_LARGE % {"limit": MAX_MEGABYTES})]
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
        return [], [str(FILE_NOT_XLSX)]
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        keys: list[str | None] | None = None
        line = 0
        for line, cells in enumerate(lines, start=1):
            found = [HEADERS.get(fold(_text(c))) if c is not None else None for c in cells]
            if all(k in found for k in REQUIRED_HEADERS):
                keys = found
                break
            if line >= 10:
                break
        if keys is None:
            columns = ", ".join(header for _k, header, _w in COLUMNS)
            return [], [str(FILE_NO_HEADER % {"columns": columns})]
        rows: list[Row] = []
        header_line = line
        for line, cells in enumerate(lines, start=header_line + 1):
            raw = {k: c for k, c in zip(keys, cells, strict=False) if k}
            if all(v in (None, "") for k, v in raw.items() if k != "number"):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [str(FILE_TOO_MANY_ROWS % {"rows": f"> {MAX_ROWS}", "limit": MAX_ROWS})]
            row = Row(line=line, values={k: _text(v) for k, v in raw.items()})
            row.fields["_raw_date"] = raw.get("received_on")
            rows.append(row)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        return [], [str(FILE_NOT_XLSX)]
    finally:
        workbook.close()
    if not rows:
        return [], [str(FILE_NO_ROWS)]
    return rows, []


def check(session: DialogueSession, content: bytes, *, today: date | None = None) -> Preview:
    """Read and check every row against the database, saving nothing."""
    today = today or timezone.localdate()
    rows, file_errors = read_rows(content)
    if file_errors:
        return Preview(rows=[], file_errors=file_errors)
    fields = {}
    for f in Field.objects.filter(is_active=True):
        fields[fold(f.name)] = f
        fields[fold(f.code)] = f
    sources = _labels([(s, label) for s, label in Petition.Source.choices if s in IMPORTED_SOURCES])
    competences = _labels(Petition.Competence.choices)
    # The duplicate rule: an original (not itself a duplicate) of the unit with the same text.
    originals: dict[str, int] = {}
    existing = Petition.objects.filter(unit_id=session.unit_id, duplicate_of__isnull=True)
    for pk, text in existing.values_list("pk", "content").iterator(chunk_size=2000):
        originals.setdefault(fold(text), pk)
    in_file: dict[str, int] = {}
    limits = {
        name: Petition._meta.get_field(name).max_length
        for name in ("petitioner_name", "petitioner_address", "petitioner_phone")
    }
    for row in rows:
        values, out = row.values, row.fields
        out["received_on"] = _date(out.pop("_raw_date"), row, today)
        source = values.get("source", "")
        out["source"] = sources.get(fold(source)) if source else Petition.Source.HAMLET_MEETING
        if out["source"] is None:
            row.error("source", SOURCE_UNKNOWN % {"value": source[:60]})
        for name, limit in limits.items():
            out[name] = values.get(name, "")
            if len(out[name]) > limit:
                row.error(name, TOO_LONG % {"limit": limit})
        if phone := out["petitioner_phone"]:
            # A number typed in a numeric cell loses its leading 0 in Excel.
            phone = f"0{phone}" if phone.isdigit() and len(phone) == 9 else phone
            try:
                out["petitioner_phone"] = normalise_phone(phone)
            except ValidationError as error:
                row.error("petitioner_phone", error.messages[0])
        if not out["petitioner_name"]:
            row.error("petitioner_name", NAME_REQUIRED)
        signatories = values.get("signatories", "") or "1"
        out["signatories"] = int(signatories) if signatories.isdigit() else None
        if not out["signatories"]:
            row.error("signatories", SIGNATORIES_INVALID)
        out["content"] = values.get("content", "")
        if not out["content"]:
            row.error("content", CONTENT_REQUIRED)
        for name in ("petitioner_name", "petitioner_address", "content"):
            if has_emoji(out[name]):
                row.error(name, EMOJI_REFUSED)
        name = values.get("field", "")
        out["field"] = fields.get(fold(name)) if name else None
        if not name:
            row.error("field", FIELD_REQUIRED)
        elif out["field"] is None:
            row.error("field", FIELD_UNKNOWN % {"value": name[:60]})
        competence = values.get("competence", "")
        out["competence"] = (
            competences.get(fold(competence)) if competence else Petition.Competence.COMMUNE
        )
        if out["competence"] is None:
            row.error("competence", COMPETENCE_UNKNOWN % {"value": competence[:60]})
        out["scope"] = Petition.Scope.IN_SCOPE
        out["routing_reason"] = ""
        out["duplicate_of"] = None
        out["times_raised"] = 1
        key = fold(out["content"])
        if key and key in originals:
            out["duplicate_of"] = originals[key]
            row.note("content", LIKELY_DUPLICATE % {"number": originals[key]})
        elif key and key in in_file:
            row.note("content", LIKELY_DUPLICATE_IN_FILE % {"row": in_file[key]})
        elif key:
            in_file[key] = row.line
    return Preview(rows=rows)


# --- writes ---------------------------------------------------------------------------------


def import_upload(
    *, actor: User, session: DialogueSession, filename: str, content: bytes
) -> PetitionImport:
    """The import of this file for this session: the existing one when the same bytes were
    uploaded before (imported or not), else a new preview."""
    digest = sha256(content)
    found = PetitionImport.objects.filter(session=session, sha256=digest).first()
    if found is not None:
        return found
    preview = check(session, content)
    try:
        with transaction.atomic():
            return PetitionImport.objects.create(
                session=session,
                filename=filename[:200],
                sha256=digest,
                content=content,
                rows=len(preview.rows),
                created_by=actor,
            )
    except IntegrityError:  # the same file uploaded twice at once
        return PetitionImport.objects.get(session=session, sha256=digest)


def progress_key(petition_import: PetitionImport) -> str:
    return f"petition-import-progress:{petition_import.pk}"


@transaction.atomic
def petition_import_apply(*, actor: User | None, petition_import: PetitionImport) -> int:
    """Create every row's petition, or none. Returns how many were created (0 if this file was
    already imported: running it twice creates nothing twice)."""
    petition_import = (
        PetitionImport.objects.select_for_update()
        .select_related("session")
        .get(pk=petition_import.pk)
    )
    if petition_import.status == PetitionImport.Status.IMPORTED:
        return 0
    session = petition_import.session
    preview = check(session, bytes(petition_import.content))
    if not preview.is_valid:
        raise ValidationError(FILE_HAS_ERRORS)
    originals = {
        p.pk: p
        for p in Petition.objects.filter(
            pk__in={r.fields["duplicate_of"] for r in preview.rows if r.fields["duplicate_of"]}
        )
    }
    created = 0
    for row in preview.rows:
        fields = dict(row.fields)
        fields["duplicate_of"] = originals.get(fields["duplicate_of"])
        services.petition_create(actor=actor, session=session, **fields)
        created += 1
        if created % PROGRESS_EVERY == 0:
            cache.set(progress_key(petition_import), created, timeout=3600)
    petition_import.status = PetitionImport.Status.IMPORTED
    petition_import.imported_count = created
    petition_import.imported_at = timezone.now()
    petition_import.error = ""
    petition_import.save(update_fields=["status", "imported_count", "imported_at", "error"])
    changes = {"sha256": [None, petition_import.sha256], "petitions": [None, created]}
    audit.record(petition_import, actor=actor, action="imported", changes=changes)
    audit.record(
        session,
        actor=actor,
        action="petitions_imported",
        changes=changes,
        reason=petition_import.filename,
    )
    cache.set(progress_key(petition_import), created, timeout=3600)
    return created


def petition_import_start(*, actor: User, petition_import: PetitionImport) -> bool:
    """Import now (small files) or hand the file to a Celery task (large ones). True when a task
    was started. The import row is marked "running" so the page shows progress."""
    if petition_import.rows <= INLINE_ROWS:
        petition_import_apply(actor=actor, petition_import=petition_import)
        return False
    from petitions.tasks import petition_import_task

    with transaction.atomic():
        claimed = PetitionImport.objects.filter(
            pk=petition_import.pk,
            status__in=[PetitionImport.Status.PREVIEW, PetitionImport.Status.FAILED],
        ).update(status=PetitionImport.Status.RUNNING)
        if claimed:
            cache.set(progress_key(petition_import), 0, timeout=3600)
            transaction.on_commit(lambda: petition_import_task.delay(petition_import.pk, actor.pk))
    return bool(claimed)


def progress(petition_import: PetitionImport) -> int:
    if petition_import.status == PetitionImport.Status.IMPORTED:
        return petition_import.imported_count
    return cache.get(progress_key(petition_import)) or 0


# --- the template ---------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The XLSX to fill: Vietnamese headers, two example rows, and the lists to choose from."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kiến nghị"
    sheet.append([header for _key, header, _width in COLUMNS])
    for index, (_key, _header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    active_fields = list(Field.objects.filter(is_active=True).values_list("name", flat=True))
    source_labels = dict(
        zip(
            IMPORTED_SOURCES, _choice_labels(IMPORTED_SOURCES, Petition.Source.choices), strict=True
        )
    )
    competence_values = [v for v, _l in Petition.Competence.choices]
    competence_labels = dict(
        zip(
            competence_values,
            _choice_labels(competence_values, Petition.Competence.choices),
            strict=True,
        )
    )
    for example in EXAMPLES:
        values = list(example)
        values[2] = source_labels[values[2]]
        values[8] = active_fields[0] if active_fields else ""
        values[9] = competence_labels[values[9]]
        sheet.append(values)
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Lĩnh vực", "Nguồn", "Thẩm quyền giải quyết", "Ghi chú"])
    notes = [
        "Mỗi dòng là một ý kiến, kiến nghị; xóa hai dòng ví dụ trước khi tải lên.",
        "Ngày tiếp nhận ghi dd/mm/yyyy. Nguồn và Thẩm quyền để trống: họp thôn, cấp xã.",
        f"Tối đa {MAX_ROWS} dòng mỗi tệp. Cùng một tệp chỉ được nhập một lần.",
    ]
    columns = [active_fields, list(source_labels.values()), list(competence_labels.values()), notes]
    for index in range(max(len(c) for c in columns)):
        guide.append([c[index] if index < len(c) else None for c in columns])
    for letter, count in (
        ("A", len(active_fields)),
        ("B", len(source_labels)),
        ("C", len(competence_labels)),
    ):
        column = {"A": "I", "B": "C", "C": "J"}[letter]
        validation = DataValidation(
            type="list", formula1=f"'Hướng dẫn'!${letter}$2:${letter}${count + 1}", allow_blank=True
        )
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
