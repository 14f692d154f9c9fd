from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from dialogue import access
from dialogue.models import AdministrativeUnit, Agency


def _get_unit_for_user(user, pk: int) -> AdministrativeUnit:
    """The unit, if the user may see it; 404 otherwise (never 403: it would leak existence)."""
    return get_object_or_404(
        AdministrativeUnit.objects.visible_to(user).select_related("parent"), pk=pk
    )


@login_required
def home(request):
    memberships = sorted(access.memberships_of(request.user), key=lambda m: (m.unit.path, m.role))
    panels = []
    for m in memberships:
        panel = {"membership": m, "unit": m.unit, "agency": m.agency}
        if m.role == access.AGENCY_RESPONDER:
            panel["agencies"] = [m.agency]
        else:
            panel["agencies"] = list(m.unit.agencies.filter(is_active=True))
        if m.role in access.SUBTREE_ROLES:
            panel["below"] = list(
                AdministrativeUnit.objects.filter(parent=m.unit).annotate(
                    agency_count=Count("agencies", filter=Q(agencies__is_active=True))
                )
            )
            panel["below_total"] = (
                AdministrativeUnit.objects.subtree(m.unit).exclude(pk=m.unit.pk).count()
            )
        panels.append(panel)
    return render(request, "dialogue/home.html", {"panels": panels})


@login_required
def unit_detail(request, pk: int):
    unit = _get_unit_for_user(request.user, pk)
    visible_units = AdministrativeUnit.objects.visible_to(request.user)
    return render(
        request,
        "dialogue/unit_detail.html",
        {
            "unit": unit,
            "ancestors": visible_units.filter(pk__in=unit.ancestor_ids).order_by("depth"),
            "children": visible_units.filter(parent=unit).annotate(
                agency_count=Count("agencies", filter=Q(agencies__is_active=True))
            ),
            "agencies": Agency.objects.visible_to(request.user).filter(unit=unit),
        },
    )


def healthz(request):
    """Liveness for the load balancer: the process answers and the database is reachable."""
    AdministrativeUnit.objects.exists()
    return HttpResponse("ok", content_type="text/plain")
