"""A session's timeline: the profile's milestones, their dates and their states.

Dates are counted by hand from the shipped profiles (dialogue/migrations/0003) and the calendar:
Quốc khánh 2026 is off from Mon 31/08 to Wed 02/09, Tết Dương lịch 2027 on Fri 01/01, Tết
Nguyên Đán 2027 from Thu 04/02 to Wed 10/02.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue.audit import history
from dialogue.workcalendar import get_calendar
from sessions import services, timeline
from sessions.models import SessionMilestone
from tests.dialogue.forms_walk import errors_on, is_marked_invalid
from tests.factories import make_plan, make_session
from tests.helpers import in_language, shown

REQUIRED = forms.Field.default_error_messages["required"]

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def session_on(world, profile: str, day: date, *, end_day: date | None = None):
    plan = make_plan(world.commune_a, actor=world.organiser_a, profile=profile)
    starts = datetime(day.year, day.month, day.day, 8, 0, tzinfo=HANOI)
    end_day = end_day or day
    ends = datetime(end_day.year, end_day.month, end_day.day, 11, 30, tzinfo=HANOI)
    return make_session(plan, actor=world.organiser_a, starts_at=starts, ends_at=ends)


def dues(items) -> dict[str, date | None]:
    return {item.milestone: item.due for item in items}


def states(items) -> dict[str, str]:
    return {item.milestone: item.state for item in items}


def by_milestone(items, milestone):
    (item,) = [i for i in items if i.milestone == milestone]
    return item


# --- dates against the profiles ----------------------------------------------------------------


def test_ha_nam_session_before_a_weekend(world):
    session = session_on(world, "ha-nam-2018", date(2026, 12, 15))
    items = services.session_timeline(session, today=date(2026, 11, 22))
    assert dues(items) == {
        # 5 working days before Tue 15/12: 14, 11, 10, 09, 08.
        "prepared_answers": date(2026, 12, 8),
        # 5 working days after: 16, 17, 18, 21, 22.
        "conclusion_notice": date(2026, 12, 22),
        # Counted from the notice, which is not issued yet.
        "agency_response": None,
    }
    assert [i.milestone for i in items] == [
        "prepared_answers",
        "conclusion_notice",
        "agency_response",
    ]
    prepared = by_milestone(items, "prepared_answers")
    assert prepared.explanation.startswith(
        "5 ngày làm việc trước ngày tổ chức hội nghị 15/12/2026 → 08/12/2026"
    )
    assert prepared.is_before_session
    assert "05 ngày làm việc" in prepared.source_quote


def test_ha_nam_session_right_after_national_day(world):
    session = session_on(world, "ha-nam-2018", date(2026, 9, 3))
    items = services.session_timeline(session, today=date(2026, 8, 1))
    # Before Thu 03/09: 02/09, 01/09, 31/08 are off, 29–30/08 a weekend; 28, 27, 26, 25, 24/08.
    assert by_milestone(items, "prepared_answers").due == date(2026, 8, 24)
    assert "Quốc khánh" in by_milestone(items, "prepared_answers").explanation
    # After: Fri 04/09, Mon 07, 08, 09, 10/09.
    assert by_milestone(items, "conclusion_notice").due == date(2026, 9, 10)


def test_ha_nam_agency_response_counts_from_the_notice(world):
    session = session_on(world, "ha-nam-2018", date(2026, 12, 15))
    services.milestone_mark_done(
        actor=world.organiser_a,
        session=session,
        milestone="conclusion_notice",
        done_on=date(2026, 12, 22),
    )
    items = services.session_timeline(session, today=date(2026, 12, 23))
    # 10 working days after Tue 22/12: 23, 24, 25, 28, 29, 30, 31/12, (01/01 off, 02–03 weekend)
    # 04, 05, 06/01.
    response = by_milestone(items, "agency_response")
    assert response.due == date(2027, 1, 6)
    assert response.state == timeline.DUE
    assert "Tết Dương lịch" in response.explanation
    assert "ban hành thông báo kết luận 22/12/2026" in response.explanation


def test_dien_bien_calendar_days_and_no_yearly_report_on_a_session(world):
    session = session_on(world, "dien-bien-2024", date(2026, 12, 15))
    items = services.session_timeline(session, today=date(2026, 11, 22))
    # The report "trước ngày 15/2" is the district's (since 2025 the province's) duty: it is not
    # a milestone of each commune's session (see test_annual_report_belongs_to_the_reporting_unit).
    assert dues(items) == {
        # 7 days before Tue 15/12: Tue 08/12, a working day.
        "invitations": date(2026, 12, 8),
        # 5 days after: Sun 20/12, a day off, moves to Mon 21/12.
        "conclusion_notice": date(2026, 12, 21),
        # 15 working days after 15/12: 16, 17, 18, 21, 22, 23, 24, 25, 28, 29, 30, 31, (01/01
        # off) 04, 05, 06/01.
        "agency_response": date(2027, 1, 6),
    }
    assert (
        "chuyển sang ngày làm việc tiếp theo"
        in by_milestone(items, "conclusion_notice").explanation
    )
    assert [i.milestone for i in items] == ["invitations", "conclusion_notice", "agency_response"]


def test_annual_report_belongs_to_the_reporting_unit(world):
    from followups.deadlines import annual_report_due

    session_on(world, "dien-bien-2024", date(2025, 12, 15))
    # Sessions of 2025: "trước ngày 15/2" of 2026, a Sunday on the eve of Tết (14–22/02/2026),
    # is met by Friday 13/02/2026, never moved after the 15th.
    due = annual_report_due(2025, world.province, get_calendar())
    assert due.due == date(2026, 2, 13)
    assert "15/02/2026" in due.text
    # The commune's own subtree has the plan too; a unit without such plans has no report due.
    assert annual_report_due(2025, world.commune_a, get_calendar()).due == date(2026, 2, 13)
    assert annual_report_due(2025, world.commune_b, get_calendar()) is None
    assert annual_report_due(2024, world.province, get_calendar()) is None


def test_after_the_session_the_timeline_counts_from_its_actual_end_like_the_assignments(world):
    from followups.models import Assignment
    from tests.factories import hold_session, issue_notice, make_petition

    # Planned for Tue 15/12/2026; it ran late into Fri 18/12 (Điện Biên: answers 15 working
    # days after the session).
    session = session_on(world, "dien-bien-2024", date(2026, 12, 15))
    make_petition(session, content="Đề nghị sửa đường liên thôn.")
    ended = datetime(2026, 12, 18, 17, 0, tzinfo=HANOI)
    hold_session(session, ended_at=ended)
    with time_machine.travel("2026-12-21 09:00 +07:00", tick=False):
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        items = services.session_timeline(session)
    [assignment] = Assignment.objects.filter(petition__session=session)
    response = by_milestone(items, "agency_response")
    # 15 working days after Fri 18/12: 21 … 25/12 (5), 28 … 31/12 (9), (01/01 off) 04 … 08/01
    # (14), Mon 11/01 (15). Counted from the planned 15/12 it would have been 06/01.
    assert response.due == assignment.due_on == date(2027, 1, 11)
    assert "kết thúc hội nghị 18/12/2026" in response.explanation
    # The conclusion notice too counts from the actual end: 5 days after 18/12 is Wed 23/12.
    assert by_milestone(items, "conclusion_notice").due == date(2026, 12, 23)


def test_dien_bien_counts_from_the_last_day_of_a_two_day_session(world):
    session = session_on(world, "dien-bien-2024", date(2026, 12, 15), end_day=date(2026, 12, 16))
    items = services.session_timeline(session, today=date(2026, 11, 22))
    # 5 days after Wed 16/12: Mon 21/12.
    assert by_milestone(items, "conclusion_notice").due == date(2026, 12, 21)
    # 15 working days after 16/12 ends one working day later than after 15/12.
    assert by_milestone(items, "agency_response").due == date(2027, 1, 7)
    assert by_milestone(items, "invitations").due == date(2026, 12, 8)


def test_dang_uy_session_right_after_tet(world):
    session = session_on(world, "dang-uy-2017", date(2027, 2, 11))
    items = services.session_timeline(session, today=date(2027, 1, 20))
    assert dues(items) == {
        # 3 working days before Thu 11/02/2027: Tết from 04/02 to 10/02 does not count, so
        # Wed 03/02, Tue 02/02, Mon 01/02.
        "invitations": date(2027, 2, 1),
        # 10 working days after: 12, 15, 16, 17, 18, 19, 22, 23, 24, 25/02.
        "conclusion_notice": date(2027, 2, 25),
        # The plan sets no limit for the answers (its profile says so); counted from the
        # notice, not issued yet.
        "agency_response": None,
    }
    assert "Tết Nguyên Đán" in by_milestone(items, "invitations").explanation


def test_hoa_son_calendar_days_before_move_back_to_a_working_day(world):
    # 5 days before Thu 03/09/2026 is Sat 29/08: a day off, so the latest date moves back to
    # Fri 28/08 (not forward into the Quốc khánh holiday).
    session = session_on(world, "hoa-son-2024", date(2026, 9, 3))
    items = services.session_timeline(session, today=date(2026, 8, 1))
    assert dues(items) == {"prepared_answers": date(2026, 8, 28), "agency_response": None}


def test_build_is_pure_and_follows_the_rules_it_is_given(world):
    from dialogue.models import DeadlineProfile

    rules = DeadlineProfile.objects.get(code="ha-nam-2018").rules.all()
    items = timeline.build(
        rules=rules,
        anchors=timeline.anchor_dates(
            starts_on=date(2027, 2, 16),
            ends_on=date(2027, 2, 16),
            notice_issued_on=date(2027, 2, 19),
        ),
        done={"prepared_answers": date(2027, 2, 1)},
        today=date(2027, 2, 22),
        calendar=get_calendar(),
    )
    assert dues(items) == {
        # 5 working days before Tue 16/02/2027: 15, 12, 11, (Tết 04–10/02) 03, 02/02.
        "prepared_answers": date(2027, 2, 2),
        # 5 working days after 16/02: 17, 18, 19, 22, 23.
        "conclusion_notice": date(2027, 2, 23),
        # 10 working days after the notice of Fri 19/02: 22, 23, 24, 25, 26, 01, 02, 03, 04, 05/03.
        "agency_response": date(2027, 3, 5),
    }
    assert states(items) == {
        "prepared_answers": timeline.DONE,
        "conclusion_notice": timeline.DUE,
        "agency_response": timeline.DUE,
    }


# --- states with frozen time -------------------------------------------------------------------


@pytest.fixture
def ha_nam(world):
    return session_on(world, "ha-nam-2018", date(2026, 12, 15))


def mark(session, world, milestone, done_on):
    services.milestone_mark_done(
        actor=world.organiser_a, session=session, milestone=milestone, done_on=done_on
    )


@time_machine.travel("2026-12-08 17:00 +07:00", tick=False)
def test_on_the_due_date_it_is_still_due(world, ha_nam):
    assert states(services.session_timeline(ha_nam)) == {
        "prepared_answers": timeline.DUE,
        "conclusion_notice": timeline.DUE,
        "agency_response": timeline.PENDING,
    }


@time_machine.travel("2026-12-09 08:00 +07:00", tick=False)
def test_the_day_after_the_due_date_it_is_late(world, ha_nam):
    items = services.session_timeline(ha_nam)
    assert states(items)["prepared_answers"] == timeline.LATE
    assert [i.milestone for i in timeline.passed_preparations(items)] == ["prepared_answers"]


@time_machine.travel("2026-12-09 06:30 +07:00", tick=False)
def test_today_is_the_date_in_viet_nam_not_in_utc(world, ha_nam):
    # 06:30 on 09/12 in Hà Nội is still 08/12 in UTC: the answers are late all the same.
    assert states(services.session_timeline(ha_nam))["prepared_answers"] == timeline.LATE


@time_machine.travel("2026-12-20 09:00 +07:00", tick=False)
def test_done_on_time_done_late_and_pending(world, ha_nam):
    mark(ha_nam, world, "prepared_answers", date(2026, 12, 9))
    items = services.session_timeline(ha_nam)
    assert states(items) == {
        "prepared_answers": timeline.DONE_LATE,
        "conclusion_notice": timeline.DUE,
        "agency_response": timeline.PENDING,
    }
    mark(ha_nam, world, "prepared_answers", date(2026, 12, 8))
    mark(ha_nam, world, "conclusion_notice", date(2026, 12, 18))
    items = services.session_timeline(ha_nam)
    assert states(items) == {
        "prepared_answers": timeline.DONE,
        "conclusion_notice": timeline.DONE,
        # Now dated: 10 working days after Fri 18/12 is Mon 04/01/2027.
        "agency_response": timeline.DUE,
    }
    assert by_milestone(items, "agency_response").due == date(2027, 1, 4)
    assert by_milestone(items, "prepared_answers").done_on == date(2026, 12, 8)


@time_machine.travel("2027-01-05 09:00 +07:00", tick=False)
def test_agency_response_late_once_its_date_has_passed(world, ha_nam):
    mark(ha_nam, world, "conclusion_notice", date(2026, 12, 18))
    assert states(services.session_timeline(ha_nam))["agency_response"] == timeline.LATE


# --- marking a milestone done through the page -------------------------------------------------


@time_machine.travel("2026-12-10 09:00 +07:00", tick=False)
def test_milestone_marked_done_on_the_session_page(world, ha_nam, login):
    client = login(world.organiser_a)
    url = reverse("session-milestone", args=[ha_nam.pk])
    detail = reverse("session-detail", args=[ha_nam.pk])
    before = client.get(detail).text
    assert "timeline-late" in before

    response = client.post(
        url, {"milestone": "prepared_answers", "done_on": "2026-12-07", "note": "Đủ 12 sở"}
    )
    assert response.status_code == 302
    assert response.url == detail
    row = SessionMilestone.objects.get(session=ha_nam, milestone="prepared_answers")
    assert (row.done_on, row.note, row.recorded_by) == (
        date(2026, 12, 7),
        "Đủ 12 sở",
        world.organiser_a,
    )
    assert states(services.session_timeline(ha_nam))["prepared_answers"] == timeline.DONE
    record = history(ha_nam).get(action="milestone")
    assert record.changes == {"prepared_answers": [None, "2026-12-07"]}
    assert record.reason == "Đủ 12 sở"
    after = client.get(detail).text
    assert "timeline-done" in after
    assert "timeline-late" not in after
    assert "07/12/2026" in after
    # The rule's legal basis is not labelled as a petition's intake channel.
    assert "<summary>Căn cứ</summary>" in after
    assert "Nguồn tiếp nhận" not in after


@time_machine.travel("2026-12-10 09:00 +07:00", tick=False)
def test_marking_it_again_corrects_the_date(world, ha_nam, login):
    client = login(world.organiser_a)
    url = reverse("session-milestone", args=[ha_nam.pk])
    client.post(url, {"milestone": "prepared_answers", "done_on": "2026-12-07"})
    client.post(url, {"milestone": "prepared_answers", "done_on": "2026-12-09"})
    assert list(
        SessionMilestone.objects.filter(session=ha_nam).values_list("milestone", "done_on")
    ) == [("prepared_answers", date(2026, 12, 9))]
    assert states(services.session_timeline(ha_nam))["prepared_answers"] == timeline.DONE_LATE


def test_milestone_outside_the_profile_is_refused(world, ha_nam, login):
    # Hà Nam 2018 has no invitations rule.
    with pytest.raises(ValidationError) as caught:
        mark(ha_nam, world, "invitations", date(2026, 12, 1))
    assert caught.value.message_dict == {"milestone": [str(services.MILESTONE_NOT_IN_PROFILE)]}

    client = login(world.organiser_a)
    response = client.post(
        reverse("session-milestone", args=[ha_nam.pk]),
        {"milestone": "invitations", "done_on": "2026-12-01"},
        follow=True,
    )
    assert shown(services.MILESTONE_NOT_IN_PROFILE) in response.text
    assert not SessionMilestone.objects.exists()


def test_milestone_form_offers_only_the_profiles_milestones(world, ha_nam, login):
    page = login(world.organiser_a).get(reverse("session-detail", args=[ha_nam.pk])).text
    offered = set(re.findall(r'<option value="([a-z_]+)"', page.split('name="milestone"')[1]))
    wanted = set(ha_nam.plan.profile.rules.values_list("milestone", flat=True)) - {"annual_report"}
    assert offered == wanted
    assert "invitations" not in offered  # Hà Nam 2018 has no invitations rule


def test_milestone_without_a_date_is_refused(world, ha_nam, login):
    response = login(world.organiser_a).post(
        reverse("session-milestone", args=[ha_nam.pk]), {"milestone": "prepared_answers"}
    )
    # The session's page again, the date asked for beside its field, the milestone kept.
    assert response.status_code == 200
    assert errors_on(response.text, "done_on") == [in_language("vi", REQUIRED)]
    assert is_marked_invalid(response.text, "done_on")
    assert 'value="prepared_answers" selected' in response.text
    assert not SessionMilestone.objects.exists()
    assert not history(ha_nam).filter(action="milestone").exists()
