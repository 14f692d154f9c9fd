"""What a unit administrator may do in the Django admin: the rules, apart from the admin classes.

An administrator's scope is its unit and everything below it (`dialogue.access`). In the admin:

- it sees only rows whose unit is in that scope: each model declares here its path to a unit
  (`register`), and a model that declares none is shown to superusers only;
- it grants roles only inside its subtree, never administrator of its own unit (only of a unit
  strictly below it), and never to itself;
- it changes only units strictly below its own, and only users whose every role it could have
  granted itself (so never itself, a peer, someone above it, or a superuser);
- it never sets `is_superuser`, `is_staff`, groups or permissions (the admin shows them read-only).

Superusers do everything. The admin classes in `dialogue.scoped_admin` ask these functions.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dialogue import access

ADMIN_ROLES = (access.ADMINISTRATOR,)

GRANT_TO_SELF = _("You cannot grant or change your own roles: ask an administrator above you.")
GRANT_OUTSIDE_SCOPE = _(
    "This unit is outside the units you administer: choose your unit or a unit below it."
)
GRANT_ADMIN_OF_OWN_UNIT = _("You can make someone an administrator only of a unit below yours.")
PARENT_REQUIRED = _("Choose the parent unit: the unit you administer or a unit below it.")

#: The path of national reference data (no unit): every staff member reads it; its admin class
#: says who changes it.
NATIONAL = "__national__"
#: The path of a row that is itself an administrative unit.
SELF = "__self__"

_UNIT_PATHS: dict[type[models.Model], str] = {}
_PERSONAL_FIELDS: dict[type[models.Model], frozenset[str]] = {}


def register(model: type[models.Model], path: str, *, personal: frozenset[str] = frozenset()):
    """Declare how rows of `model` reach their unit ("unit", "assignment__unit", SELF, NATIONAL)
    and which of its fields hold citizens' personal data (masked in the admin's history)."""
    known = _UNIT_PATHS.get(model)
    if known is not None and known != path:
        raise ValueError(f"{model._meta.label} is already scoped by {known!r}, not {path!r}")
    _UNIT_PATHS[model] = path
    if personal:
        _PERSONAL_FIELDS[model] = frozenset(personal)


def unit_path(model: type[models.Model]) -> str | None:
    return _UNIT_PATHS.get(model)


def personal_fields(model: type[models.Model] | None) -> frozenset[str]:
    return _PERSONAL_FIELDS.get(model, frozenset()) if model is not None else frozenset()


def admin_scope(user) -> access.Scope:
    return access.scope_for(user, roles=ADMIN_ROLES)


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    """`queryset` cut to the rows `user` administers; a model without a declared path: nothing."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    path = unit_path(queryset.model)
    if path is None:
        return queryset.none()
    if path == NATIONAL:
        return queryset
    scope = admin_scope(user)
    if scope.is_empty:
        return queryset.none()
    if path == SELF:
        return queryset.filter(scope.own_unit_q())
    first = queryset.model._meta.get_field(path.split("__")[0])
    if first.many_to_many or first.one_to_many:
        # Through a multi-valued relation (a user's memberships): each row once, not once per match.
        inner = queryset.model._default_manager.filter(scope.unit_q(path)).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(scope.unit_q(path))


def change_records(queryset: models.QuerySet, user) -> models.QuerySet:
    """Change history rows about objects `user` administers, and about national reference data.

    A record about a model that declared no path is shown to superusers only.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    q = models.Q(pk__in=[])
    for model, path in _UNIT_PATHS.items():
        content_type = ContentType.objects.get_for_model(model)
        if path == NATIONAL:
            q |= models.Q(content_type=content_type)
            continue
        keys = scoped(model._default_manager.all(), user).annotate(
            _key=Cast("pk", models.CharField(max_length=64))
        )
        q |= models.Q(content_type=content_type, object_id__in=keys.values("_key"))
    return queryset.filter(q)


def administered_units(user) -> list:
    return [m.unit for m in access.memberships_of(user) if m.role == access.ADMINISTRATOR]


def is_strictly_below_own(user, unit) -> bool:
    """`unit` lies below (not at) one of the units `user` administers."""
    return any(
        unit.pk != own.pk and unit.path.startswith(own.path) for own in administered_units(user)
    )


def can_manage_unit(user, unit) -> bool:
    """A unit is changed by an administrator of a unit above it, never by its own."""
    return bool(getattr(user, "is_superuser", False)) or is_strictly_below_own(user, unit)


def grant_error(actor, *, user, unit, role: str | None) -> tuple[str, Promise] | None:
    """(field, message) when `actor` may not give `user` the `role` in `unit`, else None."""
    if getattr(actor, "is_superuser", False):
        return None
    if user is not None and user.pk is not None and user.pk == actor.pk:
        return "user", GRANT_TO_SELF
    if unit is None:
        return None  # the form's own "required" error says it
    if not admin_scope(actor).includes(unit):
        return "unit", GRANT_OUTSIDE_SCOPE
    if role == access.ADMINISTRATOR and not is_strictly_below_own(actor, unit):
        return "role", GRANT_ADMIN_OF_OWN_UNIT
    return None


def can_change_membership(actor, membership) -> bool:
    """An existing role is changed or removed only by someone who could have granted it."""
    return (
        grant_error(actor, user=membership.user, unit=membership.unit, role=membership.role) is None
    )


def can_manage_user(actor, user) -> bool:
    """Whether `actor` may change `user` (name, e-mail, password, active, roles) or delete it."""
    if getattr(actor, "is_superuser", False):
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    memberships = list(user.memberships.select_related("unit"))
    return bool(memberships) and all(
        grant_error(actor, user=user, unit=m.unit, role=m.role) is None for m in memberships
    )
