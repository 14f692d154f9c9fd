"""The demo's content, one JSON file per source document (shared/seeds/), and its one loader.

Each file holds what its document describes: the plan and its sessions (sessions), the petitions
collected before them (petitions), the conclusion notices and what became of the assignments
(followups), the minutes as the secretaries kept them, and the unit's secretaries. Each app's
`demo.py` asks `section()` for its part and turns it into its typed specs with `build()`; the
writes then go through that app's services. This module reads files only: it knows no other app.

In the files, dates are ISO strings ("2018-06-14"), and a text field may be a list of lines (it
is joined with newlines), so multi-line fields read as they print.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

DIRECTORY = Path(__file__).resolve().parent

T = TypeVar("T")


@cache
def documents() -> tuple[dict, ...]:
    """Every data file, in file-name order (the order of the source documents)."""
    return tuple(
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DIRECTORY.glob("*.json"))
    )


def section(name: str) -> list:
    """The items of section `name` of every document, in document order.

    A section is a list (plans, notices) or a mapping by session key (petitions, minutes); a
    mapping's items are (key, value) pairs."""
    items: list = []
    for document in documents():
        value = document.get(name)
        if isinstance(value, dict):
            items.extend(value.items())
        elif value:
            items.extend(value)
    return items


def build(cls: type[T], data: Any) -> T:
    """A `cls` dataclass from its JSON form, converting dates, nested specs and line lists."""
    return _convert(cls, data)


def _convert(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"{kind.__name__}: unknown field(s) {sorted(unknown)}")
        return kind(**{name: _convert(hints[name], v) for name, v in value.items()})
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _convert(options[0], value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
    if origin is list:
        return [_convert(args[0], v) for v in value]
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()}
    if kind is date:
        return date.fromisoformat(value)
    if kind is str and isinstance(value, list):
        return "\n".join(value)
    return value
