from functools import cache, partial

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from dialogue import access


@cache
def _url(name: str, script_prefix: str) -> str:
    """The menu's addresses, reversed once per process (they take no arguments)."""
    return reverse(name)


def _roles(user) -> list[str]:
    return sorted({m.get_role_display() for m in access.memberships_of(user)}, key=str)


def navigation(request) -> dict:
    """Navigation items for the user's roles; templates only loop over them. The daily pages
    are `nav_items`; reference pages go under a "More" menu (`nav_more`) so the bar stays on
    one line on a 1366 px laptop."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": []}
    items = [(_("Home"), "home")]
    more: list[tuple] = []
    if access.is_staff_member(user):
        items += [(_("Plans"), "plan-list"), (_("Sessions"), "session-list")]
        if access.has_role(user, access.ORGANISER, access.SECRETARY):
            items.append((_("Speakers"), "speaker-list"))
        items.append((_("Petitions"), "petition-list"))
        # Agency responders are members too: the assignments are their page.
        items.append((_("Assignments"), "assignment-list"))
        if access.has_role(user, access.ORGANISER, access.SUPERVISOR, access.ADMINISTRATOR):
            items.append((_("Overdue"), "overdue-list"))
        if access.has_role(user, access.SUPERVISOR, access.ADMINISTRATOR):
            items.append((_("Dashboard"), "dashboard"))
        more += [
            (_("Annual reports"), "annual-report-list"),
            (_("Working-day calendar"), "calendar"),
            (_("Deadline calculator"), "deadline-calculator"),
        ]
    if access.has_role(user, access.ADMINISTRATOR) or user.is_staff:
        more.append((_("Administration"), "admin:index"))
    path = request.path
    prefix = get_script_prefix()

    def entries(pairs) -> list[dict]:
        return [
            {
                "label": label,
                "url": (url := _url(name, prefix)),
                "active": path == url or (url != "/" and path.startswith(url)),
            }
            for label, name in pairs
        ]

    return {
        "nav_items": entries(items),
        "nav_more": entries(more),
        # Only the home page shows them: the template calls it there.
        "user_roles": partial(_roles, user),
    }
