"""Who may see what: the one place that turns a user's memberships into query filters.

Every view resolves its objects through a `visible_to(user)` queryset built on `Scope`, so an
object outside the user's units is simply not found (404), never a 403 that leaks its existence.

- organisers and secretaries see their own unit;
- supervisors and administrators see their unit and everything below it;
- agency responders see only what concerns their agency;
- superusers see everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

ORGANISER = "organiser"
SECRETARY = "secretary"
AGENCY_RESPONDER = "agency_responder"
SUPERVISOR = "supervisor"
ADMINISTRATOR = "administrator"

STAFF_ROLES = (ORGANISER, SECRETARY, SUPERVISOR, ADMINISTRATOR)
SUBTREE_ROLES = frozenset({SUPERVISOR, ADMINISTRATOR})


@dataclass(frozen=True)
class Scope:
    """The units and agencies one user may see, for a given set of roles."""

    everything: bool = False
    unit_ids: frozenset[int] = frozenset()
    subtree_paths: tuple[str, ...] = ()
    agency_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.unit_ids or self.subtree_paths)

    def unit_q(self, field: str = "unit") -> Q:
        """Filter for rows whose `field` (a ForeignKey to AdministrativeUnit) is in scope."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.unit_ids:
            q |= Q(**{f"{field}_id__in": sorted(self.unit_ids)})
        for path in self.subtree_paths:
            q |= Q(**{f"{field}__path__startswith": path})
        return q

    def own_unit_q(self) -> Q:
        """Filter for the AdministrativeUnit table itself (its own id and path)."""
        if self.everything:
            return Q()
        q = Q(pk__in=sorted(self.unit_ids))
        for path in self.subtree_paths:
            q |= Q(path__startswith=path)
        return q

    def includes(self, unit) -> bool:
        """Whether `unit` (an AdministrativeUnit) is in scope, without a query."""
        if self.everything:
            return True
        if unit is None:
            return False
        return unit.pk in self.unit_ids or any(unit.path.startswith(p) for p in self.subtree_paths)

    def agency_q(self, field: str = "agency") -> Q:
        if self.everything:
            return Q()
        return Q(**{f"{field}_id__in": sorted(self.agency_ids)})


def memberships_of(user) -> list:
    """The user's memberships with unit and agency, loaded once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_dialogue_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("unit", "agency"))
        user._dialogue_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def has_role(user, *roles: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & set(roles))


def scope_for(user, roles: Iterable[str] = STAFF_ROLES) -> Scope:
    """The units (and agencies) `user` may see when acting in any of `roles`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    wanted = set(roles)
    unit_ids: set[int] = set()
    paths: set[str] = set()
    agency_ids: set[int] = set()
    for m in memberships_of(user):
        if m.role not in wanted:
            continue
        if m.role == AGENCY_RESPONDER:
            agency_ids.add(m.agency_id)
        elif m.role in SUBTREE_ROLES:
            paths.add(m.unit.path)
        else:
            unit_ids.add(m.unit_id)
    # A path already covered by a shorter one adds nothing but a longer SQL OR.
    kept = tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))
    return Scope(unit_ids=frozenset(unit_ids), subtree_paths=kept, agency_ids=frozenset(agency_ids))


def is_staff_member(user) -> bool:
    """Anyone with a role somewhere (or a superuser): the calendar pages are for all staff."""
    return bool(getattr(user, "is_superuser", False)) or bool(memberships_of(user))


def can_edit_calendar(user) -> bool:
    """The working-day calendar is national: superusers and top-level administrators edit it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(m.role == ADMINISTRATOR and m.unit.parent_id is None for m in memberships_of(user))
