"""Forms validate and normalise; petitions.services saves."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from dialogue.forms import DateInput, StyledForm
from dialogue.models import AdministrativeUnit, Agency
from dialogue.phones import PhoneField
from petitions import services
from petitions.models import Field, Petition
from sessions.forms import ListFilterForm

DUPLICATE_NOT_FOUND = _("No petition number %(number)s in this unit.")
AGENCY_REQUIRED = _("Choose the agency that prepares the answer.")
PETITIONER_REQUIRED = _("Choose the speaker or write the petitioner's name.")


def _at_least_one(field: forms.IntegerField) -> None:
    """One bound of 1, instead of the positive field's 0 beside the model's 1 (two messages)."""
    field.min_value = 1
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
    field.validators.append(MinValueValidator(1))
    field.widget.attrs["min"] = 1


class PetitionForm(StyledForm, forms.ModelForm):
    # A number, not a drop-down: a unit may have tens of thousands of petitions.
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of petition no."),
        required=False,
        min_value=1,
        help_text=_(
            "If the same matter was already recorded, its number; it counts as raised again."
        ),
    )

    class Meta:
        model = Petition
        fields = [name for name in services.PETITION_FIELDS if name != "duplicate_of"]
        widgets = {
            "received_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 5}),
            "routing_reason": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"petitioner_phone": PhoneField}

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["field"].queryset = Field.objects.filter(is_active=True)
        for name in ("signatories", "times_raised"):
            _at_least_one(self.fields[name])
        if self.instance.pk and self.instance.duplicate_of_id:
            self.initial["duplicate_of"] = self.instance.duplicate_of_id

    def clean_duplicate_of(self):
        number = self.cleaned_data.get("duplicate_of")
        if not number:
            return None
        original = Petition.objects.filter(unit=self.unit, pk=number).first()
        if original is None:
            raise forms.ValidationError(DUPLICATE_NOT_FOUND, params={"number": number})
        if self.instance.pk == original.pk:
            raise forms.ValidationError(services.DUPLICATE_OF_ITSELF)
        return original

    def clean(self):
        data = super().clean()
        if (
            data.get("scope") in Petition.ROUTED_SCOPES
            and not (data.get("routing_reason") or "").strip()
        ):
            self.add_error("routing_reason", services.ROUTING_REASON_REQUIRED)
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.PETITION_FIELDS}


class PreparationForm(StyledForm, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=None,
        error_messages={"required": AGENCY_REQUIRED},
    )

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.serving(unit).select_related("unit")


class PreparationAnswerForm(StyledForm, forms.Form):
    answer = forms.CharField(label=_("Prepared answer"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = forms.DateField(label=_("Received on"), widget=DateInput())


class PetitionFilterForm(ListFilterForm):
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + Petition.Status.choices, required=False
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=[("", _("All"))] + Petition.Scope.choices, required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All"))] + Petition.Source.choices, required=False
    )
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.filter(is_active=True),
        required=False,
        empty_label=_("All"),
    )
    competence = forms.ChoiceField(
        label=_("Level of competence"),
        choices=[("", _("All"))] + Petition.Competence.choices,
        required=False,
    )


class PetitionCaptureForm(StyledForm, forms.Form):
    """A petition raised at the session, from the console."""

    ANSWER_CHOICES = [
        ("later", _("To be answered after the session")),
        ("now", _("Answered at the session")),
    ]

    speaker = forms.ModelChoiceField(label=_("Speaker"), queryset=None, required=False)
    petitioner_name = forms.CharField(
        label=_("Petitioner(s)"),
        max_length=300,
        required=False,
        help_text=_("Left empty, the speaker's name is used."),
    )
    entry = forms.UUIDField(required=False, widget=forms.HiddenInput)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.filter(is_active=True))
    competence = forms.ChoiceField(
        label=_("Level of competence"), choices=Petition.Competence.choices
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=Petition.Scope.choices, initial=Petition.Scope.IN_SCOPE
    )
    routing_reason = forms.CharField(
        label=_("Reason for routing"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.ChoiceField(
        label=_("Answer"), choices=ANSWER_CHOICES, initial="later", widget=forms.RadioSelect
    )
    answer_at_session = forms.CharField(
        label=_("Answer given at the session"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answered_by = forms.CharField(label=_("Answered by"), max_length=200, required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["speaker"].queryset = session.speakers.queue()

    def clean(self):
        data = super().clean()
        if not data.get("speaker") and not (data.get("petitioner_name") or "").strip():
            self.add_error("petitioner_name", PETITIONER_REQUIRED)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        entry = None
        if data.get("entry"):
            entry = self.session.minutes_entries.filter(uuid=data["entry"]).first()
        return {
            "speaker": data.get("speaker"),
            "petitioner_name": data.get("petitioner_name") or "",
            "minutes_entry": entry,
            "content": data["content"],
            "field": data["field"],
            "competence": data["competence"],
            "scope": data["scope"],
            "routing_reason": data.get("routing_reason") or "",
            "answered_now": data["answer"] == "now",
            "answer_at_session": data.get("answer_at_session") or "",
            "answered_by": data.get("answered_by") or "",
        }


class ReceiptEmailForm(StyledForm, forms.Form):
    email = forms.EmailField(label=_("E-mail address of the petitioner"))


class PetitionImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Filled from the template; at most 5,000 rows."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
