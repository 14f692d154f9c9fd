"""Writes of the organisation model. The materialised unit path is maintained only here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from dialogue.models import AdministrativeUnit

UNIT_CYCLE_ERROR = _("A unit cannot be placed under itself or one of its own sub-units.")


def _path_for(unit: AdministrativeUnit, parent: AdministrativeUnit | None) -> str:
    return f"{parent.path if parent else '/'}{unit.pk}/"


@transaction.atomic
def unit_create(
    *, name: str, kind: str, parent: AdministrativeUnit | None = None, code: str = ""
) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.create(name=name, kind=kind, parent=parent, code=code)
    unit.path = _path_for(unit, parent)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: AdministrativeUnit,
    name: str,
    kind: str,
    parent: AdministrativeUnit | None,
    code: str = "",
    is_active: bool = True,
) -> AdministrativeUnit:
    """Save a unit's fields; moving it under another parent rewrites the paths below it."""
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationError({"parent": UNIT_CYCLE_ERROR})
    unit.name, unit.kind, unit.code, unit.is_active = name, kind, code, is_active
    fields = ["name", "kind", "code", "is_active"]
    if unit.parent_id != (parent.pk if parent else None):
        old_path, old_depth = unit.path, unit.depth
        unit.parent = parent
        unit.path = _path_for(unit, parent)
        unit.depth = parent.depth + 1 if parent else 0
        fields += ["parent", "path", "depth"]

        # One UPDATE for the whole subtree: swap the old prefix for the new one.
        AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") - old_depth + unit.depth,
        )
    unit.save(update_fields=fields)
    return unit
