"""Working-day arithmetic (dialogue.workdays): legal tables, properties, brute-force oracle.

No database and no Django models: the module under test is pure.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogue.workdays import (
    DayInfo,
    OutOfRange,
    Override,
    WorkCalendar,
    build_calendar,
)

# What the package (holidays 0.109) already knows, checked in test_package_knows_* below:
# - Tết 2025: weekdays Mon 27/01–Fri 31/01/2025 off (+ Sat 01/02 "Mùng bốn"), i.e. the
#   civil-servant break Sat 25/01–Sun 02/02/2025 (Thông báo 6150/TB-BLĐTBXH);
# - Tết 2026: weekdays Mon 16/02–Fri 20/02/2026 off, i.e. the break Sat 14/02–Sun 22/02/2026;
# - 30/4–1/5/2025: Wed 30/04, Thu 01/05 off, Fri 02/05 off swapped with Sat 26/04 (worked);
# - 2/9: two days since 2021 (2025: Mon 01/09 + Tue 02/09; 2026: Tue 01/09 + Wed 02/09, and
#   Mon 31/08/2026 off swapped with Sat 22/08/2026);
# - Giỗ Tổ Hùng Vương (2025: Mon 07/04; 2026: Sun 26/04 -> observed Mon 27/04).
# So nothing is missing for Tết 2025/2026 or 30/4/2025. The package LACKS the New Year 2026
# swap (Công văn 12729/VPCP-KGVX ngày 25/12/2025: Fri 02/01/2026 off, Sat 10/01/2026 worked);
# those two days are added as Overrides here.
PACKAGE_LACKS = (
    Override(
        date(2026, 1, 2),
        working=False,
        name="Nghỉ Tết Dương lịch (hoán đổi sang thứ Bảy 10/01/2026)",
        source="Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    ),
    Override(
        date(2026, 1, 10),
        working=True,
        name="Làm bù cho ngày 02/01/2026",
        source="Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    ),
)

CAL = WorkCalendar(PACKAGE_LACKS)
PACKAGE_ONLY = WorkCalendar()
# Wider range for property tests so that 400 working days from 2001–2049 stay inside it.
WIDE = WorkCalendar(PACKAGE_LACKS, first_year=1999, last_year=2052)
# Independent reference: the package's own working-day predicate.
VN = holidays.country_holidays("VN", years=range(1999, 2053), language="vi")

# Rules quoted from the source documents.
HA_NAM_2018 = "Hà Nam 2018: các Sở, ngành ... báo cáo ... trước ngày đối thoại 05 ngày làm việc"
DIEN_BIEN_2024 = "Điện Biên 2024: trong thời hạn 15 ngày làm việc"
PARTY_2017 = "Quy chế đối thoại 2017 (cấp ủy): thông báo ít nhất 03 ngày làm việc"
INVITATION = "Giấy mời gửi ít nhất 07 ngày trước ngày đối thoại"
BLDS_147 = (
    "BLDS 2015 Điều 147 khoản 1: ngày đầu tiên của thời hạn không được tính mà tính từ "
    "ngày tiếp theo của ngày xảy ra sự kiện"
)
BLDS_148 = (
    "BLDS 2015 Điều 148 khoản 5: ngày cuối cùng của thời hạn là ngày nghỉ ... thì thời hạn "
    "kết thúc tại thời điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó"
)

# (rule, start, n, expected due). Hand computation in the comment; (k) = k-th counted day.
WORKING_DAY_CASES = [
    # Thu 19 (1), Wed 18 (2), Tue 17 (3), Mon 16 (4), [Sun 15, Sat 14], Fri 13 (5).
    (HA_NAM_2018, date(2026, 3, 20), -5, date(2026, 3, 13)),
    # Tết 2026: Tue 24 (1), Mon 23 (2), [Sun 22 … Sat 14 off], Fri 13 (3), Thu 12 (4), Wed 11 (5).
    (HA_NAM_2018, date(2026, 2, 25), -5, date(2026, 2, 11)),
    # Tết 2025: Tue 04/02 (1), Mon 03/02 (2), [Sun 02/02 … Sat 25/01 off], Fri 24 (3),
    # Thu 23 (4), Wed 22/01 (5).
    (HA_NAM_2018, date(2025, 2, 5), -5, date(2025, 1, 22)),
    # New Year 2026 swap (override): Sat 10/01 worked (1), Fri 9 (2), Thu 8 (3), Wed 7 (4),
    # Tue 6 (5). Without the override it would be Mon 05/01/2026.
    (HA_NAM_2018, date(2026, 1, 12), -5, date(2026, 1, 6)),
    # Tết 2025: Fri 24/01 (1), [Sat 25/01 … Sun 02/02 off], Mon 03/02 (2) … Fri 07 (6),
    # Mon 10 (7) … Fri 14 (11), Mon 17 (12), Tue 18 (13), Wed 19 (14), Thu 20/02 (15).
    (DIEN_BIEN_2024, date(2025, 1, 23), 15, date(2025, 2, 20)),
    # 2/9/2025: Fri 29/08 (1), [Sat 30, Sun 31, Mon 01/09, Tue 02/09 off], Wed 3 (2), Thu 4 (3),
    # Fri 5 (4), Mon 8–Fri 12 (5–9), Mon 15–Fri 19 (10–14), Mon 22/09 (15).
    (DIEN_BIEN_2024, date(2025, 8, 28), 15, date(2025, 9, 22)),
    # New Year 2025: [Wed 01/01 off], Thu 2 (1), Fri 3 (2), Mon 6–Fri 10 (3–7),
    # Mon 13–Fri 17 (8–12), Mon 20 (13), Tue 21 (14), Wed 22/01 (15).
    (DIEN_BIEN_2024, date(2024, 12, 31), 15, date(2025, 1, 22)),
    # 30/4/2025: Mon 05/05 (1), [Sun 4, Sat 3, Fri 2 (swap), Thu 1, Wed 30/04 off], Tue 29 (2),
    # Mon 28/04 (3).
    (PARTY_2017, date(2025, 5, 6), -3, date(2025, 4, 28)),
    # Swapped Saturday counts: [Sun 4 … Wed 30/04 off], Tue 29 (1), Mon 28 (2), Sat 26/04 (3).
    (PARTY_2017, date(2025, 5, 5), -3, date(2025, 4, 26)),
    # 2/9/2026: [Wed 02/09, Tue 01/09, Mon 31/08 (swap), Sun 30, Sat 29 off], Fri 28 (1),
    # Thu 27 (2), Wed 26/08 (3).
    (PARTY_2017, date(2026, 9, 3), -3, date(2026, 8, 26)),
    # Giỗ Tổ 2025: Tue 08/04 (1), [Mon 07/04 Giỗ Tổ, Sun 6, Sat 5], Fri 4 (2), Thu 03/04 (3).
    (PARTY_2017, date(2025, 4, 9), -3, date(2025, 4, 3)),
    # Swapped Saturday 26/04/2025: Fri 25 (1), Sat 26 worked (2), Mon 28 (3), Tue 29 (4),
    # [Wed 30/04 … Sun 04/05 off], Mon 05/05 (5). Plain weekends would give Tue 06/05.
    (BLDS_147, date(2025, 4, 24), 5, date(2025, 5, 5)),
    # Giỗ Tổ 2026 (Sun 26/04 -> Mon 27/04) and 30/4–1/5/2026: Tue 28 (1), Wed 29 (2),
    # [Thu 30/04, Fri 01/05, Sat 2, Sun 3], Mon 04/05 (3).
    (BLDS_147, date(2026, 4, 24), 3, date(2026, 5, 4)),
    # 2/9/2026 with swap: Sat 22/08 worked (1), Mon 24–Fri 28 (2–6),
    # [Sat 29, Sun 30, Mon 31/08, Tue 01/09, Wed 02/09 off], Thu 03/09 (7).
    (BLDS_147, date(2026, 8, 21), 7, date(2026, 9, 3)),
    # Tết 2026: Fri 13 (1), [Sat 14 … Sun 22 off], Mon 23 (2) … Fri 27 (6), Mon 02/03 (7),
    # Tue 3 (8), Wed 4 (9), Thu 05/03 (10).
    (BLDS_147, date(2026, 2, 12), 10, date(2026, 3, 5)),
    # Ordinary weekend: [Sat 8, Sun 9], Mon 10/03 (1).
    (BLDS_147, date(2025, 3, 7), 1, date(2025, 3, 10)),
    # Event on a Saturday: day 1 is the next working day, Mon 10/03.
    (BLDS_147, date(2025, 3, 8), 1, date(2025, 3, 10)),
    # Mirror: [Sat 8], Fri 07/03 (1).
    (BLDS_147, date(2025, 3, 9), -1, date(2025, 3, 7)),
    (BLDS_147, date(2025, 3, 10), -1, date(2025, 3, 7)),
    # New Year 2026 swap: [Thu 01/01, Fri 02/01 (override), Sat 3, Sun 4], Mon 05/01 (1).
    (BLDS_147, date(2025, 12, 31), 1, date(2026, 1, 5)),
]

CALENDAR_DAY_CASES = [
    # Mon 16/12/2024 − 7 = Mon 09/12/2024, a working day: no roll.
    (INVITATION, date(2024, 12, 16), -7, date(2024, 12, 9)),
    # Sun 15/12/2024 − 7 = Sun 08/12 (day off) -> previous working day Fri 06/12/2024.
    (INVITATION, date(2024, 12, 15), -7, date(2024, 12, 6)),
    # Mon 23/02/2026 − 7 = Mon 16/02 (Tết) -> back over Sun 15, Sat 14 -> Fri 13/02/2026.
    (INVITATION, date(2026, 2, 23), -7, date(2026, 2, 13)),
    # Fri 09/05/2025 − 7 = Fri 02/05 (swapped day off) -> Thu 01/05, Wed 30/04 off -> Tue 29/04.
    (INVITATION, date(2025, 5, 9), -7, date(2025, 4, 29)),
    # Mon 21/04/2025 + 10 = Thu 01/05 off -> Fri 2, Sat 3, Sun 4 off -> Mon 05/05/2025.
    (BLDS_148, date(2025, 4, 21), 10, date(2025, 5, 5)),
    # Wed 16/04/2025 + 10 = Sat 26/04/2025, a swapped working Saturday: no roll.
    (BLDS_148, date(2025, 4, 16), 10, date(2025, 4, 26)),
    # Tue 23/12/2025 + 10 = Fri 02/01/2026 (override off) -> Sat 3, Sun 4 -> Mon 05/01/2026.
    (BLDS_148, date(2025, 12, 23), 10, date(2026, 1, 5)),
    # Wed 26/08/2026 + 7 = Wed 02/09/2026 (Quốc khánh) -> Thu 03/09/2026.
    (BLDS_148, date(2026, 8, 26), 7, date(2026, 9, 3)),
    # Mon 03/03/2025 + 7 = Mon 10/03/2025, a working day.
    (BLDS_148, date(2025, 3, 3), 7, date(2025, 3, 10)),
]


def _case_id(case: tuple[str, date, int, date]) -> str:
    rule, start, n, _ = case
    return f"{rule.split(':')[0]}|{start.isoformat()}|{n:+d}"


# --- table-driven -------------------------------------------------------------------------


@pytest.mark.parametrize("case", WORKING_DAY_CASES, ids=_case_id)
def test_working_day_table(case: tuple[str, date, int, date]) -> None:
    rule, start, n, expected = case
    assert CAL.add_working_days(start, n) == expected, rule
    deadline = CAL.explain(start, n)
    assert deadline.due == expected
    assert f"{expected:%d/%m/%Y}" in deadline.text


@pytest.mark.parametrize("case", CALENDAR_DAY_CASES, ids=_case_id)
def test_calendar_day_table(case: tuple[str, date, int, date]) -> None:
    rule, start, n, expected = case
    assert CAL.add_calendar_days(start, n) == expected, rule
    assert CAL.explain(start, n, calendar_days=True).due == expected


def test_package_knows_tet_2025_and_2026() -> None:
    for first, last in (
        (date(2025, 1, 25), date(2025, 2, 2)),
        (date(2026, 2, 14), date(2026, 2, 22)),
    ):
        day = first
        while day <= last:
            assert not PACKAGE_ONLY.is_working_day(day), day
            day += timedelta(days=1)
        # The breaks are exactly that long: the surrounding days are worked.
        assert PACKAGE_ONLY.is_working_day(first - timedelta(days=1))
        assert PACKAGE_ONLY.is_working_day(last + timedelta(days=1))
    assert PACKAGE_ONLY.day_info(date(2026, 2, 17)).name == "Tết Nguyên Đán"


def test_package_knows_30_4_2025_swap_and_2_9() -> None:
    for day in (date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)):
        assert not PACKAGE_ONLY.is_working_day(day)
    info = PACKAGE_ONLY.day_info(date(2025, 4, 26))
    assert info.working and info.kind == "override_working"
    assert info.name == "Làm bù cho ngày 02/05/2025"
    assert not PACKAGE_ONLY.is_working_day(date(2025, 9, 1))  # adjacent day of 2/9
    assert not PACKAGE_ONLY.is_working_day(date(2025, 9, 2))
    assert not PACKAGE_ONLY.is_working_day(date(2026, 8, 31))  # swapped with Sat 22/08/2026
    assert PACKAGE_ONLY.is_working_day(date(2026, 8, 22))
    assert PACKAGE_ONLY.day_info(date(2025, 4, 7)).name == "Ngày Giỗ Tổ Hùng Vương"
    assert not PACKAGE_ONLY.is_working_day(date(2026, 4, 27))  # Giỗ Tổ on Sunday, observed


def test_new_year_2026_swap_needs_overrides() -> None:
    off = CAL.day_info(date(2026, 1, 2))
    assert (off.working, off.kind) == (False, "override_off")
    assert off.source == "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
    assert CAL.day_info(date(2026, 1, 10)).kind == "override_working"
    assert CAL.is_working_day(date(2026, 1, 10))


def test_calendar_agrees_with_package_on_every_day() -> None:
    day = date(2000, 1, 1)
    while day <= date(2050, 12, 31):
        assert PACKAGE_ONLY.is_working_day(day) == VN.is_working_day(day), day
        day += timedelta(days=1)


# --- overrides and day information --------------------------------------------------------


def test_override_wins_over_package_both_ways() -> None:
    cal = WorkCalendar(
        [
            Override(date(2025, 9, 1), True, "Làm việc (giả định)", "Văn bản thử"),
            Override(date(2025, 3, 12), False, "Nghỉ do bão (giả định)", "Văn bản thử"),
            Override(date(2025, 3, 15), False, "Nghỉ thứ Bảy (giả định)"),
        ]
    )
    assert cal.day_info(date(2025, 9, 1)) == DayInfo(
        date(2025, 9, 1), True, "Làm việc (giả định)", "Văn bản thử", "override_working"
    )
    assert cal.day_info(date(2025, 3, 12)).kind == "override_off"
    info = cal.day_info(date(2025, 3, 15))
    assert (info.kind, info.source) == ("override_off", None)  # empty source -> None
    # Wed 12/03 off: Tue 11/03 + 1 working day = Thu 13/03.
    assert cal.add_working_days(date(2025, 3, 11), 1) == date(2025, 3, 13)
    # Fri 29/08/2025 + 1 = Mon 01/09, now worked.
    assert cal.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 1)


def test_last_override_wins_and_out_of_range_overrides_are_ignored() -> None:
    cal = WorkCalendar(
        [
            Override(date(2025, 3, 12), False, "a"),
            Override(date(2025, 3, 12), True, "b"),
            Override(date(2070, 1, 1), False, "ngoài phạm vi"),
        ]
    )
    assert cal.day_info(date(2025, 3, 12)).name == "b"
    assert cal.is_working_day(date(2025, 3, 12))
    assert isinstance(build_calendar([]), WorkCalendar)


def test_day_info_kinds() -> None:
    assert CAL.day_info(date(2025, 3, 12)).kind == "weekday"
    assert CAL.day_info(date(2025, 3, 15)) == DayInfo(
        date(2025, 3, 15), False, None, None, "weekend"
    )
    sat_holiday = CAL.day_info(date(2025, 2, 1))  # Mùng bốn Tết on a Saturday
    assert (sat_holiday.kind, sat_holiday.working) == ("holiday", False)


def test_days_off_between() -> None:
    days = CAL.days_off_between(date(2025, 4, 25), date(2025, 5, 5))
    assert [d.day for d in days] == [date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)]
    assert days[0].name == "Ngày Chiến thắng"
    assert CAL.days_off_between(date(2025, 5, 5), date(2025, 4, 25)) == days
    assert CAL.days_off_between(date(2025, 3, 10), date(2025, 3, 16)) == []


def test_year_days() -> None:
    year_2024 = CAL.year_days(2024)
    assert len(year_2024) == 366 and len(CAL.year_days(2025)) == 365
    assert year_2024[0].day == date(2024, 1, 1) and year_2024[-1].day == date(2024, 12, 31)
    assert all(info == CAL.day_info(info.day) for info in year_2024)
    # 2025: 261 weekdays − 12 weekdays off (1/1, 27–31/1, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9)
    # + 1 worked Saturday (26/4) = 250.
    assert sum(info.working for info in CAL.year_days(2025)) == 261 - 12 + 1
    with pytest.raises(OutOfRange, match="Năm 2051"):
        CAL.year_days(2051)


# --- errors ---------------------------------------------------------------------------------


def test_out_of_range_messages() -> None:
    with pytest.raises(OutOfRange) as exc:
        CAL.add_working_days(date(2060, 1, 1), 1)
    assert str(exc.value) == "Ngày 01/01/2060 nằm ngoài phạm vi lịch (2000–2050)."
    assert isinstance(exc.value, ValueError)
    with pytest.raises(OutOfRange, match="31/12/1999"):
        CAL.is_working_day(date(1999, 12, 31))
    with pytest.raises(OutOfRange, match="nằm ngoài phạm vi lịch"):
        CAL.add_working_days(date(2050, 12, 29), 5)  # result in 2051
    with pytest.raises(OutOfRange, match="nằm ngoài phạm vi lịch"):
        CAL.add_working_days(date(2000, 1, 4), -5)  # result in 1999
    with pytest.raises(OutOfRange):
        CAL.add_calendar_days(date(2050, 12, 25), 10)
    with pytest.raises(OutOfRange):
        CAL.working_days_between(date(2025, 1, 1), date(2051, 1, 1))
    with pytest.raises(OutOfRange):
        CAL.explain(date(2051, 1, 1), 3)
    with pytest.raises(OutOfRange, match=r"\(2020–2021\)"):
        WorkCalendar(first_year=2020, last_year=2021).is_working_day(date(2022, 1, 3))


def test_zero_days_rejected() -> None:
    with pytest.raises(ValueError, match="khác 0"):
        CAL.add_working_days(date(2025, 3, 12), 0)
    with pytest.raises(ValueError, match="khác 0"):
        CAL.add_calendar_days(date(2025, 3, 12), 0)
    with pytest.raises(ValueError, match="khác 0"):
        CAL.explain(date(2025, 3, 12), 0)


# --- explanations ---------------------------------------------------------------------------


def test_explain_tet_2026() -> None:
    deadline = CAL.explain(date(2026, 2, 12), 10)
    assert deadline.due == date(2026, 3, 5)
    assert (deadline.start, deadline.amount, deadline.calendar_days) == (
        date(2026, 2, 12),
        10,
        False,
    )
    assert deadline.text == (
        "10 ngày làm việc sau ngày 12/02/2026 → 05/03/2026; "
        "không tính: Tết Nguyên Đán 14/02/2026 – 22/02/2026"
    )


def test_explain_swapped_saturday() -> None:
    text = CAL.explain(date(2025, 4, 24), 5).text
    assert text.startswith("5 ngày làm việc sau ngày 24/04/2025 → 05/05/2025; không tính: ")
    assert "Ngày Chiến thắng, Ngày Quốc tế Lao động 30/04/2025 – 04/05/2025" in text
    assert text.endswith("; tính ngày làm việc bù: thứ Bảy 26/04/2025 (Làm bù cho ngày 02/05/2025)")


def test_explain_before_plain_and_new_year() -> None:
    assert CAL.explain(date(2026, 3, 20), -5).text == (
        "5 ngày làm việc trước ngày 20/03/2026 → 13/03/2026"
    )
    text = CAL.explain(date(2026, 1, 12), -5).text
    assert "→ 06/01/2026" in text
    assert "thứ Bảy 10/01/2026 (Làm bù cho ngày 02/01/2026)" in text
    # Run across years, named by the package and by the override.
    text = CAL.explain(date(2025, 12, 31), 1).text
    assert "không tính: Tết Dương lịch, Nghỉ Tết Dương lịch" in text
    assert "01/01/2026 – 04/01/2026" in text


def test_explain_calendar_days() -> None:
    assert CAL.explain(date(2024, 12, 16), -7, calendar_days=True).text == (
        "7 ngày trước ngày 16/12/2024 → 09/12/2024"
    )
    assert CAL.explain(date(2024, 12, 15), -7, calendar_days=True).text == (
        "7 ngày trước ngày 15/12/2024 → 06/12/2024 "
        "(ngày 08/12/2024 là ngày nghỉ, chuyển về ngày làm việc liền trước)"
    )
    text = CAL.explain(date(2025, 4, 21), 10, calendar_days=True).text
    assert text.startswith(
        "10 ngày sau ngày 21/04/2025 → 05/05/2025 "
        "(ngày 01/05/2025 là ngày nghỉ, chuyển sang ngày làm việc tiếp theo)"
    )
    assert "30/04/2025 – 04/05/2025" in text
    text = CAL.explain(date(2026, 2, 23), -7, calendar_days=True, event="đối thoại").text
    assert text.startswith("7 ngày trước ngày đối thoại 23/02/2026 → 13/02/2026 ")
    assert "Tết Nguyên Đán 14/02/2026 – 22/02/2026" in text


def test_explain_event() -> None:
    deadline = CAL.explain(date(2026, 3, 12), 10, event="ban hành thông báo")
    # Fri 13 (1), Mon 16–Fri 20 (2–6), Mon 23–Thu 26 (7–10).
    assert deadline.text == "10 ngày làm việc sau ngày ban hành thông báo 12/03/2026 → 26/03/2026"


# --- properties -----------------------------------------------------------------------------

DATES = st.dates(min_value=date(2001, 1, 1), max_value=date(2049, 12, 31))
AMOUNTS = st.integers(min_value=1, max_value=400)


def _latest_working_on_or_before(cal: WorkCalendar, d: date) -> date:
    while not cal.is_working_day(d):
        d -= timedelta(days=1)
    return d


@given(DATES, AMOUNTS)
def test_result_is_a_working_day_strictly_on_the_right_side(d: date, n: int) -> None:
    after, before = WIDE.add_working_days(d, n), WIDE.add_working_days(d, -n)
    assert WIDE.is_working_day(after) and after > d
    assert WIDE.is_working_day(before) and before < d


@settings(max_examples=50)
@given(DATES)
def test_strictly_monotonic_in_n(d: date) -> None:
    results = [WIDE.add_working_days(d, n) for n in range(-400, 401) if n]
    assert all(a < b for a, b in pairwise(results))


@given(DATES, AMOUNTS)
def test_round_trip_lands_on_latest_working_day(d: date, n: int) -> None:
    there = WIDE.add_working_days(d, n)
    assert WIDE.add_working_days(there, -n) == _latest_working_on_or_before(WIDE, d)


@given(DATES, AMOUNTS)
def test_working_days_between_inverts_add(d: date, n: int) -> None:
    there = WIDE.add_working_days(d, n)
    assert WIDE.working_days_between(d, there) == n
    assert WIDE.working_days_between(there, d) == -n


@given(DATES, AMOUNTS)
def test_calendar_days_roll(d: date, n: int) -> None:
    target = d + timedelta(days=n)
    after = WIDE.add_calendar_days(d, n)
    assert after >= target and WIDE.is_working_day(after)
    assert WIDE.working_days_between(target - timedelta(days=1), after) == 1  # only `after`

    target = d - timedelta(days=n)
    before = WIDE.add_calendar_days(d, -n)
    assert before <= target and WIDE.is_working_day(before)
    assert WIDE.working_days_between(before, target) == 0  # none in (before, target]


# --- brute-force oracle with random overrides ------------------------------------------------

ORACLE_FIRST, ORACLE_LAST = 2020, 2030
OVERRIDES = st.lists(
    st.builds(
        Override,
        day=st.dates(date(ORACLE_FIRST, 1, 1), date(ORACLE_LAST, 12, 31)),
        working=st.booleans(),
        name=st.just("ngẫu nhiên"),
    ),
    max_size=40,
)
# Bias towards the interesting cases: working weekend days and weekday days off.
SWAPS = st.lists(
    st.dates(date(2021, 1, 1), date(2029, 12, 31)).map(
        lambda d: Override(d, working=d.weekday() >= 5, name="hoán đổi")
    ),
    max_size=40,
)


def _oracle_working(decided: dict[date, bool], d: date) -> bool:
    return decided[d] if d in decided else VN.is_working_day(d)


def _oracle_add(decided: dict[date, bool], d: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        left -= _oracle_working(decided, d)
    return d


@settings(max_examples=150)
@given(
    OVERRIDES,
    SWAPS,
    st.lists(
        st.tuples(
            st.dates(date(2021, 1, 1), date(2029, 12, 31)),
            st.integers(1, 60),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_bisection_agrees_with_brute_force(
    random_overrides: list[Override], swaps: list[Override], queries: list[tuple[date, int, bool]]
) -> None:
    overrides = random_overrides + swaps
    cal = WorkCalendar(overrides, first_year=ORACLE_FIRST, last_year=ORACLE_LAST)
    decided = {ov.day: ov.working for ov in overrides}  # the last one wins
    for d, n, backwards in queries:
        n = -n if backwards else n
        assert cal.is_working_day(d) == _oracle_working(decided, d)
        expected = _oracle_add(decided, d, n)
        assert cal.add_working_days(d, n) == expected
        # Calendar days: target, then step in the same direction until a working day.
        target = d + timedelta(days=n)
        step = timedelta(days=1 if n > 0 else -1)
        while not _oracle_working(decided, target):
            target += step
        assert cal.add_calendar_days(d, n) == target
        if n > 0:
            assert cal.working_days_between(d, expected) == n
