"""The annual report (followups.annual_report): figures and appendix rows against the records,
the pure summary without a database, draft → issue with the stored PDF, the XLSX appendix."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from dialogue import storage
from dialogue.workcalendar import get_calendar
from followups import annual_report
from followups.annual_report import (
    CommuneRecord,
    ConferenceRecord,
    PetitionCount,
    report_due,
    summarise,
)
from followups.models import AnnualReport
from petitions.models import Petition
from sessions.models import DialogueSession
from tests.factories import issue_notice, make_held_session
from tests.pdf import pdf_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


# --- pure ------------------------------------------------------------------------------------


def test_summarise_counts_each_commune_and_the_totals():
    figures = summarise(
        year=2026,
        communes=[
            CommuneRecord(1, "Xã Một"),
            CommuneRecord(2, "Xã Hai"),
            CommuneRecord(3, "Xã Ba"),
        ],
        conferences=[
            ConferenceRecord(1, date(2026, 12, 15), invited=120, present=98),
            ConferenceRecord(3, date(2026, 11, 2), invited=80, present=75),
            ConferenceRecord(99, date(2026, 11, 2), invited=5, present=5),  # not below the unit
        ],
        petitions=[
            PetitionCount(1, "commune", total=5, answered_at_session=3, to_answer=2, resolved=4),
            PetitionCount(1, "province", total=2, to_answer=2, resolved=0),
            PetitionCount(3, "commune", total=1, to_answer=1, forwarded=1, resolved=1),
        ],
        reasons={"2": "Sáp nhập đơn vị hành chính"},
    )
    assert [
        (r.name, r.dates, r.invited, r.present, r.resolved, r.unresolved, r.note)
        for r in figures.rows
    ] == [
        ("Xã Một", "15/12/2026", 120, 98, 4, 3, ""),
        ("Xã Hai", "", 0, 0, 0, 0, "Sáp nhập đơn vị hành chính"),
        ("Xã Ba", "02/11/2026", 80, 75, 1, 0, ""),
    ]
    assert [r.name for r in figures.not_held] == ["Xã Hai"]
    assert (figures.invited, figures.present, figures.petitions) == (200, 173, 8)
    assert figures.by_competence == {"commune": 6, "province": 2, "central": 0, "other_body": 0}
    assert (figures.answered_at_session, figures.to_answer) == (3, 5)
    assert figures.reported_up == 2 + 1  # province level, and one forwarded
    assert (figures.resolved, figures.unresolved) == (5, 3)


def test_a_commune_without_a_reason_says_it_did_not_hold_one():
    figures = summarise(
        year=2026, communes=[CommuneRecord(1, "Xã Một")], conferences=[], petitions=[]
    )
    assert figures.rows[0].note == "Chưa tổ chức"


@pytest.mark.django_db
def test_report_is_due_the_last_working_day_before_15_february():
    # 15/02/2027 is a Monday: the Friday before. 15/02/2026 falls in the Tết holidays.
    assert report_due(2026, get_calendar()) == date(2027, 2, 12)
    due = report_due(2025, get_calendar())
    assert due < date(2026, 2, 15) and get_calendar().is_working_day(due)


# --- from the records ------------------------------------------------------------------------


@pytest.fixture
def records(world):
    """Commune A held its conference on 15/12/2026 (120 invited, 98 present; 3 petitions, one
    answered by the agency); commune B did not; another province held one."""
    with at(date(2026, 12, 16)):
        session, petitions = make_held_session(world.commune_a, petitions=3)
        DialogueSession.objects.filter(pk=session.pk).update(invited_count=120, attending_count=98)
        Petition.objects.filter(pk=petitions[2].pk).update(competence="province")
        make_held_session(world.other_province, petitions=2)
    with at(date(2026, 12, 21)):
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    from followups import services
    from followups.models import Assignment

    with at(date(2026, 12, 28)):
        services.response_record(
            actor=world.responder_a,
            assignment=Assignment.objects.get(petition=petitions[0]),
            responded_on=date(2026, 12, 28),
            method="in_person",
            text="Đã trả lời.",
            document_number="",
            attachment=None,
        )
    return session


@pytest.mark.django_db
def test_figures_against_the_records(world, records):
    figures = annual_report.load(
        world.province, 2026, {str(world.commune_b.pk): "Chưa bố trí được"}
    )
    assert [
        (r.name, r.dates, r.invited, r.present, r.resolved, r.unresolved, r.note)
        for r in figures.rows
    ] == [
        ("Xã A", "15/12/2026", 120, 98, 1, 2, ""),
        ("Xã B", "", 0, 0, 0, 0, "Chưa bố trí được"),
    ]
    assert figures.petitions == 3
    assert figures.by_competence["province"] == 1
    assert figures.to_answer == 3 and figures.reported_up == 1
    assert annual_report.load(world.province, 2025).petitions == 0
    assert [r.name for r in annual_report.load(world.commune_a, 2026).rows] == ["Xã A"]


@pytest.mark.django_db
def test_draft_edit_issue_and_read_back(world, login, records):
    with at(date(2027, 1, 20)):
        client = login(world.organiser_a)
        # Commune A's organiser reports on commune A only: the province is not offered.
        page = client.post(reverse("annual-report-list"), {"unit": world.province.pk, "year": 2026})
        assert page.context["form"].errors["unit"]
        client = login(world.administrator)
        assert client.get(reverse("annual-report-list")).context["form"] is None
        # A province organiser drafts the province's report.
        from dialogue.models import Role
        from tests.factories import UserFactory, member

        organiser = member(UserFactory(username="organiser_p"), world.province, Role.ORGANISER)
        client = login(organiser)
        response = client.post(
            reverse("annual-report-list"), {"unit": world.province.pk, "year": 2026}
        )
        report = AnnualReport.objects.get()
        assert response["Location"] == reverse("annual-report-detail", args=[report.pk])
        assert "có 1/2 xã, phường, thị trấn đã tổ chức" in report.results
        assert "Xã A ngày 15/12/2026" in report.results
        assert "Tổng số người tham gia Hội nghị: 98 người" in report.results
        page = client.get(reverse("annual-report-detail", args=[report.pk]))
        assert page.context["due"] == date(2027, 2, 12)
        assert f'name="reason_{world.commune_b.pk}"' in page.text
        assert "<svg" in page.text

        data = {name: getattr(report, name) for name in annual_report.EDITABLE_FIELDS}
        data |= {"signer_name": "Lê Văn Ký", f"reason_{world.commune_b.pk}": "Sáp nhập đơn vị"}
        data["shortcomings"] = "Một số xã tổ chức muộn."
        response = client.post(reverse("annual-report-detail", args=[report.pk]), data)
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.reasons == {str(world.commune_b.pk): "Sáp nhập đơn vị"}

        # Issue: the number is required, then the PDF is stored with its hash.
        page = client.post(
            reverse("annual-report-issue", args=[report.pk]), {"issue-issued_on": "2027-01-20"}
        )
        assert page.context["issue_form"].errors["number"]
        response = client.post(
            reverse("annual-report-issue", args=[report.pk]),
            {"issue-number": "05/BC-UBND", "issue-issued_on": "2027-01-20"},
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.is_issued and report.number == "05/BC-UBND"
        stored = storage.latest(report, annual_report.REPORT_DOCUMENT)
        assert stored.sha256 == hashlib.sha256(bytes(stored.content)).hexdigest()
        text = pdf_text(bytes(stored.content))
        for fragment in (
            "BÁO CÁO",
            "05/BC-UBND",
            "I. ĐẶC ĐIỂM, TÌNH HÌNH",
            "III. KẾT QUẢ ĐẠT ĐƯỢC",
            "Một số xã tổ chức muộn.",
            "TỔNG HỢP",
            "Xã B",
            "Sáp nhập đơn vị",
            "Lê Văn Ký",
        ):
            assert fragment in text, fragment
        assert "DỰ THẢO" not in text
        # The chart goes into the document as inline SVG (drawn by WeasyPrint as vectors).
        html = render_to_string(annual_report.REPORT_TEMPLATE, annual_report.report_context(report))
        assert "<svg" in html and "Tỷ lệ ý kiến đã giải quyết" in html
        assert 'class="pygal-chart chart"' in html and "<script" not in html
        # WeasyPrint draws the chart's own text: its axis, in Vietnamese number format.
        assert "100 %" in text
        pdf = client.get(reverse("annual-report-pdf", args=[report.pk]))
        assert pdf.content == bytes(stored.content)
        # Issued: read-only.
        client.post(reverse("annual-report-detail", args=[report.pk]), data | {"shortcomings": "x"})
        report.refresh_from_db()
        assert report.shortcomings == "Một số xã tổ chức muộn."

        # The appendix as XLSX, in the seed's layout.
        response = client.get(reverse("annual-report-appendix", args=[report.pk]))
        ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "TỔNG HỢP"
        assert rows[2][:5] == (
            "Tên ĐVHC xã",
            "Ngày tổ chức hội nghị",
            "Tổng số đại biểu được mời",
            "Tổng số đại biểu dự hội nghị",
            "Tổng số ý kiến nhân dân",
        )
        assert rows[3][4:6] == ("Đã giải quyết", "Chưa giải quyết")
        assert rows[4] == ("Xã A", "15/12/2026", 120, 98, 1, 2, None)
        assert rows[5] == ("Xã B", None, 0, 0, 0, 0, "Sáp nhập đơn vị")
        assert rows[6][0] == "Tổng cộng"
        assert "E3:F3" in {str(r) for r in ws.merged_cells.ranges}

        # Scope: commune B's organiser and another province's people do not find it.
        assert (
            login(world.organiser_b)
            .get(reverse("annual-report-detail", args=[report.pk]))
            .status_code
            == 404
        )
        assert (
            login(world.supervisor).get(reverse("annual-report-pdf", args=[report.pk])).status_code
            == 200
        )
        assert (
            login(world.outsider)
            .get(reverse("annual-report-appendix", args=[report.pk]))
            .status_code
            == 404
        )


@pytest.mark.django_db
def test_draft_pdf_carries_the_watermark(world, records):
    report = annual_report.annual_report_draft(actor=None, unit=world.province, year=2026)
    text = pdf_text(annual_report.report_pdf(report))
    assert "DỰ THẢO" in text
    assert "Chưa tổ chức" in text  # commune B, no reason given yet
