"""Recording changes: who, when, what changed and why, shown on each object's page."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dialogue.models import ChangeRecord


def snapshot(obj: models.Model, fields) -> dict[str, Any]:
    """The values of `fields` on `obj`, to diff before and after a change."""
    return {name: getattr(obj, name) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed, as strings for JSON."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


#: What a history shows in place of a citizen's personal data.
HIDDEN_VALUE = "***"


def masked(changes: dict[str, Any], fields) -> dict[str, Any]:
    """`changes` with the values of `fields` (personal data) hidden, the fact of a change kept."""
    return {
        key: [HIDDEN_VALUE, HIDDEN_VALUE] if key in fields else value
        for key, value in changes.items()
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    obj: models.Model,
    *,
    actor,
    action: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        changes=changes or {},
        reason=reason,
    )


def history(obj: models.Model):
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    ).select_related("actor")


def history_of_model(model: type[models.Model]):
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True)
    ).select_related("actor")
