"""The shipped deadline profiles, checked against the source documents' own sentences.

Expected dates are counted by hand in the comments (Civil Code 2015, Art. 147-148: the event day
is not counted; a calendar-day deadline ending on a day off moves to the next working day, or to
the previous one when counting backwards).
"""

from datetime import date

import pytest

from dialogue import deadlines
from dialogue.models import DeadlineProfile, DeadlineRule
from dialogue.workcalendar import get_calendar

pytestmark = pytest.mark.django_db

CASES = [
    # profile, milestone, anchor date, expected, the rule as the document says it
    (
        "ha-nam-2018",
        "prepared_answers",
        date(2026, 2, 24),
        date(2026, 2, 10),
        # "chậm nhất là 05 ngày làm việc trước khi tổ chức buổi đối thoại": 23/02 (1), Tết
        # 14–22/02 skipped, 13/02 (2), 12/02 (3), 11/02 (4), 10/02 (5).
        "05 ngày làm việc trước",
    ),
    (
        "ha-nam-2018",
        "conclusion_notice",
        date(2026, 2, 12),
        date(2026, 2, 26),
        # "Chậm nhất 05 ngày làm việc sau khi kết thúc buổi đối thoại": 13/02 (1), Tết,
        # 23/02 (2) … 26/02 (5).
        "05 ngày làm việc sau",
    ),
    (
        "ha-nam-2018",
        "agency_response",
        date(2026, 2, 12),
        date(2026, 3, 5),
        # "Chậm nhất là 10 ngày làm việc, các cơ quan, đơn vị nhận được Thông báo": 13/02 (1),
        # Tết, 23/02–27/02 (2–6), 02/03–05/03 (7–10).
        "10 ngày làm việc",
    ),
    (
        "dien-bien-2024",
        "invitations",
        date(2024, 12, 27),
        date(2024, 12, 20),
        # "Giấy mời phải được gửi chậm nhất 7 ngày trước ngày tổ chức Hội nghị": 20/12 is a Friday.
        "7 ngày trước",
    ),
    (
        "dien-bien-2024",
        "conclusion_notice",
        date(2024, 12, 27),
        date(2025, 1, 2),
        # "Chậm nhất 5 ngày sau Hội nghị": 27/12 + 5 = 01/01/2025, New Year's Day -> 02/01.
        "5 ngày sau",
    ),
    (
        "dien-bien-2024",
        "agency_response",
        date(2024, 12, 27),
        date(2025, 1, 20),
        # "Trong thời hạn 15 ngày làm việc sau ngày tổ chức Hội nghị": 30/12 (1), 31/12 (2),
        # 01/01 off, 02/01–03/01 (3–4), 06/01–10/01 (5–9), 13/01–17/01 (10–14), 20/01 (15).
        "15 ngày làm việc",
    ),
    (
        "dien-bien-2024",
        "agency_response",
        date(2025, 1, 24),
        date(2025, 2, 21),
        # Across Tết 2025 (off 25/01–02/02): 03/02–07/02 (1–5), 10/02–14/02 (6–10),
        # 17/02–21/02 (11–15).
        "15 ngày làm việc",
    ),
    (
        "dien-bien-2024",
        "annual_report",
        date(2024, 12, 27),
        date(2025, 2, 14),
        # "gửi Sở Nội vụ trước ngày 15/2 của năm liền kề": met by the last working day before
        # 15/02/2025 (a Saturday), Friday 14/02, never moved after it.
        "15/2",
    ),
    (
        "hoa-son-2024",
        "prepared_answers",
        date(2024, 3, 15),
        date(2024, 3, 8),
        # "báo cáo Chủ tịch UBND xã trước thời gian tổ chức hội nghị 05 ngày": 15/03 - 5 = 10/03,
        # a Sunday -> the previous working day, Friday 08/03.
        "05 ngày",
    ),
    (
        "dang-uy-2017",
        "invitations",
        date(2017, 3, 25),
        date(2017, 3, 22),
        # "trước khi tiến hành đối thoại ít nhất 03 ngày làm việc": 24/03 (1), 23/03 (2), 22/03 (3).
        "03 ngày làm việc",
    ),
    (
        "dang-uy-2017",
        "conclusion_notice",
        date(2017, 3, 25),
        date(2017, 4, 10),
        # "chậm nhất 10 ngày làm việc": 27–31/03 (1–5), 03/04–05/04 (6–8), 06/04 Hùng Kings,
        # 07/04 (9), 10/04 (10).
        "10 ngày làm việc",
    ),
    (
        "gia-nghia-2022",
        "public_notice",
        date(2022, 10, 26),
        date(2022, 10, 19),
        # The plan sets none; the Law on Local Government 2025: 7 days before Wed 26/10.
        "Kế hoạch không quy định thời hạn này; áp dụng Luật Tổ chức chính quyền địa phương 2025",
    ),
    (
        "hoa-son-2024",
        "agency_response",
        date(2024, 3, 20),
        date(2024, 4, 10),
        # The plan sets none: 15 working days after the notice, 21/03 (1) … 10/04 (15).
        "không quy định thời hạn trả lời",
    ),
    (
        "luat-cqdp-2025",
        "public_notice",
        date(2025, 12, 20),
        date(2025, 12, 12),
        # "chậm nhất là 07 ngày trước ngày tổ chức hội nghị": 13/12 is a Saturday -> Friday 12/12.
        "07 ngày trước",
    ),
    (
        "luat-cqdp-2025",
        "results_public",
        date(2025, 12, 22),
        date(2026, 1, 5),
        # 10 days after 22/12/2025 = 01/01/2026 (holiday); 02/01 off by Văn bản 12729/VPCP-KGVX
        # (a shipped calendar exception); 03–04/01 weekend -> Monday 05/01/2026.
        "10 ngày",
    ),
]


@pytest.mark.parametrize(("code", "milestone", "anchor", "expected", "wording"), CASES)
def test_shipped_rule_gives_the_documented_date(code, milestone, anchor, expected, wording):
    rule = DeadlineRule.objects.get(profile__code=code, milestone=milestone)
    assert wording in rule.source_quote
    deadline = deadlines.compute(rule, anchor, get_calendar())
    assert deadline.due == expected, deadline.text
    assert f"{expected:%d/%m/%Y}" in deadline.text


def test_every_source_document_has_a_profile_and_every_rule_quotes_its_source():
    codes = set(DeadlineProfile.objects.values_list("code", flat=True))
    assert {
        "ha-nam-2018",
        "dien-bien-2024",
        "hoa-son-2024",
        "dang-uy-2017",
        "gia-nghia-2022",
        "luat-cqdp-2025",
    } <= codes
    for rule in DeadlineRule.objects.all():
        assert len(rule.source_quote) > 30, rule


def test_explanation_names_the_event_and_the_days_not_counted():
    rule = DeadlineRule.objects.get(profile__code="ha-nam-2018", milestone="agency_response")
    text = deadlines.compute(rule, date(2026, 2, 12), get_calendar()).text
    assert text == (
        "10 ngày làm việc sau ngày ban hành thông báo kết luận 12/02/2026 → 05/03/2026; "
        "không tính: Tết Nguyên Đán 14/02/2026 – 22/02/2026"
    )


def test_no_profile_or_rule_says_default():
    for profile in DeadlineProfile.objects.all():
        assert "mặc định" not in f"{profile.name} {profile.source} {profile.description}"
    for rule in DeadlineRule.objects.all():
        assert "mặc định" not in rule.source_quote


# --- "before a fixed date D": the last working day before D, never after D ---------------------

FIXED = [
    # D, expected, why
    (date(2025, 2, 15), date(2025, 2, 14), "Saturday: Friday before"),
    (date(2026, 2, 15), date(2026, 2, 13), "Sunday, on the eve of Tết 2026 (14–22/02): Friday 13"),
    (date(2027, 2, 15), date(2027, 2, 12), "Monday, a working day: the Friday before it"),
    (date(2029, 2, 15), date(2029, 2, 9), "Thursday inside Tết 2029 (12–16/02): Friday 09"),
    (date(2032, 2, 15), date(2032, 2, 6), "Sunday at the end of Tết 2032 (09–14/02): Friday 06"),
]


@pytest.mark.parametrize(("fixed", "expected", "why"), FIXED)
def test_before_a_fixed_date_is_met_by_the_last_working_day_before_it(fixed, expected, why):
    deadline = deadlines.before_fixed_date(fixed, get_calendar())
    assert deadline.due == expected, why
    assert deadline.due < fixed
    assert get_calendar().is_working_day(deadline.due)
    assert f"{expected:%d/%m/%Y}" in deadline.text
    assert "→" not in deadline.text


def test_before_a_fixed_date_during_tet_names_the_holiday():
    text = deadlines.before_fixed_date(date(2029, 2, 15), get_calendar()).text
    assert text == (
        "Trước ngày 15/02/2029: ngày làm việc cuối cùng trước đó là 09/02/2029 "
        "(nghỉ Tết Nguyên Đán)"
    )
