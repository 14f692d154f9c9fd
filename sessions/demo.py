"""Demo plans, dialogue sessions, speakers and minutes drawn from the source documents.

The content is data (dialogue/demo_data/, one file per document in shared/seeds/); this module
turns it into specs and writes it through sessions.services and sessions.console, as an organiser
and the secretaries would. One issued plan per document, with the sessions it organised, plus
Thanh Nưa's plan for the current year so the app has work in hand. Past sessions are walked
through the workflow up to "held" by their own unit's secretaries, who then record the minutes as
kept on the day (opening, delegates, report, each speech and the answer given and by whom, the
chair's conclusion). petitions/demo.py then captures the petitions raised and answered at the
session and finalises the minutes; issuing the conclusion notice belongs to `followups`.

Idempotent: secretaries are found by username, plans by (unit, number), sessions by (plan,
title), speakers by (session, full name, address, channel), milestones by (session, milestone),
minutes entries by their UUID; a session already past "held" (concluded) or with finalised minutes
takes no more entries, so a second run records no change. All dates are fixed, never "today".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from dialogue import demo as dialogue_demo
from dialogue import demo_data
from dialogue.models import AdministrativeUnit, Agency, DeadlineProfile, Membership, Role, User
from sessions import console, services
from sessions.models import DialogueSession, Minutes, Plan, Speaker

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ORGANISER = "tochuc"

Status = DialogueSession.Status
Channel = Speaker.Channel

#: Where the workflow of a demo session may stop, in order.
WORKFLOW = ("draft", "scheduled", "in_progress", "held")
LIVE_SESSION = "thanh-nua-2026-live"
#: Demo entries get stable UUIDs, so loading twice stores each once (as the console does).
LIVE_NAMESPACE = uuid.UUID("6f1c1d2e-6b8e-4a53-9a43-0d5b0f3c2a11")
MINUTES_NAMESPACE = uuid.UUID("0c6b4f6e-3d1a-4f59-8a0e-5f3e2b7d9c41")


@dataclass(frozen=True)
class DemoTask:
    """One line of "Tổ chức thực hiện": an agency of the plan's unit (or above), or a role."""

    duty: str
    agency: str = ""
    assignee: str = ""


@dataclass(frozen=True)
class DemoSpeaker:
    full_name: str
    birth_year: int
    address: str
    topic: str
    channel: str = Channel.IN_ADVANCE
    organisation: str = ""
    summary: str = ""
    # What happened to the registration, for sessions already held.
    outcome: str = Speaker.Status.SPOKE
    outcome_reason: str = ""


@dataclass(frozen=True)
class DemoSession:
    key: str  # how petitions/demo.py refers to the session
    kind: str
    title: str
    day: date
    starts: tuple[int, int]
    ends: tuple[int, int]
    venue: str
    chair_name: str
    chair_title: str
    secretaries: tuple[str, ...]
    status: str  # where the demo leaves it: "held" for the past, "scheduled" for the upcoming one
    topics: str = ""
    co_chairs: str = ""
    participants: str = ""
    invited_count: int | None = None
    expected_count: int | None = None
    attending_count: int | None = None
    invitation_number: str = ""
    invitation_date: date | None = None
    milestones: tuple[tuple[str, date, str], ...] = ()  # (milestone, done on, note)
    speakers: tuple[DemoSpeaker, ...] = ()

    @property
    def starts_at(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, *self.starts, tzinfo=TZ)

    @property
    def ends_at(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, *self.ends, tzinfo=TZ)

    @property
    def is_past(self) -> bool:
        return self.status == Status.HELD


@dataclass(frozen=True)
class DemoSecretary:
    """A secretary of one unit (thư ký hội nghị): records minutes, has no demo login."""

    username: str
    full_name: str
    position: str


@dataclass(frozen=True)
class DemoRaised:
    """A petition raised during a speech and answered on the spot (captured by petitions)."""

    content: str
    field: str  # Field code
    answered_by: str
    answer: str
    competence: str = "commune"


@dataclass(frozen=True)
class DemoEntry:
    at: str  # "HH:MM" on the session's day
    kind: str  # MinutesEntry.Kind
    text: str
    speaker: str = ""  # the registered speaker's full name
    raised: DemoRaised | None = None


@dataclass(frozen=True)
class DemoMinutes:
    signing_chair: str
    entries: tuple[DemoEntry, ...]


@dataclass(frozen=True)
class DemoPlan:
    unit: str  # unit key of dialogue/demo.py
    profile: str  # DeadlineProfile code
    number: str
    issued_on: date
    place: str
    issuing_body: str
    title: str
    year: int
    signer_capacity: str
    signer_body: str
    signer_title: str
    signer_name: str
    legal_bases: str = ""
    purpose: str = ""
    requirements: str = ""
    topics: str = ""
    recipients: str = ""
    parent_body: str = ""
    tasks: tuple[DemoTask, ...] = ()
    sessions: tuple[DemoSession, ...] = field(default_factory=tuple)
    # The issued plan is stored as a PDF that lists its sessions: true when the document itself
    # gives the date and place, false when it says they will be announced later.
    dates_in_plan: bool = False

    def plan_fields(self) -> dict:
        return {
            "parent_body": self.parent_body,
            "issuing_body": self.issuing_body,
            "number": self.number,
            "place": self.place,
            "issued_on": self.issued_on,
            "title": self.title,
            "year": self.year,
            "legal_bases": self.legal_bases,
            "purpose": self.purpose,
            "requirements": self.requirements,
            "topics": self.topics,
            "recipients": self.recipients,
            "signer_capacity": self.signer_capacity,
            "signer_body": self.signer_body,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
        }


# --- the content: dialogue/demo_data/, one file per source document ------------------------------

PLANS = [demo_data.build(DemoPlan, item) for item in demo_data.section("plans")]
#: The live session's minutes so far: (kind, speaker's name or "", text).
LIVE_ENTRIES = tuple(tuple(entry) for entry in demo_data.section("live_entries"))
#: The minutes of the sessions held, by session key.
MINUTES = {key: demo_data.build(DemoMinutes, item) for key, item in demo_data.section("minutes")}
#: Each unit's own secretaries, by unit key.
SECRETARIES = {
    unit: [demo_data.build(DemoSecretary, item) for item in items]
    for unit, items in demo_data.section("secretaries")
}


# --- lookups shared with petitions/demo.py -----------------------------------------------------


def demo_units() -> dict[str, AdministrativeUnit]:
    """The units of dialogue/demo.py by key, found as it creates them: by name under the parent."""
    found: dict[str, AdministrativeUnit] = {}

    def walk(specs, parent):
        for spec in specs:
            unit = AdministrativeUnit.objects.get(name=spec.name, parent=parent)
            found[spec.key] = unit
            walk(spec.children, unit)

    walk(dialogue_demo.UNITS, None)
    return found


def agency_for(unit: AdministrativeUnit, name: str) -> Agency:
    """The agency of that name in `unit` or, failing that, in the nearest unit above it."""
    chain = [unit.pk, *reversed(unit.ancestor_ids)]
    agencies = {a.unit_id: a for a in Agency.objects.filter(unit_id__in=chain, name=name)}
    for unit_id in chain:
        if unit_id in agencies:
            return agencies[unit_id]
    raise Agency.DoesNotExist(f"{name} ({unit})")


def find_plan_and_session(key: str) -> tuple[DemoPlan, DemoSession]:
    for plan in PLANS:
        for session in plan.sessions:
            if session.key == key:
                return plan, session
    raise KeyError(key)


def entry_uuid(key: str, index: int) -> uuid.UUID:
    """The stable UUID of entry `index` of the minutes of session `key`."""
    return uuid.uuid5(MINUTES_NAMESPACE, f"{key}-{index}")


def entry_time(spec: DemoSession, at: str) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    return datetime(spec.day.year, spec.day.month, spec.day.day, hour, minute, tzinfo=TZ)


def find_session(key: str, units: dict[str, AdministrativeUnit] | None = None) -> DialogueSession:
    """The demo session `key` (see DemoSession.key), found by its natural key."""
    plan_spec, session_spec = find_plan_and_session(key)
    unit = (units or demo_units())[plan_spec.unit]
    return DialogueSession.objects.get(
        plan__unit=unit, plan__number=plan_spec.number, title=session_spec.title
    )


# --- the loader --------------------------------------------------------------------------------


def _load_plan(spec: DemoPlan, unit: AdministrativeUnit, users: dict[str, User]) -> None:
    actor = users[ORGANISER]
    plan = Plan.objects.filter(unit=unit, number=spec.number).first()
    if plan is None:
        tasks = [
            services.TaskLine(
                duty=t.duty,
                agency=agency_for(unit, t.agency) if t.agency else None,
                assignee=t.assignee,
            )
            for t in spec.tasks
        ]
        plan = services.plan_create(
            actor=actor,
            unit=unit,
            tasks=tasks,
            profile=DeadlineProfile.objects.get(code=spec.profile),
            **spec.plan_fields(),
        )
    if not plan.is_issued:
        if spec.dates_in_plan:
            for session_spec in spec.sessions:
                _session(session_spec, plan, users)
        plan = services.plan_issue(actor=actor, plan=plan)
    for session_spec in spec.sessions:
        _load_session(session_spec, plan, users)


def _session(spec: DemoSession, plan: Plan, users: dict[str, User]) -> DialogueSession:
    session = DialogueSession.objects.filter(plan=plan, title=spec.title).first()
    if session is not None:
        return session
    past = (
        # What happened, for a session entered after it was held; the workflow leaves
        # started_at/ended_at alone once they are set (otherwise they would say "today").
        {
            "started_at": spec.starts_at,
            "ended_at": spec.ends_at,
            "attending_count": spec.attending_count,
        }
        if spec.is_past
        else {}
    )
    return services.session_create(
        actor=users[ORGANISER],
        plan=plan,
        secretaries=[users[name] for name in spec.secretaries],
        kind=spec.kind,
        title=spec.title,
        topics=spec.topics,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        venue=spec.venue,
        chair_name=spec.chair_name,
        chair_title=spec.chair_title,
        co_chairs=spec.co_chairs,
        participants=spec.participants,
        invited_count=spec.invited_count,
        expected_count=spec.expected_count,
        invitation_number=spec.invitation_number,
        invitation_date=spec.invitation_date,
        **past,
    )


def _load_session(spec: DemoSession, plan: Plan, users: dict[str, User]) -> None:
    organiser = users[ORGANISER]
    secretary = users[spec.secretaries[0]]
    session = _session(spec, plan, users)
    for speaker in spec.speakers:
        exists = session.speakers.filter(
            full_name=speaker.full_name, address=speaker.address, channel=speaker.channel
        ).exists()
        if not exists:
            services.speaker_register(
                actor=secretary,
                session=session,
                full_name=speaker.full_name,
                birth_year=speaker.birth_year,
                address=speaker.address,
                organisation=speaker.organisation,
                topic=speaker.topic,
                summary=speaker.summary,
                channel=speaker.channel,
            )
    done = set(session.milestones_done.values_list("milestone", flat=True))
    for milestone, done_on, note in spec.milestones:
        if milestone not in done:
            services.milestone_mark_done(
                actor=organiser, session=session, milestone=milestone, done_on=done_on, note=note
            )
    _advance(session, spec, organiser=organiser, secretary=secretary)


def _advance(
    session: DialogueSession, spec: DemoSession, *, organiser: User, secretary: User
) -> None:
    """Walk the workflow from where the session is to where the demo leaves it."""
    rank = {status: i for i, status in enumerate(WORKFLOW)}
    held_on = f"{spec.day:%d/%m/%Y}"
    past_reason = f"Hội nghị đã tổ chức ngày {held_on}: nhập lại từ hồ sơ lưu trữ."
    while rank.get(session.status, len(WORKFLOW)) < rank[spec.status]:
        to = WORKFLOW[rank[session.status] + 1]
        if to == Status.SCHEDULED and not spec.is_past:
            try:
                session = services.session_transition(actor=organiser, session=session, to=to)
            except services.ConfirmationRequired:
                # Only if the demo is loaded after the December 2026 deadlines have passed.
                session = services.session_transition(
                    actor=organiser, session=session, to=to, confirm=True
                )
            continue
        session = services.session_transition(
            actor=organiser, session=session, to=to, confirm=True, reason=past_reason
        )
        if to == Status.IN_PROGRESS:
            _record_outcomes(session, spec, secretary)


def _record_outcomes(session: DialogueSession, spec: DemoSession, secretary: User) -> None:
    """What happened to each registration, recorded while the session runs."""
    outcomes = {(s.full_name, s.address, s.channel): s for s in spec.speakers}
    for speaker in session.speakers.all():
        wanted = outcomes.get((speaker.full_name, speaker.address, speaker.channel))
        if wanted is not None and speaker.status != wanted.outcome:
            services.speaker_update(
                actor=secretary,
                speaker=speaker,
                status=wanted.outcome,
                status_reason=wanted.outcome_reason,
            )


def _load_live_entries(units: dict[str, AdministrativeUnit], users: dict[str, User]) -> None:
    session = find_session(LIVE_SESSION, units)
    if session.status != Status.IN_PROGRESS:
        return
    speakers = {s.full_name: s for s in session.speakers.all()}
    for index, (kind, speaker, text) in enumerate(LIVE_ENTRIES):
        console.entry_save(
            actor=users["thuky"],
            session=session,
            uuid=uuid.uuid5(LIVE_NAMESPACE, f"{LIVE_SESSION}-{index}"),
            kind=kind,
            text=text,
            speaker=speakers.get(speaker),
        )


def _load_secretaries(units: dict[str, AdministrativeUnit]) -> None:
    for unit_key, specs in SECRETARIES.items():
        for spec in specs:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(
                    username=spec.username,
                    full_name=spec.full_name,
                    position=spec.position,
                    email=f"{spec.username}@{dialogue_demo.DEMO_EMAIL_DOMAIN}",
                )
                user.set_unusable_password()  # a record keeper of the past, not a demo login
                user.save()
            Membership.objects.get_or_create(
                user=user, unit=units[unit_key], role=Role.SECRETARY, agency=None
            )


def is_recording(session: DialogueSession) -> bool:
    """Held and its minutes not yet finalised: the minutes may still be written."""
    if session.status != Status.HELD:
        return False
    return not Minutes.objects.filter(session=session, finalised_at__isnull=False).exists()


def _load_minutes(units: dict[str, AdministrativeUnit], users: dict[str, User]) -> None:
    for key, minutes in MINUTES.items():
        _plan, spec = find_plan_and_session(key)
        session = find_session(key, units)
        if not is_recording(session):
            continue
        secretary = users[spec.secretaries[0]]
        speakers = {s.full_name: s for s in session.speakers.all()}
        for index, entry in enumerate(minutes.entries):
            console.entry_save(
                actor=secretary,
                session=session,
                uuid=entry_uuid(key, index),
                kind=entry.kind,
                text=entry.text,
                speaker=speakers[entry.speaker] if entry.speaker else None,
                typed_at=entry_time(spec, entry.at),
            )


@transaction.atomic
def load() -> None:
    units = demo_units()
    _load_secretaries(units)
    secretaries = {s.username for specs in SECRETARIES.values() for s in specs}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["tochuc", "thuky", "thuky2", *secretaries])
    }
    for spec in PLANS:
        _load_plan(spec, units[spec.unit], users)
    _load_minutes(units, users)
    _load_live_entries(units, users)
