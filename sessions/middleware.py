"""The console's unchanged poll, answered before the rest of the middleware stack (issue 14).

An open console polls its state every few seconds, and most polls find nothing new. Through the
whole stack (session, user, second step, messages, locale…) such a poll costs a user query and
most of a millisecond; here it costs one cache round trip (the session and the console's counter
read together) and an HMAC, and no database query.

The answer is 304 only when all of this holds; anything else goes on to the normal stack, whose
rules answer (a login redirect, a 404, the state):
- a GET of the console's state with If-None-Match, and a session cookie whose session is in the
  session cache (a logged-out or expired session is not: its entry is deleted or timed out);
- the session is signed in, needs no renewal (dialogue.middleware.SlidingSessionMiddleware renews
  it once a minute: that poll goes through, so an open console keeps its secretary signed in and
  an abandoned session still ends) and its second-step answer is still fresh (a session verified
  with a device is checked on every request by dialogue.middleware.TwoFactorMiddleware, so it
  always goes through);
- the console's counter is in the cache (Redis down or the breaker open: a miss, so through);
- one of the client's tags is the one the view hands this user for this login session at the
  current revision (sessions.console.console_viewer): the view gave it only after the access
  check, and another user's or another session's tag does not match.

So a change of password, a deactivated account or access taken away takes effect at the next
poll that goes through — within a minute — or at the next change of the console, whichever is
first (the view checks access again before its own 304s). A 304 tells only "nothing changed".
"""

from __future__ import annotations

import re
import time
from functools import cache as memoize
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.http import HttpResponseNotModified
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY

from dialogue.middleware import CHECKED_KEY, RENEW_EVERY, RENEWED_KEY
from sessions import console
from sessions.console_views import STATE_CACHE_CONTROL

#: What the normal stack adds to the view's 304 (sessions and the language are per client).
VARY = "Cookie, Accept-Language"


@memoize
def _state_path() -> re.Pattern:
    marker = 918273645
    before, after = reverse("console-state", args=[marker]).split(str(marker))
    return re.compile(f"{re.escape(before)}([0-9]{{1,18}}){re.escape(after)}")


def _session_cache_prefix(engine: str) -> str | None:
    """The cache key prefix of a session engine kept in the cache (cache, cached_db); None for
    the others, which this shortcut cannot read without the database."""
    return getattr(import_module(engine).SessionStore, "cache_key_prefix", None)


class UnchangedPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and "HTTP_IF_NONE_MATCH" in request.META:
            response = unchanged_poll(request)
            if response is not None:
                return response
        return self.get_response(request)


def unchanged_poll(request) -> HttpResponseNotModified | None:
    """The 304 for an unchanged console polled by a signed-in user it was shown to, else None."""
    match = _state_path().fullmatch(request.path)
    if match is None:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    prefix = _session_cache_prefix(settings.SESSION_ENGINE)
    # Django's session keys are 32 letters and digits; anything else is not one of ours.
    if prefix is None or not (8 <= len(session_key) <= 64 and session_key.isalnum()):
        return None
    request.get_host()  # a host not allowed is refused as on the normal path (400)
    pk = int(match[1])
    data, current = _read(prefix + session_key, console.revision_key(pk))
    if not isinstance(data, dict) or not isinstance(current, int):
        return None
    user_id, auth_hash = data.get(SESSION_KEY), data.get(HASH_SESSION_KEY)
    if user_id is None or not auth_hash:
        return None
    if data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    now = time.time()
    if not 0 <= now - data.get(RENEWED_KEY, 0) < RENEW_EVERY:
        return None
    if DEVICE_ID_SESSION_KEY in data or data.get(CHECKED_KEY, 0) < now:
        return None
    tag = console.etag(
        pk, current, "console", console.console_viewer(user_id, session_key, auth_hash)
    )
    offered = request.META["HTTP_IF_NONE_MATCH"].split(",")
    if not any(constant_time_compare(tag, t.strip()) for t in offered):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = tag
    response["Cache-Control"] = STATE_CACHE_CONTROL
    response["Vary"] = VARY
    return response


def _read(session_key: str, revision_key: str) -> tuple[object, object]:
    """The session's data and the console's counter: one round trip when they share a cache.
    A cache that does not answer (dialogue.cache's breaker) gives misses."""
    session_cache = caches[settings.SESSION_CACHE_ALIAS]
    if settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS:
        values = session_cache.get_many([session_key, revision_key])
        return values.get(session_key), values.get(revision_key)
    return session_cache.get(session_key), caches[DEFAULT_CACHE_ALIAS].get(revision_key)
