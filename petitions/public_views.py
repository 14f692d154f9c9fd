"""Public pages of the petitions app (under /cong-khai/): a citizen follows a petition by its
reference. No sign-in, no personal data, no script."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from dialogue import ratelimit
from petitions import public

RATE_LIMITED = _(
    "Too many look-ups from your connection in a short time. Please wait %(minutes)s minutes "
    "and try again."
)
NOT_FOUND = _(
    "No petition has this reference. Check the reference printed on your receipt and try again."
)


class LookupForm(forms.Form):
    ma = forms.CharField(label=_("Reference"), max_length=40)


@never_cache
def petition_lookup(request):
    """The lookup form and, with `?ma=`, the petition's status. Every look-up counts towards
    the per-address limit, and an unknown or malformed reference gets one identical answer."""
    form = LookupForm(request.GET or None)
    blank = {"form": LookupForm()}
    if not form.is_bound:
        return render(request, "public/petition_lookup.html", blank)
    window = settings.PUBLIC_LOOKUP_WINDOW
    if not ratelimit.allow(
        f"lookup:{ratelimit.client_ip(request)}",
        limit=settings.PUBLIC_LOOKUP_LIMIT,
        window=window,
    ):
        message = RATE_LIMITED % {"minutes": max(1, window // 60)}
        return render(
            request, "public/petition_lookup.html", blank | {"error": message}, status=429
        )
    petition = public.find(form.cleaned_data["ma"]) if form.is_valid() else None
    if petition is None:
        return render(
            request, "public/petition_lookup.html", blank | {"error": NOT_FOUND}, status=404
        )
    return render(request, "public/petition_status.html", public.status_context(petition))
