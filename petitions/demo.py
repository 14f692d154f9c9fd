"""Demo petitions and prepared answers for the demo sessions of sessions/demo.py.

Drawn from each source document's topics (land and site clearance, environment, infrastructure,
social policy, administrative procedures, public order, officials' conduct). Gia Nghĩa 2022 shows
the routing rule of its plan: a complaint and a denunciation are routed out with the plan's reason,
an off-topic question is accepted and answered separately in writing. Every petition was received
before its session; answers to past sessions were prepared before their due date.

Then, for each session held, the petitions raised during a speech and answered on the spot are
captured against the minutes entry that records them (as the console does), and the minutes are
finalised through sessions.minutes, which stores their PDF and its SHA-256: the minutes list the
session's petitions, so this runs once they are all in, and before followups/demo.py issues the
notice that concludes the session.

Idempotent: a petition is found by (session, petitioner, content), a preparation by (petition,
agency), a petition raised at the session by its minutes entry; an answer is recorded only where
none is; finalised minutes are left alone. Runs after sessions/demo.py (app order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dialogue import demo_data
from dialogue.models import User
from petitions import services
from petitions.models import Field, Petition, Preparation
from sessions import demo as session_demo
from sessions.minutes import minutes_finalize
from sessions.models import MinutesEntry

# The routing reasons and competences are data (dialogue/demo_data/). Competence has no district
# level (the pre-2025 huyện / thành phố thuộc tỉnh): a matter the city of Gia Nghĩa decides itself
# is recorded as "commune" (the local level holding the dialogue); a matter that Hòa Sơn commune
# must pass to Hiệp Hòa district as "other_body".
Competence = Petition.Competence
Scope = Petition.Scope


@dataclass(frozen=True)
class DemoPreparation:
    agency: str  # agency of the session's unit or of a unit above it
    answer: str = ""
    answered_on: date | None = None
    recorded_by: str = "tochuc"


@dataclass(frozen=True)
class DemoPetition:
    petitioner_name: str
    petitioner_address: str
    content: str
    field: str  # Field code
    received_on: date
    source: str
    competence: str = Competence.COMMUNE
    scope: str = Scope.IN_SCOPE
    routing_reason: str = ""
    times_raised: int = 1
    signatories: int = 1
    label: str = ""  # for duplicate_of below
    duplicate_of: str = ""
    preparations: tuple[DemoPreparation, ...] = ()


#: The petitions collected before each session, by session key (dialogue/demo_data/).
PETITIONS: dict[str, list[DemoPetition]] = {
    key: [demo_data.build(DemoPetition, item) for item in items]
    for key, items in demo_data.section("petitions")
}


def _load_petition(
    spec: DemoPetition, session, *, actor: User, fields: dict, labelled: dict
) -> Petition:
    petition = Petition.objects.filter(
        session=session, petitioner_name=spec.petitioner_name, content=spec.content
    ).first()
    if petition is None:
        petition = services.petition_create(
            actor=actor,
            session=session,
            source=spec.source,
            received_on=spec.received_on,
            petitioner_name=spec.petitioner_name,
            petitioner_address=spec.petitioner_address,
            signatories=spec.signatories,
            content=spec.content,
            field=fields[spec.field],
            competence=spec.competence,
            scope=spec.scope,
            routing_reason=spec.routing_reason,
            duplicate_of=labelled[spec.duplicate_of] if spec.duplicate_of else None,
            times_raised=spec.times_raised,
        )
    if spec.label:
        labelled[spec.label] = petition
    return petition


def _load_preparation(
    spec: DemoPreparation, petition: Petition, *, actor: User, users: dict[str, User]
) -> None:
    agency = session_demo.agency_for(petition.unit, spec.agency)
    preparation = Preparation.objects.filter(petition=petition, agency=agency).first()
    if preparation is None:
        preparation = services.preparation_assign(actor=actor, petition=petition, agency=agency)
    if spec.answer and preparation.answered_on is None:
        services.preparation_record_answer(
            actor=users[spec.recorded_by],
            preparation=preparation,
            answer=spec.answer,
            answered_on=spec.answered_on,
        )


def _load_raised_and_finalise(units, users: dict[str, User], fields: dict) -> None:
    for key, minutes in session_demo.MINUTES.items():
        _plan, spec = session_demo.find_plan_and_session(key)
        session = session_demo.find_session(key, units)
        if not session_demo.is_recording(session):
            continue
        secretary = users[spec.secretaries[0]]
        for index, entry in enumerate(minutes.entries):
            if entry.raised is None:
                continue
            recorded = MinutesEntry.objects.get(uuid=session_demo.entry_uuid(key, index))
            if Petition.objects.filter(session=session, minutes_entry=recorded).exists():
                continue
            services.petition_capture(
                actor=secretary,
                session=session,
                content=entry.raised.content,
                field=fields[entry.raised.field],
                competence=entry.raised.competence,
                scope=Scope.IN_SCOPE,
                speaker=recorded.speaker,
                minutes_entry=recorded,
                answered_now=True,
                answer_at_session=entry.raised.answer,
                answered_by=entry.raised.answered_by,
            )
        minutes_finalize(actor=secretary, session=session, chair_name=minutes.signing_chair)


@transaction.atomic
def load() -> None:
    units = session_demo.demo_units()
    secretaries = {s.username for specs in session_demo.SECRETARIES.values() for s in specs}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["tochuc", "coquan", "thuky", *secretaries])
    }
    actor = users["tochuc"]
    fields = {f.code: f for f in Field.objects.all()}
    for session_key, specs in PETITIONS.items():
        session = session_demo.find_session(session_key, units)
        labelled: dict[str, Petition] = {}
        for spec in specs:
            petition = _load_petition(spec, session, actor=actor, fields=fields, labelled=labelled)
            for preparation in spec.preparations:
                _load_preparation(preparation, petition, actor=actor, users=users)
    _load_raised_and_finalise(units, users, fields)
