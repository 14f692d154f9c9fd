"""Forms validate and normalise; the services in sessions.services save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue.document_systems import DocumentSystem
from dialogue.forms import YEAR_OUT_OF_RANGE, DateInput, DateTimeInput, StyledForm, UnitPicker
from dialogue.models import AdministrativeUnit, Agency, DeadlineProfile, Milestone, Role, User
from dialogue.phones import PhoneField
from dialogue.workdays import FIRST_YEAR, LAST_YEAR
from sessions import console, extra_conferences, services
from sessions.models import DialogueSession, ExtraConferenceRequest, Plan, Speaker

TASK_NEEDS_WHO = _("Choose an agency or name who does it.")
TASK_NEEDS_DUTY = _("Describe the duty.")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PlanForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["unit", *services.PLAN_FIELDS]
        widgets = {
            "unit": UnitPicker(role="organiser"),
            "issued_on": DateInput(),
            **{
                name: _textarea()
                for name in ("legal_bases", "purpose", "requirements", "topics", "recipients")
            },
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else AdministrativeUnit.objects
        self.fields["profile"].queryset = DeadlineProfile.objects.filter(is_active=True)
        # Left empty, the system is read from the issuing body's name (sessions.services).
        self.fields["system"].required = False
        self.fields["system"].choices = [
            ("", _("From the issuing body's name")),
            *DocumentSystem.choices,
        ]
        if not self.instance.pk:
            self.initial.setdefault("system", "")
        if self.instance.pk:
            # The issuing unit of an existing plan does not change: its sessions belong there.
            del self.fields["unit"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        # A plan's sessions and deadlines are counted on the working-day calendar.
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(
                YEAR_OUT_OF_RANGE, params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return year

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.PLAN_FIELDS}


class PlanAmendForm(PlanForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=_textarea(2),
        help_text=_("Recorded with your name and the time, and shown on the plan's page."),
    )


class AgencyChoiceField(forms.ModelChoiceField):
    """An agency named with its unit: several units have a "Công an xã"."""

    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} — {obj.unit.name}"


class TaskForm(StyledForm, forms.Form):
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    assignee = forms.CharField(label=_("or role"), max_length=200, required=False)
    duty = forms.CharField(label=_("Duty"), widget=_textarea(2), required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies.select_related("unit").order_by(
                "unit__path", "name"
            )

    def clean(self):
        data = super().clean()
        who = data.get("agency") or (data.get("assignee") or "").strip()
        duty = (data.get("duty") or "").strip()
        if who and not duty:
            self.add_error("duty", TASK_NEEDS_DUTY)
        if duty and not who:
            self.add_error("assignee", TASK_NEEDS_WHO)
        return data

    def task_line(self) -> services.TaskLine | None:
        data = self.cleaned_data
        if not data or not (data.get("duty") or "").strip():
            return None
        return services.TaskLine(
            duty=data["duty"].strip(),
            agency=data.get("agency"),
            assignee="" if data.get("agency") else data.get("assignee", "").strip(),
        )


TaskFormSet = forms.formset_factory(TaskForm, extra=3, can_delete=True)


def task_lines(formset) -> list[services.TaskLine]:
    return [
        line
        for form in formset.forms
        if not form.cleaned_data.get("DELETE") and (line := form.task_line())
    ]


def task_initial(plan: Plan) -> list[dict]:
    return [
        {"agency": t.agency_id, "assignee": t.assignee, "duty": t.duty}
        for t in plan.tasks.select_related("agency")
    ]


class SessionForm(StyledForm, forms.ModelForm):
    secretaries = forms.ModelMultipleChoiceField(
        label=_("Secretaries"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two secretaries keep the minutes and register speakers."),
    )

    class Meta:
        model = DialogueSession
        fields = [*services.SESSION_FIELDS]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "invitation_date": DateInput(),
            "topics": _textarea(),
            "co_chairs": _textarea(2),
            "participants": _textarea(),
        }

    def __init__(self, *args, unit: AdministrativeUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretaries"].queryset = (
            User.objects.filter(memberships__unit=unit, memberships__role=Role.SECRETARY)
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["secretaries"].widget.attrs["class"] = "form-check-input"
        if self.instance.pk:
            self.initial["secretaries"] = list(self.instance.secretaries.all())

    def clean_secretaries(self):
        chosen = self.cleaned_data["secretaries"]
        if len(chosen) > 2:
            raise forms.ValidationError(services.SECRETARY_LIMIT)
        return chosen

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", services.SESSION_ENDS_BEFORE_START)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in services.SESSION_FIELDS},
            "secretaries": list(data["secretaries"]),
        }


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=DialogueSession.Status.choices)
    confirm = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=1000)


# The annual report is the reporting unit's (district, province), not a session's milestone.
SESSION_MILESTONES = [(v, label) for v, label in Milestone.choices if v != Milestone.ANNUAL_REPORT]


class MilestoneForm(StyledForm, forms.Form):
    milestone = forms.ChoiceField(label=_("Milestone"), choices=SESSION_MILESTONES)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, session: DialogueSession | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            # Only the milestones of the session's deadline profile: the service refuses others.
            used = set(session.plan.profile.rules.values_list("milestone", flat=True))
            field = self.fields["milestone"]
            field.choices = [c for c in SESSION_MILESTONES if c[0] in used]
            field.error_messages["invalid_choice"] = services.MILESTONE_NOT_IN_PROFILE


class SpeakerForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Speaker
        fields = [*services.SPEAKER_FIELDS]
        widgets = {"summary": _textarea(3), "birth_year": forms.NumberInput(attrs={"min": 1900})}
        field_classes = {"phone": PhoneField}

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        # The 18+ rule, which needs the session's year, stays in services._check_speaker.
        if year is not None and not 1900 <= year <= this_year:
            raise forms.ValidationError(services.BIRTH_YEAR_IMPLAUSIBLE, params={"year": this_year})
        return year

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.SPEAKER_FIELDS}


POSITION_INVALID = _("Enter a position of 1 or more.")


class SpeakerMoveForm(forms.Form):
    """The position box of one row of the speakers table (rendered by hand there)."""

    position = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": POSITION_INVALID,
            "invalid": POSITION_INVALID,
            "min_value": POSITION_INVALID,
        },
    )


class ListFilterForm(StyledForm, forms.Form):
    """Free-text search and the unit filter shared by the lists."""

    official_text = False  # a search is not a document
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    unit = forms.ModelChoiceField(
        label=_("Administrative unit"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=UnitPicker(),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class SessionFilterForm(ListFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + DialogueSession.Status.choices,
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class SpeakerFilterForm(ListFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + Speaker.Status.choices, required=False
    )


class AttendanceForm(StyledForm, forms.Form):
    invited_count = forms.IntegerField(label=_("Invited"), min_value=0, required=False)
    attending_count = forms.IntegerField(label=_("Attending"), min_value=0)


class FinalizeForm(StyledForm, forms.Form):
    chair_name = forms.CharField(
        label=_("Chair who signs"),
        max_length=150,
        help_text=_("Once finalised, the minutes are frozen as a PDF and no longer change."),
        error_messages={"required": console.CHAIR_REQUIRED},
    )


class ExtraRequestForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ExtraConferenceRequest
        fields = ["unit", "voters_count", "signatures_count", "received_on", "note"]
        widgets = {
            "unit": UnitPicker(role="organiser"),
            "received_on": DateInput(),
            "note": _textarea(2),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
        elif units is not None:
            self.fields["unit"].queryset = units

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in extra_conferences.REQUEST_FIELDS}


class ExtraSessionForm(StyledForm, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    venue = forms.CharField(label=_("Venue"), max_length=300)
    chair_name = forms.CharField(
        label=_("Chair"),
        max_length=150,
        help_text=_("The chair of the commune People's Committee."),
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", services.SESSION_ENDS_BEFORE_START)
        return data
