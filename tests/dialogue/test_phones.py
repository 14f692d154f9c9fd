"""Vietnamese phone numbers: checked on every form with one, stored as 10 digits (issue 13)."""

import pytest
from django.core.exceptions import ValidationError

from dialogue.phones import PHONE_INVALID, normalise_phone


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("  ", ""),
        ("", ""),
    ],
)
def test_numbers_are_stored_as_ten_digits(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["091234567", "09123456789", "912345678", "+8409123456789", "0912-abc-678", "📞0912345678"],
)
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(typed)
    assert caught.value.messages == [str(PHONE_INVALID)]
