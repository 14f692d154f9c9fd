"""The Python-made HTML of the lists' hot parts is exactly what Django's templates make:
dialogue.forms.Select against forms.Select, dialogue.display against the template filters."""

import unicodedata
from datetime import date

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dialogue import display
from dialogue.forms import Select

CHOICES = [
    ("", gettext_lazy("All")),
    (1, "Đất đai & <môi trường>"),
    ("a\"b'c", 'Quote\'s "label"'),
    (3, 2026),
    (
        "Nhóm <1>",
        [(10, "Mười"), (11, mark_safe("<b>đậm</b>"))],
    ),
    (12, "Cuối"),
]

ATTRS = [
    {},
    {"class": "form-select", "id": "id_x"},
    {"required": True, "disabled": False, "data-n": 0, "aria-label": "Chọn <đơn vị>"},
    {"data-safe": mark_safe("&amp;"), "title": gettext_lazy("All")},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", 1, "1", 11, [1, 12], "a\"b'c", "missing"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_select_renders_as_django(attrs, value, language):
    with translation.override(language):
        ours = Select(attrs=attrs, choices=CHOICES).render("field<x>", value, {"id": "id_f"})
        django = forms.Select(attrs=attrs, choices=CHOICES).render(
            "field<x>", value, {"id": "id_f"}
        )
    assert ours == django


def test_select_with_other_templates_renders_through_them():
    class Custom(Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Plain(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    assert Custom(choices=CHOICES).render("f", 1) == Plain(choices=CHOICES).render("f", 1)


def test_every_styled_forms_plain_select_is_ours_with_djangos_html():
    from dialogue.forms import StyledForm

    class Filter(StyledForm, forms.Form):
        status = forms.ChoiceField(choices=CHOICES, required=False)
        kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)

    form = Filter(data={"status": "1"})
    assert type(form.fields["status"].widget) is Select
    assert type(form.fields["kind"].widget) is forms.RadioSelect
    django = forms.Select(attrs={"class": "form-select"}, choices=CHOICES)
    assert str(form["status"]) == django.render("status", "1", {"id": "id_status"})


TEXTS = [
    "",
    "ngắn",
    "Đề nghị xem xét mức bồi thường, hỗ trợ khi thu hồi đất làm đường liên xã " * 3,
    unicodedata.normalize("NFD", "Đề nghị sửa chữa kênh mương nội đồng bị sạt lở " * 4),
    "x" * 100,
    "x" * 101,
    "e\u0301" * 120,  # combining marks NFC composes
    "q\u0323\u0302" * 60 + "y" * 60,  # combining marks NFC cannot compose onto q
    "<script>&amp;</script> " * 10,
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length", [1, 2, 60, 100])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_truncate_chars_is_truncatechars(text, length, language):
    template = Template("{{ text|truncatechars:length }}")
    with translation.override(language):
        expected = template.render(Context({"text": text, "length": length}, autoescape=False))
        assert display.chars_truncator(length)(text) == expected


def test_day_is_the_date_filter():
    template = Template('{{ d|date:"d/m/Y" }}')
    for d in (date(2026, 1, 5), date(2026, 12, 31), date(2000, 2, 29)):
        assert display.day(d) == template.render(Context({"d": d}))
    assert display.day(None) == ""


@pytest.mark.parametrize("pk", [1, 7, 918273645, 10**12])
def test_url_for_pk_is_reverse(pk):
    assert display.url_for_pk("assignment-detail")(pk) == reverse("assignment-detail", args=[pk])


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("value", [0, 7, 912879, 1234567])
def test_number_is_how_the_template_shows_an_integer(settings, grouped, value):
    settings.USE_THOUSAND_SEPARATOR = grouped
    with translation.override("vi"):
        assert display.number(value) == Template("{{ v }}").render(Context({"v": value}))


FILL_VALUES = [
    "plain",
    "<script>alert('x') & \"y\"</script>",
    mark_safe("<b>safe</b>"),
    gettext_lazy("All"),
    7,
    None,
    "",
]


@pytest.mark.parametrize("value", FILL_VALUES)
def test_fill_escapes_as_format_html(value):
    from django.utils.html import format_html

    template = '<td title="{}">{}</td>'
    with translation.override("vi"):
        assert display.fill(template, value, value) == format_html(template, value, value)


@pytest.mark.django_db
def test_the_field_filter_reads_its_rows_once_to_check_and_offer(django_assert_num_queries):
    from followups.forms import ShortModelChoiceField
    from petitions.models import Field

    active = list(Field.objects.filter(is_active=True))
    assert active

    class Form(forms.Form):
        field = ShortModelChoiceField(queryset=Field.objects.filter(is_active=True), required=False)

    with django_assert_num_queries(1):
        form = Form({"field": str(active[0].pk)})
        assert form.is_valid() and form.cleaned_data["field"] == active[0]
        html = str(form["field"])
    assert html.count("<option") == len(active) + 1
    for wrong in ("0", "x", str(max(f.pk for f in Field.objects.all()) + 1)):
        form = Form({"field": wrong})
        assert not form.is_valid() and form.errors["field"]
    assert Form({"field": ""}).is_valid()
