"""A create form sent twice (a double click, a resend after a timeout) makes one record.

Each form carries a one-time token (`{% once_token %}` in _form_fields.html, a hidden field).
A create view wrapped in `@submitted_once` claims the token in the cache on the first POST and,
when that POST ends in a redirect (the record was made), leaves the redirect's address under
it: the same token again is answered with that address and makes nothing. A form sent back with
errors frees its token, so the corrected form can be sent. Without a cache (Redis down) the
forms work as before, only without this protection.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

FIELD = "once_token"
#: Long enough for a resend after a timeout; a token is single use anyway.
TIMEOUT_SECONDS = 60 * 60
#: How long a second request waits for the first one to finish.
WAIT_SECONDS = 5.0
PENDING = "pending"
ALREADY_SAVED = _("This form had already been sent: it was saved once, and here it is.")
STILL_SAVING = _("This form is still being saved: check the list before sending it again.")


def new_token() -> str:
    return uuid.uuid4().hex


def _key(request, token: str) -> str | None:
    try:
        token = uuid.UUID(hex=token).hex
    except (TypeError, ValueError):
        return None
    return f"once:{request.user.pk}:{token}"


def _wait_for(key: str) -> str | None:
    """The first request's redirect, PENDING if it is still running, None if unknown."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        value = cache.get(key)
        if value != PENDING or time.monotonic() >= deadline:
            return value
        time.sleep(0.1)


@dataclass
class Claim:
    key: str
    #: What the first submit of the form left: a redirect's address, a record's id; PENDING if
    #: it is still running; None for a first submit (or an unreachable cache).
    earlier: str | None = None

    def keep(self, value: str) -> None:
        cache.set(self.key, value, TIMEOUT_SECONDS)

    def release(self) -> None:
        cache.delete(self.key)


def claim(request) -> Claim | None:
    """The POSTed form's token, claimed; None when the form has none."""
    key = _key(request, request.POST.get(FIELD, "")) if request.method == "POST" else None
    if key is None:
        return None
    if cache.add(key, PENDING, TIMEOUT_SECONDS):
        return Claim(key)
    return Claim(key, _wait_for(key))


def submitted_once(view):
    """For a view that redirects once it made the record."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = claim(request)
        if token is None:
            return view(request, *args, **kwargs)
        if token.earlier == PENDING:
            messages.warning(request, STILL_SAVING)
            return redirect(request.path)
        if token.earlier:
            messages.info(request, ALREADY_SAVED)
            return redirect(token.earlier)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and response.has_header("Location"):
            token.keep(response["Location"])
        else:
            token.release()  # sent back with errors: the corrected form may be sent
        return response

    return wrapper
