"""Help texts and errors are tied to their fields: every id a widget's aria-describedby names is
printed by the shared form templates, and a field with errors is marked aria-invalid."""

import re

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from dialogue.forms import DeadlineCalculatorForm, StyledForm


def described_ids(html: str, name: str) -> list[str]:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html)
    assert tag is not None, name
    match = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return match.group(1).split() if match else []


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_help_text_and_error_ids_exist_in_the_shared_form_template():
    form = DeadlineCalculatorForm({"start": "06/12/2026", "offset": "0", "unit": "working"})
    assert not form.is_valid()
    html = render_to_string("_form_fields.html", {"form": form})

    ids = described_ids(html, "offset")
    assert ids == ["id_offset_helptext", "id_offset_error"]
    assert set(ids) <= ids_in(html)
    tag = re.search(r'<input[^>]*name="offset"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag
    # The error element holds the error text; the help element holds the help text.
    error_block = html.split('id="id_offset_error"')[1].split("</div></div>")[0]
    assert str(form.errors["offset"][0]) in error_block
    assert str(form.fields["offset"].help_text) in html.split('id="id_offset_helptext"')[1]
    # A valid field with no help text points nowhere.
    assert described_ids(html, "unit") == []


class _Filter(StyledForm, forms.Form):
    q = forms.CharField(required=False, help_text="Name or part of it")
    year = forms.IntegerField(required=False, min_value=2000)


def test_filter_form_ties_help_and_errors_too():
    form = _Filter({"q": "x", "year": "1"}, auto_id="f_%s")
    assert not form.is_valid()
    html = render_to_string("_filter_form.html", {"filter_form": form})
    for name in ("q", "year"):
        ids = described_ids(html, name)
        assert ids, name
        assert set(ids) <= ids_in(html), name
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)


def test_deadline_calculator_page_points_only_at_ids_it_prints(world, login):
    client = login(world.organiser_a)
    page = client.get(reverse("deadline-calculator"), {"start": "06/12/2026", "offset": "0"})
    html = page.content.decode()
    ids = ids_in(html)
    described = re.findall(r'aria-describedby="([^"]*)"', html)
    assert described
    for value in described:
        assert set(value.split()) <= ids, value
