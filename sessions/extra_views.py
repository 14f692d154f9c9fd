"""Requests for an extra commune conference: list, record, follow, plan the conference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import access, audit
from dialogue.forms import apply_service_errors
from dialogue.models import AdministrativeUnit
from dialogue.once import submitted_once
from sessions import extra_conferences
from sessions.forms import ExtraRequestForm, ExtraSessionForm
from sessions.models import ExtraConferenceRequest


def _get_request(user, pk: int, *, write: bool = False) -> ExtraConferenceRequest:
    requests = (
        ExtraConferenceRequest.objects.editable_by(user)
        if write
        else ExtraConferenceRequest.objects.visible_to(user)
    )
    return get_object_or_404(requests.select_related("unit", "session"), pk=pk)


def _tell_if_reached(request, extra: ExtraConferenceRequest) -> None:
    if extra.status == ExtraConferenceRequest.Status.THRESHOLD_REACHED:
        messages.warning(
            request,
            extra_conferences.THRESHOLD_REACHED_MESSAGE
            % {"percent": extra_conferences.THRESHOLD_PERCENT},
        )


@login_required
def extra_request_list(request):
    requests = (
        ExtraConferenceRequest.objects.visible_to(request.user)
        .select_related("unit", "session")
        .prefetch_related("unit__successors")[:200]
    )
    can_create = AdministrativeUnit.objects.where_user_is(request.user, access.ORGANISER).exists()
    return render(
        request,
        "sessions/extrarequest_list.html",
        {"requests": requests, "can_create": can_create},
    )


@login_required
@submitted_once
def extra_request_create(request):
    units = AdministrativeUnit.objects.where_user_is(request.user, access.ORGANISER)
    if not units.exists():
        raise Http404
    form = ExtraRequestForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            extra = extra_conferences.extra_request_create(
                actor=request.user, unit=form.cleaned_data["unit"], **form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The request was recorded."))
            _tell_if_reached(request, extra)
            return redirect("extra-request-detail", pk=extra.pk)
    return render(request, "sessions/extrarequest_form.html", {"form": form})


@login_required
def extra_request_detail(request, pk: int):
    extra = _get_request(request.user, pk)
    can_edit = ExtraConferenceRequest.objects.editable_by(request.user).filter(pk=pk).exists()
    form = ExtraRequestForm(request.POST or None, instance=extra) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                extra = extra_conferences.extra_request_update(
                    actor=request.user, request=extra, **form.service_fields()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The request was saved."))
                _tell_if_reached(request, extra)
                return redirect("extra-request-detail", pk=extra.pk)
    reached = extra.status == ExtraConferenceRequest.Status.THRESHOLD_REACHED
    return render(
        request,
        "sessions/extrarequest_detail.html",
        {
            "extra": extra,
            "form": form,
            "session_form": ExtraSessionForm() if can_edit and reached else None,
            "reached_message": extra_conferences.THRESHOLD_REACHED_MESSAGE
            % {"percent": extra_conferences.THRESHOLD_PERCENT}
            if reached
            else "",
            "history": audit.history(extra),
        },
    )


@login_required
@require_POST
def extra_request_plan(request, pk: int):
    extra = _get_request(request.user, pk, write=True)
    form = ExtraSessionForm(request.POST)
    if form.is_valid():
        try:
            session = extra_conferences.extra_request_plan_session(
                actor=request.user, request=extra, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The conference was planned as a draft session."))
            return redirect("session-detail", pk=session.pk)
    return render(
        request,
        "sessions/extrarequest_detail.html",
        {
            "extra": extra,
            "form": ExtraRequestForm(instance=extra),
            "session_form": form,
            "history": audit.history(extra),
        },
    )
