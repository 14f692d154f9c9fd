"""Sign-in rate limits on top of django-axes: which address a request comes from, and two limits.

Axes locks by (username, address) and by address alone (settings.AXES_LOCKOUT_PARAMETERS), but
compares every count with one limit. `LoginAttemptHandler` gives the address-only count its own,
higher limit (AXES_IP_FAILURE_LIMIT): one address trying a password on every account is stopped,
while a commune office sharing one address is not locked by one colleague's typos.
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT goes.

    With N proxies in front of the app, the last one connects (REMOTE_ADDR) and the header ends
    with the addresses the N proxies saw: the client is the N-th entry from the right. Entries
    further left are whatever the client wrote, so they are never used. With 0 proxies, or a
    header shorter than promised (a request that went round the proxies), REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            forwarded = _valid_ip(hops[-count])
            if forwarded:
                return forwarded
    return _valid_ip(remote) or remote


def _limit_for(parameter) -> int:
    if parameter == "ip_address" or parameter == ["ip_address"]:
        return settings.AXES_IP_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter, and a reset that only forgets
    the signed-in user's own failures (not every failure from the address)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failure count in units of AXES_FAILURE_LIMIT: at or over it when any parameter
        (username and address, or address alone) has reached its own limit."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        base = settings.AXES_FAILURE_LIMIT
        worst = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            limit = _limit_for(parameter)
            worst = max(worst, base if failures >= limit else failures * base // limit)
        return worst

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On a successful sign-in, forget this username's failures from this address only: an
        attacker who holds one account must not wipe the address's count by signing in."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
