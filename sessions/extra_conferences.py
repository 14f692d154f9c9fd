"""Requests for an extra commune conference (Luật 72/2025/QH15, Điều 43).

The commune holds its dialogue conference at least once a year, and another one when at least 10%
of its voters ask for it. A request records the commune's voters and the signatures received; the
threshold is checked here, in one place, in integer arithmetic (exactly 10% reaches it).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit
from dialogue.models import AdministrativeUnit, DeadlineProfile, User
from dialogue.services import check_unit_exists_on
from sessions import services
from sessions.models import DialogueSession, ExtraConferenceRequest

THRESHOLD_PERCENT = 10
LAW_72_PROFILE = "luat-cqdp-2025"
REQUEST_FIELDS = ("voters_count", "signatures_count", "received_on", "note")

SIGNATURES_ABOVE_VOTERS = _("There cannot be more signatures than voters.")
NO_VOTERS = _("Enter the number of voters of the commune.")
THRESHOLD_NOT_REACHED = _(
    "The signatures have not reached %(percent)s%% of the commune's voters: no extra conference "
    "is due."
)
ALREADY_PLANNED = _("A conference has already been planned from this request.")
THRESHOLD_REACHED_MESSAGE = _(
    "The signatures reach %(percent)s%% of the commune's voters: an extra dialogue conference "
    "must be organised. Plan it from this request."
)

#: The co-chairs and invited of Article 43, as a session planned from a request starts with them.
CO_CHAIRS = (
    "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam xã\nĐại diện Thường trực Hội đồng nhân dân xã"
)
PARTICIPANTS = "Đại diện Đảng ủy xã (khách mời)\nCử tri đã ký đề nghị tổ chức hội nghị"


def reaches_threshold(*, voters: int, signatures: int) -> bool:
    """At least 10% of the voters: signatures × 100 ≥ voters × 10, no rounding."""
    return voters > 0 and signatures * 100 >= voters * THRESHOLD_PERCENT


def _check(request: ExtraConferenceRequest) -> None:
    if not request.voters_count:
        raise ValidationError({"voters_count": NO_VOTERS})
    if request.signatures_count > request.voters_count:
        raise ValidationError({"signatures_count": SIGNATURES_ABOVE_VOTERS})


def _status(request: ExtraConferenceRequest) -> str:
    if request.session_id:
        return ExtraConferenceRequest.Status.SESSION_PLANNED
    if reaches_threshold(voters=request.voters_count, signatures=request.signatures_count):
        return ExtraConferenceRequest.Status.THRESHOLD_REACHED
    return ExtraConferenceRequest.Status.BELOW_THRESHOLD


@transaction.atomic
def extra_request_create(
    *,
    actor: User,
    unit: AdministrativeUnit,
    voters_count: int,
    signatures_count: int,
    received_on: date,
    note: str = "",
) -> ExtraConferenceRequest:
    request = ExtraConferenceRequest(
        unit=unit,
        voters_count=voters_count,
        signatures_count=signatures_count,
        received_on=received_on,
        note=note,
        created_by=actor,
    )
    _check(request)
    request.status = _status(request)
    request.save()
    audit.record(request, actor=actor, action="created")
    return request


@transaction.atomic
def extra_request_update(
    *, actor: User, request: ExtraConferenceRequest, **fields
) -> ExtraConferenceRequest:
    """More signatures arrive (or a count is corrected); the status follows."""
    request = ExtraConferenceRequest.objects.select_for_update().get(pk=request.pk)
    names = [n for n in REQUEST_FIELDS if n in fields]
    before = audit.snapshot(request, [*names, "status"])
    for name in names:
        setattr(request, name, fields[name])
    _check(request)
    request.status = _status(request)
    request.save(update_fields=[*names, "status"])
    changes = audit.diff(before, audit.snapshot(request, [*names, "status"]))
    if changes:
        audit.record(request, actor=actor, action="updated", changes=changes)
    return request


@transaction.atomic
def extra_request_plan_session(
    *,
    actor: User,
    request: ExtraConferenceRequest,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    chair_name: str,
) -> DialogueSession:
    """The extra conference, under a plan of its own with the Law 72/2025 deadline profile."""
    request = ExtraConferenceRequest.objects.select_for_update().get(pk=request.pk)
    if request.session_id:
        raise ValidationError(ALREADY_PLANNED)
    if request.status != ExtraConferenceRequest.Status.THRESHOLD_REACHED:
        raise ValidationError(THRESHOLD_NOT_REACHED, params={"percent": THRESHOLD_PERCENT})
    unit = request.unit
    # Checked before the plan is written: a unit merged away hosts no new conference.
    check_unit_exists_on(unit, timezone.localdate(starts_at), field="starts_at")
    year = timezone.localdate(starts_at).year
    plan = services.plan_create(
        actor=actor,
        unit=unit,
        tasks=[],
        issuing_body=f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
        place=unit.name,
        title=(
            f"Kế hoạch tổ chức Hội nghị đối thoại với Nhân dân theo đề nghị của cử tri năm {year}"
        ),
        year=year,
        legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
        profile=DeadlineProfile.objects.get(code=LAW_72_PROFILE),
    )
    session = services.session_create(
        actor=actor,
        plan=plan,
        secretaries=[],
        kind=DialogueSession.Kind.EXTRA_COMMUNE_2025,
        title=f"Hội nghị đối thoại với Nhân dân theo đề nghị của cử tri — {unit.name}",
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        chair_name=chair_name,
        chair_title=f"Chủ tịch Ủy ban nhân dân {unit.name}",
        co_chairs=CO_CHAIRS,
        participants=PARTICIPANTS,
        invited_count=None,
    )
    request.session = session
    request.status = ExtraConferenceRequest.Status.SESSION_PLANNED
    request.save(update_fields=["session", "status"])
    audit.record(
        request,
        actor=actor,
        action="updated",
        changes={"status": [ExtraConferenceRequest.Status.THRESHOLD_REACHED, request.status]},
    )
    return session
