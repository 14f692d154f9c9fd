import time
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from dialogue import security


class ContentSecurityPolicyMiddleware:
    """Send one fixed Content-Security-Policy: the app loads scripts and styles only from itself.

    Templates therefore carry no inline script or style attribute; htmx's own indicator style is
    switched off in base.html for the same reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a commune laptop
    with an English browser would get an English UI; here the browser's preference is ignored.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


#: The session key holding when a signed-in session was last renewed (seconds since the epoch).
RENEWED_KEY = "dt_renewed_at"
#: The session key holding until when the second-factor check needs no repeating.
CHECKED_KEY = "dt_2fa_checked_until"
#: Seconds between two renewals of a session, and between two second-factor checks.
RENEW_EVERY = 60


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used: it ends SESSION_COOKIE_AGE after the last
    request. Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would write it on
    each of the console's polls; here it is written at most once a minute, so a secretary whose
    console polls stays signed in and an unchanged poll still writes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= RENEW_EVERY:
                session[RENEWED_KEY] = now
        return self.get_response(request)


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    """Pages a signed-in user reaches before the second step: signing in and out, the second
    step itself, the language switch, static files, health, and the hall's projector."""
    return (
        reverse("login"),
        reverse("logout"),
        reverse("two-factor-verify"),
        reverse("two-factor-enrol"),
        reverse("set_language"),
        reverse("healthz"),
        "/display/",
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class TwoFactorMiddleware:
    """Send a signed-in user who has a device, or whose role requires one, to the second step
    (a code, or enrolment) before any other page.

    A session verified with a device is checked on every request (django-otp loads the device
    anyway), so a reset by an administrator takes effect at once. For a session without a device
    the answer is kept for a minute, so the console's polls cost no device or role query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None and not request.path.startswith(_exempt_prefixes()):
            verified_before = DEVICE_ID_SESSION_KEY in session
            if verified_before or session.get(CHECKED_KEY, 0) < time.time():
                step = security.second_step(request.user)
                if step is not None:
                    session.pop(CHECKED_KEY, None)
                    name = "two-factor-verify" if step == security.VERIFY else "two-factor-enrol"
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(name)}?{query}")
                if not verified_before:
                    session[CHECKED_KEY] = int(time.time()) + RENEW_EVERY
        return self.get_response(request)
