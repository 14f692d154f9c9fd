"""Server-side SVG charts (pygal): the same chart on the page, on paper, offline and in the PDF.

pygal draws the SVG without a declaration and without JavaScript (`js=[]`, and its inline
configuration script removed), in our colours on
white, so it prints; its text goes through its XML writer, which escapes it, so a unit or field
name can never inject markup. Each SVG carries a <title> and a <desc> (escaped here) and the page
shows its numbers as a table beside it for screen readers (Chart.rows).

Drawing a chart of a hundred bars costs pygal tens of milliseconds, so the SVG of the same
numbers is kept in the cache for a day: a dashboard viewed again draws nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field

import pygal
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

BAR_HEIGHT = 22
WIDTH = 640
CACHE_SECONDS = 24 * 3600
#: Bump when the drawing changes: cached SVGs of the old drawing are then left to expire.
DRAWING_VERSION = 2

#: The app's colours (static/css/app.css): primary blue, success green; black text on white.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    opacity="1",
    opacity_hover="1",
    colors=("#0d6efd", "#198754", "#dc3545", "#6c757d"),
    font_family="'Noto Sans', 'DejaVu Sans', Arial, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=10,
    value_label_font_size=10,
    legend_font_size=11,
    title_font_size=13,
    no_data_font_size=13,
)


@dataclass
class Chart:
    """What a page needs: the SVG and the same numbers as table rows."""

    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


def _shown(value: float, suffix: str = "") -> str:
    """12 → "12", 33.3 → "33,3" (the Vietnamese decimal comma), with the suffix."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{suffix}".replace(".", ",")
    return f"{int(value)}{suffix}"


def _ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 to past `top`, at most six (a count has no 0,2)."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if top / step <= 5:
                last = max(math.ceil(top / step), 1) * step
                return list(range(0, last + 1, step))
        magnitude *= 10


def _config(**options) -> dict:
    return {
        "style": STYLE,
        "disable_xml_declaration": True,
        "js": [],
        "width": WIDTH,
        "explicit_size": True,
        "show_legend": False,
        "print_values": True,
        "truncate_label": 30,
        "no_data_text": _("No data."),
        "margin": 8,
        **options,
    }


#: pygal always writes its configuration as an inline script (even with js=[]): nothing runs it
#: here, and the page's CSP would refuse it. Its text is XML-escaped, so the first closing tag
#: is the element's own.
PYGAL_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _accessible(svg: str, title: str, description: str) -> SafeString:
    """Mark the root as an image named by its title, with its numbers as the description; drop
    pygal's script."""
    head, rest = PYGAL_SCRIPT.sub("", svg).split(">", 1)
    head = head.replace('class="pygal-chart"', 'class="pygal-chart chart"', 1)
    return mark_safe(  # noqa: S308 — pygal escapes its text, ours is escaped here
        f'{head} role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{rest}"
    )


def _cached(kind: str, payload: dict, draw) -> SafeString:
    key = hashlib.sha256(
        json.dumps(
            [DRAWING_VERSION, kind, get_language(), payload], ensure_ascii=False, default=str
        ).encode()
    ).hexdigest()
    cache_key = f"chart:{key}"
    svg = cache.get(cache_key)
    if svg is None:
        svg = str(draw())
        cache.set(cache_key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 — made by _accessible


def bar_chart(
    title: str,
    items: list[tuple[str, float]],
    *,
    headers: tuple[str, str],
    maximum: float | None = None,
    suffix: str = "",
) -> Chart:
    """Horizontal bars, one per (label, value), labels cut at 30 characters."""
    items = [(str(label), value) for label, value in items]

    def draw() -> SafeString:
        chart = pygal.HorizontalBar(
            **_config(
                height=max(len(items), 1) * BAR_HEIGHT + 60,
                range=(0, maximum) if maximum is not None else None,
                y_labels=None
                if maximum is not None
                else _ticks(max((v for _l, v in items), default=0)),
                value_formatter=lambda v: _shown(v, suffix),
            )
        )
        # pygal draws the first label at the bottom: reversed, the list reads top down.
        chart.x_labels = [label for label, _value in reversed(items)]
        chart.add(headers[1], [value for _label, value in reversed(items)])
        description = "; ".join(f"{label}: {_shown(value, suffix)}" for label, value in items)
        return _accessible(chart.render(is_unicode=True), title, description)

    svg = _cached(
        "bars", {"t": title, "items": items, "max": maximum, "suffix": suffix, "h": headers}, draw
    )
    return Chart(title, svg, headers, [(label, _shown(value, suffix)) for label, value in items])


def paired_columns(
    title: str,
    months: list[tuple[str, int, int]],
    *,
    headers: tuple[str, str, str],
) -> Chart:
    """Two series side by side per slot (received and resolved per month), with a legend."""
    months = [(str(label), a, b) for label, a, b in months]

    def draw() -> SafeString:
        chart = pygal.Bar(
            **_config(
                height=260,
                show_legend=True,
                legend_at_bottom=True,
                print_values=False,
                y_labels=_ticks(max((max(a, b) for _l, a, b in months), default=0)),
                value_formatter=lambda v: _shown(v),
            )
        )
        chart.x_labels = [label for label, _a, _b in months]
        chart.add(headers[1], [a for _label, a, _b in months])
        chart.add(headers[2], [b for _label, _a, b in months])
        description = "; ".join(f"{label}: {a} / {b}" for label, a, b in months)
        return _accessible(chart.render(is_unicode=True), title, description)

    svg = _cached("columns", {"t": title, "months": months, "h": headers}, draw)
    return Chart(title, svg, headers, months)
