"""Every form of the product, posted with the bad input staff type (issue 13).

The registry below names, for each form, the page that shows it, the role that uses it and the
bad values each field must survive: empty, 10,000 characters, dates out of the calendar's years
and 31/02, zero and negative counts, emoji in official text. For each, the page must answer
without a 500, show the form again with a Vietnamese error beside that field, and keep what was
typed. A text field without a length limit may take the 10,000 characters, then its document
must still render. A form class of the project that is in no case (nor exempted with a reason)
fails `test_every_form_class_is_walked`: a new form must be added here.

Each case builds its scene once and posts all its bad values against it (one database set-up per
form); the failures of a case are reported together.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import services as dialogue_services
from dialogue import storage
from dialogue.models import DeadlineProfile
from followups import annual_report, publication
from followups import services as followup_services
from followups.models import Assignment, ConclusionNotice
from petitions import services as petition_services
from petitions.models import Field
from sessions import console as console_service
from sessions import extra_conferences
from sessions import minutes as minutes_service
from sessions import services as session_services
from sessions.models import DialogueSession
from tests.dialogue.forms_walk import (
    ENGLISH,
    VIETNAMESE,
    PageForms,
    errors_on,
    form_html,
    is_marked_invalid,
    keeps,
)
from tests.factories import make_held_session, make_petition, make_plan, make_session, make_speaker

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 21, 9, 0, tzinfo=VN)
TODAY = NOW.date()

EMPTY = ""
LONG = "ạ" * 10_000
EMOJI = "Ý kiến của bà con 🙏"
BAD_DATES = ("31/02/2026", "01/01/1900", "31/12/9999", "hôm qua")
BAD_DATETIMES = ("31/02/2026 08:00", "01/01/1900 08:00", "31/12/9999 08:00")
BAD_COUNTS = ("0", "-1")


def text(*, required: bool = True, official: bool = True) -> tuple[str, ...]:
    return (EMPTY,) * required + (LONG,) + (EMOJI,) * official


@dataclass(frozen=True)
class Case:
    """One form as its users meet it. `scene(world)` builds what the page needs and returns
    (user, page url, fields the user fills in on a fresh form); the form posted is the one of
    the page holding the `bad` fields, with the values a browser would send."""

    name: str
    forms: tuple[type, ...]
    scene: Callable
    bad: dict[str, tuple[str, ...]]
    #: "page": the form is posted and re-rendered; "get": a GET form (filters, calculator);
    #: "json": the console's endpoints, errors as JSON for its script.
    mode: str = "page"
    status: int = 200
    #: The document that shows the text fields (checked once a long text was accepted).
    document: Callable | None = None
    #: Text fields of no form class that take any length (the console's JSON entries).
    unbounded: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name


@dataclass
class Scene:
    user: object
    page: str
    fill: dict = field(default_factory=dict)
    post: str = ""  # the form's action when the page holds several
    json_url: str = ""


# --- scenes ------------------------------------------------------------------------------------


def _plan(world, **fields):
    return make_plan(world.commune_a, actor=world.organiser_a, **fields)


def _session(world, **fields):
    return make_session(
        _plan(world), actor=world.organiser_a, secretaries=[world.secretary_a], **fields
    )


def _running(world):
    session = _session(world)
    make_speaker(session, actor=world.secretary_a)
    session_services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    session_services.session_transition(actor=world.organiser_a, session=session, to="in_progress")
    session.refresh_from_db()
    return session


def _notice_scene(world):
    session, petitions = make_held_session(world.commune_a, petitions=2)
    notice = followup_services.notice_draft(actor=world.organiser_a, session=session)
    followup_services.notice_update(
        actor=world.organiser_a, notice=notice, signer_name="Trần Văn Chủ", signer_title="CHỦ TỊCH"
    )
    return session, notice, petitions


def _assignment(world, *, pending_extension: bool = False):
    session, notice, _ = _notice_scene(world)
    followup_services.notice_issue(
        actor=world.organiser_a,
        notice=notice,
        allocations={p.pk: [world.agency_a1] for p in session.petitions.all()},
        number="01/TB-UBND",
        issued_on=TODAY,
    )
    assignment = Assignment.objects.filter(notice=notice).order_by("pk").first()
    if pending_extension:
        followup_services.extension_request(
            actor=world.responder_a,
            assignment=assignment,
            new_due_on=date(2027, 1, 29),
            reason="Cần xác minh thực địa.",
            citizen_told_on=TODAY,
        )
    return assignment


def _report(world):
    return annual_report.annual_report_draft(
        actor=world.organiser_a, unit=world.commune_a, year=2026
    )


def plan_new(world):
    return Scene(
        world.organiser_a,
        reverse("plan-create"),
        {
            "issuing_body": "ỦY BAN NHÂN DÂN XÃ A",
            "place": "Xã A",
            "title": "Kế hoạch đối thoại năm 2026",
            "year": "2026",
            "profile": str(DeadlineProfile.objects.get(code="ha-nam-2018").pk),
            "purpose": "Lắng nghe ý kiến của Nhân dân.",
        },
    )


def plan_edit(world):
    return Scene(world.organiser_a, reverse("plan-edit", args=[_plan(world).pk]))


def plan_amend(world):
    plan = _plan(
        world,
        number="12/KH-UBND",
        issued_on=date(2026, 12, 1),
        signer_title="CHỦ TỊCH",
        signer_name="Trần Văn Chủ",
    )
    session_services.plan_issue(actor=world.organiser_a, plan=plan)
    return Scene(
        world.organiser_a, reverse("plan-amend", args=[plan.pk]), {"reason": "Đổi địa điểm."}
    )


def session_new(world):
    return Scene(
        world.organiser_a,
        reverse("session-create", args=[_plan(world).pk]),
        {
            "kind": "thematic",
            "title": "Đối thoại chuyên đề giải phóng mặt bằng",
            "starts_at": "15/01/2027 08:00",
            "ends_at": "15/01/2027 11:30",
            "venue": "Nhà văn hóa thôn Đông",
            "chair_name": "Trần Văn Chủ",
        },
    )


def session_edit(world):
    return Scene(world.organiser_a, reverse("session-edit", args=[_session(world).pk]))


def session_cancel(world):
    session = _session(world)
    return Scene(
        world.organiser_a,
        reverse("session-detail", args=[session.pk]),
        {"to": "cancelled"},
        post=reverse("session-transition", args=[session.pk]),
    )


def session_milestone(world):
    session = _session(world)
    return Scene(
        world.organiser_a,
        reverse("session-detail", args=[session.pk]),
        {"done_on": "10/12/2026"},
        post=reverse("session-milestone", args=[session.pk]),
    )


def session_legal_hold(world):
    session = _session(world)
    return Scene(
        world.organiser_a,
        reverse("session-detail", args=[session.pk]),
        {"reason": "Đang có khiếu nại."},
        post=reverse("session-legal-hold", args=[session.pk]),
    )


SPEAKER = {
    "full_name": "Quàng Văn Nói",
    "birth_year": "1970",
    "address": "Bản Na",
    "topic": "Đường vào bản",
    "channel": "hamlet",
}


def speaker_new(world):
    return Scene(world.secretary_a, reverse("session-speakers", args=[_session(world).pk]), SPEAKER)


def speaker_edit(world):
    speaker = make_speaker(_session(world), actor=world.secretary_a)
    return Scene(world.secretary_a, reverse("speaker-edit", args=[speaker.pk]))


def speaker_move(world):
    session = _session(world)
    speaker = make_speaker(session, actor=world.secretary_a)
    make_speaker(session, actor=world.secretary_a, full_name="Lò Thị Hai", address="Bản Mới")
    return Scene(
        world.secretary_a,
        reverse("session-speakers", args=[session.pk]),
        post=reverse("speaker-move", args=[speaker.pk]),
    )


def console_speaker(world):
    session = _running(world)
    return Scene(
        world.secretary_a,
        reverse("session-console", args=[session.pk]),
        SPEAKER,
        json_url=reverse("console-speaker-register", args=[session.pk]),
    )


def console_entry(world):
    session = _running(world)
    return Scene(
        world.secretary_a,
        reverse("session-console", args=[session.pk]),
        {"kind": "note", "text": "Ông A phát biểu về đường giao thông."},
        json_url=reverse("console-entry-save", args=[session.pk]),
    )


def console_capture(world):
    session = _running(world)
    return Scene(
        world.secretary_a,
        reverse("petition-capture", args=[session.pk]),
        {
            "petitioner_name": "Lò Văn Đề",
            "content": "Đề nghị sửa đường vào bản.",
            "field": str(Field.objects.get(code="ha-tang-giao-thong").pk),
        },
    )


def console_end(world):
    session = _running(world)
    return Scene(
        world.secretary_a,
        reverse("session-console", args=[session.pk]),
        {"attending_count": "80"},
        post=reverse("console-end", args=[session.pk]),
    )


def minutes_finalize(world):
    session = _running(world)
    console_service.session_end(
        actor=world.secretary_a, session=session, attending_count=80, invited_count=100
    )
    return Scene(
        world.secretary_a,
        reverse("session-minutes", args=[session.pk]),
        post=reverse("minutes-finalize", args=[session.pk]),
    )


def minutes_reopen(world):
    session = _running(world)
    console_service.session_end(
        actor=world.secretary_a, session=session, attending_count=80, invited_count=100
    )
    with mock.patch("dialogue.documents.html_to_pdf", lambda html, progress=None: b"%PDF"):
        minutes_service.minutes_finalize(
            actor=world.secretary_a, session=session, chair_name="Trần Văn Chủ"
        )
    return Scene(
        world.organiser_a,
        reverse("session-minutes", args=[session.pk]),
        post=reverse("minutes-reopen", args=[session.pk]),
    )


def calendar_delete(world):
    exception = dialogue_services.calendar_exception_save(
        actor=world.administrator,
        reason="Quyết định 01.",
        day=date(2027, 1, 2),
        kind="day_off",
        name="Nghỉ bù",
        source="Quyết định 01/QĐ-TTg",
    )
    return Scene(
        world.administrator,
        reverse("calendar-exception-edit", args=[exception.pk]),
        post=reverse("calendar-exception-delete", args=[exception.pk]),
    )


def results_unpublish(world):
    session = _assignment(world).petition.session
    publication.publication_publish(actor=world.organiser_a, session=session)
    return Scene(
        world.organiser_a,
        reverse("session-notice", args=[session.pk]),
        post=reverse("session-unpublish", args=[session.pk]),
    )


def two_factor_reset(world):
    TOTPDevice.objects.create(user=world.organiser_a, name="phone", confirmed=True)
    return Scene(
        world.administrator,
        reverse("users-security"),
        post=reverse("user-two-factor-reset", args=[world.organiser_a.pk]),
    )


PETITION = {
    "source": "written",
    "received_on": "20/11/2026",
    "petitioner_name": "Vi Thị Đơn",
    "petitioner_address": "Bản Pá",
    "signatories": "12",
    "content": "Đề nghị sửa cầu treo bản Pá.",
    "competence": "commune",
    "times_raised": "1",
}


def petition_new(world):
    fill = PETITION | {"field": str(Field.objects.get(code="ha-tang-giao-thong").pk)}
    return Scene(world.organiser_a, reverse("petition-create", args=[_session(world).pk]), fill)


def petition_edit(world):
    petition = make_petition(_session(world), actor=world.organiser_a)
    return Scene(world.organiser_a, reverse("petition-edit", args=[petition.pk]))


def preparation_new(world):
    petition = make_petition(_session(world), actor=world.organiser_a)
    return Scene(
        world.organiser_a,
        reverse("petition-detail", args=[petition.pk]),
        post=reverse("preparation-create", args=[petition.pk]),
    )


def preparation_answer(world):
    petition = make_petition(_session(world), actor=world.organiser_a)
    preparation = petition_services.preparation_assign(
        actor=world.organiser_a, petition=petition, agency=world.agency_a1
    )
    return Scene(
        world.organiser_a,
        reverse("preparation-answer", args=[preparation.pk]),
        {"answer": "Đã có phương án sửa cầu."},
    )


def receipt_email(world):
    petition = make_petition(_session(world), actor=world.organiser_a)
    return Scene(world.organiser_a, reverse("petition-receipt", args=[petition.pk]))


def petition_import(world):
    return Scene(world.organiser_a, reverse("petition-import", args=[_session(world).pk]))


def notice_edit(world):
    session, _notice, _ = _notice_scene(world)
    return Scene(
        world.organiser_a,
        reverse("session-notice", args=[session.pk]),
        post=reverse("session-notice", args=[session.pk]),
    )


def notice_issue(world):
    session, _notice, _ = _notice_scene(world)
    return Scene(
        world.organiser_a,
        reverse("session-notice", args=[session.pk]),
        {"issue-number": "02/TB-UBND", "issue-confirm_early": "on"},
        post=reverse("session-notice-issue", args=[session.pk]),
    )


def _assignment_scene(user_of, action, fill=None, **kwargs):
    def scene(world):
        assignment = _assignment(world, **kwargs)
        return Scene(
            user_of(world),
            reverse("assignment-detail", args=[assignment.pk]),
            fill or {},
            post=reverse(action, args=[assignment.pk]),
        )

    return scene


def extension_decide(world):
    assignment = _assignment(world, pending_extension=True)
    extension = assignment.extensions.get()
    return Scene(
        world.organiser_a,
        reverse("assignment-detail", args=[assignment.pk]),
        {"decision": "refuse"},
        post=reverse("extension-decide", args=[extension.pk]),
    )


def report_new(world):
    return Scene(world.organiser_a, reverse("annual-report-list"))


def report_edit(world):
    report = _report(world)
    return Scene(
        world.organiser_a,
        reverse("annual-report-detail", args=[report.pk]),
        post=reverse("annual-report-detail", args=[report.pk]),
    )


def report_issue(world):
    report = _report(world)
    return Scene(
        world.organiser_a,
        reverse("annual-report-detail", args=[report.pk]),
        {"issue-number": "12/BC-UBND"},
        post=reverse("annual-report-issue", args=[report.pk]),
    )


EXTRA = {"voters_count": "1000", "signatures_count": "100", "received_on": "10/12/2026"}


def extra_new(world):
    return Scene(
        world.organiser_a,
        reverse("extra-request-create"),
        EXTRA | {"unit": str(world.commune_a.pk)},
    )


def _extra(world, signatures=100):
    return extra_conferences.extra_request_create(
        actor=world.organiser_a,
        unit=world.commune_a,
        voters_count=1000,
        signatures_count=signatures,
        received_on=date(2026, 12, 10),
        note="",
    )


def extra_edit(world):
    extra = _extra(world)
    return Scene(world.organiser_a, reverse("extra-request-detail", args=[extra.pk]))


def extra_plan(world):
    extra = _extra(world, signatures=400)
    return Scene(
        world.organiser_a,
        reverse("extra-request-detail", args=[extra.pk]),
        {
            "starts_at": "15/01/2027 08:00",
            "ends_at": "15/01/2027 11:00",
            "venue": "Hội trường xã A",
            "chair_name": "Trần Văn Chủ",
        },
        post=reverse("extra-request-plan", args=[extra.pk]),
    )


def calendar_new(world):
    return Scene(
        world.administrator,
        reverse("calendar-exception-new"),
        {
            "day": "02/01/2027",
            "kind": "day_off",
            "name": "Nghỉ bù",
            "source": "Quyết định 01/QĐ-TTg",
            "reason": "Quyết định 01.",
        },
    )


def deadline_calculator(world):
    return Scene(world.organiser_a, reverse("deadline-calculator"), {"start": "10/12/2026"})


def two_factor_enrol(world):
    return Scene(world.organiser_a, reverse("two-factor-enrol"))


def petition_filter(world):
    return Scene(world.organiser_a, reverse("petition-list"))


def session_filter(world):
    return Scene(world.organiser_a, reverse("session-list"))


def overdue_filter(world):
    return Scene(world.supervisor, reverse("overdue-list"))


# --- the registry -----------------------------------------------------------------------------

D = importlib.import_module("dialogue.forms")
S = importlib.import_module("sessions.forms")
P = importlib.import_module("petitions.forms")
F = importlib.import_module("followups.forms")


def _latest_plan_pdf(world):
    from sessions.models import Plan

    return reverse("plan-pdf", args=[Plan.objects.latest("pk").pk])


def _notice_pdf(world):
    return reverse("session-notice-pdf", args=[ConclusionNotice.objects.latest("pk").session_id])


def _report_pdf(world):
    from followups.models import AnnualReport

    return reverse("annual-report-pdf", args=[AnnualReport.objects.latest("pk").pk])


def _minutes_pdf(world):
    return reverse("minutes-pdf", args=[DialogueSession.objects.latest("pk").pk])


PLAN_BAD = {
    "title": text(),
    "issuing_body": text(),
    "year": (EMPTY, "0", "1900", "9999"),
    "issued_on": BAD_DATES,
    "purpose": text(required=False),
    "tasks-0-assignee": (LONG, EMOJI),
}
SESSION_BAD = {
    "title": text(),
    "starts_at": (EMPTY, *BAD_DATETIMES),
    "ends_at": BAD_DATETIMES,
    "venue": text(),
    "topics": text(required=False),
    "invited_count": ("-1",),
    "expected_count": ("-1",),
}
SPEAKER_BAD = {
    "full_name": text(),
    "birth_year": (EMPTY, "0", "-1", "1899", "9999"),
    "address": text(),
    "phone": ("12ab", LONG),
    "topic": text(),
}
PETITION_BAD = {
    "received_on": (EMPTY, *BAD_DATES),
    "petitioner_name": (LONG, EMOJI),
    "petitioner_phone": ("12ab",),
    "signatories": (EMPTY, *BAD_COUNTS),
    "times_raised": (EMPTY, *BAD_COUNTS),
    "content": text(),
}

CASES = [
    Case("plan-create", (S.PlanForm, S.TaskForm), plan_new, PLAN_BAD, document=_latest_plan_pdf),
    Case("plan-edit", (S.PlanForm,), plan_edit, PLAN_BAD, document=_latest_plan_pdf),
    Case(
        "plan-amend",
        (S.PlanAmendForm,),
        plan_amend,
        {"reason": text(), "title": text(), "year": ("9999",)},
    ),
    Case("session-create", (S.SessionForm,), session_new, SESSION_BAD),
    Case("session-edit", (S.SessionForm,), session_edit, SESSION_BAD),
    Case("session-cancel", (S.TransitionForm,), session_cancel, {"reason": (EMPTY, LONG)}),
    Case(
        "session-milestone",
        (S.MilestoneForm,),
        session_milestone,
        {"done_on": (EMPTY, *BAD_DATES), "note": (LONG, EMOJI)},
    ),
    Case("session-legal-hold", (D.LegalHoldForm,), session_legal_hold, {"reason": (EMPTY, LONG)}),
    Case("speaker-register", (S.SpeakerForm,), speaker_new, SPEAKER_BAD),
    Case("speaker-edit", (S.SpeakerForm,), speaker_edit, SPEAKER_BAD),
    Case("speaker-move", (S.SpeakerMoveForm,), speaker_move, {"position": (EMPTY, *BAD_COUNTS)}),
    Case(
        "console-speaker-register",
        (S.SpeakerForm,),
        console_speaker,
        SPEAKER_BAD,
        mode="json",
        status=400,
    ),
    Case(
        "console-minutes-entry",
        (),
        console_entry,
        {"text": (EMPTY, LONG, EMOJI), "given_by": (EMOJI,)},
        mode="json",
        status=400,
        document=_minutes_pdf,
        unbounded=("text",),
    ),
    Case(
        "console-petition-capture",
        (P.PetitionCaptureForm,),
        console_capture,
        {
            "content": text(),
            "petitioner_name": (LONG, EMOJI),
            "answered_by": (LONG,),
            "field": (EMPTY,),
        },
    ),
    Case(
        "console-end",
        (S.AttendanceForm,),
        console_end,
        {"attending_count": (EMPTY, "-1"), "invited_count": ("-1",)},
        status=400,
    ),
    Case("minutes-finalize", (S.FinalizeForm,), minutes_finalize, {"chair_name": text()}),
    Case("minutes-reopen", (D.ReasonForm,), minutes_reopen, {"reason": text()}),
    Case("petition-create", (P.PetitionForm,), petition_new, PETITION_BAD),
    Case("petition-edit", (P.PetitionForm,), petition_edit, PETITION_BAD),
    Case("preparation-assign", (P.PreparationForm,), preparation_new, {"agency": (EMPTY, "999")}),
    Case(
        "preparation-answer",
        (P.PreparationAnswerForm,),
        preparation_answer,
        {"answer": text(), "answered_on": (EMPTY, *BAD_DATES)},
    ),
    Case("receipt-email", (P.ReceiptEmailForm,), receipt_email, {"email": (EMPTY, "ab", LONG)}),
    Case(
        "notice-draft",
        (F.NoticeForm,),
        notice_edit,
        {
            "title": text(),
            "body": text(),
            "issued_on": BAD_DATES,
            "signer_name": (LONG, EMOJI),
            "recipients": (EMOJI,),
        },
        document=_notice_pdf,
    ),
    Case(
        "notice-issue",
        (F.NoticeIssueForm,),
        notice_issue,
        {"issue-number": (LONG, EMOJI), "issue-issued_on": BAD_DATES},
    ),
    Case(
        "assignment-response",
        (F.ResponseForm,),
        _assignment_scene(lambda w: w.responder_a, "assignment-response"),
        {
            "response-responded_on": (EMPTY, *BAD_DATES),
            "response-text": text(),
            "response-document_number": (LONG,),
        },
    ),
    Case(
        "assignment-extension",
        (F.ExtensionForm,),
        _assignment_scene(
            lambda w: w.responder_a, "assignment-extension", {"extension-new_due_on": "29/01/2027"}
        ),
        {
            "extension-new_due_on": (EMPTY, *BAD_DATES),
            "extension-reason": text(),
            "extension-citizen_told_on": (EMPTY, *BAD_DATES),
        },
    ),
    Case(
        "assignment-forward",
        (F.ForwardForm,),
        _assignment_scene(
            lambda w: w.responder_a,
            "assignment-forward",
            {"forward-to_body": "Sở Tài nguyên và Môi trường", "forward-document_number": "12/CV"},
        ),
        {
            "forward-to_body": text(),
            "forward-document_number": text(),
            "forward-forwarded_on": (EMPTY, *BAD_DATES),
            "forward-note": (EMOJI,),
        },
    ),
    Case(
        "assignment-add-agency",
        (F.AddAgencyForm,),
        _assignment_scene(lambda w: w.organiser_a, "assignment-add-agency"),
        {"add-agency": (EMPTY, "999")},
    ),
    Case(
        "extension-decide",
        (F.ExtensionDecisionForm,),
        extension_decide,
        {"note": (EMPTY, LONG, EMOJI)},
    ),
    Case(
        "annual-report-new",
        (F.AnnualReportNewForm,),
        report_new,
        {"year": (EMPTY, "0", "1999", "9999")},
    ),
    Case(
        "annual-report-draft",
        (F.AnnualReportForm,),
        report_edit,
        {"title": text(), "situation": text(required=False), "proposals": (EMOJI,)},
        document=_report_pdf,
    ),
    Case(
        "annual-report-issue",
        (F.AnnualReportIssueForm,),
        report_issue,
        {"issue-number": (LONG, EMOJI), "issue-issued_on": BAD_DATES},
    ),
    Case(
        "extra-request-create",
        (S.ExtraRequestForm,),
        extra_new,
        {
            "voters_count": (EMPTY, *BAD_COUNTS),
            "signatures_count": (EMPTY, "-1"),
            "received_on": (EMPTY, *BAD_DATES),
            "note": (EMOJI,),
        },
    ),
    Case(
        "extra-request-edit",
        (S.ExtraRequestForm,),
        extra_edit,
        {"voters_count": BAD_COUNTS, "received_on": BAD_DATES},
    ),
    Case(
        "extra-request-plan",
        (S.ExtraSessionForm,),
        extra_plan,
        {"starts_at": (EMPTY, *BAD_DATETIMES), "venue": text(), "chair_name": text()},
    ),
    Case(
        "calendar-exception",
        (D.CalendarExceptionForm,),
        calendar_new,
        {"day": (EMPTY, *BAD_DATES), "name": text(), "reason": text()},
    ),
    Case("calendar-exception-remove", (D.ReasonForm,), calendar_delete, {"reason": text()}),
    # Two forms without a form class: the reason is optional there, any length is kept.
    Case("results-unpublish", (), results_unpublish, {"reason": (LONG,)}, unbounded=("reason",)),
    Case("two-factor-reset", (), two_factor_reset, {"reason": (LONG,)}, unbounded=("reason",)),
    Case("two-factor-enrol", (D.OneTimeCodeForm,), two_factor_enrol, {"code": (EMPTY, LONG)}),
    Case(
        "deadline-calculator",
        (D.DeadlineCalculatorForm,),
        deadline_calculator,
        {"start": (EMPTY, *BAD_DATES), "offset": (EMPTY, "0", "99999")},
        mode="get",
    ),
    Case(
        "petition-list-filter",
        (S.ListFilterForm, P.PetitionFilterForm),
        petition_filter,
        {"q": (LONG,), "unit": ("999999",)},
        mode="get",
    ),
    Case(
        "session-list-filter",
        (S.SessionFilterForm,),
        session_filter,
        {"year": ("0", "9999"), "q": (LONG,)},
        mode="get",
    ),
    Case(
        "overdue-filter",
        (F.OverdueFilterForm,),
        overdue_filter,
        {"min_days": BAD_COUNTS},
        mode="get",
    ),
]

#: Forms not walked here, and why.
EXEMPT = {
    "SpeakerFilterForm": "the speaker list's filter: the same ListFilterForm walked on petitions",
    "AssignmentFilterForm": "only choices (a status, a box): nothing can be typed into it",
    "PetitionImportForm": "a file: tests/petitions/test_import.py posts empty, wrong and big files",
    "LookupForm": "the public look-up answers a wrong reference like an unknown one, on purpose "
    "(tests/public/test_petition_status.py)",
    "AdministrativeUnitForm": "Django admin (tests/dialogue/test_admin_scope.py)",
    "MembershipForm": "Django admin (tests/dialogue/test_admin_scope.py)",
    "UnitSuccessionForm": "Django admin (tests/dialogue/test_admin_scope.py)",
}

FORM_MODULES = (
    "dialogue.forms",
    "dialogue.admin",
    "dialogue.admin_units",
    "sessions.forms",
    "petitions.forms",
    "petitions.public_views",
    "followups.forms",
)


def project_form_classes() -> set[type]:
    for module in FORM_MODULES:
        importlib.import_module(module)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ("dialogue", "sessions", "petitions", "followups"):
                found.add(sub)
    return found


def test_every_form_class_is_walked():
    walked = {form for case in CASES for form in case.forms}
    missing = sorted(
        f"{c.__module__}.{c.__name__}"
        for c in project_form_classes()
        if c not in walked and c.__name__ not in EXEMPT
    )
    assert missing == [], "add these forms to CASES (or to EXEMPT, with the reason)"


# --- the walk ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fast_documents(monkeypatch):
    """Issuing a plan or a notice stores its PDF: the walk checks the documents it renders
    itself (case.document), not those of the scene."""
    fake = b"%PDF-1.4\n% scene\n"

    def issue(*, html, **document):
        return storage.document_store(content=fake, **document)

    monkeypatch.setattr("dialogue.document_cache.issue", issue)


def _max_length(case: Case, name: str) -> int | None:
    if name in case.unbounded:
        return None
    bare = name.split("-", 1)[-1] if "-" in name else name
    for form in case.forms:
        found = form.base_fields.get(bare) or form.base_fields.get(name)
        if found is not None:
            return getattr(found, "max_length", None)
    return 0  # unknown: the long value must be refused


def _check_page(case, html, name, value, problems, say):
    errors = errors_on(html, name)
    if not errors:
        say("no error beside the field")
        return
    if not is_marked_invalid(html, name):
        say('the widget is not aria-invalid="true"')
    for error in errors:
        if not VIETNAMESE.search(error):
            say(f"error not in Vietnamese: {error!r}")
    if value and not keeps(html, name, value):
        say("what was typed is not shown again")


def _walk(case: Case, world, client) -> list[str]:
    scene = case.scene(world)
    client.force_login(scene.user, backend="django.contrib.auth.backends.ModelBackend")
    problems: list[str] = []
    accepted_long = False
    if case.mode == "json":
        base = dict(scene.fill)
    else:
        page = client.get(scene.page)
        assert page.status_code == 200, f"{case}: GET {scene.page} answered {page.status_code}"
        form = PageForms(page.text).having([*case.bad] if case.mode != "get" else [])
        if scene.post:
            form = next(
                (
                    f
                    for f in PageForms(page.text).forms
                    if f["action"] == scene.post and all(n in f["fields"] for n in case.bad)
                ),
                None,
            )
            assert form is not None, f"{case}: no form posting to {scene.post} with the fields"
        base = {**form["fields"], **{k: [v] for k, v in scene.fill.items()}}
        base.pop("csrfmiddlewaretoken", None)
        # Each bad value is a new submit of the form (test_a_double_submit_makes_one sends one
        # twice).
        base.pop("once_token", None)
    url = scene.post or scene.json_url or scene.page
    for name, values in case.bad.items():
        # A long text may be accepted and change the scene: it goes last.
        for value in sorted(values, key=lambda v: v is LONG):

            def say(what, name=name, value=value):
                shown_value = f"{value[:20]}…({len(value)})" if len(value) > 30 else value
                problems.append(f"{name}={shown_value!r}: {what}")

            try:
                if case.mode == "json" and case.name == "console-minutes-entry":
                    body = {"uuid": str(uuid.uuid4()), **base, name: value}
                    response = client.post(url, json.dumps(body), content_type="application/json")
                elif case.mode == "json":
                    response = client.post(url, {**base, name: value})
                elif case.mode == "get":
                    response = client.get(url, {**base, name: value})
                else:
                    response = client.post(url, {**base, name: [value]})
            except Exception as error:  # the test client re-raises what would be a 500
                say(f"server error {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                say(f"status {response.status_code}")
                continue
            long_ok = value is LONG and _max_length(case, name) is None
            if long_ok and response.status_code in (200, 201, 302):
                content = response.content.decode()
                if (
                    case.mode == "json"
                    or response.status_code == 302
                    or f'name="{name}"' not in content
                    or not errors_on(content, name)
                ):
                    accepted_long = True
                    continue
            if response.status_code != case.status:
                say(f"status {response.status_code}, expected {case.status} with the form")
                continue
            if case.mode == "json":
                errors = response.json().get("errors", {}).get(name)
                if not errors:
                    say(f"no error for the field in {response.json()}")
                    continue
                for error in errors:
                    message = error["message"] if isinstance(error, dict) else error
                    if not VIETNAMESE.search(message):
                        say(f"error not in Vietnamese: {message!r}")
                continue
            html = response.content.decode()
            for english in ENGLISH:
                if english in html:
                    say(f"English on the page: {english!r}")
            if scene.post:
                html = form_html(html, scene.post, name)
            _check_page(case, html, name, value, problems, say)
    if accepted_long and case.document is not None:
        try:
            pdf = client.get(case.document(world))
        except Exception as error:
            problems.append(f"the document failed after a long text: {error!r}")
        else:
            if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
                problems.append(f"the document answered {pdf.status_code} after a long text")
    return problems


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_explained_on_its_field(case, world, client):
    problems = _walk(case, world, client)
    assert problems == [], f"{case}:\n  " + "\n  ".join(problems)


# --- double submit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Twice:
    """A form posted twice with the same values (a double click, a resend after a timeout).
    `made()` counts what one submit makes; `once`: the second must make nothing more."""

    name: str
    scene: Callable
    made: Callable[[], int]
    fill: dict = field(default_factory=dict)
    once: bool = True
    fields: tuple[str, ...] = ()  # the fields that identify the form on its page

    def __str__(self) -> str:
        return self.name


def _count(model_path: str) -> Callable[[], int]:
    module, name = model_path.rsplit(".", 1)
    return lambda: getattr(importlib.import_module(module), name).objects.count()


#: Not here: issuing a notice or a report twice (the second is refused as already issued,
#: tests/followups), the console's entries (client UUIDs, tests/sessions/test_console.py).
TWICE = [
    Twice("plan-create", plan_new, _count("sessions.models.Plan"), fields=("title",)),
    Twice(
        "session-create", session_new, _count("sessions.models.DialogueSession"), fields=("venue",)
    ),
    Twice("speaker-register", speaker_new, _count("sessions.models.Speaker"), fields=("topic",)),
    Twice(
        "petition-create", petition_new, _count("petitions.models.Petition"), fields=("content",)
    ),
    Twice(
        "console-petition-capture",
        console_capture,
        _count("petitions.models.Petition"),
        fields=("content",),
    ),
    Twice(
        "extra-request-create",
        extra_new,
        _count("sessions.models.ExtraConferenceRequest"),
        fields=("voters_count",),
    ),
    Twice(
        "preparation-assign",
        preparation_new,
        _count("petitions.models.Preparation"),
        {"agency": "AGENCY_A1"},
        fields=("agency",),
    ),
    Twice(
        "assignment-response",
        _assignment_scene(lambda w: w.responder_a, "assignment-response"),
        _count("followups.models.Response"),
        {"response-text": "Đã trả lời trực tiếp.", "response-method": "in_person"},
        fields=("response-text",),
    ),
    Twice(
        "assignment-extension",
        _assignment_scene(
            lambda w: w.responder_a, "assignment-extension", {"extension-new_due_on": "29/01/2027"}
        ),
        _count("followups.models.Extension"),
        {"extension-reason": "Cần xác minh thực địa."},
        fields=("extension-reason",),
    ),
    Twice(
        "session-cancel",
        session_cancel,
        _count("dialogue.models.ChangeRecord"),
        {"reason": "Trùng lịch họp."},
        fields=("reason",),
    ),
    Twice(
        "session-milestone",
        session_milestone,
        _count("sessions.models.SessionMilestone"),
        fields=("done_on",),
    ),
    Twice(
        "annual-report-new",
        report_new,
        _count("followups.models.AnnualReport"),
        {"year": "2026", "unit": "COMMUNE_A"},
        fields=("year",),
    ),
    Twice(
        "calendar-exception",
        calendar_new,
        _count("dialogue.models.CalendarException"),
        fields=("day",),
    ),
]


@pytest.mark.parametrize("case", TWICE, ids=str)
def test_a_double_submit_makes_one(case, world, client):
    scene = case.scene(world)
    client.force_login(scene.user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(scene.page)
    fill = {**scene.fill, **case.fill}
    if fill.get("agency") == "AGENCY_A1":
        fill["agency"] = str(world.agency_a1.pk)
    if fill.get("unit") == "COMMUNE_A":
        fill["unit"] = str(world.commune_a.pk)
    forms_ = [
        f
        for f in PageForms(page.text).forms
        if f["action"] in (scene.post or scene.page, "")
        and all(n in f["fields"] for n in case.fields)
    ]
    assert forms_, f"{case}: the form is not on {scene.page}"
    data = {**forms_[0]["fields"], **{k: [v] for k, v in fill.items()}}
    data.pop("csrfmiddlewaretoken", None)
    before = case.made()
    first = client.post(scene.post or scene.page, data)
    assert first.status_code in (200, 201, 302), f"{case}: the first submit {first.status_code}"
    after_first = case.made()
    assert after_first > before, f"{case}: the first submit made nothing"
    second = client.post(scene.post or scene.page, data)
    assert second.status_code < 500
    if case.once:
        assert case.made() == after_first, (
            f"{case}: the second submit made {case.made() - after_first} more "
            f"(answered {second.status_code})"
        )
