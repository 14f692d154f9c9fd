"""How long citizens' personal data is kept, and how it is removed (pure, no Django models).

Records of a dialogue are kept five years (Điện Biên 2024, "lưu trữ hồ sơ 05 năm"); the personal
data collected for it is used for that purpose only (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15).
After `years` full years from the day a session ended, its citizens' names, addresses, phone
numbers and years of birth are replaced by `PLACEHOLDER`, and free text that repeats them, names
another citizen of the same session, or carries a phone or identity-card number is redacted; the
records, their counts and the statistics stay. A legal hold stops it.
"""

from __future__ import annotations

import re
import unicodedata
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


#: A Vietnamese phone number as people write it: 0 and 9 digits, or +84 and 9 digits, in groups
#: separated by a space, a dot or a hyphen ("0912 345 678", "+84.912.345.678").
_PHONE = r"(?:\+84[ .-]?|\b0)\d(?:[ .-]?\d){8}(?!\d)"
#: An identity number: 9 digits (chứng minh nhân dân) or 12 (căn cước), not an amount of money
#: ("150000000 đồng") nor part of a longer number.
_IDENTITY = r"(?<!\d)(?<!\d[.,])(?:\d{12}|\d{9})(?!\d|[.,]\d)(?!\s*(?:đồng|đ\b|vnđ|vnd))"
_NUMBERS = re.compile(f"{_PHONE}|{_IDENTITY}", re.IGNORECASE)
#: What a database prefilter looks for before `redact_numbers` decides (portable regex: nine
#: digits, each maybe after one separator).
NUMBER_CANDIDATE = r"[0-9]([ .-]?[0-9]){8}"


def redact_numbers(text: str) -> str:
    """`text` with phone numbers and identity numbers replaced by the placeholder; amounts,
    dates and document numbers stay.

    >>> redact_numbers("Gọi 0912 345 678 hoặc +84 987654321; CCCD 001085012345.")
    'Gọi [đã ẩn danh] hoặc [đã ẩn danh]; CCCD [đã ẩn danh].'
    >>> redact_numbers("Bồi thường 1.500.000.000 đồng, 150000000 đồng theo QĐ 123/QĐ-UBND.")
    'Bồi thường 1.500.000.000 đồng, 150000000 đồng theo QĐ 123/QĐ-UBND.'
    """
    if not text:
        return text
    return _NUMBERS.sub(PLACEHOLDER, text)


_WORD = re.compile(r"\w+")
#: A name is looked for as a sequence of at least this many words: one word ("Lan", "Nam") would
#: match places and common words.
MIN_NAME_WORDS = 2


def name_key(name: str) -> tuple[str, ...]:
    """How a name is matched in free text: its words, NFC, case-folded; () if too short."""
    words = tuple(w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", name or "")))
    if len(words) < MIN_NAME_WORDS or name.strip() == PLACEHOLDER:
        return ()
    return words


def redact_names(text: str, names: set[tuple[str, ...]], *, skip: tuple[str, ...] = ()) -> str:
    """`text` with every name of `names` (`name_key`s) but `skip` replaced by the placeholder,
    matched as whole words in any case, the longest first; `text` itself when none is found.

    >>> names = {name_key("Lò Văn Hàng"), name_key("Lò Văn")}
    >>> redact_names("Ông LÒ VĂN HÀNG và ông Lò Văn; làng Lò Văn Hàng Xóm.", names)
    'Ông [đã ẩn danh] và ông [đã ẩn danh]; làng [đã ẩn danh] Xóm.'
    >>> redact_names("Lò Vănh", names)
    'Lò Vănh'
    """
    if not text or not names:
        return text
    longest = max(len(key) for key in names)
    normal = unicodedata.normalize("NFC", text)
    words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(normal)]
    parts, last, i = [], 0, 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), MIN_NAME_WORDS - 1, -1):
            key = tuple(w for _, _, w in words[i : i + n])
            if key in names and key != skip:
                parts += [normal[last : words[i][0]], PLACEHOLDER]
                last, i = words[i + n - 1][1], i + n
                break
        else:
            i += 1
    if not parts:
        return text
    return "".join(parts) + normal[last:]
