"""The official register of administrative units, loaded into the unit tree.

Since 1 July 2025 Vietnam has two tiers of local government (Nghị quyết 202/2025/QH15): 34
provinces and centrally-run cities, and 3,321 communes, wards and special zones. The register
comes from the `vietnam-provinces` package (GSO codes, names, division types). The import is
keyed on the official code, written in GSO's zero-padded form ("01" for a province, "00070" for a
commune), and matched only against units that still exist: a dissolved unit keeps its old code,
which the register may have given to its successor.

- `register_units()` reads the package: plain rows, no database.
- `plan_import(rows, existing)` compares them with the units of today: pure, so the dry run and
  the real run are the same computation.
- `apply_import(plan)` writes the plan set-based (bulk_create / bulk_update; the materialised
  path needs the new primary keys, so each level is inserted, then its paths set in one bulk
  update), and records every change in the change history. A unit missing from the register is
  never deleted: records hang on it. It is marked as ended (valid_to, is_active=False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from dialogue import signals
from dialogue.models import AdministrativeUnit, ChangeRecord
from dialogue.textfold import fold

PROVINCE_KINDS = ("tỉnh", "thành phố trung ương")
COMMUNE_KINDS = ("xã", "phường", "đặc khu")
BATCH = 1000


@dataclass(frozen=True)
class RegisterUnit:
    code: str
    name: str
    kind: str
    parent_code: str = ""


@dataclass
class ImportPlan:
    create: list[RegisterUnit] = field(default_factory=list)
    # (unit, {field: (old, new)}) for name, kind and parent changes.
    update: list[tuple[AdministrativeUnit, dict[str, tuple]]] = field(default_factory=list)
    end: list[AdministrativeUnit] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.create or self.update or self.end)


def register_source() -> str:
    import vietnam_provinces

    return (
        f"vietnam-provinces {vietnam_provinces.__version__} "
        f"(dữ liệu ngày {vietnam_provinces.__data_version__})"
    )


def register_date() -> date:
    import vietnam_provinces

    return date.fromisoformat(vietnam_provinces.__data_version__)


def province_code(number: int) -> str:
    return f"{int(number):02d}"


def commune_code(number: int) -> str:
    return f"{int(number):05d}"


def _province_name(province) -> str:
    # The package writes "Cao Bằng" for a province but "Thành phố Hà Nội" for a city.
    name = province.name
    if province.division_type.value == "tỉnh" and not name.startswith("Tỉnh "):
        name = f"Tỉnh {name}"
    return name


def register_units() -> list[RegisterUnit]:
    """Every province, then every commune of the register, as plain rows."""
    from vietnam_provinces import Province, Ward

    rows = [
        RegisterUnit(province_code(p.code), _province_name(p), p.division_type.value)
        for p in Province.iter_all()
    ]
    rows += [
        RegisterUnit(
            commune_code(w.code), w.name, w.division_type.value, province_code(w.province_code)
        )
        for w in Ward.iter_all()
    ]
    return rows


def register_unit(code: str) -> RegisterUnit:
    """One row of the register by its code (KeyError if it is not there)."""
    from vietnam_provinces import Province, Ward

    if len(code) == 2:
        return RegisterUnit(
            code, _province_name(p := Province.from_code(int(code))), p.division_type.value
        )
    try:
        w = Ward.from_code(int(code))
    except ValueError as e:
        raise KeyError(code) from e
    return RegisterUnit(code, w.name, w.division_type.value, province_code(w.province_code))


def current_units():
    """Units of today that carry an official code: what the register is compared with."""
    return AdministrativeUnit.objects.filter(valid_to__isnull=True).exclude(code="")


def plan_import(rows: list[RegisterUnit], existing: list[AdministrativeUnit]) -> ImportPlan:
    """What the import would change. `existing` are the current coded units, with `parent`."""
    plan = ImportPlan()
    by_code = {u.code: u for u in existing}
    codes_by_pk = {u.pk: u.code for u in existing}
    in_register = {row.code for row in rows}
    for row in rows:
        unit = by_code.get(row.code)
        if unit is None:
            plan.create.append(row)
            continue
        changes: dict[str, tuple] = {}
        if unit.name != row.name:
            changes["name"] = (unit.name, row.name)
        if unit.kind != row.kind:
            changes["kind"] = (unit.kind, row.kind)
        parent_code = codes_by_pk.get(unit.parent_id, "") if unit.parent_id else ""
        if parent_code != row.parent_code:
            changes["parent"] = (parent_code, row.parent_code)
        if changes:
            plan.update.append((unit, changes))
        else:
            plan.unchanged += 1
    plan.end = [u for u in existing if u.code not in in_register]
    return plan


def _history(unit, action: str, changes: dict, reason: str, content_type) -> ChangeRecord:
    return ChangeRecord(
        content_type=content_type,
        object_id=str(unit.pk),
        object_repr=unit.name[:300],
        actor=None,
        action=action,
        changes=changes,
        reason=reason,
    )


def _insert_level(rows: list[RegisterUnit], parents: dict[str, AdministrativeUnit]):
    """Insert one level of the tree, then give each new unit its path: two bulk statements."""
    units = []
    for row in rows:
        parent = parents.get(row.parent_code) if row.parent_code else None
        units.append(
            AdministrativeUnit(
                name=row.name,
                kind=row.kind,
                code=row.code,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                search=fold(row.name),
            )
        )
    AdministrativeUnit.objects.bulk_create(units, batch_size=BATCH)
    if units and units[0].pk is None:  # a backend that cannot return the new keys
        pks = dict(
            current_units().filter(code__in=[u.code for u in units]).values_list("code", "pk")
        )
        for unit in units:
            unit.pk = unit.id = pks[unit.code]
    for unit in units:
        unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    AdministrativeUnit.objects.bulk_update(units, ["path"], batch_size=BATCH)
    return units


@transaction.atomic
def apply_import(plan: ImportPlan, *, ended_on: date, reason: str) -> None:
    content_type = ContentType.objects.get_for_model(AdministrativeUnit)
    history: list[ChangeRecord] = []
    units = {u.code: u for u in current_units().exclude(pk__in=[u.pk for u in plan.end])}

    # Provinces first: communes need their parent's path.
    provinces = _insert_level([r for r in plan.create if not r.parent_code], units)
    units.update({u.code: u for u in provinces})
    communes = _insert_level([r for r in plan.create if r.parent_code], units)
    history += [_history(u, "created", {}, reason, content_type) for u in (*provinces, *communes)]

    renamed = []
    moved = []
    for unit, changes in plan.update:
        for name, (_, new) in changes.items():
            if name in ("name", "kind"):
                setattr(unit, name, new)
        unit.search = fold(unit.name)
        renamed.append(unit)
        if "parent" in changes:
            moved.append((unit, units.get(changes["parent"][1])))
        history.append(
            _history(
                unit, "updated", {k: list(v) for k, v in changes.items()}, reason, content_type
            )
        )
    AdministrativeUnit.objects.bulk_update(renamed, ["name", "kind", "search"], batch_size=BATCH)
    for unit, parent in moved:  # rare: one UPDATE per moved subtree, as dialogue.services does
        old_path, old_depth = (
            AdministrativeUnit.objects.filter(pk=unit.pk).values_list("path", "depth").get()
        )
        if parent is not None:
            parent.refresh_from_db(fields=["path", "depth"])
        new_path = f"{parent.path if parent else '/'}{unit.pk}/"
        new_depth = parent.depth + 1 if parent else 0
        AdministrativeUnit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") - old_depth + new_depth,
        )
        AdministrativeUnit.objects.filter(pk=unit.pk).update(parent=parent)
        transaction.on_commit(lambda: signals.units_moved.send(sender=None))

    if plan.end:
        AdministrativeUnit.objects.filter(pk__in=[u.pk for u in plan.end]).update(
            valid_to=ended_on, is_active=False
        )
        history += [
            _history(
                u,
                "ended",
                {"valid_to": [None, ended_on.isoformat()], "is_active": [True, False]},
                reason,
                content_type,
            )
            for u in plan.end
        ]
    ChangeRecord.objects.bulk_create(history, batch_size=BATCH)


def import_register(*, dry_run: bool = False, ended_on: date | None = None) -> ImportPlan:
    """Compare the register with the units of today and, unless `dry_run`, apply the changes."""
    plan = plan_import(register_units(), list(current_units()))
    if not dry_run and not plan.is_empty:
        apply_import(
            plan,
            ended_on=ended_on or register_date() - timedelta(days=1),
            reason=f"Danh mục đơn vị hành chính: {register_source()}",
        )
    return plan
