"""`manage.py load_demo` reproduces the five source documents (shared/seeds/) as plans, sessions,
speakers, petitions, prepared answers and finalised minutes, and a second run changes nothing.

sessions/demo.py walks past sessions up to "held"; followups/demo.py then issues their conclusion
notices, which concludes them (tests/followups/test_demo.py covers the notices themselves).

Loading takes a few seconds (it issues six plans, each stored as a PDF), so the demo is loaded once
for the module, with the clock frozen, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from dialogue.audit import history
from dialogue.models import AdministrativeUnit, ChangeRecord, Membership, StoredDocument, User
from petitions.models import Petition, Preparation
from sessions import demo, services, timeline
from sessions.models import (
    DialogueSession,
    Minutes,
    MinutesEntry,
    Plan,
    PlanTask,
    SessionMilestone,
    Speaker,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = "2026-11-22 09:00 +07:00"
#: After the December 2026 session's preparation deadlines: the demo must still load.
LATER = "2027-03-01 09:00 +07:00"

COUNTED = [
    Plan,
    PlanTask,
    DialogueSession,
    SessionMilestone,
    Speaker,
    Petition,
    Preparation,
    ChangeRecord,
    StoredDocument,
    Membership,
    MinutesEntry,
    Minutes,
]


def load_demo(at: str) -> None:
    # DEBUG=1 as under `make run`: with DEBUG=0 the command refuses (tests/dialogue/test_load_demo).
    with time_machine.travel(at, tick=False), override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, TZ)


def plan_of(units, key: str, year: int) -> Plan:
    return Plan.objects.get(unit=units[key], year=year)


def pre_session_states(session: DialogueSession) -> dict[str, str]:
    return {
        item.milestone: item.state
        for item in services.session_timeline(session)
        if item.is_before_session
    }


def scheduling_reason(session: DialogueSession) -> str:
    [record] = [r for r in history(session) if r.changes.get("status") == ["draft", "scheduled"]]
    return record.reason


# Runs before the module's fixture loads anything (pytest sets a module fixture up lazily).
def test_the_demo_still_loads_after_its_upcoming_session_deadlines_have_passed():
    assert not Plan.objects.exists()
    load_demo(LATER)
    session = demo.find_session("thanh-nua-2026")
    assert session.status == DialogueSession.Status.SCHEDULED
    # Scheduled with the confirmation the organiser would give, and the reason recorded.
    assert scheduling_reason(session)
    # Every past session is concluded by its issued notice; none is left merely held.
    assert (
        not DialogueSession.objects.exclude(status__in=["concluded", "scheduled"])
        .exclude(pk=demo.find_session(demo.LIVE_SESSION).pk)
        .exists()
    )
    assert DialogueSession.objects.filter(status=DialogueSession.Status.CONCLUDED).count() == 7
    # One session is left running for the console, with its minutes so far.
    live = demo.find_session(demo.LIVE_SESSION)
    assert live.status == DialogueSession.Status.IN_PROGRESS
    assert live.minutes_entries.count() == len(demo.LIVE_ENTRIES)


@pytest.fixture(scope="module")
def units(django_db_setup, django_db_blocker) -> dict[str, AdministrativeUnit]:
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            load_demo(TODAY)
            yield demo.demo_units()
            transaction.set_rollback(True)


# --- one test per source document ---------------------------------------------------------------


def test_ha_nam_2018_provincial_plan_and_its_held_dialogue(units):
    plan = plan_of(units, "ha-nam", 2018)
    assert plan.profile.code == "ha-nam-2018"
    assert plan.is_issued and plan.issued_on == date(2018, 4, 16)
    assert plan.signer_name == "Nguyễn Xuân Đông"
    agencies = set(plan.tasks.filter(agency__isnull=False).values_list("agency__name", flat=True))
    assert {"Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "Công an tỉnh"} <= agencies
    [session] = plan.sessions.all()
    assert session.kind == DialogueSession.Kind.CHAIRMAN
    assert session.status == DialogueSession.Status.CONCLUDED
    assert local(session.starts_at).date() > plan.issued_on
    # Departments report their prepared answers 5 working days before, through the secretariat.
    assert pre_session_states(session) == {"prepared_answers": timeline.DONE}
    assert session.petitions.filter(preparations__agency__name="Sở Tài nguyên và Môi trường")


def test_gia_nghia_2022_routes_complaints_and_denunciations_out_with_the_plans_reason(units):
    plan = plan_of(units, "gia-nghia", 2022)
    # Its own profile: the plan sets no limit, so the Law on Local Government 2025 applies.
    assert plan.profile.code == "gia-nghia-2022"
    assert "không quy định thời hạn" in plan.profile.description
    assert plan.signer_name == "Đỗ Tấn Sương"
    [session] = plan.sessions.all()
    assert local(session.starts_at).date().replace(day=1) == date(2022, 10, 1)
    assert session.status == DialogueSession.Status.CONCLUDED

    routed = session.petitions.filter(scope__in=["complaint", "denunciation"])
    assert sorted(routed.values_list("scope", flat=True)) == ["complaint", "denunciation"]
    for petition in routed:
        assert petition.status == Petition.Status.ROUTED_OUT
        assert "không đưa ra đối thoại tại hội nghị" in petition.routing_reason
        assert not petition.preparations.exists()
        created = ChangeRecord.objects.get(object_id=str(petition.pk), action="created")
        assert created.reason == petition.routing_reason

    off_topic = session.petitions.get(scope="off_topic")
    assert off_topic.status == Petition.Status.RECEIVED
    assert "trả lời riêng bằng văn bản" in off_topic.routing_reason
    # Beyond local authority: recorded for the competent level.
    assert session.petitions.filter(competence="province").exists()


def test_dien_bien_commune_conference_in_q4_2024(units):
    plan = plan_of(units, "thanh-nua", 2024)
    assert plan.profile.code == "dien-bien-2024"
    [session] = plan.sessions.all()
    starts, ends = local(session.starts_at), local(session.ends_at)
    assert session.kind == DialogueSession.Kind.ANNUAL_CONFERENCE
    assert starts.year == 2024 and starts.month >= 10
    assert ends - starts <= timedelta(hours=5)  # "Hội nghị được tổ chức trong một buổi"
    assert {u.username for u in session.secretaries.all()} == {"thuky", "thuky2"}
    # Invitations at least 7 days before.
    assert pre_session_states(session) == {"invitations": timeline.DONE}
    refused = session.speakers.get(status=Speaker.Status.REFUSED)
    assert "say rượu" in refused.status_reason.lower()


def test_hoa_son_three_thematic_dialogues_of_half_a_day_under_one_plan(units):
    plan = plan_of(units, "hoa-son", 2024)
    assert plan.profile.code == "hoa-son-2024"
    assert (plan.signer_capacity, plan.signer_body, plan.signer_title, plan.signer_name) == (
        "KT.",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hoàng Xuân Thập",
    )
    sessions = list(plan.sessions.order_by("starts_at"))
    assert len(sessions) == 3
    assert all(s.kind == DialogueSession.Kind.THEMATIC for s in sessions)
    assert all(s.ends_at - s.starts_at <= timedelta(hours=4) for s in sessions)
    assert all(local(s.starts_at).year == 2024 for s in sessions)
    titles = " ".join(s.title for s in sessions)
    assert "thôn Hương Sơn" in titles and "Hội Nông dân" in titles and "thôn Sơn Trung" in titles
    # The office reports the draft answers to the chairman 5 days before each dialogue.
    assert all(pre_session_states(s) == {"prepared_answers": timeline.DONE} for s in sessions)


def test_party_committee_dialogue_of_25_march_2017(units):
    assert units["an-binh"].name == "Xã An Bình (tên minh họa)"
    plan = plan_of(units, "an-binh", 2017)
    assert plan.profile.code == "dang-uy-2017"
    assert plan.issuing_body == "ĐẢNG ỦY XÃ AN BÌNH"
    [session] = plan.sessions.all()
    assert session.kind == DialogueSession.Kind.PARTY_SECRETARY
    assert local(session.starts_at).date() == date(2017, 3, 25)
    assert "Nhà văn hóa xã" in session.venue
    assert session.status == DialogueSession.Status.CONCLUDED
    assert session.expected_count >= 2 * 70  # at least 70 delegates for each hamlet
    assert set(session.speakers.values_list("address", flat=True)) == {"Ấp Chợ", "Ấp Căn cứ"}
    # Invitations at least 3 working days before.
    assert pre_session_states(session) == {"invitations": timeline.DONE}
    # The plan gives the date and the place, so its stored PDF was issued with the session in it.
    assert StoredDocument.objects.filter(object_id=str(plan.pk), kind="plan").count() == 1


# --- the session in hand today ------------------------------------------------------------------


def test_upcoming_december_2026_session_is_scheduled_with_both_demo_secretaries(units):
    session = demo.find_session("thanh-nua-2026", units)
    assert session.unit == units["thanh-nua"]
    assert session.status == DialogueSession.Status.SCHEDULED
    assert scheduling_reason(session) == ""  # nothing to confirm on 22/11/2026
    assert local(session.starts_at).date().replace(day=1) == date(2026, 12, 1)
    assert {u.username for u in session.secretaries.all()} == {"thuky", "thuky2"}
    assert Membership.objects.filter(
        user__username="tochuc", unit=session.unit, role="organiser"
    ).exists()

    speakers = list(session.speakers.order_by("position"))
    assert len(speakers) >= 5
    assert all(s.status == Speaker.Status.WAITING for s in speakers)
    [repeat] = [s for s in speakers if s.likely_duplicate_of_id]
    assert repeat.likely_duplicate_of.full_name == repeat.full_name

    preparations = Preparation.objects.filter(petition__session=session)
    assert preparations.filter(answered_on__isnull=False).exists()
    assert preparations.filter(answered_on__isnull=True).exists()
    assert all(p.due_on < local(session.starts_at).date() for p in preparations)

    duplicate = session.petitions.get(status=Petition.Status.DUPLICATE)
    assert duplicate.duplicate_of.session == session
    assert duplicate.duplicate_of.times_raised == 3  # raised in 2024, again now, and the duplicate


def test_the_demo_users_see_the_sessions_they_work_on(units):
    tochuc = User.objects.get(username="tochuc")
    assert DialogueSession.objects.visible_to(tochuc).count() == DialogueSession.objects.count()
    for username in ("thuky", "thuky2"):
        user = User.objects.get(username=username)
        own = DialogueSession.objects.filter(secretaries=user)
        assert own.exists()
        assert set(own) <= set(DialogueSession.objects.with_speakers_for(user))


# --- rules that hold for every demo record ------------------------------------------------------


def test_every_speaker_is_18_or_over_in_the_year_of_the_session(units):
    speakers = Speaker.objects.select_related("session")
    assert speakers.count() >= 30
    for speaker in speakers:
        assert local(speaker.session.starts_at).year - speaker.birth_year >= 18, speaker


def test_petitions_are_received_before_their_session_and_answers_prepared_in_time(units):
    petitions = Petition.objects.select_related("session")
    for petition in petitions:
        held_on = local(petition.session.starts_at).date()
        if petition.source == Petition.Source.AT_SESSION:
            assert petition.received_on == held_on, petition  # raised there, on its day
        else:
            assert petition.received_on < held_on, petition
    assert petitions.filter(times_raised__gt=1).count() >= 5
    assert {"dat-dai-gpmb", "moi-truong", "ha-tang-giao-thong", "chinh-sach-xa-hoi"} <= set(
        petitions.values_list("field__code", flat=True)
    )
    for preparation in Preparation.objects.filter(answered_on__isnull=False):
        assert preparation.answered_on <= preparation.due_on, preparation


def test_past_sessions_keep_the_day_they_were_held(units):
    # Held, then concluded when followups/demo.py issued their notices.
    past = DialogueSession.objects.filter(status=DialogueSession.Status.CONCLUDED)
    assert past.count() == 7
    assert not DialogueSession.objects.filter(status=DialogueSession.Status.HELD).exists()
    for session in past:
        steps = [r.changes["status"] for r in history(session) if "status" in r.changes]
        assert ["in_progress", "held"] in steps and ["held", "concluded"] in steps, session
        assert (session.started_at, session.ended_at) == (session.starts_at, session.ends_at)
        assert session.attending_count
        assert not session.speakers.filter(status=Speaker.Status.WAITING).exists()


def test_loading_the_demo_again_changes_nothing(units):
    before = counts()
    assert before["Plan"] == 6
    # Six issued plans, the seven finalised minutes and the seven conclusion notices of the past
    # sessions, each stored once.
    kinds = sorted(StoredDocument.objects.values_list("kind", flat=True))
    assert kinds == ["minutes"] * 7 + ["notice"] * 7 + ["plan"] * 6
    load_demo("2026-11-23 10:00 +07:00")
    assert counts() == before


# --- the minutes of the sessions held -----------------------------------------------------------


def test_every_concluded_session_has_finalised_minutes_that_state_what_happened(units):
    from dialogue import document_cache, storage
    from sessions.minutes import MINUTES_DOCUMENT

    concluded = DialogueSession.objects.filter(status=DialogueSession.Status.CONCLUDED)
    assert concluded.count() == 7
    for session in concluded:
        minutes = Minutes.objects.get(session=session)
        assert minutes.is_final, session
        assert minutes.chair_name == session.chair_name
        assert document_cache.issued_waiting(minutes, MINUTES_DOCUMENT) is None, session
        stored = storage.latest(minutes, MINUTES_DOCUMENT)
        assert stored is not None and stored.sha256 == minutes.sha256, session
        entries = list(session.minutes_entries.order_by("seq"))
        kinds = [e.kind for e in entries]
        assert kinds[:3] == ["opening", "delegates", "report"], session
        assert kinds[-1] == "conclusion", session
        assert kinds.count("conclusion") == 1
        # One delegates entry, not a second "Giới thiệu đại biểu" inside its text.
        assert kinds.count("delegates") == 1
        assert not any(e.text.startswith("Giới thiệu đại biểu") for e in entries)
        for entry in entries:
            assert "……" not in entry.text and "..." not in entry.text, entry
            assert len(entry.text) > 40, entry
            assert entry.typed_at is not None
            assert session.starts_at <= entry.typed_at <= session.ends_at, entry
        # Everyone who spoke has their speech on record, under their name.
        spoke = set(session.speakers.filter(status=Speaker.Status.SPOKE))
        assert spoke and spoke == {e.speaker for e in entries if e.kind == "speech"}, session
        # Each answer says who gave it, and is never filed under the citizen who asked.
        for answer in (e for e in entries if e.kind == "answer"):
            assert answer.speaker is None
            who, _, said = answer.text.partition(": ")
            assert who.startswith(("Đồng chí", "Công chức", "Đại diện")) and said, answer
        conclusion = entries[-1].text
        assert conclusion.startswith(f"Đồng chí {session.chair_name}"), conclusion
        assert "kết luận" in conclusion


def test_petitions_answered_at_the_session_say_who_answered(units):
    answered = Petition.objects.filter(status=Petition.Status.ANSWERED_AT_SESSION)
    assert answered.values("session").distinct().count() == 7
    for petition in answered:
        assert petition.source == Petition.Source.AT_SESSION
        assert petition.answer_at_session and petition.answered_by, petition
        entry = petition.minutes_entry
        assert entry.kind == "speech" and entry.session == petition.session
        assert entry.speaker.full_name == petition.petitioner_name
        # The answer given follows in the minutes, attributed to whoever gave it.
        after = petition.session.minutes_entries.filter(seq=entry.seq + 1).get()
        assert after.kind == "answer"
        assert after.text.startswith(f"Đồng chí {petition.answered_by}: ")
        assert not petition.assignments.exists()


def test_each_unit_has_its_own_secretaries(units):
    by_unit: dict[str, set[str]] = {}
    for session in DialogueSession.objects.select_related("plan__unit"):
        names = {u.full_name for u in session.secretaries.all()}
        by_unit.setdefault(session.plan.unit.name, set()).update(names)
    assert len(by_unit) == 5
    for unit, names in by_unit.items():
        others = set().union(*(n for u, n in by_unit.items() if u != unit))
        assert names and not names & others, unit
    # The demo logins keep their sessions: "thuky" and "thuky2" are Thanh Nưa's secretaries.
    assert by_unit[units["thanh-nua"].name] == {"Trần Văn Minh", "Lò Thị Hoa"}
    record_keepers = User.objects.filter(username__in=["hanam.trang", "anbinh.loan"])
    assert record_keepers.count() == 2
    assert not any(u.has_usable_password() for u in record_keepers)
