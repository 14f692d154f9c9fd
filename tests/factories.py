"""Factories and the named personas every test shares.

The world: a province with two communes (A and B), each with agencies, and these people:
organiser_a, secretary_a (commune A), organiser_b (commune B), responder_a (agency A1 of commune
A), supervisor (the province and everything below), administrator (the province).
"""

from __future__ import annotations

from dataclasses import dataclass

import factory

from dialogue import services
from dialogue.models import AdministrativeUnit, Agency, Membership, Role, User

PASSWORD = "correct horse battery"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = "xã"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The path is maintained by the service, as in the app.
        return services.unit_create(
            name=kwargs["name"],
            kind=kwargs["kind"],
            parent=kwargs.get("parent"),
            code=kwargs.get("code", ""),
        )


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    email = factory.Sequence(lambda n: f"coquan{n}@example.test")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def member(user: User, unit: AdministrativeUnit, role: str, agency: Agency | None = None) -> User:
    Membership.objects.create(user=user, unit=unit, role=role, agency=agency)
    return user


@dataclass
class World:
    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    other_province: AdministrativeUnit
    agency_a1: Agency
    agency_a2: Agency
    agency_b1: Agency
    province_agency: Agency
    organiser_a: User
    secretary_a: User
    organiser_b: User
    responder_a: User
    supervisor: User
    administrator: User
    outsider: User


def build_world() -> World:
    province = UnitFactory(name="Tỉnh Thử Nghiệm", kind="tỉnh")
    district = UnitFactory(name="Huyện Thử Nghiệm", kind="huyện", parent=province)
    commune_a = UnitFactory(name="Xã A", parent=district)
    commune_b = UnitFactory(name="Xã B", parent=province)
    other_province = UnitFactory(name="Tỉnh Khác", kind="tỉnh")
    agency_a1 = AgencyFactory(unit=commune_a, name="Công an xã A")
    agency_a2 = AgencyFactory(unit=commune_a, name="Địa chính xã A")
    agency_b1 = AgencyFactory(unit=commune_b, name="Công an xã B")
    province_agency = AgencyFactory(unit=province, name="Sở Tài nguyên và Môi trường")
    AgencyFactory(unit=other_province, name="Sở Nội vụ tỉnh khác")
    return World(
        province=province,
        commune_a=commune_a,
        commune_b=commune_b,
        other_province=other_province,
        agency_a1=agency_a1,
        agency_a2=agency_a2,
        agency_b1=agency_b1,
        province_agency=province_agency,
        organiser_a=member(UserFactory(username="organiser_a"), commune_a, Role.ORGANISER),
        secretary_a=member(UserFactory(username="secretary_a"), commune_a, Role.SECRETARY),
        organiser_b=member(UserFactory(username="organiser_b"), commune_b, Role.ORGANISER),
        responder_a=member(
            UserFactory(username="responder_a"), commune_a, Role.AGENCY_RESPONDER, agency_a1
        ),
        supervisor=member(UserFactory(username="supervisor"), province, Role.SUPERVISOR),
        administrator=member(UserFactory(username="administrator"), province, Role.ADMINISTRATOR),
        outsider=UserFactory(username="outsider"),
    )
