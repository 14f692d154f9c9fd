"""After the session: the conclusion notice, assignments and the overdue list.

Access helper → form → service → redirect with a message. An object outside the user's scope is
a 404; so is a POST by someone who may only read it (writes resolve through writable querysets).
"""

from __future__ import annotations

import copy
import hashlib
import tempfile
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Left
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import access, audit, display, document_cache, exports, storage, uploads
from dialogue.documents import pdf_response
from dialogue.forms import apply_service_errors, keep_filter_form
from dialogue.models import AdministrativeUnit, Agency, Milestone
from dialogue.pagination import keyset_page
from dialogue.workcalendar import get_calendar
from followups import annual_report, dashboard, documents, services
from followups import publication as publishing
from followups.deadlines import working_days_overdue
from followups.forms import (
    UNIT_CHOICE_LIMIT,
    AddAgencyForm,
    AnnualReportForm,
    AnnualReportIssueForm,
    AnnualReportNewForm,
    AssignmentFilterForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ForwardForm,
    NoticeForm,
    NoticeIssueForm,
    OverdueFilterForm,
    ResponseForm,
)
from followups.models import (
    AnnualReport,
    Assignment,
    ConclusionNotice,
    Extension,
    Publication,
    Response,
)
from followups.querysets import OVERDUE_ROLES
from followups.unresolved import ASSIGNABLE_STATUSES, petitions_to_assign
from petitions.models import Petition
from sessions.models import DialogueSession
from sessions.services import session_timeline
from sessions.views import TIMELINE_STATES

PAGE_SIZE = 50
#: Sorted by due date: the overdue ones (the earliest dates) come first, then the soonest due.
ASSIGNMENT_ORDER = ("due_on", "id")
LIST_ROLES = (access.AGENCY_RESPONDER, *access.STAFF_ROLES)


# --- "this object, if this user may see it" ---------------------------------------------------


def _get_session(user, pk: int, *, write: bool = False) -> DialogueSession:
    sessions = (
        DialogueSession.objects.editable_by(user)
        if write
        else DialogueSession.objects.visible_to(user)
    )
    return get_object_or_404(sessions.select_related("plan__profile", "unit"), pk=pk)


def _responders(user):
    return Assignment.objects.for_agency_of(user)


def _organisers(user):
    return Assignment.objects.managed_by(user)


def _responders_or_organisers(user):
    return Assignment.objects.for_agency_of(user) | Assignment.objects.managed_by(user)


def _get_assignment(user, pk: int, writable=None) -> Assignment:
    """The assignment if `user` may see it (or, given `writable`, act on it); 404 otherwise."""
    assignments = writable(user) if writable else Assignment.objects.visible_to(user)
    return get_object_or_404(
        assignments.select_related(
            "petition__field",
            "petition__session",
            "petition__minutes_entry",
            "agency__unit",
            "unit",
            "notice",
        ),
        pk=pk,
    )


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the conclusion notice -------------------------------------------------------------------


def _issue_form(session: DialogueSession, notice: ConclusionNotice, data=None) -> NoticeIssueForm:
    return NoticeIssueForm(
        data,
        petitions=list(petitions_to_assign(session)),
        agencies=list(Agency.objects.serving(session.unit).select_related("unit")),
        minutes_final=services.minutes_are_final(session),
        initial={"number": notice.number, "issued_on": notice.issued_on or timezone.localdate()},
    )


def _notice_deadline(session: DialogueSession):
    for item in session_timeline(session):
        if item.milestone == Milestone.CONCLUSION_NOTICE:
            return (item, *TIMELINE_STATES[item.state])
    return None


def _notice_page(
    request, session: DialogueSession, notice: ConclusionNotice | None, *, can_edit: bool, **bound
):
    editable = can_edit and notice is not None and not notice.is_issued
    context = {
        "session": session,
        "notice": notice,
        "can_edit": editable,
        "can_draft": can_edit and notice is None and session.status in services.NOTICE_STATUSES,
        "after_session": session.status in services.NOTICE_STATUSES,
        "deadline": _notice_deadline(session),
        "notice_form": None,
        "issue_form": None,
        "assignments": [],
        "stored_versions": [],
        "history": [],
    }
    if notice is not None:
        context["history"] = audit.history(notice)[:50]
    if editable:
        context["notice_form"] = bound.get("notice_form") or NoticeForm(instance=notice)
        context["issue_form"] = bound.get("issue_form") or _issue_form(session, notice)
    elif notice is not None and notice.is_issued:
        context["assignments"] = notice.assignments.select_related("agency", "petition").order_by(
            "petition_id", "agency__name"
        )
        context["stored_versions"] = storage.versions(notice, services.NOTICE_DOCUMENT)
        context["document_waiting"] = document_cache.issued_waiting(
            notice, services.NOTICE_DOCUMENT
        )
        context["publication"] = Publication.objects.filter(session=session).first()
        context["can_publish"] = can_edit
    return render(request, "followups/notice_detail.html", context)


@login_required
def session_notice(request, pk: int):
    """The session's conclusion notice: organisers of the unit edit the draft, staff read it."""
    session = _get_session(request.user, pk, write=request.method == "POST")
    notice = ConclusionNotice.objects.filter(session=session).first()
    can_edit = DialogueSession.objects.editable_by(request.user).filter(pk=session.pk).exists()
    if request.method != "POST":
        return _notice_page(request, session, notice, can_edit=can_edit)
    if notice is None:
        raise Http404
    if notice.is_issued:
        messages.error(request, services.NOTICE_ISSUED_READ_ONLY)
        return redirect("session-notice", pk=session.pk)
    # The form fills the instance it is given: keep the page's notice as stored.
    form = NoticeForm(request.POST, instance=copy.copy(notice))
    if form.is_valid():
        try:
            services.notice_update(actor=request.user, notice=notice, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft of the conclusion notice was saved."))
            return redirect("session-notice", pk=session.pk)
    return _notice_page(request, session, notice, can_edit=can_edit, notice_form=form)


@login_required
@require_POST
def session_notice_draft(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    try:
        services.notice_draft(actor=request.user, session=session)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("The conclusion notice was drafted from the session: check and edit it.")
        )
    return redirect("session-notice", pk=session.pk)


@login_required
@require_POST
def session_notice_issue(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    notice = get_object_or_404(ConclusionNotice.objects.editable_by(request.user), session=session)
    if notice.is_issued:
        messages.error(request, services.NOTICE_ISSUED_READ_ONLY)
        return redirect("session-notice", pk=session.pk)
    form = _issue_form(session, notice, data=request.POST)
    if form.is_valid():
        try:
            notice = services.notice_issue(
                actor=request.user,
                notice=notice,
                allocations=form.allocations(),
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(
                request,
                _("Notice %(number)s was issued; %(count)s assignments were made.")
                % {"number": notice.number, "count": notice.assignments.count()},
            )
            for before, after in notice.rewritten_sentences:
                messages.info(
                    request,
                    _("In the text, “%(before)s” now reads “%(after)s”.")
                    % {"before": before, "after": after},
                )
            return redirect("session-notice", pk=session.pk)
    return _notice_page(request, session, notice, can_edit=True, issue_form=form)


@login_required
def session_notice_pdf(request, pk: int):
    session = _get_session(request.user, pk)
    notice = get_object_or_404(
        ConclusionNotice.objects.visible_to(request.user).select_related("session"),
        session=session,
    )
    if notice.is_issued:
        issued = document_cache.issued_pdf_or_progress(
            request, obj=notice, kind=services.NOTICE_DOCUMENT
        )
        if issued is not None:
            return issued
    return document_cache.pdf_or_progress(
        request,
        obj=notice,
        kind=services.NOTICE_DOCUMENT,
        filename=documents.notice_filename(notice),
        html=lambda: documents.notice_html(notice),
    )


# --- assignments -----------------------------------------------------------------------------


def filtered_assignments(user, data):
    """The assignment list as the user filtered it (the page and followups.exports)."""
    # The pager's links carry only the cursor when no filter was chosen: still the open ones.
    form = AssignmentFilterForm(data if "status" in data else None)
    status = form.cleaned_data["status"] if form.is_valid() else Assignment.Status.OPEN
    assignments = Assignment.objects.visible_to(user).select_related("petition", "agency", "unit")
    if status:
        assignments = assignments.filter(status=status)
    pending = Extension.objects.filter(assignment=OuterRef("pk"), status=Extension.Status.REQUESTED)
    if form.is_valid() and form.cleaned_data["pending_extension"]:
        assignments = assignments.filter(Exists(pending))
    assignments = assignments.annotate(has_pending_extension=Exists(pending))
    return assignments, form


@login_required
def assignment_list(request):
    """Agency responders: their agency's assignments; staff: their units'. Open ones by default,
    sorted by due date, so the overdue come first."""
    if not access.has_role(request.user, *LIST_ROLES):
        raise Http404
    if (export := exports.response_for(request, "assignments")) is not None:
        return export
    assignments, form = filtered_assignments(request.user, request.GET)
    page = keyset_page(
        assignments.defer("petition__search"),
        order=ASSIGNMENT_ORDER,
        cursor=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    today, calendar = timezone.localdate(), get_calendar()
    for assignment in page.rows:
        assignment.days_overdue = (
            working_days_overdue(assignment.due_on, today, calendar) if assignment.is_open else 0
        )
    return render(
        request,
        "followups/assignment_list.html",
        {"page": page, "filter_form": form, "today": today},
    )


def _assignment_page(request, assignment: Assignment, **bound):
    user = request.user
    petition = assignment.petition
    is_responder = _responders(user).filter(pk=assignment.pk).exists()
    is_organiser = _organisers(user).filter(pk=assignment.pk).exists()
    extensions = list(assignment.extensions.select_related("requested_by", "decided_by"))
    pending = any(e.status == Extension.Status.REQUESTED for e in extensions)
    is_open = assignment.is_open
    can_add_agency = (
        is_organiser
        and assignment.notice_id is not None
        and petition.scope == Petition.Scope.IN_SCOPE
        and petition.status in ASSIGNABLE_STATUSES
    )
    today = timezone.localdate()
    forms = {
        "response_form": ResponseForm(initial={"responded_on": today})
        if is_open and (is_responder or is_organiser)
        else None,
        "extension_form": ExtensionForm(initial={"citizen_told_on": today})
        if is_open and is_responder and not pending
        else None,
        "forward_form": ForwardForm(unit=assignment.unit, initial={"forwarded_on": today})
        if is_open and (is_responder or is_organiser)
        else None,
        "add_agency_form": AddAgencyForm(agencies=_other_agencies(petition))
        if can_add_agency
        else None,
    }
    for name, form in bound.items():
        forms[name] = form
    personal = Petition.objects.with_personal_data_for(user).filter(pk=petition.pk).exists()
    context = {
        "assignment": assignment,
        "petition": petition,
        "session": petition.session,
        "days_overdue": working_days_overdue(assignment.due_on, today, get_calendar())
        if is_open
        else 0,
        # The agency answers the citizen: it needs the name and the address, not the phone.
        "show_address": personal or is_responder,
        "show_phone": personal,
        "responses": assignment.responses.select_related("recorded_by"),
        "extensions": extensions,
        "can_decide": is_organiser,
        "forwardings": assignment.forwardings.select_related("recorded_by"),
        "others": Assignment.objects.visible_to(user)
        .filter(petition=petition)
        .exclude(pk=assignment.pk)
        .select_related("agency"),
        "history": audit.history(assignment)[:50],
        **forms,
    }
    return render(request, "followups/assignment_detail.html", context)


def _other_agencies(petition: Petition):
    """Agencies that may answer the petition and do not already have it open."""
    taken = Assignment.objects.open().filter(petition=petition).values("agency_id")
    return Agency.objects.serving(petition.unit).exclude(pk__in=taken).select_related("unit")


@login_required
def assignment_detail(request, pk: int):
    return _assignment_page(request, _get_assignment(request.user, pk))


@login_required
@require_POST
def assignment_response(request, pk: int):
    assignment = _get_assignment(request.user, pk, _responders_or_organisers)
    form = ResponseForm(request.POST, request.FILES, upload_refused=uploads.refused(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.response_record(
                actor=request.user,
                assignment=assignment,
                responded_on=data["responded_on"],
                method=data["method"],
                text=data["text"],
                document_number=data["document_number"],
                attachment=data["attachment"] or None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The response was recorded; the assignment is closed."))
            return redirect("assignment-detail", pk=assignment.pk)
    return _assignment_page(request, assignment, response_form=form)


@login_required
@require_POST
def assignment_extension(request, pk: int):
    assignment = _get_assignment(request.user, pk, _responders)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(
                actor=request.user, assignment=assignment, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The extension was requested; the organisers of the unit decide it.")
            )
            return redirect("assignment-detail", pk=assignment.pk)
    return _assignment_page(request, assignment, extension_form=form)


@login_required
@require_POST
def assignment_forward(request, pk: int):
    assignment = _get_assignment(request.user, pk, _responders_or_organisers)
    form = ForwardForm(request.POST, unit=assignment.unit)
    if form.is_valid():
        try:
            services.petition_forward(
                actor=request.user,
                assignment=assignment,
                # An organiser forwards the whole petition; an agency only its own part.
                whole_petition=_organisers(request.user).filter(pk=assignment.pk).exists(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The matter was forwarded to the competent level."))
            return redirect("assignment-detail", pk=assignment.pk)
    return _assignment_page(request, assignment, forward_form=form)


@login_required
@require_POST
def assignment_add_agency(request, pk: int):
    assignment = _get_assignment(request.user, pk, _organisers)
    form = AddAgencyForm(request.POST, agencies=_other_agencies(assignment.petition))
    if form.is_valid():
        try:
            added = services.assignment_add(
                actor=request.user, petition=assignment.petition, agency=form.cleaned_data["agency"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(agency)s was assigned this petition too, due %(due)s.")
                % {"agency": added.agency, "due": f"{added.due_on:%d/%m/%Y}"},
            )
            return redirect("assignment-detail", pk=assignment.pk)
    return _assignment_page(request, assignment, add_agency_form=form)


@login_required
@require_POST
def extension_decide(request, pk: int):
    extension = get_object_or_404(
        Extension.objects.filter(assignment__in=Assignment.objects.managed_by(request.user)),
        pk=pk,
    )
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_decide(
                actor=request.user,
                extension=extension,
                accept=form.accept,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Decided meanwhile (another tab, another organiser): no form to correct.
                _error_messages(request, error)
                return redirect("assignment-detail", pk=extension.assignment_id)
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The extension was accepted.")
                if form.accept
                else _("The extension was refused."),
            )
            return redirect("assignment-detail", pk=extension.assignment_id)
    assignment = _get_assignment(request.user, extension.assignment_id)
    return _assignment_page(request, assignment, decision_form=form)


@login_required
def response_pdf(request, pk: int):
    response = get_object_or_404(
        Response.objects.filter(assignment__in=Assignment.objects.visible_to(request.user)),
        pk=pk,
    )
    stored = storage.latest(response, services.RESPONSE_DOCUMENT)
    if stored is None:
        raise Http404
    return pdf_response(bytes(stored.content), stored.filename)


# --- the overdue list ------------------------------------------------------------------------


def _overdue_roots(user) -> list[AdministrativeUnit]:
    """The units the user watches as an organiser, supervisor or administrator."""
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True))
    roots = {m.unit.pk: m.unit for m in access.memberships_of(user) if m.role in OVERDUE_ROLES}
    return list(roots.values())


def filtered_overdue(user, data, *, today, calendar=None):
    """The overdue list as the user filtered it, with the filter form offering the choices near
    the top of the user's scope (the page and followups.exports).

    What selects the rows is also kept as plain values in `form.selection` (the scope, the day
    and each filter applied, beside the filter itself): overdue_total's cache key, which then
    needs no compiling of the query."""
    roots = _overdue_roots(user)
    around = sorted({pk for unit in roots for pk in (*unit.ancestor_ids, unit.pk)})
    scope_units = AdministrativeUnit.objects.where_user_is(user, *OVERDUE_ROLES)
    form = OverdueFilterForm(
        data or None,
        units=scope_units,
        agencies=Agency.objects.filter(
            Q(unit__in=scope_units) | Q(unit_id__in=around)
        ).select_related("unit"),
    )
    assignments = Assignment.objects.overdue_visible_to(user).overdue(on=today)
    scope = access.scope_for(user, OVERDUE_ROLES)
    selection: list = [
        ("scope", scope.key),
        ("overdue on", today),
    ]
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        if unit is not None:
            assignments = assignments.filter(unit__path__startswith=unit.path)
            selection.append(("unit path", unit.path))
        if data["agency"] is not None:
            assignments = assignments.filter(agency=data["agency"])
            selection.append(("agency", data["agency"].pk))
        if data["field"] is not None:
            assignments = assignments.filter(petition__field=data["field"])
            selection.append(("field", data["field"].pk))
        if data["min_days"]:
            # N working days overdue: due before the N-th working day up to today.
            calendar = calendar or get_calendar()
            bound = calendar.add_working_days(today + timedelta(days=1), -data["min_days"])
            assignments = assignments.filter(due_on__lt=bound)
            selection.append(("due before", bound))
    form.selection = tuple(selection)
    # The agencies offered come from the roots (two users with one scope may have others).
    keep_filter_form(form, user, scope, sorted(unit.pk for unit in roots))
    form.offer(
        agencies=(
            Agency.objects.serving(unit)
            if unit is not None
            else Agency.objects.filter(unit_id__in=around, is_active=True)
        ).select_related("unit")[:UNIT_CHOICE_LIMIT],
    )
    return assignments, form


#: The start of a petition's content the overdue list reads: the page shows 100 characters,
#: counted after NFC normalisation, and a Vietnamese character stored decomposed takes up to
#: three code points.
OVERDUE_CONTENT_CHARS = 400

#: How long the overdue list's total is reused for the same scope and filters.
OVERDUE_TOTAL_SECONDS = 60


def overdue_total(assignments, selection: tuple) -> int:
    """The COUNT of the overdue rows, kept OVERDUE_TOTAL_SECONDS for the same `selection`
    (filtered_overdue's form.selection: the user's scope, the day and the filters; not the
    keyset cursor): nationally it reads every overdue row (about 600,000), which costs far more
    than the page itself, and paging through the list asks the same question on every page.
    The total may lag by that long; the rows shown never do."""
    key = "overdue-total:" + hashlib.sha256(repr(selection).encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        total = assignments.order_by().count()
        cache.set(key, total, OVERDUE_TOTAL_SECONDS)
    return total


#: How many characters of a petition's content a row of the overdue list shows.
OVERDUE_SUMMARY_CHARS = 100


#: A row of the overdue list (templates/followups/assignment_overdue.html prints them). Made in
#: Python: the same row as template tags cost more than the rest of the page's template.
OVERDUE_ROW = (
    '\n    <tr>\n      <td><a href="{}">{}</a><div class="small text-muted">{}</div></td>\n'
    "      <td>{}</td>\n"
    '      <td>{}<div class="small text-muted">{}</div></td>\n'
    "      <td>{}{}</td>\n"
    '      <td class="text-danger fw-semibold days-overdue">{}</td>\n'
    "    </tr>\n  "
)


def overdue_rows(assignments, *, today, calendar) -> list[str]:
    """The overdue list's rows as HTML, every value escaped (display.fill): per-row
    `{% url %}`, `truncatechars`, `date` and `{% blocktranslate %}`, and then the row's own
    template tags, were most of the page's time."""
    url = display.url_for_pk("assignment-detail")
    label = _("Petition no. %(number)s")
    summary = display.chars_truncator(OVERDUE_SUMMARY_CHARS)
    extended = format_html(' <span class="badge text-bg-info">{}</span>', _("extended"))
    return [
        display.fill(
            OVERDUE_ROW,
            url(a.id),
            label % {"number": display.number(a.petition_id)},
            summary(a.content_start),
            a.field_name,
            a.agency_name,
            a.unit_name,
            display.day(a.due_on),
            extended if a.extended else "",
            display.number(working_days_overdue(a.due_on, today, calendar)),
        )
        for a in assignments
    ]


@login_required
def overdue_list(request):
    """Open assignments past their due date in the user's units, the longest overdue first.

    Kept to a handful of queries whatever the size (DESIGN §10): no total count, keyset pages on
    the open-rows index, the filters' options limited to the top of the user's scope."""
    user = request.user
    if not access.has_role(user, *OVERDUE_ROLES):
        raise Http404
    if (export := exports.response_for(request, "overdue")) is not None:
        return export
    today, calendar = timezone.localdate(), get_calendar()
    assignments, form = filtered_overdue(user, request.GET, today=today, calendar=calendar)
    page = keyset_page(
        # The names as columns of the row, not four related objects per row, and the row a
        # named tuple, not a model instance (the page's largest CPU costs); the content cut in
        # SQL (see OVERDUE_CONTENT_CHARS).
        assignments.annotate(
            content_start=Left("petition__content", OVERDUE_CONTENT_CHARS),
            field_name=F("petition__field__name"),
            agency_name=F("agency__name"),
            unit_name=F("unit__name"),
        ).values_list(
            "id",
            "petition_id",
            "due_on",
            "extended",
            "content_start",
            "field_name",
            "agency_name",
            "unit_name",
            named=True,
        ),
        order=ASSIGNMENT_ORDER,
        cursor=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "followups/assignment_overdue.html",
        {
            "page": page,
            "rows": overdue_rows(page.rows, today=today, calendar=calendar),
            "filter_form": form,
            "today": today,
            # The total the supervisors asked for (issue 15).
            "total": overdue_total(assignments, form.selection),
        },
    )


# --- the supervisors' dashboard --------------------------------------------------------------

DASHBOARD_ROLES = (access.SUPERVISOR, access.ADMINISTRATOR)


def dashboard_unit(user, pk: int | str | None) -> AdministrativeUnit:
    """The unit asked for, if the user supervises it; otherwise the top of the user's scope.
    A unit outside the scope is a 404."""
    units = AdministrativeUnit.objects.where_user_is(user, *DASHBOARD_ROLES)
    if pk not in (None, ""):
        try:
            return get_object_or_404(units, pk=int(pk))
        except (TypeError, ValueError) as error:
            raise Http404 from error
    # The top of the scope, a unit of today before a merged one (its records are followed by
    # its successor's figures).
    unit = units.order_by(F("valid_to").desc(nulls_first=True), "depth", "path").first()
    if unit is None:
        raise Http404
    return unit


def dashboard_year(value, today) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@login_required
def supervisor_dashboard(request):
    """Figures of a unit in the user's supervision and everything below it, for a year."""
    if not access.has_role(request.user, *DASHBOARD_ROLES):
        raise Http404
    today = timezone.localdate()
    unit = dashboard_unit(request.user, request.GET.get("unit"))
    data = dashboard.build(unit, year=dashboard_year(request.GET.get("year"), today), today=today)
    return render(
        request,
        "followups/dashboard.html",
        {
            "d": data,
            "charts": dashboard.charts(data),
            "years": range(today.year, today.year - 6, -1),
        },
    )


# --- the annual report -----------------------------------------------------------------------


def _get_report(user, pk: int, *, write: bool = False) -> AnnualReport:
    reports = (
        AnnualReport.objects.editable_by(user) if write else AnnualReport.objects.visible_to(user)
    )
    return get_object_or_404(reports.select_related("unit__parent"), pk=pk)


@login_required
def annual_report_list(request):
    """The annual reports of the user's units; organisers start the year's draft here."""
    if not access.is_staff_member(request.user):
        raise Http404
    units = AdministrativeUnit.objects.where_user_is(request.user, access.ORGANISER)
    today = timezone.localdate()
    form = AnnualReportNewForm(
        request.POST or None, units=units, initial={"year": today.year - (today.month < 7)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = annual_report.annual_report_draft(
                actor=request.user, unit=form.cleaned_data["unit"], year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report was drafted from the records: check it."))
            return redirect("annual-report-detail", pk=report.pk)
    return render(
        request,
        "followups/annual_report_list.html",
        {
            "reports": AnnualReport.objects.visible_to(request.user).select_related("unit")[:100],
            "form": form if units.exists() else None,
        },
    )


def _report_page(request, report: AnnualReport, *, can_edit: bool, **bound):
    figures = annual_report.load(report.unit, report.year, report.reasons)
    editable = can_edit and not report.is_issued
    context = {
        "report": report,
        "figures": figures,
        "due": annual_report.report_due(report.year, get_calendar()),
        "can_edit": editable,
        "form": None,
        "issue_form": None,
        "chart": annual_report.report_context(report, figures)["chart"],
        "stored_versions": storage.versions(report, annual_report.REPORT_DOCUMENT),
        "document_waiting": document_cache.issued_waiting(report, annual_report.REPORT_DOCUMENT),
        "history": audit.history(report)[:50],
    }
    if editable:
        context["form"] = bound.get("form") or AnnualReportForm(
            instance=report, not_held=figures.not_held
        )
        context["issue_form"] = bound.get("issue_form") or AnnualReportIssueForm(
            initial={"number": report.number, "issued_on": timezone.localdate()}
        )
    return render(request, "followups/annual_report_detail.html", context)


@login_required
def annual_report_detail(request, pk: int):
    report = _get_report(request.user, pk, write=request.method == "POST")
    can_edit = AnnualReport.objects.editable_by(request.user).filter(pk=report.pk).exists()
    if request.method != "POST":
        return _report_page(request, report, can_edit=can_edit)
    if report.is_issued:
        messages.error(request, annual_report.REPORT_ISSUED_READ_ONLY)
        return redirect("annual-report-detail", pk=report.pk)
    figures = annual_report.load(report.unit, report.year, report.reasons)
    form = AnnualReportForm(request.POST, instance=copy.copy(report), not_held=figures.not_held)
    if form.is_valid():
        try:
            annual_report.annual_report_update(
                actor=request.user,
                report=report,
                reasons=form.reasons(),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft of the report was saved."))
            return redirect("annual-report-detail", pk=report.pk)
    return _report_page(request, report, can_edit=True, form=form)


@login_required
@require_POST
def annual_report_issue(request, pk: int):
    report = _get_report(request.user, pk, write=True)
    form = AnnualReportIssueForm(request.POST)
    if form.is_valid():
        try:
            report = annual_report.annual_report_issue(
                actor=request.user,
                report=report,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Report %(number)s was issued.") % {"number": report.number}
            )
            return redirect("annual-report-detail", pk=report.pk)
    return _report_page(request, report, can_edit=True, issue_form=form)


@login_required
def annual_report_pdf(request, pk: int):
    report = _get_report(request.user, pk)
    if report.is_issued:
        issued = document_cache.issued_pdf_or_progress(
            request, obj=report, kind=annual_report.REPORT_DOCUMENT
        )
        if issued is not None:
            return issued
    return document_cache.pdf_or_progress(
        request,
        obj=report,
        kind=annual_report.REPORT_DOCUMENT,
        filename=annual_report.report_filename(report),
        html=lambda: annual_report.report_html(report),
    )


@login_required
def annual_report_appendix(request, pk: int):
    report = _get_report(request.user, pk)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    annual_report.appendix_xlsx(report, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=annual_report.appendix_filename(report),
        content_type=exports.XLSX_TYPE,
    )


@login_required
@require_POST
def session_publish(request, pk: int):
    """Publish (or publish again) the session's results on its public page."""
    session = _get_session(request.user, pk, write=True)
    try:
        publishing.publication_publish(actor=request.user, session=session)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The results are published."))
    return redirect("session-notice", pk=session.pk)


@login_required
@require_POST
def session_unpublish(request, pk: int):
    session = _get_session(request.user, pk, write=True)
    try:
        publishing.publication_unpublish(
            actor=request.user, session=session, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The results are no longer published."))
    return redirect("session-notice", pk=session.pk)
