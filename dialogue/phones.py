"""Vietnamese phone numbers: checked, and stored one way ("0912345678") whatever was typed."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_INVALID = _(
    "Enter a Vietnamese phone number: 10 digits starting with 0 (0912 345 678) or +84 followed "
    "by 9 digits."
)
_SEPARATORS = re.compile(r"[\s.]")
_NATIONAL = re.compile(r"0\d{9}")
_INTERNATIONAL = re.compile(r"\+84(\d{9})")


def normalise_phone(value: str) -> str:
    """The number as stored: 10 digits starting with 0; "" for no number. Spaces and dots
    typed between digits are dropped, +84 becomes 0. Anything else raises ValidationError."""
    compact = _SEPARATORS.sub("", value or "")
    if not compact:
        return ""
    if _NATIONAL.fullmatch(compact):
        return compact
    if match := _INTERNATIONAL.fullmatch(compact):
        return f"0{match.group(1)}"
    raise ValidationError(PHONE_INVALID, code="invalid_phone")


class PhoneField(forms.CharField):
    """A form field for every phone the product takes: checked and normalised."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        return normalise_phone(super().clean(value))
