"""Writes of the core models: units (the materialised path is maintained only here) and the
calendar exceptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit, signals
from dialogue.models import (
    AdministrativeUnit,
    CalendarException,
    CalendarRevision,
    UnitSuccession,
)
from dialogue.textfold import fold

UNIT_CYCLE_ERROR = _("A unit cannot be placed under itself or one of its own sub-units.")


def _path_for(unit: AdministrativeUnit, parent: AdministrativeUnit | None) -> str:
    return f"{parent.path if parent else '/'}{unit.pk}/"


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    parent: AdministrativeUnit | None = None,
    code: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        code=code,
        valid_from=valid_from,
        valid_to=valid_to,
        search=fold(name),
    )
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
    unit.search = fold(name)
    fields = ["name", "kind", "code", "is_active", "search"]
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
        transaction.on_commit(lambda: signals.units_moved.send(sender=None))
    unit.save(update_fields=fields)
    return unit


# --- units that merge ----------------------------------------------------------------------

UNIT_NOT_EXISTING_ON = _(
    "%(unit)s did not exist on %(day)s: choose the unit that existed on that date."
)
MERGE_INTO_ITSELF = _("A unit cannot be merged into itself.")
MERGE_SUCCESSOR_GONE = _("%(unit)s no longer exists on %(day)s: it cannot receive other units.")
MERGE_NOTHING = _("Name at least one former unit.")


def check_unit_exists_on(unit: AdministrativeUnit, day: date, *, field: str = "unit") -> None:
    """New work is planned only in a unit that exists on its date (dissolved ones keep theirs)."""
    if not unit.exists_on(day):
        raise ValidationError(
            {
                field: ValidationError(
                    UNIT_NOT_EXISTING_ON,
                    params={"unit": unit.display_name_with_successor, "day": f"{day:%d/%m/%Y}"},
                )
            }
        )


@transaction.atomic
def unit_merge(
    *,
    actor,
    into: AdministrativeUnit,
    predecessors: Sequence[AdministrativeUnit],
    on: date,
    source: str = "",
) -> list[UnitSuccession]:
    """Record that `predecessors` became part of `into` from `on`: each former unit exists
    until the day before and names its successor. Records made in it stay where they are.
    Safe to run twice: a merger already recorded is left as it is."""
    if not predecessors:
        raise ValidationError(MERGE_NOTHING)
    if any(p.pk == into.pk for p in predecessors):
        raise ValidationError(MERGE_INTO_ITSELF)
    if into.valid_to is not None and into.valid_to < on:
        raise ValidationError(
            MERGE_SUCCESSOR_GONE, params={"unit": into.name, "day": f"{on:%d/%m/%Y}"}
        )
    last_day = on - timedelta(days=1)
    made = []
    for unit in AdministrativeUnit.objects.select_for_update().filter(
        pk__in=[p.pk for p in predecessors]
    ):
        succession, created = UnitSuccession.objects.get_or_create(
            predecessor=unit, successor=into, defaults={"on": on, "source": source}
        )
        made.append(succession)
        before = {"valid_to": unit.valid_to, "is_active": unit.is_active}
        if unit.valid_to is None or unit.valid_to > last_day:
            unit.valid_to = last_day
        unit.is_active = False
        changes = audit.diff(before, {"valid_to": unit.valid_to, "is_active": unit.is_active})
        if created:
            changes["successors"] = [None, into.name]
        if changes:
            unit.save(update_fields=["valid_to", "is_active"])
            audit.record(unit, actor=actor, action="merged", changes=changes, reason=source)
        if created:
            audit.record(
                into,
                actor=actor,
                action="received",
                changes={"predecessors": [None, unit.name]},
                reason=source,
            )
    return made


# --- working-day calendar -----------------------------------------------------------------

CALENDAR_REASON_REQUIRED = _("Say why the calendar changes (the notice or the correction).")
CALENDAR_DAY_TAKEN = _("There is already an exception for this date; change that one instead.")


def _calendar_changed(*, day_list: list) -> None:
    """Bump the revision every process compares with, then tell the other apps after commit."""
    CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now(), token=uuid.uuid4().hex
    )
    transaction.on_commit(lambda: signals.calendar_changed.send(sender=None, days=day_list))


def _exception_fields(exception: CalendarException) -> dict:
    return {
        "day": exception.day.isoformat() if exception.day else None,
        "kind": exception.kind,
        "name": exception.name,
        "source": exception.source,
        "note": exception.note,
    }


@transaction.atomic
def calendar_exception_save(
    *,
    actor,
    reason: str,
    day: date,
    kind: str,
    name: str,
    source: str,
    note: str = "",
    exception: CalendarException | None = None,
) -> CalendarException:
    """Create (exception=None) or change a calendar exception, and record who, when and why."""
    if not reason.strip():
        raise ValidationError({"reason": CALENDAR_REASON_REQUIRED})
    clash = CalendarException.objects.filter(day=day)
    if exception is not None:
        clash = clash.exclude(pk=exception.pk)
    if clash.exists():
        raise ValidationError({"day": CALENDAR_DAY_TAKEN})
    creating = exception is None
    before = {} if creating else _exception_fields(exception)
    old_day = None if creating else exception.day
    exception = exception or CalendarException()
    exception.day, exception.kind, exception.name = day, kind, name
    exception.source, exception.note = source, note
    exception.save()
    audit.record(
        exception,
        actor=actor,
        action="create" if creating else "update",
        changes=audit.diff(before, _exception_fields(exception)),
        reason=reason,
    )
    _calendar_changed(day_list=[d for d in (old_day, day) if d])
    return exception


@transaction.atomic
def calendar_exception_delete(*, actor, reason: str, exception: CalendarException) -> None:
    if not reason.strip():
        raise ValidationError({"reason": CALENDAR_REASON_REQUIRED})
    audit.record(
        exception,
        actor=actor,
        action="delete",
        changes=audit.diff(_exception_fields(exception), {}),
        reason=reason,
    )
    day = exception.day
    exception.delete()
    _calendar_changed(day_list=[day])
