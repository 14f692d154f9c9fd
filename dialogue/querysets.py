from datetime import date

from django.db import models
from django.db.models import Q

from dialogue import access
from dialogue.textfold import fold_query


class ScopedQuerySet(models.QuerySet):
    def scoped(self, user, roles, field: str = "unit"):
        """Rows whose `field` (a path to an AdministrativeUnit) is in `user`'s scope for `roles`."""
        scope = access.scope_for(user, roles)
        if scope.is_empty:
            return self.none()
        return self.filter(scope.unit_q(field))


#: A search in a scope of at most this many units also names them by id (see `search`).
SEARCH_UNIT_IDS = 1000


def essential_terms(terms: list[str]) -> list[str]:
    """The terms left once every term that another one contains is dropped: a row holding "van"
    holds "an" too, so "nguyen van an" needs only "nguyen" and "van". Fewer conditions to check,
    and no term too short for the trigram index beside longer ones."""
    unique = list(dict.fromkeys(terms))
    return [t for t in unique if not any(t != other and t in other for other in unique)]


def small_scope_ids(units) -> list[int] | None:
    """The ids of `units` if there are at most SEARCH_UNIT_IDS of them (a province), else None
    (the country: naming every unit would cost more than it saves)."""
    ids = list(units.order_by().values_list("pk", flat=True)[: SEARCH_UNIT_IDS + 1])
    return ids if len(ids) <= SEARCH_UNIT_IDS else None


class SearchableQuerySet(ScopedQuerySet):
    """Rows with a folded `search` column (dialogue.textfold): diacritic- and case-blind search
    that behaves the same on SQLite and PostgreSQL."""

    def search(
        self, text: str | None, *, unit_ids: list[int] | None = None, unit_field: str = "unit"
    ):
        """Rows whose folded text holds every folded term of `text`.

        `unit_ids` (small_scope_ids of the units that already bound these rows, the scope) lets
        a search in a small scope (a province: a hundred units) also filter on their ids. The
        scope alone is a join on the unit path, which PostgreSQL can only check row by row
        while reading the whole country's matches (or the whole list order); the ids let it
        intersect the unit index with the trigram index before reading a row. The rows are the
        same either way."""
        qs = self
        terms = essential_terms(fold_query(text or ""))
        for term in terms:
            qs = qs.filter(search__contains=term)
        if terms and unit_ids is not None:
            qs = qs.filter(**{f"{unit_field}_id__in": unit_ids})
        return qs


def existed_in(year: int) -> Q:
    """The condition of AdministrativeUnitQuerySet.existing_in (also usable as a column)."""
    return Q(Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31))) & Q(
        Q(valid_to__isnull=True, is_active=True) | Q(valid_to__gte=date(year, 1, 1))
    )


class AdministrativeUnitQuerySet(models.QuerySet):
    def subtree(self, unit) -> "AdministrativeUnitQuerySet":
        """The unit and every unit below it, one indexed prefix query."""
        return self.filter(path__startswith=unit.path)

    def existing_in(self, year: int) -> "AdministrativeUnitQuerySet":
        """Units that existed on some day of `year` (a merged unit counts for the years it
        lived); a unit switched off without dates is left out."""
        return self.filter(existed_in(year))

    def visible_to(self, user) -> "AdministrativeUnitQuerySet":
        scope = access.scope_for(user)
        responder = access.scope_for(user, roles=[access.AGENCY_RESPONDER])
        if scope.is_empty and not responder.agency_ids:
            return self.none()
        q = _unit_self_q(scope)
        if not responder.agency_ids:
            # No join to the agencies, so no duplicate rows: no DISTINCT, which would read and
            # sort every unit in scope before a picker takes its first few.
            return self.filter(q)
        q |= models.Q(agencies__id__in=sorted(responder.agency_ids))
        return self.filter(q).distinct()

    def where_user_is(self, user, *roles: str) -> "AdministrativeUnitQuerySet":
        """Units in which `user` may act in one of `roles` (subtree roles reach below)."""
        scope = access.scope_for(user, roles)
        if scope.is_empty:
            return self.none()
        return self.filter(_unit_self_q(scope))


def _unit_self_q(scope: access.Scope) -> models.Q:
    """Scope.unit_q for the unit table itself (its own id and path, not a foreign key)."""
    return scope.own_unit_q()


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AgencyQuerySet":
        scope = access.scope_for(user)
        responder = access.scope_for(user, roles=[access.AGENCY_RESPONDER])
        if scope.is_empty and not responder.agency_ids:
            return self.none()
        q = models.Q(pk__in=[])
        if not scope.is_empty:
            q |= scope.unit_q("unit")
        if responder.agency_ids:
            q |= models.Q(pk__in=sorted(responder.agency_ids))
        return self.filter(q)

    def serving(self, unit) -> "AgencyQuerySet":
        """Active agencies that answer for a unit's matters: its own and those of units above."""
        return self.filter(unit_id__in=[*unit.ancestor_ids, unit.pk], is_active=True)

    def related_to(self, unit) -> "AgencyQuerySet":
        """Active agencies a unit's plan may give duties to: above it, in it and below it."""
        return self.filter(
            models.Q(unit_id__in=unit.ancestor_ids) | models.Q(unit__path__startswith=unit.path),
            is_active=True,
        )


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MembershipQuerySet":
        scope = access.scope_for(user, roles=[access.ADMINISTRATOR])
        if scope.is_empty:
            return self.none()
        return self.filter(scope.unit_q("unit"))
