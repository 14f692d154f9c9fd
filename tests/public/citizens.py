"""A session whose citizens' personal data is distinctive, to assert it never reaches a public
page (every personal field of the factories' citizens: speaker and petitioner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from followups import services as followup_services
from tests.factories import (
    hold_session,
    issue_notice,
    make_petition,
    make_plan,
    make_session,
    make_speaker,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")

SPEAKER = {
    "full_name": "Phạm Thị Riêng",
    "birth_year": 1957,
    "address": "Xóm Bí Mật số 9",
    "phone": "0987654321",
    "organisation": "Hội Nông dân",
}
PETITIONER = {
    "petitioner_name": "Hoàng Văn Kín",
    "petitioner_address": "Tổ dân phố Kín Đáo",
    "petitioner_phone": "0911222333",
}
PERSONAL_VALUES = [
    SPEAKER["full_name"],
    str(SPEAKER["birth_year"]),
    SPEAKER["address"],
    SPEAKER["phone"],
    *PETITIONER.values(),
]


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


@dataclass
class Story:
    session: object
    answered: object  # answered by the agency, after an accepted extension
    waiting: object  # assigned, not answered yet
    speaker: object


def held_and_followed(world, *, day=date(2026, 12, 21)) -> Story:
    """A held session, its notice issued on `day`, one petition answered after an extension."""
    with at(day):
        plan = make_plan(world.commune_a, actor=world.organiser_a)
        session = make_session(plan, actor=world.organiser_a, topics="Đất đai\nGiao thông")
        speaker = make_speaker(session, actor=world.organiser_a, **SPEAKER)
        answered = make_petition(
            session,
            actor=world.organiser_a,
            content=f"Ông {PETITIONER['petitioner_name']} đề nghị sửa đường liên thôn.",
            **PETITIONER,
        )
        waiting = make_petition(
            session,
            actor=world.organiser_a,
            content="Đề nghị lắp đèn chiếu sáng ngõ 4.",
            **PETITIONER,
        )
        hold_session(session)
        issue_notice(session, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=day)
    answered_assignment = answered.assignments.get()
    with at(date(2026, 12, 28)):
        extension = followup_services.extension_request(
            actor=world.responder_a,
            assignment=answered_assignment,
            new_due_on=date(2027, 1, 29),
            reason="Cần khảo sát hiện trường.",
            citizen_told_on=date(2026, 12, 28),
        )
        followup_services.extension_decide(
            actor=world.organiser_a, extension=extension, accept=True
        )
        followup_services.response_record(
            actor=world.responder_a,
            assignment=answered_assignment,
            responded_on=date(2026, 12, 28),
            method="in_person",
            text=f"Đã trả lời trực tiếp ông {PETITIONER['petitioner_name']}: sẽ sửa đường quý I.",
        )
    answered.refresh_from_db()
    waiting.refresh_from_db()
    session.refresh_from_db()
    return Story(session=session, answered=answered, waiting=waiting, speaker=speaker)


def assert_no_personal_data(html: str) -> None:
    for value in PERSONAL_VALUES:
        assert value not in html, value
