"""Account security: unlocking a locked sign-in, and two-factor sign-in (TOTP and recovery codes).

Who must use a second factor is data (settings.OTP_REQUIRED_ROLES); everyone else may. A user
enrols an authenticator app (TOTP) and receives recovery codes, each usable once. An
administrator can unlock a user and reset the user's devices; both are recorded in the history.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import audit
from dialogue.access import ADMINISTRATOR, memberships_of, roles_of, scope_for
from dialogue.models import Membership, User

#: The name of the recovery-code device, and of the authenticator app device.
RECOVERY_DEVICE_NAME = "recovery"
TOTP_DEVICE_NAME = "authenticator"

VERIFY = "verify"
ENROL = "enrol"


def two_factor_required(user) -> bool:
    """Whether `user` holds a role that must sign in with a second factor."""
    required = set(settings.OTP_REQUIRED_ROLES)
    if not required or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and "superuser" in required:
        return True
    if user.is_staff and "staff" in required:
        return True
    return bool(roles_of(user) & required)


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def second_step(user) -> str | None:
    """What a signed-in user must do before using the app: VERIFY a code, ENROL a device, or
    nothing (None). `user` comes from a request through django-otp's middleware."""
    if user.is_verified():
        return None
    if has_device(user):
        return VERIFY
    if two_factor_required(user):
        return ENROL
    return None


# --- enrolment ---------------------------------------------------------------------------------


def totp_device_pending(user) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (the same secret on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app accepts it typed by hand (base32, in groups of 4)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, made here (no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@transaction.atomic
def totp_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns the new recovery codes, or
    None when the code is wrong. Any older device of the user is replaced."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    audit.record(user, actor=user, action="two_factor_enrolled")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """A new set of recovery codes (the old ones stop working), shown to the user once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user, token: str):
    """The device that accepts `token` (a 6-digit code or a recovery code, used up), or None."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def devices_remove(*, user) -> None:
    """The user turns two-factor sign-in off (only for roles that do not require it)."""
    _delete_devices(user)
    audit.record(user, actor=user, action="two_factor_removed")


def _delete_devices(user) -> int:
    return sum(model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice))


# --- what an administrator does ----------------------------------------------------------------


def manageable_users(actor):
    """Users whose sign-in an administrator may unlock or reset: every role they hold lies in
    the actor's administered units, they are not superusers, not the actor, and not a fellow
    administrator of the actor's own unit. Superusers manage everyone but themselves."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.exclude(pk=actor.pk)
    scope = scope_for(actor, [ADMINISTRATOR])
    if scope.is_empty:
        return User.objects.none()
    own_units = [m.unit_id for m in memberships_of(actor) if m.role == ADMINISTRATOR]
    inside = Membership.objects.filter(scope.unit_q("unit")).values("user_id")
    outside = Membership.objects.exclude(scope.unit_q("unit")).values("user_id")
    peers = Membership.objects.filter(role=ADMINISTRATOR, unit_id__in=own_units).values("user_id")
    return (
        User.objects.filter(pk__in=inside, is_superuser=False)
        .exclude(pk__in=outside)
        .exclude(pk__in=peers)
        .exclude(pk=actor.pk)
    )


def locked_usernames() -> set[str]:
    """Usernames at or over the failure limit from some address within the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )


@dataclass(frozen=True)
class AccountState:
    user: User
    locked: bool
    has_device: bool


def accounts_needing_help(actor) -> list[AccountState]:
    """The actor's manageable users that are locked out or have a two-step device, by name."""
    locked = locked_usernames()
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    users = (
        manageable_users(actor)
        .filter(models.Q(username__in=locked) | models.Q(pk__in=with_device))
        .order_by("username")
    )
    return [AccountState(u, u.username in locked, u.pk in with_device) for u in users]


@transaction.atomic
def otp_device_reset(*, user, actor, reason: str = "") -> int:
    """Remove every device of `user` (a lost phone): the next sign-in enrols again where the role
    requires it, and any session verified with the old device stops being verified."""
    removed = _delete_devices(user)
    audit.record(user, actor=actor, action="two_factor_reset", reason=reason)
    return removed


@transaction.atomic
def user_unlock(*, user, actor, reason: str = "") -> int:
    """Forget the failed sign-ins of `user`'s username, from every address, so the user can sign
    in at once instead of waiting for the cool-off. Recorded in the user's history."""
    cleared, _ = AccessAttempt.objects.filter(username=user.get_username()).delete()
    audit.record(
        user, actor=actor, action="unlocked", changes={"failed_logins": [cleared, 0]}, reason=reason
    )
    return cleared


def is_locked(user) -> bool:
    """Whether `user`'s username has reached the failure limit within the cool-off."""
    return user.get_username() in locked_usernames()
