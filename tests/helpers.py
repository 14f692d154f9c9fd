"""Small helpers for page tests: messages as a page shows them, and the block of one form field."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.html import escape

HANOI_TZ = "+07:00"


def in_language(language: str, message, **params) -> str:
    """`message` (a lazy constant of a service or form) in `language`, with its parameters."""
    with translation.override(language):
        text = str(message)
        if params:
            text = text % {key: str(value) for key, value in params.items()}
    return text


def shown(message, **params) -> str:
    """`message` as the (Vietnamese) pages show it: translated and HTML-escaped."""
    return escape(in_language("vi", message, **params))


def english(message, **params) -> str:
    return in_language("en", message, **params)


def field_block(html: str, name: str) -> str:
    """The `<div class="mb-3">` block that _form_fields.html renders for the field `name`:
    its label, widget, errors and help text, and nothing of the other fields."""
    blocks = [b for b in html.split('<div class="mb-3">') if f'name="{name}"' in b]
    assert len(blocks) == 1, f"expected one block for the field {name!r}, found {len(blocks)}"
    return blocks[0]


def field_errors(html: str, name: str) -> list[str]:
    """The error texts shown under the field `name` (still HTML-escaped)."""
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', field_block(html, name))


def widget_tag(html: str, name: str) -> str:
    tag = re.search(rf'<[^>]*name="{re.escape(name)}"[^>]*>', field_block(html, name))
    assert tag is not None
    return tag.group(0)


def widget_is_invalid(html: str, name: str) -> bool:
    """Marked for assistive technology (aria-invalid) and styled as invalid (is-invalid)."""
    tag = widget_tag(html, name)
    return 'aria-invalid="true"' in tag and "is-invalid" in tag


def widget_is_aria_invalid(html: str, name: str) -> bool:
    return 'aria-invalid="true"' in widget_tag(html, name)
