"""Demo organisation drawn from the source documents in shared/seeds/.

Idempotent: every object is looked up by its natural key first, passwords are set only when a user
is created, so a second run changes nothing. Later apps add their own `demo.py` with a `load()`
function; `manage.py load_demo` runs them in INSTALLED_APPS order.

The seeds were written in the three tiers of 2017–2024. Since 1 July 2025 (Nghị quyết
202/2025/QH15) districts no longer exist and many provinces merged: the seeds' provinces and
districts are kept as historic units (valid until 30/06/2025) with their successors, which are
created with their official codes from the register (dialogue.units_register) so that a later
`manage.py import_units` matches them instead of adding them twice. Only the few current units the
demo needs are created; the whole country is one `import_units` away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from dialogue import services, units_register
from dialogue.models import AdministrativeUnit, Agency, Membership, Role, User

DEMO_PASSWORD = "doithoai-demo"
#: {username: password} given by the last load(new_password=...), printed once by load_demo.
issued_passwords: dict[str, str] = {}
DEMO_EMAIL_DOMAIN = "doithoai.example"


@dataclass
class DemoUnit:
    key: str
    name: str
    kind: str
    code: str = ""
    agencies: list[tuple[str, str]] = field(default_factory=list)  # (name, mailbox)
    children: list[DemoUnit] = field(default_factory=list)
    valid_to: date | None = None
    successor: str = ""  # key of the unit it became part of


#: The two-tier local government began on 1 July 2025 (Nghị quyết 202/2025/QH15).
LAST_DAY_OF_THREE_TIERS = date(2025, 6, 30)
FIRST_DAY_OF_TWO_TIERS = date(2025, 7, 1)
MERGER_SOURCE = "Nghị quyết 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp ĐVHC cấp tỉnh"
ENDED = LAST_DAY_OF_THREE_TIERS


COMMUNE_AGENCIES = [
    ("Văn phòng - Thống kê", "vanphong"),
    ("Công chức Địa chính - Xây dựng", "diachinh"),
    ("Công chức Văn hóa - Xã hội", "vanhoa"),
    ("Công an xã", "congan"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam xã", "mttq"),
]

WARD_AGENCIES = [
    ("Văn phòng - Thống kê", "vanphong"),
    ("Công chức Địa chính - Xây dựng - Đô thị và Môi trường", "diachinh"),
    ("Công an phường", "congan"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam phường", "mttq"),
]

UNITS = [
    # 000: Hà Nam provincial People's Committee, 2018. Since 1 July 2025 part of Ninh Bình.
    DemoUnit(
        "ha-nam",
        "Tỉnh Hà Nam",
        "tỉnh",
        "35",
        [
            ("Văn phòng Ủy ban nhân dân tỉnh", "vpubnd"),
            ("Thanh tra tỉnh", "thanhtra"),
            ("Công an tỉnh", "congan"),
            ("Sở Tài nguyên và Môi trường", "stnmt"),
            ("Sở Lao động - Thương binh và Xã hội", "sldtbxh"),
            ("Sở Nội vụ", "snv"),
            ("Sở Thông tin và Truyền thông", "stttt"),
            ("Sở Xây dựng", "sxd"),
            ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "mttq"),
        ],
        [
            DemoUnit(
                "phu-ly",
                "Thành phố Phủ Lý",
                "thành phố",
                "347",
                [("Ủy ban nhân dân thành phố Phủ Lý", "ubnd")],
                valid_to=ENDED,
            )
        ],
        valid_to=ENDED,
        successor="ninh-binh",
    ),
    # 001: Gia Nghĩa city (Đắk Nông province), 2022. Since 1 July 2025 part of Lâm Đồng.
    DemoUnit(
        "dak-nong",
        "Tỉnh Đắk Nông",
        "tỉnh",
        "67",
        [("Thanh tra tỉnh", "thanhtra")],
        [
            DemoUnit(
                "gia-nghia",
                "Thành phố Gia Nghĩa",
                "thành phố",
                "660",
                [
                    ("Văn phòng HĐND và UBND thành phố", "vanphong"),
                    ("Thanh tra thành phố", "thanhtra"),
                    ("Công an thành phố", "congan"),
                    ("Phòng Tài nguyên và Môi trường", "tnmt"),
                    ("Phòng Quản lý đô thị", "qldt"),
                    ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "mttq"),
                ],
                [
                    DemoUnit(
                        "nghia-duc",
                        "Phường Nghĩa Đức",
                        "phường",
                        "",
                        COMMUNE_AGENCIES[:4],
                        valid_to=ENDED,
                    ),
                    DemoUnit(
                        "nghia-thanh",
                        "Phường Nghĩa Thành",
                        "phường",
                        "",
                        COMMUNE_AGENCIES[:4],
                        valid_to=ENDED,
                    ),
                ],
                valid_to=ENDED,
            )
        ],
        valid_to=ENDED,
        successor="lam-dong",
    ),
    # 002: Điện Biên Department of Home Affairs guidance, 2024. The province stays; its districts
    # were abolished, and Xã Thanh Nưa (code 03328 of the register) now sits under the province.
    DemoUnit(
        "dien-bien",
        "Tỉnh Điện Biên",
        "tỉnh",
        "11",
        [("Sở Nội vụ", "snv"), ("Thanh tra tỉnh", "thanhtra")],
        [
            DemoUnit("thanh-nua", "Xã Thanh Nưa", "xã", "03328", COMMUNE_AGENCIES),
            DemoUnit(
                "huyen-dien-bien",
                "Huyện Điện Biên",
                "huyện",
                "",
                [("Phòng Nội vụ huyện", "pnv")],
                [
                    DemoUnit(
                        "thanh-xuong",
                        "Xã Thanh Xương",
                        "xã",
                        "",
                        COMMUNE_AGENCIES,
                        valid_to=ENDED,
                    ),
                ],
                valid_to=ENDED,
            ),
            DemoUnit(
                "muong-ang",
                "Huyện Mường Ảng",
                "huyện",
                "",
                [("Phòng Nội vụ huyện", "pnv")],
                [DemoUnit("ang-nua", "Xã Ẳng Nưa", "xã", "", COMMUNE_AGENCIES, valid_to=ENDED)],
                valid_to=ENDED,
            ),
        ],
    ),
    # 003: Hòa Sơn commune, Hiệp Hòa district (Bắc Giang province), 2024. Since 1 July 2025 Bắc
    # Giang is part of Bắc Ninh, which took over its code 24 (Bắc Giang keeps it as history).
    DemoUnit(
        "bac-giang",
        "Tỉnh Bắc Giang",
        "tỉnh",
        "24",
        [],
        [
            DemoUnit(
                "hiep-hoa",
                "Huyện Hiệp Hòa",
                "huyện",
                "",
                [("Văn phòng HĐND-UBND huyện", "vanphong"), ("Phòng Nội vụ huyện", "pnv")],
                [DemoUnit("hoa-son", "Xã Hòa Sơn", "xã", "", COMMUNE_AGENCIES, valid_to=ENDED)],
                valid_to=ENDED,
            )
        ],
        valid_to=ENDED,
        successor="bac-ninh",
    ),
    # 004: a commune Party Committee, 2017. The source does not name the commune.
    DemoUnit("an-binh", "Xã An Bình (tên minh họa)", "xã", "", COMMUNE_AGENCIES),
    # The successors of today, as the register names them (tests check the names and codes).
    DemoUnit(
        "ninh-binh",
        "Tỉnh Ninh Bình",
        "tỉnh",
        "37",
        [("Thanh tra tỉnh", "thanhtra"), ("Văn phòng Ủy ban nhân dân tỉnh", "vpubnd")],
    ),
    DemoUnit("lam-dong", "Tỉnh Lâm Đồng", "tỉnh", "68", [("Thanh tra tỉnh", "thanhtra")]),
    DemoUnit("bac-ninh", "Tỉnh Bắc Ninh", "tỉnh", "24", [("Thanh tra tỉnh", "thanhtra")]),
]

# username, full name, position, [(unit key, role, agency name or None)]
USERS = [
    (
        "tochuc",
        "Nguyễn Thị Lan",
        "Chuyên viên Văn phòng",
        [
            ("ha-nam", Role.ORGANISER, None),
            ("gia-nghia", Role.ORGANISER, None),
            ("thanh-nua", Role.ORGANISER, None),
            ("hoa-son", Role.ORGANISER, None),
            ("an-binh", Role.ORGANISER, None),
        ],
    ),
    (
        "thuky",
        "Trần Văn Minh",
        "Thư ký hội nghị",
        [
            ("ha-nam", Role.SECRETARY, None),
            ("gia-nghia", Role.SECRETARY, None),
            ("thanh-nua", Role.SECRETARY, None),
            ("hoa-son", Role.SECRETARY, None),
            ("an-binh", Role.SECRETARY, None),
        ],
    ),
    (
        "thuky2",
        "Lò Thị Hoa",
        "Công chức Văn phòng - Thống kê",
        [("thanh-nua", Role.SECRETARY, None), ("hoa-son", Role.SECRETARY, None)],
    ),
    (
        "coquan",
        "Phạm Đức Hùng",
        "Chuyên viên Sở Tài nguyên và Môi trường",
        [("ha-nam", Role.AGENCY_RESPONDER, "Sở Tài nguyên và Môi trường")],
    ),
    (
        "giamsat",
        "Lê Thị Thu",
        "Thanh tra viên",
        [("dien-bien", Role.SUPERVISOR, None), ("ha-nam", Role.SUPERVISOR, None)],
    ),
    (
        "giamsatnb",
        "Đinh Văn Bình",
        "Thanh tra viên tỉnh Ninh Bình",
        [("ninh-binh", Role.SUPERVISOR, None)],
    ),
    ("quantri", "Hoàng Văn Nam", "Quản trị hệ thống", []),
]


def _find_unit(spec: DemoUnit, parent: AdministrativeUnit | None) -> AdministrativeUnit | None:
    if spec.code and spec.valid_to is None:
        # A unit of today: perhaps already loaded by `import_units`, matched by its code.
        found = units_register.current_units().filter(code=spec.code).first()
        if found is not None:
            return found
    return AdministrativeUnit.objects.filter(name=spec.name, parent=parent).first()


def _load_unit(spec: DemoUnit, parent: AdministrativeUnit | None, keys: dict) -> None:
    unit = _find_unit(spec, parent)
    if unit is None:
        unit = services.unit_create(
            name=spec.name, kind=spec.kind, parent=parent, code=spec.code, valid_to=spec.valid_to
        )
    if spec.valid_to and (unit.valid_to is None or unit.is_active):
        # Ended with the three tiers, before a unit of today takes over its code (Bắc Giang's 24).
        unit.valid_to, unit.is_active = spec.valid_to, False
        AdministrativeUnit.objects.filter(pk=unit.pk).update(
            valid_to=spec.valid_to, is_active=False
        )
    keys[spec.key] = unit
    for name, mailbox in spec.agencies:
        Agency.objects.get_or_create(
            unit=unit,
            name=name,
            defaults={"email": f"{mailbox}.{spec.key}@{DEMO_EMAIL_DOMAIN}"},
        )
    for child in spec.children:
        _load_unit(child, unit, keys)


def _walk(specs: list[DemoUnit]):
    for spec in specs:
        yield spec
        yield from _walk(spec.children)


@transaction.atomic
def load(*, new_password: Callable[[], str] | None = None) -> dict[str, AdministrativeUnit]:
    """Load the demo organisation. With `new_password` (a production server), every demo user
    gets a password from it instead of the published DEMO_PASSWORD, including a user an earlier
    run left with DEMO_PASSWORD; the passwords given are in `issued_passwords` for this run."""
    issued_passwords.clear()
    keys: dict[str, AdministrativeUnit] = {}
    for spec in UNITS:
        _load_unit(spec, None, keys)
    for spec in _walk(UNITS):
        if spec.successor:
            services.unit_merge(
                actor=None,
                into=keys[spec.successor],
                predecessors=[keys[spec.key]],
                on=FIRST_DAY_OF_TWO_TIERS,
                source=MERGER_SOURCE,
            )
    for username, full_name, position, memberships in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                position=position,
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            )
            if username == "quantri":
                user.is_staff = user.is_superuser = True
            user.set_password(DEMO_PASSWORD)
        if new_password is not None and (user.pk is None or user.check_password(DEMO_PASSWORD)):
            issued_passwords[username] = new_password()
            user.set_password(issued_passwords[username])
        if user.pk is None or username in issued_passwords:
            user.save()
        for unit_key, role, agency_name in memberships:
            unit = keys[unit_key]
            agency = Agency.objects.get(unit=unit, name=agency_name) if agency_name else None
            Membership.objects.get_or_create(user=user, unit=unit, role=role, agency=agency)
    return keys


def logins() -> list[tuple[str, str, str]]:
    """(username, password, what they do) for the README and `make run`."""
    described = {
        "tochuc": "người tổ chức (organiser): Hà Nam, Gia Nghĩa, Thanh Nưa, Hòa Sơn, An Bình",
        "thuky": "thư ký (secretary): Hà Nam, Gia Nghĩa, Thanh Nưa, Hòa Sơn, An Bình",
        "thuky2": "thư ký thứ hai (second secretary): Thanh Nưa, Hòa Sơn",
        "coquan": "cơ quan được giao (agency responder): Sở Tài nguyên và Môi trường Hà Nam",
        "giamsat": "giám sát (supervisor): tỉnh Điện Biên và tỉnh Hà Nam, cả cấp dưới",
        "giamsatnb": "giám sát (supervisor): tỉnh Ninh Bình, thấy cả hồ sơ của tỉnh Hà Nam cũ",
        "quantri": "quản trị (administrator, Django admin)",
    }
    return [(u, DEMO_PASSWORD, described[u]) for u, *_ in USERS]
