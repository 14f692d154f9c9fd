"""Working-day calendar for Vietnamese administrative deadlines.

Pure module (standard library + ``holidays``), no Django import, so that it can be
tested and benchmarked on its own.

Rules (Bộ luật Dân sự 2015, Điều 147–148):

* working day = Monday–Friday, minus Vietnam's public holidays from ``holidays``
  (including the package's substituted days off), plus weekend days that the package
  knows as working days (swapped Saturdays), with ``Override`` entries applied last;
* "N working days after an event": the event's day is not counted, the result is the
  N-th working day strictly after it; "before" mirrors this;
* "N calendar days after/before": date ± N, rolled to the next (after) or previous
  (before) working day when it lands on a day off.

Everything is precomputed in ``WorkCalendar.__init__`` so that each query is a few
list look-ups (about 1 µs per call in CPython).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import holidays

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "DayInfo",
    "DayKind",
    "Deadline",
    "OutOfRange",
    "Override",
    "WorkCalendar",
    "build_calendar",
]

FIRST_YEAR = 2000
LAST_YEAR = 2050

DayKind = Literal["weekday", "weekend", "holiday", "override_off", "override_working"]

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

# Suffixes the package appends to observed/estimated days; the explanation groups by the
# underlying holiday, so they are dropped there (day_info keeps the full name).
_NAME_SUFFIXES = (" (nghỉ bù, dự kiến)", " (nghỉ bù)", " (dự kiến)")
_TET = "Tết Nguyên Đán"
_SWAP_PREFIX = "Ngày nghỉ (thay cho"


class OutOfRange(ValueError):
    """A date (input or result) outside the calendar's supported years."""


@dataclass(frozen=True, slots=True)
class Override:
    """A decision that a given date is a day off or a working day.

    Overrides are applied last and win over the ``holidays`` package.
    """

    day: date
    working: bool
    name: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: date
    working: bool
    name: str | None
    source: str | None
    kind: DayKind


@dataclass(frozen=True, slots=True)
class Deadline:
    start: date
    amount: int  # as given: > 0 after the event, < 0 before it
    calendar_days: bool
    due: date
    text: str


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _fmt_range(a: date, b: date) -> str:
    # Both ends in full, spaced apart: "14/02–22/02/2026" read as one number to staff.
    if a == b:
        return _fmt(a)
    return f"{_fmt(a)} – {_fmt(b)}"


def _group_name(name: str) -> str:
    """Name under which a package holiday is listed in explanations."""
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    # "Giao thừa", "Mùng hai", "29 Tết"… are all one break for the reader.
    if _TET in name or name == "29 Tết":
        return _TET
    return name


@lru_cache(maxsize=4)
def _package_days(
    first_year: int, last_year: int
) -> tuple[MappingProxyType[int, str], MappingProxyType[int, str]]:
    """(days off, working weekend days) from ``holidays``: ordinal -> Vietnamese name.

    Cached because the package takes ~0.1 s for 51 years and tests build many calendars.
    """
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1), language="vi")
    off = {d.toordinal(): name for d, name in vn.items()}

    # The package only records *that* a weekend day is worked; recover which day off it
    # pays for from its substitution table so the explanation can say so.
    paid_for: dict[date, date] = {}
    for year, entries in getattr(vn, "special_public_holidays", {}).items():
        if entries and isinstance(entries[0], int):
            entries = (entries,)
        for entry in entries:
            if len(entry) < 4:
                continue  # a one-off holiday, not a swap
            to_month, to_day, from_month, from_day, *rest = entry
            from_day_date = date(rest[0] if rest else year, from_month, from_day)
            paid_for[from_day_date] = date(year, to_month, to_day)

    working: dict[int, str] = {}
    for d in getattr(vn, "weekend_workdays", ()):
        if d.weekday() >= 5 and first_year <= d.year <= last_year:
            target = paid_for.get(d)
            name = f"Làm bù cho ngày {_fmt(target)}" if target else "Ngày làm việc bù"
            working[d.toordinal()] = name
            off.pop(d.toordinal(), None)  # the package treats such a day as worked
    return MappingProxyType(off), MappingProxyType(working)


class WorkCalendar:
    """Immutable working-day calendar for ``first_year``–``last_year`` (inclusive).

    Overrides outside the range are ignored; for two overrides on one day the last wins.
    """

    __slots__ = (
        "first_year",
        "last_year",
        "_first_ord",
        "_span",
        "_flags",
        "_pre",
        "_work_dates",
        "_nwork",
        "_special",
    )

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        if not 1 <= first_year <= last_year <= 9998:
            raise ValueError(f"Phạm vi năm không hợp lệ: {first_year}–{last_year}.")
        self.first_year = first_year
        self.last_year = last_year
        first_ord = date(first_year, 1, 1).toordinal()
        span = date(last_year, 12, 31).toordinal() - first_ord + 1
        self._first_ord = first_ord
        self._span = span

        # Weekday pattern first, then package days, then overrides (last word).
        flags = bytearray(span)
        for i in range(span):
            flags[i] = (first_ord + i) % 7 not in (6, 0)  # ordinal % 7: 6 = Sat, 0 = Sun
        special: dict[int, tuple[DayKind, str, str | None]] = {}
        off, weekend_working = _package_days(first_year, last_year)
        for o, name in off.items():
            i = o - first_ord
            if 0 <= i < span:
                flags[i] = 0
                special[i] = ("holiday", name, None)
        for o, name in weekend_working.items():
            i = o - first_ord
            flags[i] = 1
            # Kept within the five kinds callers know: a decided working weekend day.
            special[i] = ("override_working", name, None)
        for ov in overrides:
            i = ov.day.toordinal() - first_ord
            if 0 <= i < span:
                flags[i] = 1 if ov.working else 0
                kind: DayKind = "override_working" if ov.working else "override_off"
                special[i] = (kind, ov.name, ov.source or None)

        # pre[i] = number of working days strictly before offset i, so the k-th working day
        # after offset i is work_dates[pre[i + 1] + k - 1] — an O(1) rank/select pair.
        pre = [0] * (span + 1)
        work_dates: list[date] = []
        count = 0
        for i in range(span):
            pre[i] = count
            if flags[i]:
                work_dates.append(date.fromordinal(first_ord + i))
                count += 1
        pre[span] = count

        self._flags = bytes(flags)
        self._pre = pre
        self._work_dates = work_dates
        self._nwork = count
        self._special = special

    # -- helpers ---------------------------------------------------------------------

    def _range_text(self) -> str:
        return f"({self.first_year}–{self.last_year})"

    def _out_of_range(self, d: date) -> OutOfRange:
        return OutOfRange(f"Ngày {_fmt(d)} nằm ngoài phạm vi lịch {self._range_text()}.")

    def _result_out_of_range(self, d: date) -> OutOfRange:
        return OutOfRange(
            f"Kết quả tính từ ngày {_fmt(d)} nằm ngoài phạm vi lịch {self._range_text()}."
        )

    def _offset(self, d: date) -> int:
        i = d.toordinal() - self._first_ord
        if 0 <= i < self._span:
            return i
        raise self._out_of_range(d)

    def _date(self, i: int) -> date:
        return date.fromordinal(self._first_ord + i)

    def _info(self, i: int) -> DayInfo:
        d = self._date(i)
        spec = self._special.get(i)
        if spec is not None:
            kind, name, source = spec
            return DayInfo(d, bool(self._flags[i]), name, source, kind)
        if self._flags[i]:
            return DayInfo(d, True, None, None, "weekday")
        return DayInfo(d, False, None, None, "weekend")

    # -- queries ---------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        i = d.toordinal() - self._first_ord
        if 0 <= i < self._span:
            return self._flags[i] == 1
        raise self._out_of_range(d)

    def add_working_days(self, d: date, n: int) -> date:
        """N-th working day strictly after ``d`` (n > 0) or strictly before it (n < 0)."""
        # Hot path: kept flat on purpose (no helper calls) for ~1 µs per call.
        i = d.toordinal() - self._first_ord
        if 0 <= i < self._span:
            if n > 0:
                k = self._pre[i + 1] + n - 1
                if k < self._nwork:
                    return self._work_dates[k]
            elif n < 0:
                k = self._pre[i] + n
                if k >= 0:
                    return self._work_dates[k]
            else:
                raise ValueError("Số ngày làm việc phải khác 0.")
            raise self._result_out_of_range(d)
        raise self._out_of_range(d)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (mirrored) when end < start."""
        pre = self._pre
        return pre[self._offset(end) + 1] - pre[self._offset(start) + 1]

    def add_calendar_days(self, d: date, n: int) -> date:
        """``d + n``, rolled forward (n > 0) or backward (n < 0) off a day off."""
        if n == 0:
            raise ValueError("Số ngày phải khác 0.")
        i = self._offset(d) + n
        if not 0 <= i < self._span:
            raise self._result_out_of_range(d)
        if self._flags[i]:
            return self._date(i)
        k = self._pre[i] if n > 0 else self._pre[i + 1] - 1
        if 0 <= k < self._nwork:
            return self._work_dates[k]
        raise self._result_out_of_range(d)

    def day_info(self, d: date) -> DayInfo:
        return self._info(self._offset(d))

    def days_off_between(self, start: date, end: date) -> list[DayInfo]:
        """Named days off (holidays, overrides) in the closed range, in date order."""
        a, b = sorted((self._offset(start), self._offset(end)))
        flags, special = self._flags, self._special
        return [self._info(i) for i in sorted(special) if a <= i <= b and not flags[i]]

    def year_days(self, year: int) -> list[DayInfo]:
        if not self.first_year <= year <= self.last_year:
            raise OutOfRange(f"Năm {year} nằm ngoài phạm vi lịch {self._range_text()}.")
        a = date(year, 1, 1).toordinal() - self._first_ord
        b = date(year, 12, 31).toordinal() - self._first_ord
        return [self._info(i) for i in range(a, b + 1)]

    # -- explanations ----------------------------------------------------------------

    def _off_runs(self, a: int, b: int, whole: bool) -> Iterator[tuple[int, int]]:
        """Runs of days off within offsets [a, b] that contain a named day off.

        ``whole`` extends each run to its full length beyond [a, b] (within the range).
        """
        flags, special = self._flags, self._special
        lo, hi = (0, self._span - 1) if whole else (a, b)
        i = a
        while i <= b:
            if flags[i]:
                i += 1
                continue
            j = i
            while j < hi and not flags[j + 1]:
                j += 1
            while i > lo and not flags[i - 1]:
                i -= 1
            if any(k in special for k in range(i, j + 1)):
                yield i, j
            i = j + 1

    def _describe_off(self, a: int, b: int, whole: bool = False) -> str:
        parts = []
        for i, j in self._off_runs(a, b, whole):
            names: list[str] = []
            swaps: list[str] = []
            for k in range(i, j + 1):
                spec = self._special.get(k)
                if spec is None or self._flags[k]:
                    continue
                kind, name, _ = spec
                label = _group_name(name) if kind == "holiday" else name
                # A swapped day off is explained by the "làm bù" part; name it only alone.
                bucket = swaps if kind == "holiday" and name.startswith(_SWAP_PREFIX) else names
                if label not in bucket:
                    bucket.append(label)
            label = ", ".join(names or swaps)
            parts.append(f"{label} {_fmt_range(self._date(i), self._date(j))}")
        return "; ".join(parts)

    def _describe_weekend_work(self, a: int, b: int) -> str:
        parts = []
        for i in range(a, b + 1):
            d = self._date(i)
            if self._flags[i] and d.weekday() >= 5:
                spec = self._special.get(i)
                suffix = f" ({spec[1]})" if spec else ""
                parts.append(f"{WEEKDAY_NAMES[d.weekday()]} {_fmt(d)}{suffix}")
        return ", ".join(parts)

    def explain(
        self, start: date, n: int, *, calendar_days: bool = False, event: str | None = None
    ) -> Deadline:
        """Due date plus a Vietnamese explanation of how it was counted.

        ``event`` names the start day, e.g. "ban hành thông báo" gives
        "… sau ngày ban hành thông báo 12/03/2026 → …".
        """
        s = self._offset(start)
        direction = "sau" if n > 0 else "trước"
        when = f"ngày {event} {_fmt(start)}" if event else f"ngày {_fmt(start)}"
        if calendar_days:
            due = self.add_calendar_days(start, n)
            text = f"{abs(n)} ngày {direction} {when} → {_fmt(due)}"
            target = s + n
            if target != self._offset(due):
                move = (
                    "chuyển sang ngày làm việc tiếp theo"
                    if n > 0
                    else "chuyển về ngày làm việc liền trước"
                )
                text += f" (ngày {_fmt(self._date(target))} là ngày nghỉ, {move})"
                if off := self._describe_off(target, target, whole=True):
                    text += f"; ngày nghỉ: {off}"
        else:
            due = self.add_working_days(start, n)
            text = f"{abs(n)} ngày làm việc {direction} {when} → {_fmt(due)}"
            # The counted span: (start, due] after, [due, start) before.
            a, b = (s + 1, self._offset(due)) if n > 0 else (self._offset(due), s - 1)
            if off := self._describe_off(a, b):
                text += f"; không tính: {off}"
            if extra := self._describe_weekend_work(a, b):
                text += f"; tính ngày làm việc bù: {extra}"
        return Deadline(start=start, amount=n, calendar_days=calendar_days, due=due, text=text)


def build_calendar(overrides: Iterable[Override]) -> WorkCalendar:
    """Construct a calendar for the default range; the Django side caches the result."""
    return WorkCalendar(overrides)
