"""Plans, sessions and speakers: access helper → form → service → redirect with a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dialogue import access, audit, document_cache, exports, storage
from dialogue.forms import LegalHoldForm, apply_service_errors
from dialogue.models import AdministrativeUnit, Agency
from dialogue.once import submitted_once
from dialogue.pagination import keyset_page
from sessions import documents, services, timeline
from sessions.forms import (
    ListFilterForm,
    MilestoneForm,
    PlanAmendForm,
    PlanForm,
    SessionFilterForm,
    SessionForm,
    SpeakerFilterForm,
    SpeakerForm,
    SpeakerMoveForm,
    TaskFormSet,
    TransitionForm,
    task_initial,
    task_lines,
)
from sessions.models import DialogueSession, Plan, Speaker

PAGE_SIZE = 50
SESSION_ORDER = ("-starts_at", "-id")
#: How each timeline state is shown: label and Bootstrap colour.
TIMELINE_STATES = {
    timeline.DONE: (gettext_lazy("Done"), "success"),
    timeline.DONE_LATE: (gettext_lazy("Done late"), "warning"),
    timeline.DUE: (gettext_lazy("Due"), "info"),
    timeline.LATE: (gettext_lazy("Late"), "danger"),
    timeline.PENDING: (gettext_lazy("Not yet dated"), "light"),
}


# --- "this object, if this user may see it" ---------------------------------------------------


def _get_plan(user, pk: int, *, write: bool = False) -> Plan:
    plans = Plan.objects.editable_by(user) if write else Plan.objects.visible_to(user)
    return get_object_or_404(plans.select_related("unit", "profile"), pk=pk)


def _get_session(user, pk: int, *, write: bool = False) -> DialogueSession:
    sessions = (
        DialogueSession.objects.editable_by(user)
        if write
        else DialogueSession.objects.visible_to(user)
    )
    return get_object_or_404(sessions.select_related("plan__profile", "unit"), pk=pk)


def _get_speaker_session(user, pk: int) -> DialogueSession:
    return get_object_or_404(
        DialogueSession.objects.with_speakers_for(user).select_related("plan", "unit"), pk=pk
    )


def _get_speaker(user, pk: int) -> Speaker:
    return get_object_or_404(
        Speaker.objects.visible_to(user).select_related("session__unit"), pk=pk
    )


# --- plans ----------------------------------------------------------------------------------


@login_required
def plan_list(request):
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("unit__successors")
    )
    form = ListFilterForm(
        request.GET or None, units=AdministrativeUnit.objects.visible_to(request.user)
    )
    if form.is_valid():
        plans = plans.search(form.cleaned_data["q"])
        if unit := form.cleaned_data["unit"]:
            plans = plans.filter(unit__path__startswith=unit.path)
    page = keyset_page(
        plans.annotate(session_count=Count("sessions")),
        order=("-year", "-id"),
        cursor=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "sessions/plan_list.html",
        {
            "page": page,
            "filter_form": form,
            "can_create": access.has_role(request.user, access.ORGANISER),
        },
    )


def _posted_pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _task_formset(plan_or_unit_agencies, data=None, initial=None):
    return TaskFormSet(
        data, initial=initial, prefix="tasks", form_kwargs={"agencies": plan_or_unit_agencies}
    )


@login_required
@submitted_once
def plan_create(request):
    units = AdministrativeUnit.objects.where_user_is(request.user, access.ORGANISER)
    if not units.exists():
        raise Http404
    only_unit = units.first() if units.count() == 1 else None
    form = PlanForm(request.POST or None, units=units, initial={"unit": only_unit})
    # The agencies that serve the plan's unit; before a unit is chosen, those serving any of
    # the user's units (the unit posted then narrows them: another unit's agency is refused).
    unit = only_unit or units.filter(pk=_posted_pk(form["unit"].value())).first()
    agencies = (
        Agency.objects.serving(unit)
        if unit
        else Agency.objects.filter(
            unit_id__in={pk for u in units for pk in [*u.ancestor_ids, u.pk]}, is_active=True
        )
    )
    formset = _task_formset(agencies, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                tasks=task_lines(formset),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The plan was saved as a draft."))
            return redirect("plan-detail", pk=plan.pk)
    return render(request, "sessions/plan_form.html", {"form": form, "formset": formset})


@login_required
def plan_detail(request, pk: int):
    plan = _get_plan(request.user, pk)
    return render(
        request,
        "sessions/plan_detail.html",
        {
            "plan": plan,
            "tasks": plan.tasks.select_related("agency"),
            "sessions": plan.sessions.all(),
            "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
            "history": audit.history(plan)[:50],
            "stored_versions": storage.versions(plan, services.PLAN_DOCUMENT),
            "document_waiting": document_cache.issued_waiting(plan, services.PLAN_DOCUMENT),
        },
    )


def _plan_change(request, pk: int, *, amend: bool):
    plan = _get_plan(request.user, pk, write=True)
    if amend != plan.is_issued:
        # A draft is edited directly; an issued plan only through an amendment.
        return redirect("plan-amend" if plan.is_issued else "plan-edit", pk=plan.pk)
    form_class = PlanAmendForm if amend else PlanForm
    form = form_class(request.POST or None, instance=plan)
    agencies = Agency.objects.serving(plan.unit)
    formset = _task_formset(agencies, request.POST or None, initial=task_initial(plan))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = form.service_fields()
        try:
            if amend:
                services.plan_amend(
                    actor=request.user,
                    plan=plan,
                    reason=form.cleaned_data["reason"],
                    tasks=task_lines(formset),
                    **fields,
                )
            else:
                services.plan_update(
                    actor=request.user, plan=plan, tasks=task_lines(formset), **fields
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The amendment was recorded.") if amend else _("The plan was saved.")
            )
            return redirect("plan-detail", pk=plan.pk)
    return render(
        request,
        "sessions/plan_form.html",
        {"form": form, "formset": formset, "plan": plan, "amend": amend},
    )


@login_required
def plan_edit(request, pk: int):
    return _plan_change(request, pk, amend=False)


@login_required
def plan_amend(request, pk: int):
    return _plan_change(request, pk, amend=True)


@login_required
@require_POST
def plan_issue(request, pk: int):
    plan = _get_plan(request.user, pk, write=True)
    try:
        services.plan_issue(actor=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The plan was issued; from now on it changes only by amendment.")
        )
    return redirect("plan-detail", pk=plan.pk)


@login_required
def plan_pdf(request, pk: int):
    plan = _get_plan(request.user, pk)
    if plan.is_issued:
        issued = document_cache.issued_pdf_or_progress(
            request, obj=plan, kind=services.PLAN_DOCUMENT
        )
        if issued is not None:
            return issued
    return document_cache.pdf_or_progress(
        request,
        obj=plan,
        kind=services.PLAN_DOCUMENT,
        filename=f"du-thao-ke-hoach-{plan.pk}.pdf",
        html=lambda: documents.plan_html(plan),
    )


# --- sessions --------------------------------------------------------------------------------


def filtered_sessions(user, data):
    """The session list as the user filtered it (the page and sessions.exports)."""
    sessions = (
        DialogueSession.objects.visible_to(user)
        .select_related("unit", "plan")
        .prefetch_related("unit__successors")
    )
    form = SessionFilterForm(data or None, units=AdministrativeUnit.objects.visible_to(user))
    if form.is_valid():
        data = form.cleaned_data
        sessions = sessions.search(data["q"])
        if data["unit"]:
            sessions = sessions.filter(unit__path__startswith=data["unit"].path)
        if data["status"]:
            sessions = sessions.filter(status=data["status"])
        if data["year"]:
            sessions = sessions.filter(starts_at__year=data["year"])
    return sessions, form


@login_required
def session_list(request):
    if (export := exports.response_for(request, "sessions")) is not None:
        return export
    sessions, form = filtered_sessions(request.user, request.GET)
    page = keyset_page(
        sessions, order=SESSION_ORDER, cursor=request.GET.get("after"), size=PAGE_SIZE
    )
    return render(request, "sessions/session_list.html", {"page": page, "filter_form": form})


@login_required
@submitted_once
def session_create(request, plan_pk: int):
    plan = _get_plan(request.user, plan_pk, write=True)
    form = SessionForm(request.POST or None, unit=plan.unit)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=request.user, plan=plan, **form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session was saved as a draft."))
            return redirect("session-detail", pk=session.pk)
    return render(request, "sessions/session_form.html", {"form": form, "plan": plan})


@login_required
def session_edit(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    form = SessionForm(request.POST or None, instance=session, unit=session.unit)
    if session.status not in services.EDITABLE_SESSION_STATUSES:
        messages.error(request, services.SESSION_READ_ONLY)
        return redirect("session-detail", pk=session.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("session-detail", pk=session.pk)
    return render(
        request,
        "sessions/session_form.html",
        {"form": form, "plan": session.plan, "session": session},
    )


def _transition_buttons(session: DialogueSession) -> list[dict]:
    return [
        {"to": to, "label": services.TRANSITION_ACTIONS[to]}
        for to in sorted(services.TRANSITIONS[session.status])
    ]


@login_required
def session_detail(
    request,
    pk: int,
    *,
    confirm_form=None,
    status=200,
    cancel_form=None,
    milestone_form=None,
    hold_form=None,
):
    """The session's page; a refused status change, milestone or legal hold shows it again
    with the error beside the field and the typed value kept (`*_form`)."""
    session = _get_session(request.user, pk)
    can_edit = DialogueSession.objects.editable_by(request.user).filter(pk=session.pk).exists()
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "timeline": [
                (item, *TIMELINE_STATES[item.state]) for item in services.session_timeline(session)
            ],
            "secretaries": session.secretaries.all(),
            "can_edit": can_edit,
            "retention_years": settings.RETENTION_YEARS,
            "can_use_console": DialogueSession.objects.console_for(request.user)
            .filter(pk=session.pk)
            .exists(),
            "can_see_speakers": DialogueSession.objects.with_speakers_for(request.user)
            .filter(pk=session.pk)
            .exists(),
            "can_edit_details": can_edit and session.status in services.EDITABLE_SESSION_STATUSES,
            "transitions": _transition_buttons(session) if can_edit else [],
            "confirm_form": confirm_form,
            "cancel_form": cancel_form,
            "hold_form": hold_form,
            "milestone_form": (
                milestone_form or MilestoneForm(initial={"done_on": None}, session=session)
            )
            if can_edit
            else None,
            "speaker_count": session.speakers.count(),
            "petition_count": session.petitions.count(),
            "history": audit.history(session)[:50],
        },
        status=status,
    )


@login_required
@require_POST
def session_transition(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "to" in form.errors:
            messages.error(request, _("Choose a valid status."))
            return redirect("session-detail", pk=session.pk)
        return session_detail(request, pk, cancel_form=form)
    data = form.cleaned_data
    try:
        services.session_transition(
            actor=request.user,
            session=session,
            to=data["to"],
            confirm=data["confirm"],
            reason=data["reason"],
        )
    except services.ConfirmationRequired as warning:
        # Allowed, but only once the user has read the warning and confirms it.
        return session_detail(
            request,
            pk,
            confirm_form={"to": data["to"], "messages": warning.messages},
            status=409,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reason" in error.error_dict:
            # The reason for cancelling: said beside the reason box, what was typed kept.
            apply_service_errors(form, error)
            return session_detail(request, pk, cancel_form=form)
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The session's status was changed."))
    return redirect("session-detail", pk=session.pk)


@login_required
@require_POST
def session_milestone(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    form = MilestoneForm(request.POST, session=session)
    if form.is_valid():
        try:
            services.milestone_mark_done(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was recorded as done."))
            return redirect("session-detail", pk=session.pk)
    return session_detail(request, pk, milestone_form=form)


@login_required
def session_invitation_pdf(request, pk: int):
    session = _get_session(request.user, pk)
    return document_cache.pdf_or_progress(
        request,
        obj=session,
        kind="invitation",
        filename=f"giay-moi-{session.pk}.pdf",
        html=lambda: documents.invitation_html(session),
    )


# --- speakers --------------------------------------------------------------------------------


def session_speaker_rows(user, pk: int):
    """The speakers of one session in queue order (the page and sessions.exports)."""
    session = _get_speaker_session(user, pk)
    return session, session.speakers.queue().select_related("likely_duplicate_of")


@login_required
@submitted_once
def session_speakers(request, pk: int):
    """The speaker register of one session, with the registration form."""
    if (
        request.method == "GET"
        and (export := exports.response_for(request, "session-speakers", session=pk)) is not None
    ):
        return export
    session = _get_speaker_session(request.user, pk)
    form = SpeakerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            speaker = services.speaker_register(
                actor=request.user, session=session, **form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if speaker.likely_duplicate_of_id:
                messages.warning(
                    request,
                    _("%(name)s was registered, but looks like a duplicate of no. %(position)s.")
                    % {"name": speaker.full_name, "position": speaker.likely_duplicate_of.position},
                )
            else:
                messages.success(
                    request, _("%(name)s was registered.") % {"name": speaker.full_name}
                )
            return redirect("session-speakers", pk=session.pk)
    return _speakers_page(request, session, form)


def _speakers_page(request, session, form, *, move_form=None, moved=None):
    """The register; a refused move shows the row again with its error (`move_form`)."""
    return render(
        request,
        "sessions/session_speakers.html",
        {
            "session": session,
            "speakers": session.speakers.queue().select_related("likely_duplicate_of"),
            "form": form,
            "can_register": session.status in services.REGISTRATION_STATUSES,
            "move_form": move_form,
            "moved": moved,
        },
    )


@login_required
def speaker_list(request):
    speakers = Speaker.objects.visible_to(request.user).select_related("session")
    form = SpeakerFilterForm(
        request.GET or None,
        units=AdministrativeUnit.objects.where_user_is(
            request.user, access.ORGANISER, access.SECRETARY
        ),
    )
    if form.is_valid():
        data = form.cleaned_data
        speakers = speakers.search(data["q"])
        if data["unit"]:
            speakers = speakers.filter(session__unit__path__startswith=data["unit"].path)
        if data["status"]:
            speakers = speakers.filter(status=data["status"])
    page = keyset_page(speakers, order=("-id",), cursor=request.GET.get("after"), size=PAGE_SIZE)
    return render(request, "sessions/speaker_list.html", {"page": page, "filter_form": form})


@login_required
def speaker_edit(request, pk: int):
    speaker = _get_speaker(request.user, pk)
    form = SpeakerForm(request.POST or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            services.speaker_update(actor=request.user, speaker=speaker, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The registration was saved."))
            return redirect("session-speakers", pk=speaker.session_id)
    return render(
        request,
        "sessions/speaker_form.html",
        {
            "form": form,
            "speaker": speaker,
            "session": speaker.session,
            "history": audit.history(speaker)[:20],
        },
    )


@login_required
@require_POST
def speaker_move(request, pk: int):
    speaker = _get_speaker(request.user, pk)
    form = SpeakerMoveForm(request.POST)
    if not form.is_valid():
        session = _get_speaker_session(request.user, speaker.session_id)
        return _speakers_page(request, session, SpeakerForm(), move_form=form, moved=speaker.pk)
    services.speaker_move(
        actor=request.user, speaker=speaker, to_position=form.cleaned_data["position"]
    )
    return redirect("session-speakers", pk=speaker.session_id)


@login_required
@require_POST
def session_legal_hold(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.session_set_legal_hold(
                actor=request.user, session=session, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The legal hold was saved."))
            return redirect("session-detail", pk=session.pk)
    return session_detail(request, pk, hold_form=form)
