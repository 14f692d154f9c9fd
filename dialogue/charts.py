"""Small server-side SVG charts: the same chart on the page, on paper, offline and in the PDF.

The geometry is computed here (pure Python, no Django), the SVG is a template rendered with
autoescaping, so a unit or field name can never inject markup. Every chart carries a <title> and
a <desc>, and the page shows its numbers as a table beside it for screen readers. Colours come
from CSS classes (no style attributes: the CSP forbids them).

pygal was not available in the shared environment; these two shapes are all the dashboard and the
annual report need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 190
BAR_AREA = 300
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    y: int
    width: int
    text_y: int


@dataclass
class Chart:
    """What a page needs: the SVG and the same numbers as table rows."""

    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


def _shown(value: float, suffix: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{suffix}".replace(".", ",")
    return f"{int(value)}{suffix}"


def bar_geometry(items: list[tuple[str, float]], *, maximum: float | None = None, suffix=""):
    top = maximum if maximum is not None else max((v for _l, v in items), default=0)
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(BAR_AREA * value / top) if top else 0
        bars.append(Bar(label, value, _shown(value, suffix), y, max(width, 0), y + BAR_HEIGHT - 4))
    height = max(len(items), 1) * (BAR_HEIGHT + BAR_GAP)
    return bars, height


def bar_chart(
    title: str,
    items: list[tuple[str, float]],
    *,
    headers: tuple[str, str],
    maximum: float | None = None,
    suffix: str = "",
) -> Chart:
    """Horizontal bars, one per (label, value), longest label 30 characters."""
    bars, height = bar_geometry(items, maximum=maximum, suffix=suffix)
    svg = render_to_string(
        "dialogue/_chart_bars.svg",
        {
            "title": title,
            "bars": bars,
            "height": height,
            "width": LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
            "label_width": LABEL_WIDTH,
            "value_x": LABEL_WIDTH + BAR_AREA + 6,
            "bar_height": BAR_HEIGHT,
        },
    )
    return Chart(title, svg, headers, [(b.label, b.shown) for b in bars])


@dataclass(frozen=True)
class Column:
    label: str
    x: int
    a: int
    a_y: int
    b: int
    b_y: int
    label_x: int
    a_value: int
    b_value: int


PLOT_HEIGHT = 160
SLOT = 44
BAR_WIDTH = 16
LEFT = 36


def paired_columns(
    title: str,
    months: list[tuple[str, int, int]],
    *,
    headers: tuple[str, str, str],
) -> Chart:
    """Two series side by side per slot (received and resolved per month)."""
    top = max((max(a, b) for _label, a, b in months), default=0) or 1
    columns = []
    for index, (label, a, b) in enumerate(months):
        x = LEFT + index * SLOT
        ha, hb = round(PLOT_HEIGHT * a / top), round(PLOT_HEIGHT * b / top)
        columns.append(
            Column(label, x, ha, PLOT_HEIGHT - ha, hb, PLOT_HEIGHT - hb, x + BAR_WIDTH, a, b)
        )
    svg = render_to_string(
        "dialogue/_chart_columns.svg",
        {
            "title": title,
            "columns": columns,
            "width": LEFT + len(months) * SLOT + 10,
            "height": PLOT_HEIGHT + 40,
            "plot_height": PLOT_HEIGHT,
            "bar_width": BAR_WIDTH,
            "top": top,
            "series": headers[1:],
            "legend_y": PLOT_HEIGHT + 34,
        },
    )
    return Chart(title, svg, headers, [(label, a, b) for label, a, b in months])
