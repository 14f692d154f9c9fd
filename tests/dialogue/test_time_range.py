"""A session's time reads "07/12/2026 08:00 – 11:30", the date once (issue 13)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dialogue.templatetags.dialogue_tags import time_range

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_one_day_shows_the_date_once():
    start, end = datetime(2026, 12, 7, 8, tzinfo=VN), datetime(2026, 12, 7, 11, 30, tzinfo=VN)
    assert time_range(start, end) == "07/12/2026 08:00 – 11:30"


def test_two_days_show_both_dates():
    start, end = datetime(2026, 12, 7, 8, tzinfo=VN), datetime(2026, 12, 8, 11, 30, tzinfo=VN)
    assert time_range(start, end) == "07/12/2026 08:00 – 08/12/2026 11:30"


def test_utc_values_are_shown_in_vietnam_time():
    start = datetime(2026, 12, 7, 1, tzinfo=ZoneInfo("UTC"))  # 08:00 in Hà Nội
    assert time_range(start, None) == "07/12/2026 08:00"
