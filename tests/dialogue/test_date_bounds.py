"""Every date a form takes is checked against the years the calendar can count (issue 13)."""

import pytest
from django import forms
from django.utils import translation

from dialogue.forms import StyledForm
from dialogue.workdays import FIRST_YEAR, LAST_YEAR


class _Form(StyledForm, forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField()


@pytest.mark.parametrize(
    "day, at",
    [("01/01/1900", "01/01/1900 08:00"), ("31/12/9999", "31/12/9999 08:00")],
)
def test_dates_outside_the_calendar_are_refused_on_their_field(day, at):
    with translation.override("vi"):
        form = _Form({"day": day, "at": at})
        assert not form.is_valid()
        expected = f"Lịch chỉ tính cho các năm từ {FIRST_YEAR} đến {LAST_YEAR}."
        assert form.errors["day"] == [expected]
        assert form.errors["at"] == [expected]
        assert "is-invalid" in form.fields["day"].widget.attrs["class"]


def test_dates_inside_the_calendar_pass():
    form = _Form({"day": "15/02/2026", "at": "15/02/2026 08:00"})
    assert form.is_valid(), form.errors
