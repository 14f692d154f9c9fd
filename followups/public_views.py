"""Public pages of the followups app (under /cong-khai/): a session's published results, the
notice-board sheet with its QR code, and a unit's index. No sign-in, no personal data."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from dialogue.models import AdministrativeUnit
from dialogue.qr import qr_svg
from followups import publication as publishing
from followups.models import Publication


def _published_session(pk: int):
    """The session whose results are live; 410 once unpublished, 404 if never published."""
    publication = get_object_or_404(
        Publication.objects.select_related("session", "unit"), session_id=pk
    )
    if not publication.is_live:
        return None
    return publication.session


def _gone(request):
    return render(request, "public/results_gone.html", status=410)


def results_page(request, pk: int):
    session = _published_session(pk)
    if session is None:
        return _gone(request)
    return render(request, "public/results.html", publishing.results_context(session))


def results_sheet(request, pk: int):
    session = _published_session(pk)
    if session is None:
        return _gone(request)
    context = publishing.results_context(session)
    context["qr"] = qr_svg(context["url"], title=session.title)
    return render(request, "public/results_sheet.html", context)


def unit_index(request, pk: int):
    unit = get_object_or_404(AdministrativeUnit, pk=pk)
    years = publishing.unit_sessions_by_year(unit)
    return render(request, "public/unit_index.html", {"unit": unit, "years": years})
