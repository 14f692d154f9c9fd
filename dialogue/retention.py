"""How long citizens' personal data is kept, and how it is removed (pure, no Django models).

Records of a dialogue are kept five years (Điện Biên 2024, "lưu trữ hồ sơ 05 năm"); the personal
data collected for it is used for that purpose only (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15).
After `years` full years from the day a session ended, its citizens' names, addresses, phone
numbers and years of birth are replaced by `PLACEHOLDER`, and free text that repeats them is
redacted; the records, their counts and the statistics stay. A legal hold stops it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

PLACEHOLDER = "[đã ẩn danh]"
#: What a year of birth becomes: 0 is "unknown" and fails no constraint.
ANONYMOUS_BIRTH_YEAR = 0
#: Values shorter than this are not searched for in free text ("A", "12" would match anywhere).
MIN_REDACTED_LENGTH = 3


def cutoff(today: date, years: int) -> date:
    """Sessions that ended before this day are due: `years` full years have passed.

    >>> cutoff(date(2031, 3, 1), 5)
    datetime.date(2026, 3, 1)
    >>> cutoff(date(2032, 2, 29), 5)  # no 29 February in 2027
    datetime.date(2027, 2, 28)
    """
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def is_due(ended_on: date | None, *, today: date, years: int, legal_hold: bool = False) -> bool:
    """Whether a session that ended on `ended_on` is to be anonymised today."""
    if legal_hold or ended_on is None:
        return False
    return ended_on < cutoff(today, years)


def redact(text: str, values: Iterable[str | None]) -> str:
    """`text` with every occurrence of each personal value replaced by the placeholder.

    Longest values first, so a full name is replaced before a part of it.

    >>> redact("Ông Nguyễn Văn Ả, thôn Đông, hỏi về đất.", ["Nguyễn Văn Ả", "thôn Đông"])
    'Ông [đã ẩn danh], [đã ẩn danh], hỏi về đất.'
    """
    if not text:
        return text
    wanted = {v.strip() for v in values if v and len(v.strip()) >= MIN_REDACTED_LENGTH}
    for value in sorted(wanted, key=len, reverse=True):
        text = text.replace(value, PLACEHOLDER)
    return text
