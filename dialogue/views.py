from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import access, audit, exports, services
from dialogue import home as home_panels
from dialogue.forms import CalendarExceptionForm, DeadlineCalculatorForm, ReasonForm, unit_label
from dialogue.models import AdministrativeUnit, Agency, CalendarException
from dialogue.textfold import fold_query
from dialogue.workcalendar import get_calendar, month_grids
from dialogue.workdays import FIRST_YEAR, LAST_YEAR, OutOfRange

UNIT_SEARCH_LIMIT = 20


def _get_unit_for_user(user, pk: int) -> AdministrativeUnit:
    """The unit, if the user may see it; 404 otherwise (never 403: it would leak existence)."""
    return get_object_or_404(
        AdministrativeUnit.objects.visible_to(user).select_related("parent"), pk=pk
    )


@login_required
def home(request):
    memberships = sorted(access.memberships_of(request.user), key=lambda m: (m.unit.path, m.role))
    panels = []
    for m in memberships:
        panel = {"membership": m, "unit": m.unit, "agency": m.agency}
        if m.role == access.AGENCY_RESPONDER:
            panel["agencies"] = [m.agency]
        else:
            panel["agencies"] = list(m.unit.agencies.filter(is_active=True))
        if m.role in access.SUBTREE_ROLES:
            panel["below"] = list(
                AdministrativeUnit.objects.filter(parent=m.unit).annotate(
                    agency_count=Count("agencies", filter=Q(agencies__is_active=True))
                )
            )
            panel["below_total"] = (
                AdministrativeUnit.objects.subtree(m.unit).exclude(pk=m.unit.pk).count()
            )
        panels.append(panel)
    return render(
        request,
        "dialogue/home.html",
        {"panels": panels, "work": home_panels.panels_for(request, timezone.localdate())},
    )


@login_required
def unit_search(request):
    """Options for a unit picker (dialogue.forms.UnitPicker): the first units of the user's
    scope whose folded name holds every typed word; `role=organiser` for the units one plans in."""
    if request.GET.get("role") == access.ORGANISER:
        units = AdministrativeUnit.objects.where_user_is(request.user, access.ORGANISER)
    else:
        units = AdministrativeUnit.objects.visible_to(request.user)
    terms = fold_query(request.GET.get("q", ""))
    for term in terms:
        units = units.filter(search__contains=term)
    found = (
        units.select_related("parent")
        .prefetch_related("successors")
        .order_by(F("valid_to").desc(nulls_first=True), "depth", "name")[:UNIT_SEARCH_LIMIT]
        if terms
        else []
    )
    return render(
        request,
        "dialogue/_unit_options.html",
        {"options": [(unit.pk, unit_label(unit)) for unit in found], "searched": bool(terms)},
    )


@login_required
def unit_detail(request, pk: int):
    unit = _get_unit_for_user(request.user, pk)
    visible_units = AdministrativeUnit.objects.visible_to(request.user)
    return render(
        request,
        "dialogue/unit_detail.html",
        {
            "unit": unit,
            "ancestors": visible_units.filter(pk__in=unit.ancestor_ids).order_by("depth"),
            "children": visible_units.filter(parent=unit).annotate(
                agency_count=Count("agencies", filter=Q(agencies__is_active=True))
            ),
            "agencies": Agency.objects.visible_to(request.user).filter(unit=unit),
        },
    )


def healthz(request):
    """Liveness for the load balancer: the process answers and the database is reachable."""
    AdministrativeUnit.objects.exists()
    return HttpResponse("ok", content_type="text/plain")


def _require_staff(user) -> None:
    if not access.is_staff_member(user):
        raise Http404


def _require_calendar_editor(user) -> None:
    if not access.can_edit_calendar(user):
        raise Http404


@login_required
def calendar_year(request, year: int | None = None):
    _require_staff(request.user)
    if year is None:
        return redirect("calendar-year", year=timezone.localdate().year)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    days = get_calendar().year_days(year)
    exceptions = CalendarException.objects.filter(day__year=year)
    return render(
        request,
        "dialogue/calendar_year.html",
        {
            "year": year,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
            "months": month_grids(days, year),
            "days_off": [d for d in days if d.kind in ("holiday", "override_off")],
            "working_weekend_days": [d for d in days if d.kind == "override_working"],
            "exceptions": exceptions,
            "can_edit": access.can_edit_calendar(request.user),
            "history": audit.history_of_model(CalendarException)[:20],
        },
    )


@login_required
def deadline_calculator(request):
    _require_staff(request.user)
    form = DeadlineCalculatorForm(request.GET or None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = get_calendar().explain(
                data["start"], data["offset"], calendar_days=data["unit"] == "calendar"
            )
        except OutOfRange as error:
            form.add_error(None, str(error))
    return render(request, "dialogue/deadline_calculator.html", {"form": form, "result": result})


@login_required
def calendar_exception_edit(request, pk: int | None = None):
    _require_calendar_editor(request.user)
    exception = get_object_or_404(CalendarException, pk=pk) if pk else None
    form = CalendarExceptionForm(request.POST or None, instance=exception)
    if request.method == "POST" and form.is_valid():
        try:
            # The form already copied its values onto `exception`; the stored row is the "before".
            saved = services.calendar_exception_save(
                actor=request.user,
                exception=CalendarException.objects.get(pk=pk) if pk else None,
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The calendar was updated."))
            return redirect("calendar-year", year=saved.day.year)
    return _exception_page(request, form, exception)


def _delete_form(data=None) -> ReasonForm:
    form = ReasonForm(data, auto_id="delete_%s")
    form.fields["reason"].error_messages["required"] = _("Say why the exception is removed.")
    return form


def _exception_page(request, form, exception, *, delete_form=None):
    context = {
        "form": form,
        "exception": exception,
        # Its own ids: the page's first form has a reason field too.
        "delete_form": delete_form or _delete_form(),
    }
    return render(request, "dialogue/calendar_exception_form.html", context)


@login_required
@require_POST
def calendar_exception_delete(request, pk: int):
    _require_calendar_editor(request.user)
    exception = get_object_or_404(CalendarException, pk=pk)
    form = _delete_form(request.POST)
    if not form.is_valid():
        # The page again, the reason asked for beside its box.
        return _exception_page(
            request, CalendarExceptionForm(instance=exception), exception, delete_form=form
        )
    year = exception.day.year
    services.calendar_exception_delete(
        actor=request.user, reason=form.cleaned_data["reason"], exception=exception
    )
    messages.success(request, _("The exception was removed."))
    return redirect("calendar-year", year=year)


# --- large exports ---------------------------------------------------------------------------


@login_required
def export_job(request, pk: int):
    """The progress of a large export; only the user who asked for it finds it."""
    job = exports.job_of(request.user, pk)
    template = "dialogue/_export_job_status.html" if request.htmx else "dialogue/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_job_download(request, pk: int):
    return exports.job_download(request.user, pk)
