"""Factories and the named personas every test shares.

The world: a province with two communes (A and B), each with agencies, and these people:
organiser_a, secretary_a (commune A), organiser_b (commune B), responder_a (agency A1 of commune
A), supervisor (the province and everything below), administrator (the province).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from dialogue import services
from dialogue.models import AdministrativeUnit, Agency, DeadlineProfile, Membership, Role, User
from petitions import services as petition_services
from petitions.models import Field
from sessions import services as session_services

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


# --- plans, sessions, speakers, petitions (through the services, as in the app) ---------------

HA_NAM_PROFILE = "ha-nam-2018"


def make_plan(
    unit: AdministrativeUnit, *, actor: User | None = None, profile: str = HA_NAM_PROFILE, **fields
):
    values = {
        "issuing_body": f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
        "place": unit.name,
        "title": f"Kế hoạch tổ chức đối thoại với Nhân dân năm 2026 ({unit.name})",
        "year": 2026,
        "profile": DeadlineProfile.objects.get(code=profile),
        **fields,
    }
    return session_services.plan_create(actor=actor, unit=unit, tasks=[], **values)


def make_session(plan, *, actor: User | None = None, secretaries=(), starts_at=None, **fields):
    starts_at = starts_at or datetime(2026, 12, 15, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    values = {
        "kind": "annual_conference",
        "title": f"Hội nghị đối thoại — {plan.unit.name}",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=4),
        "venue": f"Hội trường {plan.unit.name}",
        "chair_name": "Trần Văn Chủ",
        **fields,
    }
    return session_services.session_create(
        actor=actor, plan=plan, secretaries=list(secretaries), **values
    )


def make_speaker(session, *, actor: User | None = None, **fields):
    values = {
        "full_name": "Nguyễn Văn Ả",
        "birth_year": 1970,
        "address": "Thôn Đông",
        "topic": "Đất đai",
        **fields,
    }
    return session_services.speaker_register(actor=actor, session=session, **values)


def make_petition(session, *, actor: User | None = None, **fields):
    values = {
        "source": "mailbox",
        "received_on": date(2026, 11, 20),
        "petitioner_name": "Lê Thị Bé",
        "petitioner_address": "Thôn Tây",
        "content": "Đề nghị làm rõ việc cấp giấy chứng nhận quyền sử dụng đất.",
        "field": Field.objects.get(code="dat-dai-gpmb"),
        "competence": "commune",
        **fields,
    }
    return petition_services.petition_create(actor=actor, session=session, **values)


# --- after the session (followups) -----------------------------------------------------------


def hold_session(session, *, ended_at=None):
    """Mark a session held as the console would, ended at `ended_at` (default: its planned end)."""
    ended_at = ended_at or session.ends_at
    type(session).objects.filter(pk=session.pk).update(
        status="held", started_at=session.starts_at, ended_at=ended_at
    )
    session.refresh_from_db()
    return session


def make_held_session(unit, *, profile: str = HA_NAM_PROFILE, starts_at=None, petitions=1):
    """A held session of `unit` with `petitions` petitions still to answer after it."""
    plan = make_plan(unit, profile=profile)
    session = make_session(plan, starts_at=starts_at)
    made = [
        make_petition(session, content=f"Kiến nghị số {n} về đường giao thông thôn Đông.")
        for n in range(1, petitions + 1)
    ]
    return hold_session(session), made


def issue_notice(session, *, actor, agencies, issued_on, number="01/TB-UBND"):
    """Draft and issue the session's conclusion notice, every open petition to `agencies`."""
    from followups import services as followup_services
    from followups.unresolved import petitions_to_assign

    notice = followup_services.notice_draft(actor=actor, session=session)
    followup_services.notice_update(
        actor=actor, notice=notice, signer_name="Trần Văn Chủ", signer_title="CHỦ TỊCH"
    )
    allocations = {p.pk: list(agencies) for p in petitions_to_assign(session)}
    return followup_services.notice_issue(
        actor=actor, notice=notice, allocations=allocations, number=number, issued_on=issued_on
    )
