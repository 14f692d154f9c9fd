"""The demo's one loader: one JSON file per source document, turned into typed specs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from dialogue import demo_data


@dataclass(frozen=True)
class Inner:
    on: date
    note: str = ""


@dataclass(frozen=True)
class Outer:
    text: str
    when: date | None = None
    items: tuple[Inner, ...] = ()
    pair: tuple[str, date] | None = None


def test_build_converts_dates_nested_specs_and_line_lists():
    built = demo_data.build(
        Outer,
        {
            "text": ["- first line", "- second line"],
            "when": "2018-06-14",
            "items": [{"on": "2017-03-25", "note": "x"}],
            "pair": ["invitations", "2024-11-20"],
        },
    )
    assert built == Outer(
        text="- first line\n- second line",
        when=date(2018, 6, 14),
        items=(Inner(on=date(2017, 3, 25), note="x"),),
        pair=("invitations", date(2024, 11, 20)),
    )


def test_build_refuses_a_misspelt_field():
    with pytest.raises(ValueError, match="unknown field"):
        demo_data.build(Inner, {"on": "2017-03-25", "nota": "typo"})


def test_one_file_per_source_document():
    sources = [d["source"] for d in demo_data.documents()]
    assert sources == sorted(sources) and len(sources) == 5
    assert all(d["plans"] for d in demo_data.documents())
    sessions_held = {
        s["key"]
        for d in demo_data.documents()
        for plan in d["plans"]
        for s in plan["sessions"]
        if s["status"] == "held"
    }
    assert {key for key, _ in demo_data.section("minutes")} == sessions_held
