"""Forms validate and normalise; followups.services saves."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dialogue.forms import DateInput, StyledForm, UnitPicker, apply_service_errors
from dialogue.models import AdministrativeUnit, Agency
from followups import annual_report, services
from followups.models import AnnualReport, Assignment, ConclusionNotice, Response
from followups.unresolved import proposed_agencies
from petitions.models import Field, Petition


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.unit.name})"


# --- the conclusion notice -------------------------------------------------------------------


class NoticeForm(StyledForm, forms.ModelForm):
    """The draft's text and signature; the number and date are given again when issuing."""

    class Meta:
        model = ConclusionNotice
        fields = [*services.NOTICE_FIELDS]
        widgets = {
            "issued_on": DateInput(),
            "body": _textarea(16),
            "recipients": _textarea(4),
        }

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.NOTICE_FIELDS}


MINUTES_NOT_FINAL = _(
    "The minutes of this session are not finalised yet: the notice would be issued before them, "
    "and its history will say so."
)
CONFIRM_EARLY_REQUIRED = _(
    "The minutes are not finalised: tick this box to issue the notice before them."
)


class NoticeIssueForm(StyledForm, forms.Form):
    """Number and date of issue, and one agency choice per petition still to answer."""

    # The draft's form on the same page has a number and a date too: keep the ids apart.
    prefix = "issue"

    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=50,
        required=False,
        help_text=_("For example: 45/TB-UBND."),
    )
    issued_on = forms.DateField(label=_("Date of issue"), required=False, widget=DateInput())

    def __init__(self, *args, petitions, agencies, minutes_final: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not minutes_final:
            # Allowed, but never by accident: the organiser confirms it beside the warning.
            self.fields["confirm_early"] = forms.BooleanField(
                label=_("I understand, issue it anyway"),
                help_text=MINUTES_NOT_FINAL,
                error_messages={"required": CONFIRM_EARLY_REQUIRED},
            )
        # One list of agencies for every row: a queryset per row would be a query per petition.
        self.agencies = {str(agency.pk): agency for agency in agencies}
        choices = [(pk, agency_label(agency)) for pk, agency in self.agencies.items()]
        self.rows = []
        for petition in petitions:
            name = self.field_name(petition.pk)
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Responsible agencies"),
                choices=choices,
                required=False,
                initial=[str(agency.pk) for agency in proposed_agencies(petition)],
                widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
            )
            self.rows.append((petition, name))

    @staticmethod
    def field_name(petition_pk: int) -> str:
        return f"agencies_{petition_pk}"

    def header_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("number", "issued_on", "confirm_early") if name in self.fields
        ]

    def petition_rows(self) -> list[tuple[Petition, forms.BoundField]]:
        return [(petition, self[name]) for petition, name in self.rows]

    def allocations(self) -> dict[int, list[Agency]]:
        return {
            petition.pk: [self.agencies[pk] for pk in self.cleaned_data[name]]
            for petition, name in self.rows
        }

    def apply_service_errors(self, error: ValidationError) -> None:
        """As dialogue.forms.apply_service_errors, with each missing agency beside its petition
        (the service names the petition in the message's parameters)."""
        if hasattr(error, "error_dict") and "allocations" in error.error_dict:
            for item in error.error_dict["allocations"]:
                name = self.field_name((item.params or {}).get("number", 0))
                self.add_error(name if name in self.fields else None, item)
            rest = {k: v for k, v in error.error_dict.items() if k != "allocations"}
            if not rest:
                return
            error = ValidationError(rest)
        apply_service_errors(self, error)


# --- assignments -----------------------------------------------------------------------------


class AssignmentFilterForm(StyledForm, forms.Form):
    STATUS_CHOICES = [("", _("All")), *Assignment.Status.choices]

    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, initial=Assignment.Status.OPEN
    )
    pending_extension = forms.BooleanField(
        label=_("Extension waiting for a decision"), required=False
    )


def _attachment_help() -> str:
    # Interpolated when shown, in the language of the request (not once, at import).
    return gettext("Optional; at most %(limit)s MB.") % {"limit": services.MAX_ATTACHMENT_MB}


class ResponseForm(StyledForm, forms.Form):
    # Prefixed: the assignment's page holds several of these forms at once.
    prefix = "response"
    responded_on = forms.DateField(label=_("Date of response"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=Response.Method.choices)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=50,
        required=False,
        help_text=_("Required for a written response."),
    )
    text = forms.CharField(
        label=_("Content of the response"),
        widget=_textarea(5),
        error_messages={"required": services.RESPONSE_TEXT_REQUIRED},
    )
    attachment = forms.FileField(
        label=_("Signed document (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=lazy(_attachment_help, str)(),
    )

    def __init__(self, *args, upload_refused: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The file was over the limit and never read in full (dialogue.uploads).
        self.upload_refused = upload_refused

    def clean_attachment(self):
        if self.upload_refused:
            raise ValidationError(
                services.ATTACHMENT_TOO_LARGE, params={"limit": services.MAX_ATTACHMENT_MB}
            )
        return self.cleaned_data["attachment"]


class ExtensionForm(StyledForm, forms.Form):
    prefix = "extension"
    new_due_on = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=_textarea(3),
        error_messages={"required": services.EXTENSION_REASON_REQUIRED},
    )
    citizen_told_on = forms.DateField(
        label=_("Date the citizen was told"),
        widget=DateInput(),
        error_messages={"required": services.EXTENSION_CITIZEN_NOT_TOLD},
    )


class ForwardForm(StyledForm, forms.Form):
    prefix = "forward"
    level = forms.ChoiceField(label=_("Level of competence"), choices=())
    to_body = forms.CharField(
        label=_("Forwarded to"),
        max_length=300,
        error_messages={"required": services.FORWARD_BODY_REQUIRED},
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=50,
        error_messages={"required": services.FORWARD_DOCUMENT_REQUIRED},
    )
    forwarded_on = forms.DateField(label=_("Date of forwarding"), widget=DateInput())
    note = forms.CharField(label=_("Note"), widget=_textarea(2), required=False)

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = (
            services.FORWARD_LEVELS_FROM_TOP
            if unit.parent_id is None
            else services.FORWARD_LEVELS_FROM_LOCAL
        )
        self.fields["level"].choices = [
            (value, label) for value, label in Petition.Competence.choices if value in allowed
        ]


class AddAgencyForm(StyledForm, forms.Form):
    prefix = "add"
    agency = forms.ModelChoiceField(label=_("Another agency"), queryset=Agency.objects.none())

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class ExtensionDecisionForm(StyledForm, forms.Form):
    DECISIONS = [("accept", _("Accept")), ("refuse", _("Refuse"))]

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note on the decision"), max_length=1000, required=False)

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note", "").strip():
            self.add_error("note", services.EXTENSION_REFUSAL_REASON_REQUIRED)
        return data


# --- the overdue list ------------------------------------------------------------------------

#: At most this many agencies are offered in the agency filter.
UNIT_CHOICE_LIMIT = 300


class _ReadInOneQuery(forms.models.ModelChoiceIterator):
    """Reads the options with the queryset itself: Django's own iterator uses .iterator(),
    which on PostgreSQL opens a server-side cursor (three round trips for a dozen rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A select over a short table (the fields), read in one plain query per form: the rows
    offered are also those a submitted choice is checked against."""

    iterator = _ReadInOneQuery
    _rows: tuple | None = None

    def rows(self) -> list:
        """The queryset's rows, read once for this queryset (each form has its own copy)."""
        if self._rows is None or self._rows[0] is not self.queryset:
            self._rows = (self.queryset, list(self.queryset.all()))
        return self._rows[1]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        model = self.queryset.model
        if isinstance(value, model):
            value = getattr(value, key)
        field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        try:
            wanted = field.to_python(value)
        except ValidationError:
            wanted = None
        for row in self.rows():
            if wanted is not None and getattr(row, key) == wanted:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class OverdueFilterForm(StyledForm, forms.Form):
    """The filters of the overdue list. The unit and agency fields accept anything in the
    user's scope, but neither offers the whole scope (a national one has 3,400 units and
    17,000 agencies): the unit is the searchable picker of the other lists, and the agency
    select offers the agencies serving the chosen unit (choose a commune for its agencies)."""

    unit = forms.ModelChoiceField(
        label=_("Administrative unit"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=UnitPicker(),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All"),
        help_text=_("Choose a unit and filter to list its agencies."),
    )
    field = ShortModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.filter(is_active=True),
        required=False,
        empty_label=_("All"),
    )
    min_days = forms.IntegerField(
        label=_("At least N working days overdue"), min_value=1, max_value=3650, required=False
    )

    def __init__(self, *args, units, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["agency"].queryset = agencies

    def offer(self, *, agencies) -> None:
        """Replace the agency options (validation still uses the whole scope). Read when the
        select is rendered, not before: a page whose filters come from the fragment cache
        (templates/followups/assignment_overdue.html) does not read them at all."""

        def choices():
            rows = list(agencies)
            chosen = getattr(self, "cleaned_data", {}).get("agency")
            if chosen is not None and chosen not in rows:
                rows.append(chosen)
            return [
                ("", self.fields["agency"].empty_label),
                *((row.pk, agency_label(row)) for row in rows),
            ]

        self.fields["agency"].widget.choices = choices


# --- the annual report -----------------------------------------------------------------------


class AnnualReportNewForm(StyledForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("Reporting unit"), queryset=AdministrativeUnit.objects)
    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AnnualReportForm(StyledForm, forms.ModelForm):
    """The narrative sections, the header and the signature, and one reason per commune that
    did not hold its conference (fields `reason_<unit id>`)."""

    class Meta:
        model = AnnualReport
        fields = list(annual_report.EDITABLE_FIELDS)
        widgets = {
            name: _textarea(8)
            for name in (
                "situation",
                "direction",
                "preparation",
                "results",
                "shortcomings",
                "assessment",
                "proposals",
            )
        } | {"recipients": _textarea(4)}

    def __init__(self, *args, not_held=(), **kwargs):
        super().__init__(*args, **kwargs)
        reasons = self.instance.reasons or {}
        self.reason_names = []
        for row in not_held:
            name = f"reason_{row.unit_id}"
            self.fields[name] = forms.CharField(
                label=_("Why %(unit)s did not hold its conference") % {"unit": row.name},
                required=False,
                max_length=500,
                initial=reasons.get(str(row.unit_id), ""),
            )
            self.reason_names.append((str(row.unit_id), name))

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in annual_report.EDITABLE_FIELDS}

    def reasons(self) -> dict[str, str]:
        return {unit_id: self.cleaned_data.get(name, "") for unit_id, name in self.reason_names}


class AnnualReportIssueForm(StyledForm, forms.Form):
    prefix = "issue"

    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=50,
        required=False,
        help_text=_("For example: 12/BC-UBND."),
    )
    issued_on = forms.DateField(label=_("Date of issue"), required=False, widget=DateInput())
