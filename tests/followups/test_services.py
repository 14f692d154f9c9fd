"""After the session, through the services: a petition walks from the session to an answered
assignment under the Hà Nam and Điện Biên profiles (frozen time, across Tết); extensions,
forwarding, splitting, and the recomputation of due dates when the calendar changes."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue import audit, storage
from dialogue.models import CalendarException, DeadlineProfile, Role
from dialogue.services import calendar_exception_save
from followups import services
from followups.models import Assignment, ConclusionNotice, Extension, Response
from followups.services import recompute_due_dates
from petitions.models import Field, Petition
from petitions.services import petition_capture
from sessions import console, timeline
from sessions.services import session_timeline, session_transition
from tests.factories import (
    UserFactory,
    hold_session,
    issue_notice,
    make_held_session,
    make_petition,
    make_plan,
    make_session,
    make_speaker,
    member,
)
from tests.helpers import in_language

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n%signed\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def _held_and_issued(world, *, day=date(2026, 12, 21), agencies=None, petitions=1, **kw):
    with at(day):
        session, made = make_held_session(world.commune_a, petitions=petitions, **kw)
        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=agencies or [world.agency_a1],
            issued_on=day,
        )
    return session, notice, made


def _respond(world, assignment, day, **kw):
    values = {
        "actor": world.responder_a,
        "assignment": assignment,
        "responded_on": day,
        "method": "in_writing",
        "document_number": "15/CV-CA",
        "text": "Đã kiểm tra thực địa và trả lời công dân bằng văn bản.",
        **kw,
    }
    return services.response_record(**values)


# --- Hà Nam 2018: 10 working days after the notice ---------------------------------------------


def test_ha_nam_walk_from_the_session_to_an_answered_assignment_across_tet(world):
    # Held Friday 06/02/2026; the notice is issued Monday 09/02; Tết closes 14–22/02/2026.
    # "Chậm nhất là 10 ngày làm việc, các cơ quan, đơn vị nhận được Thông báo ý kiến kết luận
    # … có trách nhiệm xem xét giải quyết, trả lời kiến nghị của công dân": 10, 11, 12, 13/02,
    # then (Tết) 23, 24, 25, 26, 27/02 and 02/03 → 02/03/2026.
    with at(date(2026, 2, 9)):
        session, (petition,) = make_held_session(
            world.commune_a, starts_at=datetime(2026, 2, 6, 8, tzinfo=VN)
        )
        notice = issue_notice(
            session, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=date(2026, 2, 9)
        )
    assignment = Assignment.objects.get(petition=petition)
    assert assignment.assigned_on == date(2026, 2, 9)
    assert assignment.anchor_on == date(2026, 2, 9)
    assert assignment.due_on == date(2026, 3, 2)
    assert assignment.due_explanation.startswith(
        "10 ngày làm việc sau ngày ban hành thông báo kết luận 09/02/2026 → 02/03/2026"
    )
    assert "Tết Nguyên Đán" in assignment.due_explanation

    notice.refresh_from_db()
    session.refresh_from_db()
    petition.refresh_from_db()
    assert notice.status == ConclusionNotice.Status.ISSUED and notice.issued_by == world.organiser_a
    assert session.status == "concluded"
    assert petition.status == Petition.Status.ASSIGNED and not petition.is_resolved
    assert storage.latest(notice, "notice").content.startswith(b"%PDF")

    # The session's timeline: the notice was due 5 working days after 06/02 (13/02) and is done;
    # the agency response counts from the notice date.
    items = {i.milestone: i for i in session_timeline(session, today=date(2026, 2, 9))}
    assert items["conclusion_notice"].state == timeline.DONE
    assert items["conclusion_notice"].due == date(2026, 2, 13)
    assert items["agency_response"].due == date(2026, 3, 2)

    with at(date(2026, 2, 24)):
        response = _respond(
            world,
            assignment,
            date(2026, 2, 24),
            attachment=SimpleUploadedFile("tra-loi.pdf", PDF, "application/pdf"),
        )
    assignment.refresh_from_db()
    petition.refresh_from_db()
    assert assignment.status == "answered" and assignment.closed_on == date(2026, 2, 24)
    assert petition.status == Petition.Status.ANSWERED and petition.is_resolved
    assert response.has_attachment
    assert storage.latest(response, "response").content == PDF
    assert [r.action for r in audit.history(assignment)][:2] == ["answered", "assigned"]
    assert audit.history(petition).first().changes == {"status": ["assigned", "answered"]}


def test_the_notice_turns_late_on_the_timeline_when_missed(world):
    with at(date(2026, 12, 15)):
        session, _ = make_held_session(world.commune_a)  # held 15/12/2026
    # Hà Nam: 5 working days after the end → 22/12/2026.
    items = {i.milestone: i for i in session_timeline(session, today=date(2026, 12, 22))}
    assert items["conclusion_notice"].due == date(2026, 12, 22)
    assert items["conclusion_notice"].state == timeline.DUE
    items = {i.milestone: i for i in session_timeline(session, today=date(2026, 12, 23))}
    assert items["conclusion_notice"].state == timeline.LATE
    assert items["agency_response"].state == timeline.PENDING  # no notice, no date yet


# --- Điện Biên 2024: 15 working days after the session -------------------------------------------


def test_dien_bien_counts_fifteen_working_days_from_the_session_not_the_notice(world):
    # "Trong thời hạn 15 ngày làm việc sau ngày tổ chức Hội nghị tiếp xúc, đối thoại, cơ quan có
    # thẩm quyền được phân công trả lời các kiến nghị của công dân chưa được trả lời tại Hội nghị"
    with at(date(2026, 2, 10)):
        session, (petition,) = make_held_session(
            world.commune_a,
            profile="dien-bien-2024",
            starts_at=datetime(2026, 2, 6, 8, tzinfo=VN),
        )
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 2, 10),
        )
    assignment = Assignment.objects.get(petition=petition)
    assert assignment.anchor_on == date(2026, 2, 6)
    assert assignment.due_on == date(2026, 3, 6)
    assert assignment.due_explanation.startswith(
        "15 ngày làm việc sau ngày kết thúc hội nghị 06/02/2026 → 06/03/2026"
    )
    with at(date(2026, 3, 6)):
        _respond(world, assignment, date(2026, 3, 6), method="in_person", document_number="")
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ANSWERED


def test_a_document_without_a_response_limit_says_so_in_its_profile(world):
    # Hòa Sơn 2024 sets no limit for the answers: its profile says so and names what applies.
    _, _, (petition,) = _held_and_issued(world, profile="hoa-son-2024")
    assignment = Assignment.objects.get(petition=petition)
    assert "không quy định thời hạn trả lời" in assignment.rule.source_quote
    assert assignment.due_explanation.startswith("15 ngày làm việc sau ngày ban hành")
    assert "mặc định" not in assignment.due_explanation


def test_a_profile_without_a_response_rule_names_the_limit_it_applies(world):
    DeadlineProfile.objects.create(code="rieng", name="Quy chế riêng", source="Quy chế của xã")
    _, _, (petition,) = _held_and_issued(world, profile="rieng")
    assignment = Assignment.objects.get(petition=petition)
    assert assignment.rule is None
    assert assignment.due_explanation.startswith("15 ngày làm việc sau ngày ban hành")
    assert "Điện Biên năm 2024" in assignment.due_explanation
    assert "mặc định" not in assignment.due_explanation


# --- issuing the notice ----------------------------------------------------------------------


def test_no_notice_before_the_session_is_held(world):
    session = make_session(make_plan(world.commune_a))
    with pytest.raises(ValidationError) as err:
        services.notice_draft(actor=world.organiser_a, session=session)
    assert services.NOTICE_BEFORE_SESSION in err.value.messages


def test_the_draft_lists_answers_given_on_the_spot_and_what_is_left(world):
    with at(date(2026, 12, 16)):
        plan = make_plan(world.commune_a)
        session = make_session(plan, topics="Đất đai\nGiao thông nông thôn")
        make_petition(session, content="Xin làm đường bê tông thôn Đông.")
        make_petition(
            session,
            content="Khiếu nại quyết định thu hồi đất.",
            scope="complaint",
            routing_reason="Chuyển Thanh tra huyện theo Luật Khiếu nại.",
        )
        spot = make_petition(session, content="Hỏi về chế độ người có công.")
        Petition.objects.filter(pk=spot.pk).update(
            status="answered_at_session",
            is_resolved=True,
            answer_at_session="Đã giải thích chế độ theo quy định.",
            answered_by="Chủ tịch UBND xã",
        )
        hold_session(session)
        notice = services.notice_draft(actor=world.organiser_a, session=session)
    body = notice.body
    assert "Đất đai" in body and "Giao thông nông thôn" in body
    assert "Hỏi về chế độ người có công. Chủ tịch UBND xã đã trả lời: Đã giải thích chế độ" in body
    assert "Xin làm đường bê tông thôn Đông." in body
    # Hà Nam: 10 working days after a notice issued today (16/12/2026) → 30/12/2026.
    assert "chậm nhất ngày 30/12/2026" in body
    assert "khiếu nại, tố cáo" in body
    assert "Khiếu nại quyết định thu hồi đất." not in body
    assert services.notice_draft(actor=world.organiser_a, session=session).pk == notice.pk


def test_issue_refuses_a_petition_without_agency_and_keeps_everything_unchanged(world):
    with at(date(2026, 12, 21)):
        session, (first, second) = make_held_session(world.commune_a, petitions=2)
        notice = services.notice_draft(actor=world.organiser_a, session=session)
        services.notice_update(
            actor=world.organiser_a,
            notice=notice,
            signer_name="Trần Văn Chủ",
            signer_title="CHỦ TỊCH",
        )
        with pytest.raises(ValidationError) as err:
            services.notice_issue(
                actor=world.organiser_a,
                notice=notice,
                allocations={first.pk: [world.agency_a1]},
                number="02/TB-UBND",
                issued_on=date(2026, 12, 21),
            )
    assert "allocations" in err.value.message_dict
    assert err.value.message_dict["allocations"] == [
        in_language(
            "vi", services.NOTICE_AGENCY_MISSING, number=second.pk, content=second.content[:80]
        )
    ]
    notice.refresh_from_db()
    assert notice.status == "draft" and not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("number", {"number": "  "}, services.NOTICE_NUMBER_REQUIRED),
        ("issued_on", {"issued_on": date(2026, 12, 14)}, None),
        ("issued_on", {"issued_on": date(2026, 12, 22)}, services.NOTICE_DATE_IN_FUTURE),
    ],
)
def test_issue_checks_number_and_date(world, field, kwargs, message):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        notice = services.notice_draft(actor=world.organiser_a, session=session)
        services.notice_update(
            actor=world.organiser_a,
            notice=notice,
            signer_name="Trần Văn Chủ",
            signer_title="CHỦ TỊCH",
        )
        values = {"number": "03/TB-UBND", "issued_on": date(2026, 12, 21), **kwargs}
        with pytest.raises(ValidationError) as err:
            services.notice_issue(
                actor=world.organiser_a,
                notice=notice,
                allocations={petition.pk: [world.agency_a1]},
                **values,
            )
    assert field in err.value.message_dict
    if message:
        assert str(message) in err.value.message_dict[field]


def test_an_agency_of_another_commune_cannot_be_assigned(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        with pytest.raises(ValidationError) as err:
            issue_notice(
                session,
                actor=world.organiser_a,
                agencies=[world.agency_b1],
                issued_on=date(2026, 12, 21),
            )
    assert err.value.message_dict["allocations"] == [
        in_language(
            "vi",
            services.ALLOCATION_OUT_OF_REACH,
            number=petition.pk,
            agency=world.agency_b1,
            unit=world.commune_a,
        )
    ]
    assert not Assignment.objects.exists()


def test_an_issued_notice_is_read_only(world):
    _, notice, _ = _held_and_issued(world)
    with pytest.raises(ValidationError) as err:
        services.notice_update(actor=world.organiser_a, notice=notice, body="Sửa lại")
    assert services.NOTICE_ISSUED_READ_ONLY in err.value.messages


def test_issue_splits_one_petition_between_agencies_and_ignores_repeats(world):
    _, _, (petition,) = _held_and_issued(
        world, agencies=[world.agency_a1, world.agency_a2, world.agency_a1, world.province_agency]
    )
    assert set(Assignment.objects.values_list("agency", flat=True)) == {
        world.agency_a1.pk,
        world.agency_a2.pk,
        world.province_agency.pk,
    }


def test_complaints_and_answered_petitions_get_no_assignment(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        make_petition(
            session,
            content="Tố cáo cán bộ địa chính.",
            scope="denunciation",
            routing_reason="Chuyển cơ quan có thẩm quyền theo Luật Tố cáo.",
        )
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    assert list(Assignment.objects.values_list("petition", flat=True)) == [petition.pk]


def test_an_agency_can_be_added_after_the_notice_but_not_twice(world):
    _, _, (petition,) = _held_and_issued(world)
    with at(date(2026, 12, 22)):
        added = services.assignment_add(
            actor=world.organiser_a, petition=petition, agency=world.agency_a2
        )
        with pytest.raises(ValidationError) as err:
            services.assignment_add(
                actor=world.organiser_a, petition=petition, agency=world.agency_a2
            )
    assert "agency" in err.value.message_dict
    # Told on 22/12, a day after the notice: due one working day later than the first agency.
    assert added.due_on == date(2027, 1, 6)
    assert Assignment.objects.get(agency=world.agency_a1).due_on == date(2027, 1, 5)
    # The petition is answered only once every agency has answered.
    with at(date(2026, 12, 23)):
        _respond(world, Assignment.objects.get(agency=world.agency_a1), date(2026, 12, 23))
        petition.refresh_from_db()
        assert petition.status == Petition.Status.ASSIGNED
        _respond(world, added, date(2026, 12, 23))
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ANSWERED


def test_no_agency_is_added_before_the_notice(world):
    with at(date(2026, 12, 21)):
        _, (petition,) = make_held_session(world.commune_a)
        with pytest.raises(ValidationError) as err:
            services.assignment_add(
                actor=world.organiser_a, petition=petition, agency=world.agency_a1
            )
    assert services.NOTICE_NOT_ISSUED in err.value.messages


# --- responses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tra-loi.pdf", b"<html>not a pdf</html>", "application/pdf"), "PDF"),
        (SimpleUploadedFile("tra-loi.exe", PDF, "application/pdf"), "PDF"),
        (
            SimpleUploadedFile("tra-loi.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf"),
            "MB",
        ),
    ],
)
def test_the_signed_document_must_be_a_pdf_of_reasonable_size(world, upload, message):
    _, _, (petition,) = _held_and_issued(world)
    assignment = Assignment.objects.get()
    with at(date(2026, 12, 22)), pytest.raises(ValidationError) as err:
        _respond(world, assignment, date(2026, 12, 22), attachment=upload)
    assert message in " ".join(err.value.message_dict["attachment"])
    assignment.refresh_from_db()
    assert assignment.is_open and not Response.objects.exists()


def test_response_dates_and_content_are_checked(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    with at(date(2026, 12, 22)):
        cases = [
            ({"text": "  "}, "text"),
            ({"responded_on": date(2026, 12, 23)}, "responded_on"),
            ({"responded_on": date(2026, 12, 18)}, "responded_on"),
            ({"document_number": ""}, "document_number"),
        ]
        for kwargs, field in cases:
            values = {"responded_on": date(2026, 12, 22), **kwargs}
            with pytest.raises(ValidationError) as err:
                services.response_record(
                    actor=world.responder_a,
                    assignment=assignment,
                    method="in_writing",
                    text=values.get("text", "Đã trả lời."),
                    document_number=values.get("document_number", "1/CV"),
                    responded_on=values["responded_on"],
                )
            assert field in err.value.message_dict, kwargs


def test_a_closed_assignment_takes_nothing_more(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    with at(date(2026, 12, 22)):
        _respond(world, assignment, date(2026, 12, 22))
        with pytest.raises(ValidationError):
            _respond(world, assignment, date(2026, 12, 22))
        with pytest.raises(ValidationError):
            services.extension_request(
                actor=world.responder_a,
                assignment=assignment,
                new_due_on=date(2027, 1, 29),
                reason="Cần thêm thời gian.",
                citizen_told_on=date(2026, 12, 22),
            )
    assert Response.objects.count() == 1


# --- extensions ------------------------------------------------------------------------------


def test_extension_needs_a_reason_a_later_working_day_and_the_citizen_told(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    good = {
        "actor": world.responder_a,
        "assignment": assignment,
        "new_due_on": date(2027, 1, 29),
        "reason": "Cần xác minh thực địa.",
        "citizen_told_on": date(2026, 12, 22),
    }
    with at(date(2026, 12, 22)):
        for change, field in [
            ({"citizen_told_on": None}, "citizen_told_on"),
            ({"citizen_told_on": date(2026, 12, 23)}, "citizen_told_on"),
            ({"reason": " "}, "reason"),
            ({"new_due_on": assignment.due_on}, "new_due_on"),
            ({"new_due_on": date(2027, 1, 30)}, "new_due_on"),  # a Saturday
        ]:
            with pytest.raises(ValidationError) as err:
                services.extension_request(**{**good, **change})
            assert field in err.value.message_dict, change
        extension = services.extension_request(**good)
        with pytest.raises(ValidationError) as err:
            services.extension_request(**good)
        assert services.EXTENSION_PENDING in err.value.messages
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=True)
        with pytest.raises(ValidationError):
            services.extension_decide(
                actor=world.organiser_a, extension=extension, accept=False, note="Không."
            )
    assignment.refresh_from_db()
    assert assignment.due_on == date(2027, 1, 29) and assignment.extended
    assert "22/12/2026" in assignment.due_explanation  # the day the citizen was told
    assert Extension.objects.get().decided_by == world.organiser_a
    actions = [r.action for r in audit.history(assignment)]
    assert actions[:2] == ["extension_accepted", "extension_requested"]
    on_petition = audit.history(assignment.petition).first()
    assert on_petition.action == "extension_accepted"
    assert on_petition.changes["due_on"] == ["2027-01-05", "2027-01-29"]


def test_a_refused_extension_keeps_the_due_date(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    due = assignment.due_on
    with at(date(2026, 12, 22)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=assignment,
            new_due_on=date(2027, 1, 29),
            reason="Cần xác minh.",
            citizen_told_on=date(2026, 12, 22),
        )
        services.extension_decide(
            actor=world.organiser_a, extension=extension, accept=False, note="Vụ việc đơn giản."
        )
    assignment.refresh_from_db()
    assert assignment.due_on == due and not assignment.extended


def test_an_extension_pending_when_the_answer_comes_can_still_be_settled(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    with at(date(2026, 12, 22)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=assignment,
            new_due_on=date(2027, 1, 29),
            reason="Cần xác minh.",
            citizen_told_on=date(2026, 12, 22),
        )
        _respond(world, assignment, date(2026, 12, 22))
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=True)
    assignment.refresh_from_db()
    assert assignment.status == "answered" and not assignment.extended


# --- forwarding ------------------------------------------------------------------------------


def test_an_agency_forwards_only_its_own_part(world):
    _, _, (petition,) = _held_and_issued(world, agencies=[world.agency_a1, world.agency_a2])
    first = Assignment.objects.get(agency=world.agency_a1)
    second = Assignment.objects.get(agency=world.agency_a2)
    with at(date(2026, 12, 22)):
        services.petition_forward(
            actor=world.responder_a,
            assignment=first,
            level="province",
            to_body="Sở Tài nguyên và Môi trường",
            document_number="12/CV-UBND",
            forwarded_on=date(2026, 12, 22),
        )
        second.refresh_from_db()
        petition.refresh_from_db()
        assert second.is_open and petition.status == Petition.Status.ASSIGNED
        _respond(world, second, date(2026, 12, 22))
    petition.refresh_from_db()
    # Part answered here, part continued at the province: the matter is forwarded.
    assert petition.status == Petition.Status.FORWARDED and petition.is_resolved


def test_an_agency_added_late_counts_from_the_day_it_is_told(world):
    _, _, (petition,) = _held_and_issued(world)  # notice 21/12/2026
    with at(date(2027, 1, 11)):
        added = services.assignment_add(
            actor=world.organiser_a, petition=petition, agency=world.agency_a2
        )
    assert added.assigned_on == date(2027, 1, 11)
    assert added.due_on == date(2027, 1, 25)  # 10 working days after 11/01/2027
    assert added.due_explanation.startswith("10 ngày làm việc sau ngày ban hành")


def test_an_extension_beyond_the_calendar_is_refused_not_a_crash(world):
    _held_and_issued(world)
    assignment = Assignment.objects.get()
    with at(date(2026, 12, 22)), pytest.raises(ValidationError) as err:
        services.extension_request(
            actor=world.responder_a,
            assignment=assignment,
            new_due_on=date(2051, 1, 2),
            reason="Cần thêm thời gian.",
            citizen_told_on=date(2026, 12, 22),
        )
    assert "new_due_on" in err.value.message_dict


def test_a_notice_number_is_one_line(world):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        with pytest.raises(ValidationError) as err:
            issue_notice(
                session,
                actor=world.organiser_a,
                agencies=[world.agency_a1],
                issued_on=date(2026, 12, 21),
                number="02/TB\nX",
            )
    assert "number" in err.value.message_dict


def test_forwarding_closes_every_open_assignment_of_the_petition(world):
    _, _, (petition,) = _held_and_issued(world, agencies=[world.agency_a1, world.agency_a2])
    first = Assignment.objects.get(agency=world.agency_a1)
    forward = {
        "actor": world.organiser_a,
        "whole_petition": True,
        "assignment": first,
        "level": "province",
        "to_body": "Sở Tài nguyên và Môi trường",
        "document_number": "12/CV-UBND",
        "forwarded_on": date(2026, 12, 22),
    }
    with at(date(2026, 12, 22)):
        for change, field in [
            ({"level": "commune"}, "level"),
            ({"to_body": ""}, "to_body"),
            ({"document_number": ""}, "document_number"),
            ({"forwarded_on": date(2026, 12, 23)}, "forwarded_on"),
        ]:
            with pytest.raises(ValidationError) as err:
                services.petition_forward(**{**forward, **change})
            assert field in err.value.message_dict, change
        services.petition_forward(**forward)
    assert set(Assignment.objects.values_list("status", flat=True)) == {"forwarded"}
    petition.refresh_from_db()
    assert petition.status == Petition.Status.FORWARDED and petition.is_resolved


def test_a_province_forwards_only_to_the_central_level_or_another_body(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.province)
        issue_notice(
            session,
            actor=member_organiser(world),
            agencies=[world.province_agency],
            issued_on=date(2026, 12, 21),
        )
        assignment = Assignment.objects.get()
        with pytest.raises(ValidationError) as err:
            services.petition_forward(
                actor=world.administrator,
                assignment=assignment,
                level="province",
                to_body="UBND tỉnh",
                document_number="1/CV",
                forwarded_on=date(2026, 12, 21),
            )
        assert "level" in err.value.message_dict
        services.petition_forward(
            actor=world.administrator,
            assignment=assignment,
            level="central",
            to_body="Bộ Tài nguyên và Môi trường",
            document_number="2/CV",
            forwarded_on=date(2026, 12, 21),
        )


def member_organiser(world):
    return member(UserFactory(username="organiser_province"), world.province, Role.ORGANISER)


# --- calendar changes ------------------------------------------------------------------------


def test_a_new_day_off_recomputes_open_due_dates_and_records_it(
    world, django_capture_on_commit_callbacks
):
    _held_and_issued(world)  # issued 21/12/2026: 10 working days → 05/01/2027 (01/01 off)
    assignment = Assignment.objects.get()
    assert assignment.due_on == date(2027, 1, 5)
    with at(date(2026, 12, 22)), django_capture_on_commit_callbacks(execute=True):
        calendar_exception_save(
            actor=world.administrator,
            reason="Thông báo của Chính phủ về nghỉ bù",
            day=date(2026, 12, 31),
            kind=CalendarException.Kind.DAY_OFF,
            name="Nghỉ bù Tết Dương lịch",
            source="Văn bản thử nghiệm số 1",
        )
    # Whoever listens to the calendar signal (the reminders' tasks) recomputes; doing it
    # directly here must then find nothing more to change.
    recompute_due_dates(days=[date(2026, 12, 31)])
    assignment.refresh_from_db()
    assert assignment.due_on == date(2027, 1, 6)
    record = audit.history(assignment).filter(action="due_recomputed").get()
    assert record.changes == {"due_on": ["2027-01-05", "2027-01-06"]}
    assert recompute_due_dates(days=[date(2026, 12, 31)]) == 0


def test_recomputation_leaves_extended_and_closed_assignments_alone(world):
    _held_and_issued(world, petitions=2)
    extended, answered = Assignment.objects.order_by("pk")
    with at(date(2026, 12, 22)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=extended,
            new_due_on=date(2027, 1, 29),
            reason="Cần xác minh.",
            citizen_told_on=date(2026, 12, 22),
        )
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=True)
        _respond(world, answered, date(2026, 12, 22))
        CalendarException.objects.create(
            day=date(2026, 12, 31), kind="day_off", name="Nghỉ", source="Thử"
        )
        from dialogue.models import CalendarRevision

        CalendarRevision.objects.update_or_create(pk=1, defaults={"token": "changed"})
        assert recompute_due_dates(days=[date(2026, 12, 31)]) == 0
    extended.refresh_from_db()
    answered.refresh_from_db()
    assert extended.due_on == date(2027, 1, 29)
    assert answered.due_on == date(2027, 1, 5)


def test_a_notice_drafted_earlier_states_the_due_date_counted_from_its_issue(world):
    with at(date(2026, 12, 16)):
        session, _ = make_held_session(world.commune_a)
        notice = services.notice_draft(actor=world.organiser_a, session=session)
    assert "chậm nhất ngày 30/12/2026" in notice.body  # 10 working days after 16/12
    with at(date(2026, 12, 21)):
        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    assignment = Assignment.objects.get()
    assert assignment.due_on == date(2027, 1, 5)
    assert "chậm nhất ngày 05/01/2027." in notice.body
    # The explanation is shown on screen (the assignment's), never in the notice.
    assert assignment.due_explanation not in notice.body
    assert "→" not in notice.body
    assert "30/12/2026" not in notice.body


def test_dien_bien_walk_from_the_hall_to_the_answer(world):
    """Captured in the console during the session, answered by the agency 15 working days
    later: the deadline counts from the day of the session, whatever day the notice is."""
    chair = member(UserFactory(username="chair_a"), world.commune_a, Role.ORGANISER)
    starts = datetime(2026, 12, 8, 8, tzinfo=VN)  # a Tuesday
    with at(date(2026, 11, 20)):
        session = make_session(
            make_plan(world.commune_a, profile="dien-bien-2024"),
            starts_at=starts,
            secretaries=[world.secretary_a],
        )
        session = session_transition(actor=chair, session=session, to="scheduled", confirm=True)
    with time_machine.travel(starts, tick=False):
        session = session_transition(actor=world.secretary_a, session=session, to="in_progress")
        speaker = make_speaker(session, actor=world.secretary_a, full_name="Lò Văn Pọm")
        entry, _ = console.entry_save(
            actor=world.secretary_a,
            session=session,
            uuid=uuid.uuid4(),
            kind="speech",
            text="Ông Pọm đề nghị sửa cầu treo bản Co Mận.",
            speaker=speaker,
        )
        petition = petition_capture(
            actor=world.secretary_a,
            session=session,
            content="Đề nghị sửa chữa cầu treo bản Co Mận trước mùa mưa.",
            field=Field.objects.get(code="dat-dai-gpmb"),
            competence="commune",
            scope="in_scope",
            speaker=speaker,
            minutes_entry=entry,
        )
        assert petition.status == Petition.Status.TO_ANSWER_AFTER
    with time_machine.travel(datetime(2026, 12, 8, 11, 30, tzinfo=VN), tick=False):
        session = console.session_end(
            actor=world.secretary_a, session=session, attending_count=120, invited_count=150
        )
    # Điện Biên: the notice within 5 days of the session (13/12 is a Sunday → Monday 14/12).
    items = {i.milestone: i for i in session_timeline(session, today=date(2026, 12, 10))}
    assert items["conclusion_notice"].due == date(2026, 12, 14)
    assert items["agency_response"].due == date(2026, 12, 29)

    with at(date(2026, 12, 11)):
        issue_notice(session, actor=chair, agencies=[world.agency_a1], issued_on=date(2026, 12, 11))
    assignment = Assignment.objects.get(petition=petition)
    # "15 ngày làm việc sau ngày tổ chức Hội nghị": 09/12 … 29/12/2026.
    assert assignment.due_on == date(2026, 12, 29)
    assert assignment.petition.minutes_entry == entry
    with at(date(2026, 12, 28)):
        _respond(world, assignment, date(2026, 12, 28))
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ANSWERED and petition.is_resolved
