"""Who may see what: the one place that turns a user's memberships into query filters.

Every view resolves its objects through a `visible_to(user)` queryset built on `Scope`, so an
object outside the user's units is simply not found (404), never a 403 that leaks its existence.

- organisers and secretaries see their own unit;
- supervisors and administrators see their unit and everything below it;
- agency responders see only what concerns their agency;
- superusers see everything;
- whoever sees a unit also sees the units merged into it (UnitSuccession), with what was
  recorded there before the merger: a supervisor of Ninh Bình sees the 2018 Hà Nam plan.
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
    def key(self) -> tuple:
        """The scope as plain sorted values, the same in every process (a cache key's part)."""
        return (
            self.everything,
            tuple(sorted(self.unit_ids)),
            self.subtree_paths,
            tuple(sorted(self.agency_ids)),
        )

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
    wanted = frozenset(roles)
    cache = getattr(user, "_dialogue_scopes", None)
    if cache is None:
        cache = user._dialogue_scopes = {}
    if wanted not in cache:
        cache[wanted] = _scope_for(user, wanted)
    return cache[wanted]


def _scope_for(user, wanted: frozenset[str]) -> Scope:
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
    if unit_ids or paths:
        _add_predecessors(unit_ids, paths)
    return Scope(
        unit_ids=frozenset(unit_ids),
        subtree_paths=_outermost(paths),
        agency_ids=frozenset(agency_ids),
    )


def _outermost(paths: set[str]) -> tuple[str, ...]:
    # A path already covered by a shorter one adds nothing but a longer SQL OR.
    return tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))


def _add_predecessors(unit_ids: set[int], paths: set[str]) -> None:
    """Add the units merged into those in scope, and theirs in turn (one query per generation,
    usually one in all): "this unit" reaches its predecessors, "and below" their subtrees."""
    from dialogue.models import UnitSuccession  # access is imported by the models' querysets

    new_ids, new_paths = set(unit_ids), set(_outermost(paths))
    while new_ids or new_paths:
        q = Q(successor_id__in=sorted(new_ids)) if new_ids else Q(pk__in=[])
        for path in new_paths:
            q |= Q(successor__path__startswith=path)
        rows = UnitSuccession.objects.filter(q).values_list(
            "successor_id", "successor__path", "predecessor_id", "predecessor__path"
        )
        found_ids, found_paths = set(), set()
        for successor_id, successor_path, predecessor_id, predecessor_path in rows:
            if successor_id in new_ids and predecessor_id not in unit_ids:
                found_ids.add(predecessor_id)
            if any(successor_path.startswith(p) for p in new_paths) and not any(
                predecessor_path.startswith(p) for p in paths
            ):
                found_paths.add(predecessor_path)
        unit_ids |= found_ids
        paths |= found_paths
        new_ids, new_paths = found_ids, found_paths


def is_staff_member(user) -> bool:
    """Anyone with a role somewhere (or a superuser): the calendar pages are for all staff."""
    return bool(getattr(user, "is_superuser", False)) or bool(memberships_of(user))


def can_edit_calendar(user) -> bool:
    """The working-day calendar is national: superusers and top-level administrators edit it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(m.role == ADMINISTRATOR and m.unit.parent_id is None for m in memberships_of(user))
