"""Petitions collected before the session and the answers agencies prepare for them."""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.db.models.functions import Left
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import access, audit, display, exports, once
from dialogue.forms import LegalHoldForm, apply_service_errors, keep_filter_form
from dialogue.models import AdministrativeUnit
from dialogue.pagination import keyset_page, search_page
from dialogue.qr import qr_svg
from dialogue.querysets import essential_terms, small_scope_ids
from dialogue.textfold import fold_query
from petitions import importing, services
from petitions.forms import (
    PetitionCaptureForm,
    PetitionFilterForm,
    PetitionForm,
    PetitionImportForm,
    PreparationAnswerForm,
    PreparationForm,
    ReceiptEmailForm,
)
from petitions.models import Petition, PetitionImport, Preparation
from petitions.querysets import READ_ROLES
from sessions.models import DialogueSession

PAGE_SIZE = 50
#: Unresolved first, then the matters raised most often (Hà Nam 2018), newest first: the
#: generated `list_rank` holds the first two keys, so every key is descending (a row comparison).
LIST_ORDER = ("-list_rank", "-id")
#: Search results: newest first. A search looks for particular petitions, and this order lets a
#: common term fill its page from the newest rows (dialogue.pagination.search_page) instead of
#: reading every match to sort them in list order.
SEARCH_ORDER = ("-id",)
#: The list shows this much of the content (`truncatechars`, counted after NFC normalisation).
CONTENT_CHARS = 120
#: What is read of it: a Vietnamese character stored decomposed takes up to three code points,
#: and one character more than is shown tells whether to cut, as on the whole text.
CONTENT_READ = 3 * (CONTENT_CHARS + 1)
#: A list row, filled by petition_rows with every value escaped (display.fill).
PETITION_ROW = (
    "\n    <tr>\n      <td>{}</td>\n"
    '      <td><a href="{}">{}</a><div class="small text-muted">{} · {}</div></td>\n'
    "      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n"
    "    </tr>\n  "
)


def row_values(petitions: QuerySet) -> QuerySet:
    """What a list row shows and the list's cursors need, as named tuples: no model instance,
    no related object, no session's dozen dates per row (the page's largest CPU costs)."""
    return petitions.annotate(
        content_start=Left("content", CONTENT_READ),
        session_title=F("session__title"),
        field_name=F("field__name"),
    ).values_list(
        "id",
        "list_rank",
        "content_start",
        "petitioner_name",
        "session_title",
        "field_name",
        "times_raised",
        "scope",
        "status",
        named=True,
    )


def petition_rows(rows) -> list[str]:
    """The list's rows as HTML, each value escaped: per-row `{% url %}`, `truncatechars` and
    choice labels through the template cost more than the page's queries."""
    url = display.url_for_pk("petition-detail")
    content = display.chars_truncator(CONTENT_CHARS)
    scopes, statuses = dict(Petition.Scope.choices), dict(Petition.Status.choices)
    return [
        display.fill(
            PETITION_ROW,
            display.number(p.id),
            url(p.id),
            content(p.content_start),
            p.petitioner_name,
            p.session_title,
            p.field_name,
            display.number(p.times_raised),
            scopes.get(p.scope, p.scope),
            statuses.get(p.status, p.status),
        )
        for p in rows
    ]


def _get_petition(user, pk: int, *, write: bool = False) -> Petition:
    petitions = Petition.objects.editable_by(user) if write else Petition.objects.visible_to(user)
    return get_object_or_404(
        petitions.select_related("session__plan__profile", "unit", "field", "duplicate_of"), pk=pk
    )


def _get_session_for_petitions(user, pk: int) -> DialogueSession:
    return get_object_or_404(
        DialogueSession.objects.editable_by(user).select_related("plan", "unit"), pk=pk
    )


def _get_preparation(user, pk: int) -> Preparation:
    return get_object_or_404(
        Preparation.objects.filter(petition__in=Petition.objects.editable_by(user)).select_related(
            "petition", "agency"
        ),
        pk=pk,
    )


class Filtered(NamedTuple):
    petitions: QuerySet
    form: PetitionFilterForm
    session: DialogueSession | None
    #: A search in a scope small enough to name its units by id (a province, not the country).
    small_scope: bool = False


def filtered_petitions(user, data) -> Filtered:
    """The petition list as the user filtered it. The page and its exports (petitions.exports)
    both use it, so they show the same rows, in `list_order`."""
    petitions = Petition.objects.visible_to(user).select_related("field", "session", "unit")
    form = PetitionFilterForm(data or None, units=AdministrativeUnit.objects.visible_to(user))
    # The unit picker offers AdministrativeUnit.objects.visible_to(user): these two scopes.
    responder = access.scope_for(user, [access.AGENCY_RESPONDER])
    keep_filter_form(form, user, access.scope_for(user), responder.key)
    session, unit_ids = None, None
    if form.is_valid():
        data = form.cleaned_data
        units = AdministrativeUnit.objects.where_user_is(user, *READ_ROLES)
        if data["unit"]:
            units = units.filter(path__startswith=data["unit"].path)
        if is_search(form):
            unit_ids = small_scope_ids(units)
        petitions = petitions.search(data["q"], unit_ids=unit_ids)
        if data["session"]:
            sessions = DialogueSession.objects.visible_to(user)
            session = get_object_or_404(sessions, pk=data["session"])
            petitions = petitions.filter(session=session)
        if data["unit"]:
            petitions = petitions.filter(unit__path__startswith=data["unit"].path)
        for name in ("status", "scope", "source", "field", "competence"):
            if data[name]:
                petitions = petitions.filter(**{name: data[name]})
    return Filtered(petitions, form, session, small_scope=unit_ids is not None)


def is_search(form: PetitionFilterForm) -> bool:
    """Whether the list shows search results (a valid query with a term to look for)."""
    return form.is_valid() and bool(essential_terms(fold_query(form.cleaned_data["q"] or "")))


def list_order(form: PetitionFilterForm) -> tuple[str, ...]:
    return SEARCH_ORDER if is_search(form) else LIST_ORDER


@login_required
def petition_list(request):
    if (export := exports.response_for(request, "petitions")) is not None:
        return export
    petitions, form, session, small_scope = filtered_petitions(request.user, request.GET)
    petitions, cursor = row_values(petitions), request.GET.get("after")
    searching = is_search(form)
    if searching:
        # A province's matches are few enough to collect and sort in one read.
        window = 0 if small_scope else None
        page = search_page(petitions, cursor=cursor, size=PAGE_SIZE, window=window)
    else:
        page = keyset_page(petitions, order=LIST_ORDER, cursor=cursor, size=PAGE_SIZE)
    can_add = (
        session is not None
        and services.petitions_closed_reason(session) is None
        and DialogueSession.objects.editable_by(request.user).filter(pk=session.pk).exists()
    )
    return render(
        request,
        "petitions/petition_list.html",
        {
            "page": page,
            "rows": petition_rows(page.rows),
            "filter_form": form,
            "session": session,
            "can_add": can_add,
            "searching": searching,
        },
    )


@login_required
@once.submitted_once
def petition_create(request, session_pk: int):
    session = _get_session_for_petitions(request.user, session_pk)
    if (closed := services.petitions_closed_reason(session)) is not None:
        # Said before the form is filled, not after.
        context = {"session": session, "closed": closed}
        return render(request, "petitions/petition_form.html", context)
    form = PetitionForm(
        request.POST or None, unit=session.unit, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(
                actor=request.user, session=session, **form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Petition no. %(number)s was recorded.") % {"number": petition.pk}
            )
            return redirect("petition-detail", pk=petition.pk)
    return render(request, "petitions/petition_form.html", {"form": form, "session": session})


@login_required
def petition_edit(request, pk: int):
    petition = _get_petition(request.user, pk, write=True)
    form = PetitionForm(request.POST or None, instance=petition, unit=petition.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_update(actor=request.user, petition=petition, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The petition was saved."))
            return redirect("petition-detail", pk=petition.pk)
    return render(
        request,
        "petitions/petition_form.html",
        {"form": form, "session": petition.session, "petition": petition},
    )


@login_required
def petition_detail(request, pk: int):
    return _render_detail(request, _get_petition(request.user, pk))


def _render_detail(
    request, petition: Petition, *, preparation_form=None, hold_form=None, status: int = 200
):
    can_edit = Petition.objects.editable_by(request.user).filter(pk=petition.pk).exists()
    if preparation_form is None and can_edit and not petition.is_routed_out:
        preparation_form = PreparationForm(unit=petition.unit)
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "petition": petition,
            "can_edit": can_edit,
            "personal_data": Petition.objects.with_personal_data_for(request.user)
            .filter(pk=petition.pk)
            .exists(),
            "preparations": petition.preparations.select_related("agency", "agency__unit"),
            "duplicates": petition.duplicates.all(),
            "preparation_form": preparation_form if can_edit else None,
            "hold_form": hold_form,
            "answer_form": PreparationAnswerForm(initial={"answered_on": timezone.localdate()}),
            "history": audit.history(petition)[:50],
            "retention_years": settings.RETENTION_YEARS,
        },
        status=status,
    )


@login_required
@require_POST
def preparation_create(request, pk: int):
    petition = _get_petition(request.user, pk, write=True)
    form = PreparationForm(request.POST, unit=petition.unit)
    if form.is_valid():
        try:
            preparation = services.preparation_assign(
                actor=request.user, petition=petition, agency=form.cleaned_data["agency"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(agency)s was asked to prepare the answer by %(due)s.")
                % {"agency": preparation.agency, "due": f"{preparation.due_on:%d/%m/%Y}"},
            )
            return redirect("petition-detail", pk=petition.pk)
    # The page again, with the reason beside the agency picker.
    return _render_detail(request, petition, preparation_form=form)


@login_required
def preparation_answer(request, pk: int):
    preparation = _get_preparation(request.user, pk)
    form = PreparationAnswerForm(
        request.POST or None,
        initial={"answer": preparation.answer, "answered_on": preparation.answered_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preparation_record_answer(
                actor=request.user, preparation=preparation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The prepared answer was recorded."))
            return redirect("petition-detail", pk=preparation.petition_id)
    return render(
        request,
        "petitions/preparation_answer.html",
        {"form": form, "preparation": preparation, "petition": preparation.petition},
    )


@login_required
def petition_capture(request, session_pk: int):
    """The console's petition form (an HTMX fragment): capture, answer now or later."""
    session = get_object_or_404(
        DialogueSession.objects.console_for(request.user).select_related("unit"), pk=session_pk
    )
    initial = {"speaker": request.GET.get("speaker"), "entry": request.GET.get("entry")}
    form = PetitionCaptureForm(request.POST or None, session=session, initial=initial)
    saved = None
    token = once.claim(request)
    if token is not None and token.earlier not in (None, once.PENDING):
        # The same form again (a double click): answered as the first time, nothing made.
        saved = session.petitions.filter(pk=token.earlier).first()
        form = PetitionCaptureForm(session=session)
    elif request.method == "POST" and form.is_valid():
        try:
            saved = services.petition_capture(
                actor=request.user, session=session, **form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            form = PetitionCaptureForm(session=session)
    if token is not None and token.earlier is None:
        if saved is not None:
            token.keep(str(saved.pk))
        else:
            token.release()
    return render(
        request,
        "petitions/_capture.html",
        {
            "form": form,
            "session": session,
            "saved": saved,
            "captured": session.petitions.filter(source="at_session").order_by("-pk")[:20],
        },
    )


@login_required
def petition_receipt(request, pk: int):
    """The printable receipt (reference and QR code); POST e-mails it to a typed address."""
    petition = get_object_or_404(
        Petition.objects.with_personal_data_for(request.user).select_related(
            "session", "unit", "field"
        ),
        pk=pk,
    )
    form = ReceiptEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.petition_send_receipt(
            actor=request.user, petition=petition, email=form.cleaned_data["email"]
        )
        messages.success(request, _("The receipt was sent by e-mail."))
        return redirect("petition-receipt", pk=petition.pk)
    url = services.lookup_url(petition)
    return render(
        request,
        "petitions/petition_receipt.html",
        {
            "petition": petition,
            "url": url,
            "qr": qr_svg(url, title=petition.reference),
            "email_form": form,
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def petition_import_template(request, session_pk: int):
    _get_session_for_petitions(request.user, session_pk)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-kien-nghi.xlsx"'
    return response


@login_required
def petition_import(request, session_pk: int):
    """Upload an XLSX of petitions collected beforehand; the preview follows."""
    session = _get_session_for_petitions(request.user, session_pk)
    closed = services.petitions_closed_reason(session)
    form = PetitionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and closed is None and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_MEGABYTES * 1024 * 1024:
            form.add_error("file", importing.FILE_TOO_LARGE % {"limit": importing.MAX_MEGABYTES})
        else:
            petition_import = importing.import_upload(
                actor=request.user, session=session, filename=upload.name, content=upload.read()
            )
            return redirect("petition-import-detail", pk=petition_import.pk)
    return render(
        request,
        "petitions/petition_import.html",
        {
            "form": form,
            "session": session,
            "closed": closed,
            "imports": session.petition_imports.defer("content")[:20],
        },
    )


def _get_import(user, pk: int) -> PetitionImport:
    return get_object_or_404(
        PetitionImport.objects.filter(
            session__in=DialogueSession.objects.editable_by(user)
        ).select_related("session__unit"),
        pk=pk,
    )


@login_required
def petition_import_detail(request, pk: int):
    """The preview: every row with its errors on the field; then the import and its progress."""
    petition_import = _get_import(request.user, pk)
    preview = None
    if petition_import.status != PetitionImport.Status.IMPORTED:
        preview = importing.check(petition_import.session, bytes(petition_import.content))
    return render(
        request,
        "petitions/petition_import_detail.html",
        {
            "petition_import": petition_import,
            "session": petition_import.session,
            "preview": preview,
            "columns": importing.COLUMNS,
            "progress": importing.progress(petition_import),
            "running": petition_import.status == PetitionImport.Status.RUNNING,
        },
    )


@login_required
@require_POST
def petition_import_apply(request, pk: int):
    petition_import = _get_import(request.user, pk)
    if petition_import.status == PetitionImport.Status.IMPORTED:
        messages.info(
            request,
            importing.ALREADY_IMPORTED
            % {"date": f"{timezone.localtime(petition_import.imported_at):%d/%m/%Y %H:%M}"},
        )
        return redirect("petition-import-detail", pk=petition_import.pk)
    try:
        started = importing.petition_import_start(
            actor=request.user, petition_import=petition_import
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if started:
            messages.info(request, _("The import has started; this page shows its progress."))
        else:
            petition_import.refresh_from_db()
            messages.success(
                request,
                _("%(count)s petitions were imported.") % {"count": petition_import.imported_count},
            )
    return redirect("petition-import-detail", pk=petition_import.pk)


@login_required
@require_POST
def petition_legal_hold(request, pk: int):
    petition = _get_petition(request.user, pk, write=True)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.petition_set_legal_hold(
                actor=request.user, petition=petition, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The legal hold was saved."))
            return redirect("petition-detail", pk=petition.pk)
    return _render_detail(request, petition, hold_form=form)
