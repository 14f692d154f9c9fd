"""A list's rows made in Python once per page instead of by template tags per row.

A 50-row list spent most of its time in per-row `{% url %}`, `truncatechars`, `date` and the
row's own variable tags: each a few to tens of microseconds in the template engine, times 50.
These helpers give the same text and the same escaped HTML (tests/dialogue/
test_list_rendering.py compares them with the template filters and format_html) at a fraction
of the cost.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length


def chars_truncator(length: int) -> Callable[[str], str]:
    """`{{ text|truncatechars:length }}` (Django's Truncator.chars) for the many texts of a
    page, in the active language: the kept length is worked out once, and there is no
    per-character Python loop when none of the first length + 1 characters is a combining one
    (NFC Vietnamese text has none): then each of them counts, the text is longer than length,
    and the cut is a slice."""
    keep = calculate_truncate_chars_length(length, None)

    def truncate(text: str) -> str:
        if length <= 0:
            return ""
        text = unicodedata.normalize("NFC", text)
        if len(text) <= length:
            return text
        if any(map(unicodedata.combining, text[: length + 1])):
            return Truncator(text).chars(length)
        return add_truncation_text(text[:keep])

    return truncate


def number(value: int) -> str:
    """An integer as `{{ value }}` shows it. Without thousands grouping (USE_THOUSAND_SEPARATOR
    off, as here) localize() gives str(), at several times the cost."""
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def day(value: date | None) -> str:
    """A date as `{{ value|date:"d/m/Y" }}` shows it: 06/12/2026."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


#: A primary key no URL holds, reversed once and then replaced by each row's own.
_PK_SENTINEL = 918273645


def url_for_pk(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many rows: reversed once, the pk put in place after."""
    prefix, _, suffix = reverse(name, args=[_PK_SENTINEL]).rpartition(str(_PK_SENTINEL))
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


def _escaped(value) -> str:
    """conditional_escape(value): a safe string as it is, anything else as text, escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def fill(template: str, *args) -> SafeString:
    """format_html(template, *args) for a list's rows: each argument escaped as
    conditional_escape does, without the lazy-string check format_html makes around every
    value (at 50 rows of 9 values, it cost several times the escaping itself). `template` is
    a constant of the code, never data."""
    return SafeString(template.format(*map(_escaped, args)))
