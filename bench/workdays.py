"""Benchmark: N-th working day (dialogue.workdays) against numpy.busday_offset.

Run: ``.venv/bin/python bench/workdays.py`` (one JSON line per measurement).
numpy is an optional extra (``pip install .[bench]``); it is imported inside run().
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date
from pathlib import Path

# Allow running as a script (python bench/workdays.py) from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue.workdays import Override, WorkCalendar  # noqa: E402

SEED = 20250426
CALLS = 1_000_000
REPEAT = 3
FIRST, LAST = date(2015, 1, 1), date(2035, 12, 31)

# Official swaps for civil servants (a weekday off paid for by a worked weekend day).
# All but New Year 2026 are also in `holidays` 0.109; listed here so the benchmark does not
# depend on the package version. numpy cannot express the worked weekend days at all.
_SWAPS = [
    # (day off, worked weekend day, document)
    (date(2015, 1, 2), date(2014, 12, 27), "Tết Dương lịch 2015"),
    (date(2015, 2, 16), date(2015, 2, 14), "Tết Nguyên đán 2015"),
    (date(2015, 4, 29), date(2015, 4, 25), "30/4/2015"),
    (date(2018, 12, 31), date(2019, 1, 5), "Công văn 6519/VPCP-KGVX (2018)"),
    (date(2019, 4, 29), date(2019, 5, 4), "30/4/2019"),
    (date(2024, 4, 29), date(2024, 5, 4), "Công văn 2450/VPCP-KGVX (2024)"),
    (date(2025, 5, 2), date(2025, 4, 26), "Thông báo 6150/TB-BLĐTBXH (2024)"),
    # Not in holidays 0.109:
    (date(2026, 1, 2), date(2026, 1, 10), "Công văn 12729/VPCP-KGVX ngày 25/12/2025"),
    (date(2026, 8, 31), date(2026, 8, 22), "2/9/2026"),
]
OVERRIDES = [
    override
    for off, worked, source in _SWAPS
    for override in (
        Override(off, False, f"Nghỉ hoán đổi (làm bù ngày {worked:%d/%m/%Y})", source),
        Override(worked, True, f"Làm bù cho ngày {off:%d/%m/%Y}", source),
    )
]


def _inputs() -> tuple[list[date], list[int]]:
    rng = random.Random(SEED)
    pool = [date.fromordinal(o) for o in range(FIRST.toordinal(), LAST.toordinal() + 1)]
    days = [pool[rng.randrange(len(pool))] for _ in range(CALLS)]
    amounts = [rng.choice((-1, 1)) * rng.randint(1, 30) for _ in range(CALLS)]
    return days, amounts


def _best(fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run() -> list[dict]:
    import numpy as np

    cal = WorkCalendar(OVERRIDES)
    days, amounts = _inputs()

    add = cal.add_working_days
    ours_time, ours = _best(lambda: list(map(add, days, amounts)))

    # numpy: weekmask Mon–Fri, holidays = every weekday that is a day off in our calendar.
    # Its roll is applied *before* counting, so for "N-th working day strictly after d" a
    # non-working d must roll backward (the days after it are the same as after the previous
    # working day), and for "strictly before" it must roll forward.
    off_weekdays = [
        info.day
        for year in range(cal.first_year, cal.last_year + 1)
        for info in cal.year_days(year)
        if not info.working and info.day.weekday() < 5
    ]
    busdaycal = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(off_weekdays, dtype="datetime64[D]")
    )

    def numpy_offsets(d: np.ndarray, n: np.ndarray) -> np.ndarray:
        after = n > 0
        out = np.empty_like(d)
        out[after] = np.busday_offset(d[after], n[after], roll="backward", busdaycal=busdaycal)
        out[~after] = np.busday_offset(d[~after], n[~after], roll="forward", busdaycal=busdaycal)
        return out

    # Check the roll choice on plain weeks first (no swaps nearby): Wed, Sat and Sun starts.
    for start in (date(2025, 3, 12), date(2025, 3, 15), date(2025, 3, 16)):
        for n in (1, 3, -1, -3):
            got = numpy_offsets(np.array([start], "datetime64[D]"), np.array([n]))[0]
            assert got == np.datetime64(cal.add_working_days(start, n)), (start, n)

    d_arr = np.array(days, dtype="datetime64[D]")
    n_arr = np.array(amounts, dtype=np.int64)
    numpy_time, numpy_out = _best(lambda: numpy_offsets(d_arr, n_arr))
    wrong = int(np.count_nonzero(numpy_out != np.array(ours, dtype="datetime64[D]")))

    return [
        {
            "name": "workdays.nth_working_day",
            "value": int(CALLS / ours_time),
            "unit": "calls/s",
            "budget": ">= 1000000",
            "note": (
                f"{CALLS:,} random (date, n), dates {FIRST.year}–{LAST.year}, n in ±1..30, "
                f"seed {SEED}; best of {REPEAT}; Python {sys.version.split()[0]}"
            ),
        },
        {
            "name": "workdays.numpy_ratio",
            "value": round(ours_time / numpy_time, 2),
            "unit": "ratio",
            "budget": "report",
            "note": f"numpy vectorised {int(CALLS / numpy_time):,} calls/s "
            f"(numpy {np.__version__})",
        },
        {
            "name": "workdays.numpy_wrong",
            "value": wrong,
            "unit": "answers",
            "budget": "report",
            "note": "numpy cannot express working weekend days (swapped Saturdays)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
