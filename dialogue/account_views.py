"""The user's own account security: the second sign-in step, enrolment, recovery codes.

Signing in is Django's LoginView (with django-axes' limits); afterwards
dialogue.middleware.TwoFactorMiddleware sends whoever needs it here.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dialogue import security
from dialogue.access import ADMINISTRATOR, has_role
from dialogue.forms import OneTimeCodeForm

WRONG_CODE = gettext_lazy(
    "This code is not right. Type the 6 digits your app shows now, or an unused recovery code."
)
RECOVERY_CODES_KEY = "dt_recovery_codes"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def two_factor_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not security.has_device(user):
        # Reset by an administrator since: enrol again where the role requires it.
        if security.two_factor_required(user):
            return redirect("two-factor-enrol")
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.verify(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_enrol(request):
    user = request.user
    # Replacing a device needs the old one first: otherwise a stolen password would do.
    if security.has_device(user) and not user.is_verified():
        return redirect("two-factor-verify")
    device = security.totp_device_pending(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = security.totp_confirm(user=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session[RECOVERY_CODES_KEY] = codes
            messages.success(request, _("Two-step sign-in is on."))
            return redirect("recovery-codes")
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": security.totp_qr_svg(device),
            "secret": security.totp_secret(device),
            "required": security.two_factor_required(user),
        },
    )


@login_required
def recovery_codes(request):
    """The new recovery codes, shown once: a reload shows the security page instead."""
    codes = request.session.pop(RECOVERY_CODES_KEY, None)
    if not codes:
        return redirect("account-security")
    return render(request, "registration/recovery_codes.html", {"codes": codes})


@login_required
def account_security(request):
    user = request.user
    return render(
        request,
        "registration/account_security.html",
        {
            "enrolled": security.has_device(user),
            "required": security.two_factor_required(user),
            "manages_users": has_role(user, ADMINISTRATOR),
        },
    )


@login_required
@require_POST
def recovery_codes_renew(request):
    if not security.has_device(request.user):
        return redirect("account-security")
    request.session[RECOVERY_CODES_KEY] = security.recovery_codes_renew(user=request.user)
    return redirect("recovery-codes")


@login_required
@require_POST
def two_factor_remove(request):
    user = request.user
    if security.two_factor_required(user):
        messages.error(request, _("Your role requires two-step sign-in: it cannot be turned off."))
    else:
        security.devices_remove(user=user)
        messages.success(request, _("Two-step sign-in is off."))
    return redirect("account-security")


# --- administrators: unlock a user, reset a user's two-step sign-in ------------------------------


def _require_administrator(user) -> None:
    if not has_role(user, ADMINISTRATOR):
        raise Http404


@login_required
def users_security(request):
    """Locked-out users and users with two-step sign-in, among those the administrator manages."""
    _require_administrator(request.user)
    return render(
        request,
        "registration/users_security.html",
        {"accounts": security.accounts_needing_help(request.user)},
    )


@login_required
@require_POST
def user_unlock(request, pk: int):
    _require_administrator(request.user)
    user = get_object_or_404(security.manageable_users(request.user), pk=pk)
    security.user_unlock(user=user, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("%(user)s can sign in again.") % {"user": user})
    return redirect("users-security")


@login_required
@require_POST
def user_two_factor_reset(request, pk: int):
    _require_administrator(request.user)
    user = get_object_or_404(security.manageable_users(request.user), pk=pk)
    security.otp_device_reset(user=user, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        _("Two-step sign-in of %(user)s was reset: they set it up again at the next sign-in.")
        % {"user": user},
    )
    return redirect("users-security")
