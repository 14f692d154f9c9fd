import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext_lazy as _

from dialogue.emoji import refuse_emoji
from dialogue.models import CalendarException
from dialogue.services import CALENDAR_DAY_TAKEN
from dialogue.workdays import FIRST_YEAR, LAST_YEAR

OFFSET_ZERO = _("The number of days cannot be 0: use +N for after, -N for before.")
YEAR_OUT_OF_RANGE = _("The calendar covers the years %(first)s to %(last)s.")


class StyledForm:
    """Give widgets Bootstrap classes and mark invalid fields, so templates stay plain loops.

    Every date it shows is also bounded by the working-day calendar's years: a date outside them
    could be saved but never counted, and every page counting from it would fail. Its text is
    official (it goes into the documents, whose font has no emoji): emoji are refused, unless
    the form says otherwise (`official_text = False`, the lists' search boxes).
    """

    official_text = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_the_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                # Django puts a choice widget's class on its container too: no class here, the
                # choices are laid out by the template's fieldset (.choice-group in app.css).
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                if type(widget) is forms.Select:
                    # The same HTML, made without a template per option (Select below).
                    widget.__class__ = Select
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def _add_validators(self) -> None:
        # At validation, not in __init__: fields a subclass adds after it are checked too.
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                if _check_year not in field.validators:
                    field.validators.append(_check_year)
            if self.official_text and isinstance(field, forms.CharField):
                if refuse_emoji not in field.validators:
                    field.validators.append(refuse_emoji)

    def full_clean(self):
        self._add_validators()
        super().full_clean()
        # Errors are known only now; mark the fields that have them.
        self._mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        # Errors a service raises after validation (apply_service_errors) are marked too.
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


#: How long a list's filter form is reused from the cache (dialogue_tags.cached_filter_form).
FILTER_FORM_SECONDS = 60


def keep_filter_form(form: forms.BaseForm, user, scope, *depends_on) -> None:
    """Name a list's filter form in the cache (its `fragment_key`), so that its HTML, whose
    options cost a query each (the fields, the agencies, whether the unit picker searches), is
    made once a minute, not on every page. The HTML depends on the user and their `scope`
    (access.Scope: which units and agencies it offers), the values typed into the form, what
    the caller adds (`depends_on`) and the language (added by the tag). Its options are names,
    which may show up to FILTER_FORM_SECONDS after a rename; what the filters accept and the
    rows listed never come from the cache."""
    data = form.data
    typed = tuple(
        (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name))
        for name in form.fields
    )
    parts = (user.pk, scope.key, typed, depends_on)
    form.fragment_key = hashlib.sha256(repr(parts).encode()).hexdigest()


#: What an unchosen select reads, instead of Django's "---------" (lists' filters say "Tất cả").
EMPTY_CHOICE = _("— Choose —")
_DJANGO_DASHES = "---------"


def _name_the_empty_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DJANGO_DASHES:
            field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", _DJANGO_DASHES):
            field.choices = [("", EMPTY_CHOICE), *choices[1:]]


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (the rest on top), so the
    user's typed data stays in the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


#: What staff type, whatever the browser's language: 06/12/2026 is 6 December 2026.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"
DATETIME_PATTERN = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"
PICK_DATE = _("Choose from a calendar")


class DateInput(forms.DateInput):
    """A text field in dd/mm/yyyy (a native date field shows the browser's locale, mm/dd/yyyy
    in an English Chromium). static/js/datepicker.js adds a calendar button beside it that
    fills the field in the same format."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "pattern": DATE_PATTERN,
            "autocomplete": "off",
            "data-datepicker": "date",
            "data-picker-label": PICK_DATE,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or "%d/%m/%Y")


class DateTimeInput(forms.DateTimeInput):
    """A text field in "dd/mm/yyyy HH:MM", with the same calendar button (date and time)."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):
        defaults = {
            "placeholder": "dd/mm/yyyy HH:MM",
            "inputmode": "numeric",
            "pattern": DATETIME_PATTERN,
            "autocomplete": "off",
            "data-datepicker": "datetime",
            "data-picker-label": PICK_DATE,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or "%d/%m/%Y %H:%M")


def _check_year(value):
    if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            YEAR_OUT_OF_RANGE, params={"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


class DeadlineCalculatorForm(StyledForm, forms.Form):
    UNITS = [("working", _("working days")), ("calendar", _("days"))]

    start = forms.DateField(label=_("From the date"), widget=DateInput())
    offset = forms.IntegerField(
        label=_("Number of days"),
        help_text=_("+N: N days after the date; -N: N days before it."),
        min_value=-3650,
        max_value=3650,
    )
    unit = forms.ChoiceField(label=_("Counted in"), choices=UNITS, initial="working")

    def clean_start(self):
        return _check_year(self.cleaned_data["start"])

    def clean_offset(self):
        offset = self.cleaned_data["offset"]
        if offset == 0:
            raise forms.ValidationError(OFFSET_ZERO)
        return offset


class CalendarExceptionForm(StyledForm, forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name and the time."),
    )

    class Meta:
        model = CalendarException
        fields = ["day", "kind", "name", "source", "note"]
        widgets = {"day": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"day": {"unique": CALENDAR_DAY_TAKEN}}

    def clean_day(self):
        return _check_year(self.cleaned_data["day"])

    def service_fields(self) -> dict:
        """Keyword arguments for services.calendar_exception_save (besides actor, exception)."""
        data = self.cleaned_data
        fields = ["reason", "day", "kind", "name", "source", "note"]
        return {name: data.get(name, "") for name in fields}


class ReasonForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OneTimeCodeForm(StyledForm, forms.Form):
    """The second step of signing in: a 6-digit code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_("The 6 digits your authenticator app shows now, or a recovery code."),
    )


#: Up to this many units a picker is a plain select; beyond it, a search box fills the select.
UNIT_PICKER_LIMIT = 50


def _as_text(value) -> str:
    """`{{ value|stringformat:"s" }}`: the value as text, escaped unless it was safe already."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for
    False; names and values escaped."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's Select with the same HTML made in Python: its templates include one template
    per option and another per option's attributes, the larger part of a list page's filter
    form. The context (choices, selection, attributes) is still Django's get_context; a
    subclass with other templates renders through them (tests/dialogue/test_list_rendering.py
    compares both outputs)."""

    def _render(self, template_name, context, renderer=None):
        if (
            template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
        ):
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"',
            _attrs_html(widget["attrs"]),
            ">",
        ]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{_as_text(option["value"])}"'
                    f"{_attrs_html(option['attrs'])}>"
                    f"{conditional_escape(localize(option['label']))}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Every piece above is escaped (conditional_escape) or a fixed literal.
        return SafeString("".join(parts))


class UnitPicker(Select):
    """The unit field of a form whose scope may hold the whole register (3,321 communes).

    A small scope renders as a plain select. A large one renders a search box and a select that
    holds only the chosen unit; typing asks `unit-search` (HTMX) for the first matches by folded
    name, in the same scope. Validation is unchanged: the field's queryset is the whole scope.
    """

    def __init__(self, *, role: str = "", attrs=None):
        super().__init__(attrs)
        self.role = role

    def render(self, name, value, attrs=None, renderer=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().render(name, value, attrs, renderer)
        # Whether the scope is large, asked without its order: the database stops at the
        # first UNIT_PICKER_LIMIT + 1 units instead of sorting the whole scope (a national one:
        # 3,400 paths sorted for every page that shows the picker).
        large = queryset.order_by().values_list("pk", flat=True)[UNIT_PICKER_LIMIT:].exists()
        if not large:
            units = list(queryset)
            iterator = self.choices
            empty = iterator.field.empty_label
            self.choices = ([("", empty)] if empty is not None else []) + [
                iterator.choice(unit) for unit in units
            ]
            return super().render(name, value, attrs, renderer)
        chosen = queryset.filter(pk=value).first() if value not in (None, "") else None
        # The field's own empty choice ("Tất cả" in a filter, "— Chọn —" where one is required).
        empty = getattr(getattr(self.choices, "field", None), "empty_label", None) or EMPTY_CHOICE
        self.choices = [("", empty)] + (
            [(chosen.pk, unit_label(chosen))] if chosen is not None else []
        )
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        url = reverse("unit-search") + (f"?role={self.role}" if self.role else "")
        search = format_html(
            '<input type="search" name="q" form="" class="form-control form-control-sm mb-1" '
            'autocomplete="off" placeholder="{}" aria-label="{}" aria-controls="{}" '
            'hx-get="{}" hx-trigger="input changed delay:300ms, search" hx-target="#{}" '
            'hx-swap="innerHTML">',
            _("Type part of the name, without accents if you like"),
            _("Search a unit by name"),
            select_id,
            url,
            select_id,
        )
        return format_html("{}{}", search, select)


def unit_label(unit) -> str:
    """A unit as a picker offers it: names repeat across provinces, so the parent comes too."""
    name = unit.display_name_with_successor
    parent = getattr(unit, "parent", None) if unit.parent_id else None
    return f"{name} — {parent.name}" if parent is not None else name


class LegalHoldForm(forms.Form):
    """Place (hold=1, with a reason) or lift (hold=0) the legal hold of a session or petition.
    The page renders it by hand (templates/_legal_hold.html)."""

    hold = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    reason = forms.CharField(max_length=300, required=False)

    def apply_service_errors(self, error: ValidationError) -> None:
        """The services name the model's field (legal_hold_reason): shown beside `reason`."""
        if hasattr(error, "error_dict") and "legal_hold_reason" in error.error_dict:
            error = ValidationError(
                {
                    ("reason" if name == "legal_hold_reason" else name): errors
                    for name, errors in error.error_dict.items()
                }
            )
        apply_service_errors(self, error)
