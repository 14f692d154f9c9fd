"""The annual report on the dialogue conferences (Báo cáo kết quả tổ chức hội nghị trao đổi, đối
thoại giữa UBND cấp xã với Nhân dân hằng năm), in the outline of the Điện Biên guidance
(Sở Nội vụ Điện Biên, 2024: sections I–IV and the appendix table "TỔNG HỢP").

Three layers:

- the figures (`summarise`): pure Python over plain records, no Django, tested alone. A *commune*
  is a unit with no unit below it; it *held* its conference when an annual conference session
  of that year reached "held" or later. Petitions are those of the year's held conferences;
  *to be answered* are those not answered at the session and not routed out or duplicated;
  *reported to the level above* are those of province or central competence, or forwarded;
  *resolved* is Petition.is_resolved;
- the loader (`load`): three grouped queries under the reporting unit;
- the writes (`annual_report_*`), the PDF (ND30, through documents/base.html) and the appendix
  as XLSX in the layout of the seed's table.

The report is due on the last working day before 15 February of the next year (the guidance:
"trước ngày 15/2 của năm liền kề"): `report_due`, through the one "before date D" rule of
dialogue.deadlines that the profiles' fixed-date rules use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from dialogue import audit, deadlines, document_cache
from dialogue.charts import bar_chart
from dialogue.documents import DocumentHeader, html_to_pdf, render_html
from dialogue.models import AdministrativeUnit
from dialogue.workdays import WorkCalendar
from followups.models import AnnualReport
from petitions.models import Petition
from sessions.models import DialogueSession

REPORT_DOCUMENT = "annual_report"
REPORT_TEMPLATE = "documents/annual_report.html"
CONFERENCE_KIND = "annual_conference"
HELD_STATUSES = ("held", "concluded", "closed")
TO_ANSWER_STATUSES = ("to_answer_after", "assigned", "answered", "forwarded")
UPPER_COMPETENCES = ("province", "central")
COMPETENCES = ("commune", "province", "central", "other_body")
CHART_ROWS = 40

REPORT_ISSUED_READ_ONLY = _("The report is issued: it can no longer be changed.")
REPORT_NUMBER_REQUIRED = _("Give the report its number and symbol, for example 12/BC-UBND.")
REPORT_DATE_REQUIRED = _("Give the date of issue.")
REPORT_SIGNER_REQUIRED = _("Give the signer's name and title.")
REPORT_EXISTS = _("A report of this unit for this year already exists.")

EDITABLE_FIELDS = (
    "parent_body",
    "issuing_body",
    "place",
    "title",
    "situation",
    "direction",
    "preparation",
    "results",
    "shortcomings",
    "assessment",
    "proposals",
    "recipients",
    "signer_capacity",
    "signer_body",
    "signer_title",
    "signer_name",
)


# --- the figures (pure) ----------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneRecord:
    pk: int
    name: str


@dataclass(frozen=True)
class ConferenceRecord:
    unit_id: int
    held_on: date
    invited: int
    present: int


@dataclass(frozen=True)
class PetitionCount:
    """Petitions of one commune's conferences with one level of competence."""

    unit_id: int
    competence: str
    total: int = 0
    answered_at_session: int = 0
    to_answer: int = 0
    forwarded: int = 0
    resolved: int = 0


@dataclass
class AppendixRow:
    """One row of the appendix "TỔNG HỢP": the seed's columns."""

    unit_id: int
    name: str
    held_on: list[date] = field(default_factory=list)
    invited: int = 0
    present: int = 0
    resolved: int = 0
    unresolved: int = 0
    note: str = ""

    @property
    def held(self) -> bool:
        return bool(self.held_on)

    @property
    def dates(self) -> str:
        return ", ".join(f"{d:%d/%m/%Y}" for d in self.held_on)


@dataclass
class AnnualFigures:
    year: int
    rows: list[AppendixRow]
    petitions: int = 0
    by_competence: dict[str, int] = field(default_factory=dict)
    answered_at_session: int = 0
    to_answer: int = 0
    reported_up: int = 0
    resolved: int = 0
    unresolved: int = 0

    @property
    def held(self) -> list[AppendixRow]:
        return [r for r in self.rows if r.held]

    @property
    def not_held(self) -> list[AppendixRow]:
        return [r for r in self.rows if not r.held]

    @property
    def invited(self) -> int:
        return sum(r.invited for r in self.rows)

    @property
    def present(self) -> int:
        return sum(r.present for r in self.rows)


def summarise(
    *,
    year: int,
    communes: Iterable[CommuneRecord],
    conferences: Iterable[ConferenceRecord],
    petitions: Iterable[PetitionCount],
    reasons: dict[str, str] | None = None,
) -> AnnualFigures:
    """The report's figures and its appendix rows, one per commune in the given order."""
    reasons = reasons or {}
    rows = {c.pk: AppendixRow(unit_id=c.pk, name=c.name) for c in communes}
    for conference in conferences:
        row = rows.get(conference.unit_id)
        if row is None:
            continue
        row.held_on.append(conference.held_on)
        row.invited += conference.invited
        row.present += conference.present
    figures = AnnualFigures(year=year, rows=list(rows.values()))
    figures.by_competence = dict.fromkeys(COMPETENCES, 0)
    for count in petitions:
        row = rows.get(count.unit_id)
        if row is None:
            continue
        row.resolved += count.resolved
        row.unresolved += count.total - count.resolved
        figures.petitions += count.total
        figures.by_competence[count.competence] = (
            figures.by_competence.get(count.competence, 0) + count.total
        )
        figures.answered_at_session += count.answered_at_session
        figures.to_answer += count.to_answer
        figures.reported_up += (
            count.total if count.competence in UPPER_COMPETENCES else count.forwarded
        )
        figures.resolved += count.resolved
    figures.unresolved = figures.petitions - figures.resolved
    for row in figures.rows:
        row.held_on.sort()
        if not row.held:
            row.note = reasons.get(str(row.unit_id), "").strip() or "Chưa tổ chức"
    return figures


def report_due(year: int, calendar: WorkCalendar) -> date:
    """The last working day before 15/02 of the year after `year` (never moved after it)."""
    return deadlines.before_fixed_date(date(year + 1, 2, 15), calendar).due


# --- the loader (three queries) --------------------------------------------------------------


def load(unit: AdministrativeUnit, year: int, reasons: dict[str, str] | None = None):
    """The figures of `unit` and everything below it for `year`, from the records."""
    communes = [
        CommuneRecord(pk=u["pk"], name=u["name"])
        for u in AdministrativeUnit.objects.subtree(unit)
        .existing_in(year)
        .filter(children__isnull=True)
        .values("pk", "name")
        .order_by("path")
    ]
    held = DialogueSession.objects.filter(
        unit__path__startswith=unit.path,
        kind=CONFERENCE_KIND,
        status__in=HELD_STATUSES,
        starts_at__year=year,
    )
    conferences = [
        ConferenceRecord(
            unit_id=s["unit_id"],
            held_on=timezone.localdate(s["starts_at"]),
            invited=s["invited_count"] or 0,
            present=s["attending_count"] or 0,
        )
        for s in held.values("unit_id", "starts_at", "invited_count", "attending_count")
    ]
    petitions = [
        PetitionCount(**row)
        for row in Petition.objects.filter(session__in=held.values("pk"))
        .values("unit_id", "competence")
        .annotate(
            total=Count("pk"),
            answered_at_session=Count("pk", filter=Q(status="answered_at_session")),
            to_answer=Count("pk", filter=Q(status__in=TO_ANSWER_STATUSES)),
            forwarded=Count("pk", filter=Q(status="forwarded")),
            resolved=Count("pk", filter=Q(is_resolved=True)),
        )
        .order_by()
    ]
    return summarise(
        year=year,
        communes=communes,
        conferences=conferences,
        petitions=petitions,
        reasons=reasons,
    )


# --- the narrative, pre-filled ---------------------------------------------------------------


def results_text(figures: AnnualFigures) -> str:
    """Section III.2 written from the figures; the organisers complete it."""
    total = len(figures.rows)
    held = figures.held
    lines = [
        f"Năm {figures.year}, có {len(held)}/{total} xã, phường, thị trấn đã tổ chức Hội nghị "
        "trao đổi, đối thoại với Nhân dân"
        + (": " + "; ".join(f"{r.name} ngày {r.dates}" for r in held) + "." if held else "."),
    ]
    if figures.not_held:
        lines.append(
            f"Có {len(figures.not_held)} đơn vị chưa tổ chức Hội nghị: "
            + "; ".join(f"{r.name} ({r.note})" for r in figures.not_held)
            + " (chi tiết tại Phụ lục kèm theo)."
        )
    lines.append(
        f"Tổng số người tham gia Hội nghị: {figures.present} người "
        f"(tổng số đại biểu được mời: {figures.invited})."
    )
    c = figures.by_competence
    lines.append(
        f"Tổng số ý kiến của người dân: {figures.petitions} ý kiến, trong đó thuộc thẩm quyền "
        f"cấp xã {c.get('commune', 0)}, cấp tỉnh {c.get('province', 0)}, "
        f"Trung ương {c.get('central', 0)}, cơ quan khác {c.get('other_body', 0)}."
    )
    lines.append(
        f"Tổng số ý kiến đã trả lời tại Hội nghị: {figures.answered_at_session}. Tổng số ý kiến "
        f"cần tổng hợp để nghiên cứu trả lời, xác minh, làm rõ: {figures.to_answer}."
    )
    lines.append(
        f"Tổng số ý kiến tổng hợp báo cáo cơ quan có thẩm quyền cấp trên: {figures.reported_up}."
    )
    lines.append(
        f"Đến nay đã giải quyết {figures.resolved} ý kiến; chưa giải quyết {figures.unresolved} "
        "ý kiến."
    )
    return "\n\n".join(lines)


def draft_fields(unit: AdministrativeUnit, figures: AnnualFigures) -> dict[str, str]:
    body = unit.name.upper()
    return {
        "parent_body": unit.parent.name.upper() if unit.parent_id else "",
        "issuing_body": f"ỦY BAN NHÂN DÂN {body}",
        "place": unit.name,
        "title": (
            "Kết quả tổ chức hội nghị trao đổi, đối thoại giữa UBND cấp xã với Nhân dân "
            f"năm {figures.year}"
        ),
        "situation": "1. Thuận lợi\n\n(Chỉ nêu những nội dung liên quan trực tiếp đến công tác "
        "tổ chức Hội nghị.)\n\n2. Khó khăn\n\n",
        "direction": "(Nêu rõ các văn bản, hướng dẫn đã ban hành để lãnh đạo, chỉ đạo: số, trích "
        "yếu, ngày, tháng, năm; phân công theo dõi, giám sát, kiểm tra; kết quả thực hiện trách "
        "nhiệm của các cấp, các ngành.)",
        "preparation": "",
        "results": results_text(figures),
        "shortcomings": "",
        "assessment": "",
        "proposals": "Về sửa đổi, bổ sung hướng dẫn:\n\nVề lãnh đạo, chỉ đạo:",
        "recipients": "Sở Nội vụ (để b/c);\nThường trực HĐND, UBND (để b/c);\nLưu: VT.",
        "signer_capacity": "TM.",
        "signer_body": "ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
    }


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def annual_report_draft(*, actor, unit: AdministrativeUnit, year: int):
    """A new draft for (unit, year), its narrative pre-filled from the records."""
    if AnnualReport.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(REPORT_EXISTS)
    figures = load(unit, year)
    report = AnnualReport.objects.create(
        unit=unit, year=year, created_by=actor, **draft_fields(unit, figures)
    )
    audit.record(report, actor=actor, action="create")
    return report


@transaction.atomic
def annual_report_update(*, actor, report, reasons: dict[str, str] | None = None, **fields: Any):
    """Save the edited narrative (and the reasons of the communes that held no conference)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise ValidationError(REPORT_ISSUED_READ_ONLY)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    names = [*fields, *(["reasons"] if reasons is not None else [])]
    before = audit.snapshot(report, names)
    for name, value in fields.items():
        setattr(report, name, value)
    if reasons is not None:
        report.reasons = {k: v.strip() for k, v in reasons.items() if v and v.strip()}
    changes = audit.diff(before, audit.snapshot(report, names))
    if changes:
        report.save(update_fields=[*names, "updated_at"])
        audit.record(report, actor=actor, action="update", changes=changes)
    return report


@transaction.atomic
def annual_report_issue(*, actor, report, number: str, issued_on: date):
    """Issue: number and date, the PDF rendered once (by a worker when long) and stored with its
    SHA-256."""
    report = AnnualReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if report.is_issued:
        raise ValidationError(REPORT_ISSUED_READ_ONLY)
    errors: dict[str, list] = {}
    if not (number or "").strip():
        errors["number"] = [REPORT_NUMBER_REQUIRED]
    if issued_on is None:
        errors["issued_on"] = [REPORT_DATE_REQUIRED]
    if not (report.signer_name.strip() and report.signer_title.strip()):
        errors["signer_name"] = [REPORT_SIGNER_REQUIRED]
    if errors:
        raise ValidationError(errors)
    report.number, report.issued_on = number.strip(), issued_on
    report.status = AnnualReport.Status.ISSUED
    report.issued_by, report.issued_at = actor, timezone.now()
    report.save(
        update_fields=["number", "issued_on", "status", "issued_by", "issued_at", "updated_at"]
    )
    # A province's report runs to several pages: rendered by a worker (dialogue.document_cache).
    document_cache.issue(
        obj=report,
        kind=REPORT_DOCUMENT,
        html=report_html(report),
        filename=report_filename(report),
        actor=actor,
    )
    audit.record(
        report,
        actor=actor,
        action="issued",
        changes={"number": [None, report.number], "issued_on": [None, str(issued_on)]},
    )
    return report


# --- the documents ---------------------------------------------------------------------------

SECTIONS = (
    ("I. ĐẶC ĐIỂM, TÌNH HÌNH", (("", "situation"),)),
    ("II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, HƯỚNG DẪN TRIỂN KHAI", (("", "direction"),)),
    (
        "III. KẾT QUẢ ĐẠT ĐƯỢC",
        (
            ("1. Công tác chuẩn bị triển khai", "preparation"),
            ("2. Kết quả triển khai", "results"),
            ("3. Tồn tại, hạn chế và nguyên nhân", "shortcomings"),
            ("4. Đánh giá chung, bài học kinh nghiệm", "assessment"),
        ),
    ),
    ("IV. ĐỀ XUẤT, KIẾN NGHỊ", (("", "proposals"),)),
)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def report_context(report, figures: AnnualFigures | None = None) -> dict:
    figures = figures or load(report.unit, report.year, report.reasons)
    header = DocumentHeader(
        parent_body=report.parent_body,
        issuing_body=report.issuing_body,
        number=report.number,
        place=report.place,
        date=report.issued_on or timezone.localdate(),
        title="BÁO CÁO",
        subtitle=report.title,
        recipients=[line.strip() for line in report.recipients.splitlines() if line.strip()],
        signer_capacity=report.signer_capacity,
        signer_body=report.signer_body,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
    )
    sections = [
        {
            "heading": heading,
            "parts": [
                {"heading": sub, "paragraphs": _paragraphs(getattr(report, name))}
                for sub, name in parts
            ],
        }
        for heading, parts in SECTIONS
    ]
    with translation.override("vi"):
        chart = bar_chart(
            "Tỷ lệ ý kiến đã giải quyết theo đơn vị (%)",
            [
                (r.name, round(100 * r.resolved / (r.resolved + r.unresolved), 1))
                for r in figures.rows[:CHART_ROWS]
                if r.resolved + r.unresolved
            ],
            maximum=100,
            suffix=" %",
            headers=("Đơn vị", "Đã giải quyết"),
        )
    return {
        **header.as_context(),
        "sections": sections,
        "figures": figures,
        "chart": chart,
    }


def report_html(report) -> str:
    return render_html(REPORT_TEMPLATE, report_context(report), draft=not report.is_issued)


def report_pdf(report) -> bytes:
    return html_to_pdf(report_html(report))


def report_filename(report) -> str:
    number = (report.number or "du-thao").replace("/", "-")
    return f"bao-cao-doi-thoai-{report.year}-{number}.pdf"


APPENDIX_HEADERS = (
    "Tên ĐVHC xã",
    "Ngày tổ chức hội nghị",
    "Tổng số đại biểu được mời",
    "Tổng số đại biểu dự hội nghị",
    "Tổng số ý kiến nhân dân",
    "",
    "Ghi chú",
)


def appendix_xlsx(report, target, figures: AnnualFigures | None = None) -> None:
    """The appendix "TỔNG HỢP" in the seed's layout: two title lines, a two-row header (the
    petitions column split into resolved / unresolved), one row per commune, a total row."""
    figures = figures or load(report.unit, report.year, report.reasons)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tổng hợp"
    bold, centre = (
        Font(bold=True),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(["TỔNG HỢP"])
    ws.append(
        [
            "Kết quả tổ chức hội nghị trao đổi, đối thoại giữa UBND cấp xã với nhân dân "
            f"năm {report.year}"
        ]
    )
    ws.append(list(APPENDIX_HEADERS))
    ws.append(["", "", "", "", "Đã giải quyết", "Chưa giải quyết", ""])
    for cells in ("A1:G1", "A2:G2", "E3:F3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "G3:G4"):
        ws.merge_cells(cells)
    for row in ws.iter_rows(min_row=1, max_row=4):
        for cell in row:
            cell.font, cell.alignment = bold, centre
            if cell.row >= 3:
                cell.border = box
    for r in figures.rows:
        ws.append(
            [
                r.name,
                r.dates,
                r.invited,
                r.present,
                r.resolved,
                r.unresolved,
                r.note if not r.held else "",
            ]
        )
    ws.append(
        [
            "Tổng cộng",
            f"{len(figures.held)}/{len(figures.rows)} đơn vị",
            figures.invited,
            figures.present,
            figures.resolved,
            figures.unresolved,
            "",
        ]
    )
    for row in ws.iter_rows(min_row=5, max_row=ws.max_row):
        for cell in row:
            cell.border = box
    for cell in ws[ws.max_row]:
        cell.font = bold
    for letter, width in zip("ABCDEFG", (28, 22, 14, 14, 13, 13, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B5"
    workbook.save(target)


def appendix_filename(report) -> str:
    return f"phu-luc-tong-hop-{report.year}-{report.unit_id}.xlsx"
