"""The pygal charts (dialogue.charts): escaped, accessible, no script, printable into a PDF."""

from __future__ import annotations

import re

from django.core.cache import cache
from weasyprint import HTML

from dialogue.charts import bar_chart, paired_columns
from tests.pdf import pdf_text


def test_user_text_is_escaped_everywhere():
    chart = bar_chart(
        'Tỉ lệ <b>"x"</b>', [("<script>alert(1)</script>", 3), ("Xã Á & B", 1)], headers=("a", "b")
    )
    assert "<script" not in chart.svg and "<b>" not in chart.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart.svg
    assert "Xã Á &amp; B" in chart.svg
    assert chart.rows == [("<script>alert(1)</script>", "3"), ("Xã Á & B", "1")]


def test_svg_is_an_accessible_image_without_script_or_declaration():
    chart = paired_columns(
        "Ý kiến theo tháng", [("01", 4, 1), ("02", 0, 3)], headers=("Tháng", "Nhận", "Xong")
    )
    svg = str(chart.svg)
    assert svg.startswith("<svg ") and "<?xml" not in svg
    root = svg.split(">", 1)[0]
    assert 'role="img"' in root and 'aria-label="Ý kiến theo tháng"' in root
    assert 'class="pygal-chart chart"' in root
    assert "<title>Ý kiến theo tháng</title>" in svg
    assert "<desc>01: 4 / 1; 02: 0 / 3</desc>" in svg
    assert "<script" not in svg and "pygal-tooltips" not in svg
    # Whole-number ticks for counts, the legend in Vietnamese, on white.
    ticks = re.findall(r'<text[^>]*class="(?:major|)"[^>]*>([^<]*)</text>', svg)
    assert "0,5" not in ticks and "4" in ticks
    assert ">Nhận<" in svg and ">Xong<" in svg
    assert "#ffffff" in svg and "#0d6efd" in svg


def test_same_numbers_same_svg_from_the_cache():
    cache.clear()
    first = bar_chart("T", [("A", 1)], headers=("a", "b"))
    assert bar_chart("T", [("A", 1)], headers=("a", "b")).svg == first.svg
    assert bar_chart("T", [("A", 2)], headers=("a", "b")).svg != first.svg


def test_weasyprint_draws_the_chart_into_the_pdf():
    chart = bar_chart(
        "Tỷ lệ đúng hạn",
        [("Xã Thanh Nưa", 75.0), ("Xã Hòa Sơn", 40.5)],
        maximum=100,
        suffix=" %",
        headers=("Đơn vị", "Đúng hạn"),
    )
    pdf = HTML(string=f"<html><body><p>Biểu đồ</p>{chart.svg}</body></html>").write_pdf()
    text = pdf_text(pdf)
    # Drawn by the SVG renderer: the bars' labels, their values and the axis.
    for fragment in ("Xã Thanh Nưa", "Xã Hòa Sơn", "40,5 %", "100 %"):
        assert fragment in text, fragment
