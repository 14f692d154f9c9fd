"""QR codes as inline SVG (segno): printed sheets link back to their public page."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, title: str = "") -> SafeString:
    """An SVG QR code for `url`, sized by CSS (viewBox, no width/height)."""
    code = segno.make(url, error="m")
    # segno escapes the title; the rest of the markup is its own.
    return mark_safe(code.svg_inline(scale=4, omitsize=True, title=title or None))  # noqa: S308
