"""The live console, the projector display and the minutes pages (DESIGN §5–6).

The console's data travels as JSON and the browser renders it (static/js/console.js), so a poll
that finds nothing new costs one query and a 304, and entries typed offline are never clobbered by
a refresh. Writes are POSTs with CSRF, like every other page.
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dialogue import audit, document_cache
from dialogue.forms import ReasonForm, apply_service_errors
from sessions import console, documents, minutes, minutes_pages, services
from sessions.forms import AttendanceForm, FinalizeForm, SpeakerForm
from sessions.models import DialogueSession, Minutes, MinutesEntry, Speaker

#: The browser cache the console's service worker fills (static/js/offline-clear.js empties every
#: cache whose name starts with "doithoai-console" at logout and at login).
OFFLINE_CACHE = "doithoai-console-v1"
BAD_REQUEST = gettext_lazy("The request could not be read. Reload the page.")
DISPLAY_NOBODY = gettext_lazy("Waiting for the next speaker")
#: The console script's words, translated here and handed over as JSON.
CONSOLE_TEXT = {
    "unsaved": gettext_lazy("not saved"),
    "online": gettext_lazy("Connected"),
    "offline": gettext_lazy(
        "Offline: entries are kept in this browser and sent when the connection returns"
    ),
    "edit": gettext_lazy("Edit"),
    "save": gettext_lazy("Save"),
    "cancel": gettext_lazy("Cancel"),
    "petition": gettext_lazy("Petition"),
    "spoke": gettext_lazy("Spoke"),
    "absent": gettext_lazy("Absent"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "refuse": gettext_lazy("Refuse"),
    "requeue": gettext_lazy("Queue again"),
    "call": gettext_lazy("Call"),
    "refuse_reason": gettext_lazy("Reason for refusing (drunk, disruptive, threatening…):"),
    "nobody": gettext_lazy("Nobody is speaking."),
    "conflict_saved": gettext_lazy("Saved version"),
    "conflict_yours": gettext_lazy("Your version (merge both here, then save)"),
    "failed": gettext_lazy("not saved:"),
    "logged_out": gettext_lazy(
        "Your login has expired: log in again in another tab; your entries are kept here."
    ),
    "over_time": gettext_lazy("over time"),
    "given_by": gettext_lazy("by"),
    "conclusion": gettext_lazy("Conclusion"),
    "offline_copy": gettext_lazy(
        "Offline: this is the console as last loaded; entries typed here are sent when the "
        "connection returns"
    ),
    "now_speaking": gettext_lazy("Now speaking:"),
    "one_minute": gettext_lazy("One minute left for"),
    "time_up": gettext_lazy("Time is up for"),
    "edit_entry": gettext_lazy("Edit entry"),
    "capture_failed": gettext_lazy(
        "The petition was not sent (no connection?): it is kept in the form; record it again."
    ),
    "capture_later": gettext_lazy(
        "The petition form needs the connection: it opens when the connection returns."
    ),
}


#: The state is private to its user and always revalidated (the same on the 304s of
#: sessions.middleware).
STATE_CACHE_CONTROL = "no-cache, private"


def _get_console_session(user, pk: int) -> DialogueSession:
    return get_object_or_404(
        DialogueSession.objects.console_for(user).select_related("plan", "unit"), pk=pk
    )


def _not_modified(request, tag: str) -> bool:
    return tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]


def _json_error(error: ValidationError, status: int = 400) -> JsonResponse:
    if hasattr(error, "error_dict"):
        errors = error.message_dict
        codes = [e.code for errors_ in error.error_dict.values() for e in errors_]
    else:
        errors = {"__all__": error.messages}
        codes = [e.code for e in error.error_list]
    return JsonResponse({"errors": errors, "final": "final" in codes}, status=status)


def _entry_json(entry: MinutesEntry) -> dict:
    return {
        "uuid": str(entry.uuid),
        "seq": entry.seq,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "text": entry.text,
        "given_by": entry.given_by,
        "version": entry.version,
        "speaker": entry.speaker_id,
        "speaker_name": entry.speaker.full_name if entry.speaker_id else "",
        "by": str(entry.updated_by or entry.created_by or ""),
        "at": timezone.localtime(entry.created_at).strftime("%H:%M"),
    }


def _speaker_json(speaker: Speaker, *, public: bool = False) -> dict:
    data = {
        "id": speaker.pk,
        "position": speaker.position,
        "name": speaker.full_name,
        "address": speaker.address,
        "status": speaker.status,
        "status_label": speaker.get_status_display(),
        "called_at": speaker.called_at.isoformat() if speaker.called_at else None,
        "allotted_seconds": speaker.allotted_seconds,
    }
    if not public:
        data |= {"topic": speaker.topic, "reason": speaker.status_reason}
    return data


#: The columns of an entry and its people that the state sends (_entry_json).
ENTRY_STATE_FIELDS = (
    "uuid",
    "seq",
    "kind",
    "text",
    "given_by",
    "version",
    "created_at",
    "session_id",  # the related manager sets each entry's session from it
    "speaker__full_name",
    "created_by__full_name",
    "created_by__username",
    "updated_by__full_name",
    "updated_by__username",
)
#: The columns of the session that the state reads (console_state).
SESSION_STATE_FIELDS = ("status", "console_revision", "minutes_final")


def _state(session: DialogueSession, since: int | None = None) -> dict:
    """The console's data: everything, or with `since` (a revision the client holds) only the
    entries and speakers changed after it, so a poll after one save is one row, not the whole
    minutes. The revision is read before the rows (sessions.console.bump), so the rows sent
    are at least those of `revision`: merged by id into the state of `since`, they give the
    state a full load would give."""
    # Only the columns _entry_json shows (the users' full rows cost more to build than to read).
    entries = session.minutes_entries.select_related("speaker", "created_by", "updated_by").only(
        *ENTRY_STATE_FIELDS
    )
    speakers = session.speakers.queue()
    delta = since is not None and 0 <= since <= session.console_revision
    if delta:
        # Read through the (session, rev) indexes, then put in order here: a few rows.
        entries = sorted(entries.filter(rev__gt=since).order_by(), key=lambda e: e.seq)
        speakers = sorted(
            speakers.filter(rev__gt=since).order_by(), key=lambda s: (s.position, s.pk)
        )
    return {
        "revision": session.console_revision,
        "since": since if delta else None,
        "now": timezone.now().isoformat(),
        "status": session.status,
        "status_label": session.get_status_display(),
        # Mirrored on the session row by sessions.minutes: no read of the minutes.
        "final": session.minutes_final,
        "entries": [_entry_json(e) for e in entries],
        "speakers": [_speaker_json(s) for s in speakers],
    }


def _since(request) -> int | None:
    try:
        return int(request.GET["since"])
    except (KeyError, ValueError):
        return None


@login_required
def console_page(request, pk: int, *, attendance_form=None, status: int = 200):
    session = _get_console_session(request.user, pk)
    return render(
        request,
        "sessions/console.html",
        {
            "session": session,
            # The chair's conclusion has its own part of the page.
            "kinds": [c for c in MinutesEntry.Kind.choices if c[0] != MinutesEntry.Kind.CONCLUSION],
            "chair": " ".join(p for p in (session.chair_title, session.chair_name) if p),
            "speaker_form": SpeakerForm(),
            "attendance_form": attendance_form
            or AttendanceForm(initial={"invited_count": session.invited_count}),
            "can_start": session.status == DialogueSession.Status.SCHEDULED,
            "console_text": {key: str(text) for key, text in CONSOLE_TEXT.items()},
            "display_url": request.build_absolute_uri(
                f"/display/{console.display_token(session)}/"
            ),
            "can_renew_display": DialogueSession.objects.editable_by(request.user)
            .filter(pk=session.pk)
            .exists(),
            "offline_cache": OFFLINE_CACHE,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        },
        status=status,
    )


@require_GET
def console_service_worker(request):
    """The console's service worker (templates/sessions/console_sw.js). Served from here, not
    from /static/, because a worker only controls pages under its own URL's folder; each console
    registers it for its own folder (/sessions/<pk>/console/). No personal data in it, so no
    login: the browser re-checks it on every visit, also after a logout."""
    response = render(
        request,
        "sessions/console_sw.js",
        {"cache_name": OFFLINE_CACHE, "static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def console_state(request, pk: int):
    """The console's data as JSON: `?since=<revision>` asks only for what changed after it (the
    first load asks for everything). The tag is for this user's login session
    (console.console_viewer), so an unchanged poll is mostly answered 304 by
    sessions.middleware before the session, the user or the database are read. The polls that
    reach this view (about one a minute per session, when the session is renewed) check access
    again before a 304 (console.may_poll): a user removed from the session's unit stops getting
    answers within a minute, not only at its next change."""
    current = console.revision(pk)
    if current is None:
        raise Http404
    viewer = console.console_viewer(
        request.user.pk, request.session.session_key, request.session.get(HASH_SESSION_KEY, "")
    )
    tag = console.etag(pk, current, "console", viewer)
    if _not_modified(request, tag):
        if not console.may_poll(request.user, pk):
            raise Http404
        response = HttpResponseNotModified()
    else:
        session = get_object_or_404(
            DialogueSession.objects.console_for(request.user).only(*SESSION_STATE_FIELDS), pk=pk
        )
        response = JsonResponse(_state(session, _since(request)))
    response["ETag"] = tag
    response["Cache-Control"] = STATE_CACHE_CONTROL
    return response


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ValidationError(BAD_REQUEST) from None
    if not isinstance(data, dict):
        raise ValidationError(BAD_REQUEST)
    return data


#: A speaker pk beyond any column's range is a forged request, not a lookup.
_MAX_PK = 2**63 - 1


@login_required
@require_POST
def console_entry_save(request, pk: int):
    """Save one entry. The access check is part of the save's first query (sessions.console.
    entry_save): the session, the entry and the speaker are read together."""
    try:
        data = _body(request)
        try:
            entry_uuid = uuid.UUID(str(data.get("uuid")))
            base_version = data.get("base_version")
            base_version = int(base_version) if base_version is not None else None
            speaker_id = int(data["speaker"]) if data.get("speaker") else None
        except (ValueError, TypeError, OverflowError):
            raise ValidationError(BAD_REQUEST) from None
        if speaker_id is not None and not 0 < speaker_id <= _MAX_PK:
            # One that does not exist and one of another session get the same answer, so the
            # answer tells nothing about the other.
            raise ValidationError({"speaker": console.SPEAKER_OTHER_SESSION})
        kind = str(data.get("kind") or MinutesEntry.Kind.NOTE)
        if kind not in MinutesEntry.Kind.values:
            kind = MinutesEntry.Kind.NOTE
        typed_at = parse_datetime(str(data.get("typed_at") or "")) if data.get("typed_at") else None
        entry, created = console.entry_save(
            actor=request.user,
            session=pk,
            within=DialogueSession.objects.console_for(request.user),
            uuid=entry_uuid,
            kind=kind,
            text=str(data.get("text") or ""),
            speaker=speaker_id,
            base_version=base_version,
            typed_at=typed_at,
            given_by=str(data.get("given_by") or "")[:200],
        )
    except DialogueSession.DoesNotExist:
        raise Http404 from None
    except console.EntryConflict as conflict:
        message = str(console.ENTRY_CONFLICT)
        return JsonResponse(
            {
                "conflict": True,
                "current": _entry_json(conflict.current),
                "attempted_text": conflict.attempted_text,
                "message": message,
                "errors": {"text": [message]},
            },
            status=409,
        )
    except ValidationError as error:
        return _json_error(error)
    return JsonResponse({"entry": _entry_json(entry)}, status=201 if created else 200)


@login_required
@require_POST
def console_start(request, pk: int):
    session = _get_console_session(request.user, pk)
    try:
        services.session_transition(actor=request.user, session=session, to="in_progress")
        console.bump(session.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The session has started."))
    return redirect("session-console", pk=session.pk)


@login_required
@require_POST
def console_call_next(request, pk: int):
    session = _get_console_session(request.user, pk)
    try:
        speaker = console.speaker_call_next(actor=request.user, session=session)
    except ValidationError as error:
        return _json_error(error)
    return JsonResponse({"speaker": _speaker_json(speaker)})


@login_required
@require_POST
def console_speaker_status(request, pk: int, speaker_pk: int):
    session = _get_console_session(request.user, pk)
    speaker = get_object_or_404(session.speakers, pk=speaker_pk)
    try:
        data = _body(request)
        to = str(data.get("to") or "")
        if to not in Speaker.Status.values:
            raise ValidationError(BAD_REQUEST)
        speaker = console.speaker_set_status(
            actor=request.user, speaker=speaker, to=to, reason=str(data.get("reason") or "")
        )
    except ValidationError as error:
        return _json_error(error)
    return JsonResponse({"speaker": _speaker_json(speaker)})


@login_required
@require_POST
def console_speaker_register(request, pk: int):
    """Registration on the spot: the same rules as before the session (18+, duplicates)."""
    session = _get_console_session(request.user, pk)
    form = SpeakerForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    fields = form.service_fields() | {"channel": Speaker.Channel.AT_SESSION}
    try:
        console.check_writable(session)
        with transaction.atomic():
            speaker = services.speaker_register(actor=request.user, session=session, **fields)
            console.bump(session.pk, speakers=[speaker.pk])
    except ValidationError as error:
        return _json_error(error)
    return JsonResponse({"speaker": _speaker_json(speaker)}, status=201)


@login_required
@require_POST
def console_display_renew(request, pk: int):
    """The organiser replaces the projector link; the screens showing the old one go blank."""
    session = get_object_or_404(DialogueSession.objects.editable_by(request.user), pk=pk)
    try:
        console.display_link_renew(actor=request.user, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("A new projector link was made; the old one no longer works."))
    return redirect("session-console", pk=session.pk)


@login_required
@require_POST
def console_end(request, pk: int):
    session = _get_console_session(request.user, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            console.session_end(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session has ended; the minutes can now be finalised."))
            return redirect("session-minutes", pk=session.pk)
    # The numbers typed stay in the form, the error next to its field.
    return console_page(request, pk, attendance_form=form, status=400)


# --- the projector ---------------------------------------------------------------------------


def display_sessions():
    """Sessions whose projector link works: once the minutes are final, the hall's display ends."""
    return DialogueSession.objects.exclude(minutes__finalised_at__isnull=False)


def _display_session(token: str) -> DialogueSession:
    if len(token) < 20:
        raise Http404
    return get_object_or_404(display_sessions(), display_token=token)


def display_page(request, token: str):
    session = _display_session(token)
    return render(
        request,
        "sessions/display.html",
        {"session": session, "token": token, "display_text": {"nobody": str(DISPLAY_NOBODY)}},
    )


@require_GET
def display_state(request, token: str):
    """The hall's screen: names and hamlets only (no year of birth, phone or topic)."""
    row = (
        display_sessions().filter(display_token=token).values_list("pk", "console_revision").first()
        if len(token) >= 20
        else None
    )
    if row is None:
        raise Http404
    tag = console.etag(row[0], row[1], "display", token)
    if _not_modified(request, tag):
        response = HttpResponseNotModified()
    else:
        session = DialogueSession.objects.get(pk=row[0])
        speakers = list(session.speakers.queue().filter(status__in=["waiting", "speaking"]))
        response = JsonResponse(
            {
                "now": timezone.now().isoformat(),
                "title": session.title,
                "current": next(
                    (_speaker_json(s, public=True) for s in speakers if s.status == "speaking"),
                    None,
                ),
                "next": [_speaker_json(s, public=True) for s in speakers if s.status == "waiting"][
                    :5
                ],
            }
        )
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    return response


# --- the minutes -----------------------------------------------------------------------------


def _entry_number(request) -> int | None:
    try:
        number = int(request.GET["entry"])
    except (KeyError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@login_required
def minutes_page(request, pk: int, *, finalize_form=None, reopen_form=None):
    """The minutes, one section of entries at a time (sessions.minutes_pages); `?entry=<n>`
    shows the section holding entry n. A refused finalisation shows it again with the error
    beside the chair's name (`finalize_form`)."""
    session = get_object_or_404(
        DialogueSession.objects.with_speakers_for(request.user).select_related("plan", "unit"),
        pk=pk,
    )
    wanted = _entry_number(request)
    page = minutes_pages.entries_page(session, entry=wanted)
    if wanted is not None and page.first is not None and wanted != page.first:
        # A jump to an entry: the section's own address, scrolled to the entry.
        return redirect(f"{request.path}?entry={page.first}#entry-{wanted}")
    record = Minutes.objects.filter(session=session).select_related("finalised_by").first()
    can_write = DialogueSession.objects.console_for(request.user).filter(pk=session.pk).exists()
    petitions = list(
        session.petitions.select_related("field").order_by("pk")[
            : minutes_pages.PETITIONS_SHOWN + 1
        ]
    )
    return render(
        request,
        "sessions/minutes.html",
        {
            "session": session,
            "minutes": record,
            "page": page,
            "petitions": petitions[: minutes_pages.PETITIONS_SHOWN],
            "more_petitions": len(petitions) > minutes_pages.PETITIONS_SHOWN,
            "secretaries": session.secretaries.all(),
            "can_write": can_write,
            "can_reopen": record is not None
            and record.is_final
            and DialogueSession.objects.editable_by(request.user).filter(pk=session.pk).exists(),
            "finalize_form": finalize_form
            or FinalizeForm(initial={"chair_name": session.chair_name}),
            "reopen_form": reopen_form or _reopen_form(),
            "history": audit.history(record)[:20] if record else [],
        },
    )


@login_required
def minutes_pdf(request, pk: int):
    session = get_object_or_404(DialogueSession.objects.with_speakers_for(request.user), pk=pk)
    record = Minutes.objects.filter(session=session).first()
    if record is not None and record.is_final:
        issued = document_cache.issued_pdf_or_progress(
            request, obj=record, kind=minutes.MINUTES_DOCUMENT
        )
        if issued is not None:
            return issued
    return document_cache.pdf_or_progress(
        request,
        obj=session,
        kind=minutes.MINUTES_DOCUMENT,
        filename=f"du-thao-bb-{pk}.pdf",
        html=lambda: documents.minutes_html(session, minutes=record),
    )


@login_required
@require_POST
def minutes_finalize(request, pk: int):
    session = _get_console_session(request.user, pk)
    form = FinalizeForm(request.POST)
    if form.is_valid():
        try:
            minutes.minutes_finalize(
                actor=request.user, session=session, chair_name=form.cleaned_data["chair_name"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Finalised meanwhile (another tab, the other secretary): no form to correct.
                for message in error.messages:
                    messages.error(request, message)
                return redirect("session-minutes", pk=session.pk)
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The minutes were finalised."))
            return redirect("session-minutes", pk=session.pk)
    return minutes_page(request, pk, finalize_form=form)


def _reopen_form(data=None) -> ReasonForm:
    form = ReasonForm(data, auto_id="reopen_%s")
    form.fields["reason"].error_messages["required"] = console.REOPEN_REASON_REQUIRED
    return form


@login_required
@require_POST
def minutes_reopen(request, pk: int):
    session = get_object_or_404(DialogueSession.objects.editable_by(request.user), pk=pk)
    form = _reopen_form(request.POST)
    if not form.is_valid():
        return minutes_page(request, pk, reopen_form=form)
    try:
        minutes.minutes_reopen(
            actor=request.user, session=session, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            apply_service_errors(form, error)
            return minutes_page(request, pk, reopen_form=form)
        messages.error(request, " ".join(error.messages))
    except Minutes.DoesNotExist as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The minutes were reopened; the reason is recorded."))
    return redirect("session-minutes", pk=session.pk)
