"""The session status workflow and the plan's draft → issued → amended life (sessions.services)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dialogue.audit import history
from dialogue.models import Milestone, StoredDocument
from sessions import services
from sessions.models import DialogueSession, Plan
from sessions.services import ConfirmationRequired, TaskLine
from tests.factories import make_plan, make_session
from tests.helpers import shown

pytestmark = pytest.mark.django_db

# 22/11/2026: the Hà Nam "prepared answers" date of a session on 15/12/2026 (08/12) is ahead.
BEFORE_DEADLINES = "2026-11-22 09:00 +07:00"
# 10/12/2026: that date has passed, the session has not taken place.
AFTER_PREPARATION = "2026-12-10 09:00 +07:00"

S = DialogueSession.Status
#: The workflow as DESIGN §3 describes it (draft → scheduled → in progress → held → concluded →
#: closed, cancellable until it starts, a scheduled session can go back to draft). Written out
#: here rather than read from services.TRANSITIONS, so a change to the table is noticed.
ALLOWED = {
    (S.DRAFT, S.SCHEDULED),
    (S.DRAFT, S.CANCELLED),
    (S.SCHEDULED, S.DRAFT),
    (S.SCHEDULED, S.IN_PROGRESS),
    (S.SCHEDULED, S.CANCELLED),
    (S.IN_PROGRESS, S.HELD),
    (S.HELD, S.CONCLUDED),
    (S.CONCLUDED, S.CLOSED),
}
ALL_PAIRS = [(a, b) for a in S for b in S if a != b]


@pytest.fixture
def plan(world):
    return make_plan(world.commune_a, actor=world.organiser_a)


@pytest.fixture
def session(world, plan):
    """Hà Nam profile, 15/12/2026 08:00–12:00, with a secretary: ready to be scheduled."""
    return make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])


def put_in(session: DialogueSession, status: str) -> DialogueSession:
    DialogueSession.objects.filter(pk=session.pk).update(status=status)
    session.refresh_from_db()
    return session


def status_records(session):
    return list(history(session).filter(action="status").order_by("pk"))


def messages_in(language: str, call) -> list[str]:
    """The messages of the ValidationError that `call` raises for a user of that UI language."""
    with translation.override(language), pytest.raises(ValidationError) as caught:
        call()
    with translation.override(language):
        return caught.value.messages


def status_of(session) -> str:
    return DialogueSession.objects.values_list("status", flat=True).get(pk=session.pk)


# --- the transition table ----------------------------------------------------------------------


def test_the_table_in_the_code_is_the_designed_workflow():
    in_code = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}
    assert in_code == ALLOWED


def test_every_move_has_a_button_that_names_the_action():
    """ "Hủy hội nghị", not "→ Đã hủy" (issue 13)."""
    targets = {b for _a, b in ALLOWED}
    assert targets <= set(services.TRANSITION_ACTIONS)
    with translation.override("vi"):
        assert str(services.TRANSITION_ACTIONS[S.CANCELLED]) == "Hủy hội nghị"


@pytest.mark.parametrize(
    ("old", "new"), [p for p in ALL_PAIRS if p in ALLOWED], ids=lambda s: str(s)
)
@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_allowed_transition_moves_and_is_recorded(world, session, old, new):
    put_in(session, old)
    moved = services.session_transition(
        actor=world.organiser_a, session=session, to=new, reason="Theo chỉ đạo"
    )
    assert moved.status == new
    assert status_of(session) == new
    assert moved.status_changed_at == timezone.now()
    (record,) = status_records(session)
    assert record.changes == {"status": [old, new]}
    assert record.actor == world.organiser_a
    assert record.reason == "Theo chỉ đạo"


@pytest.mark.parametrize(
    ("old", "new"), [p for p in ALL_PAIRS if p not in ALLOWED], ids=lambda s: str(s)
)
def test_refused_transition_names_both_statuses_and_changes_nothing(world, session, old, new):
    put_in(session, old)
    with pytest.raises(ValidationError) as caught:
        services.session_transition(
            actor=world.organiser_a, session=session, to=new, confirm=True, reason="Thử"
        )
    assert caught.value.messages == [
        str(services.TRANSITION_NOT_ALLOWED % {"from": S(old).label, "to": S(new).label})
    ]
    assert status_of(session) == old
    assert status_records(session) == []


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_repeating_a_transition_already_made_is_a_success_recorded_once(world, session):
    """A double click on "schedule" (or a second tab) must not show a red error (issue 13)."""
    put_in(session, S.DRAFT)
    for _click in range(2):
        moved = services.session_transition(
            actor=world.organiser_a, session=session, to=S.SCHEDULED
        )
        assert moved.status == S.SCHEDULED
    assert [r.changes for r in status_records(session)] == [{"status": [S.DRAFT, S.SCHEDULED]}]


def test_refused_transition_message_in_english_and_vietnamese(world, session):
    put_in(session, S.HELD)

    def call():
        services.session_transition(actor=world.organiser_a, session=session, to=S.DRAFT)

    assert messages_in("en", call) == ["A session cannot go from “Held” to “Draft”."]
    with translation.override("vi"):
        expected = str(services.TRANSITION_NOT_ALLOWED) % {
            "from": str(S.HELD.label),
            "to": str(S.DRAFT.label),
        }
    assert messages_in("vi", call) == [expected]
    assert "%(" not in expected


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_start_and_end_are_stamped_once(world, session):
    put_in(session, S.SCHEDULED)
    services.session_transition(actor=world.organiser_a, session=session, to=S.IN_PROGRESS)
    services.session_transition(actor=world.organiser_a, session=session, to=S.HELD)
    session.refresh_from_db()
    assert session.started_at == timezone.now()
    assert session.ended_at == timezone.now()


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_whole_life_of_a_session_leaves_one_record_per_move(world, session):
    for new in (S.SCHEDULED, S.IN_PROGRESS, S.HELD, S.CONCLUDED, S.CLOSED):
        services.session_transition(actor=world.organiser_a, session=session, to=new)
    assert [r.changes["status"] for r in status_records(session)] == [
        ["draft", "scheduled"],
        ["scheduled", "in_progress"],
        ["in_progress", "held"],
        ["held", "concluded"],
        ["concluded", "closed"],
    ]


# --- guards ------------------------------------------------------------------------------------


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_scheduling_needs_secretaries(world, plan):
    session = make_session(plan, actor=world.organiser_a)
    assert messages_in(
        "en",
        lambda: services.session_transition(
            actor=world.organiser_a, session=session, to=S.SCHEDULED
        ),
    ) == ["To schedule the session, fill in: secretaries."]
    assert status_of(session) == S.DRAFT


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_scheduling_needs_a_venue_and_secretaries(world, plan):
    session = make_session(plan, actor=world.organiser_a)
    DialogueSession.objects.filter(pk=session.pk).update(venue="")
    assert messages_in(
        "en",
        lambda: services.session_transition(
            actor=world.organiser_a, session=session, to=S.SCHEDULED
        ),
    ) == ["To schedule the session, fill in: venue, secretaries."]
    assert status_of(session) == S.DRAFT
    assert status_records(session) == []


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_scheduling_in_time_needs_no_confirmation(world, session):
    services.session_transition(actor=world.organiser_a, session=session, to=S.SCHEDULED)
    assert status_of(session) == S.SCHEDULED


@time_machine.travel(AFTER_PREPARATION, tick=False)
def test_scheduling_after_the_preparation_date_asks_for_confirmation(world, session):
    with pytest.raises(ConfirmationRequired) as caught:
        services.session_transition(actor=world.organiser_a, session=session, to=S.SCHEDULED)
    (message,) = caught.value.messages
    assert "08/12/2026" in message
    assert status_of(session) == S.DRAFT
    assert status_records(session) == []

    services.session_transition(
        actor=world.organiser_a, session=session, to=S.SCHEDULED, confirm=True
    )
    assert status_of(session) == S.SCHEDULED
    (record,) = status_records(session)
    assert record.reason == str(services._("Scheduled although preparation deadlines had passed."))


@time_machine.travel(AFTER_PREPARATION, tick=False)
def test_preparation_done_in_time_needs_no_confirmation(world, session):
    services.milestone_mark_done(
        actor=world.organiser_a,
        session=session,
        milestone="prepared_answers",
        done_on=date(2026, 12, 7),
    )
    services.session_transition(actor=world.organiser_a, session=session, to=S.SCHEDULED)
    assert status_of(session) == S.SCHEDULED


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_confirming_when_nothing_had_passed_does_not_record_a_false_reason(world, session):
    services.session_transition(
        actor=world.organiser_a, session=session, to=S.SCHEDULED, confirm=True
    )
    (record,) = status_records(session)
    assert record.reason == ""


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(world, session, reason):
    with pytest.raises(ValidationError) as caught:
        services.session_transition(
            actor=world.organiser_a, session=session, to=S.CANCELLED, reason=reason
        )
    assert caught.value.message_dict == {"reason": [str(services.CANCEL_REASON_REQUIRED)]}
    assert status_of(session) == S.DRAFT


def test_cancelling_records_the_reason(world, session):
    services.session_transition(
        actor=world.organiser_a, session=session, to=S.CANCELLED, reason="Bão số 9"
    )
    (record,) = status_records(session)
    assert record.reason == "Bão số 9"
    assert record.changes == {"status": ["draft", "cancelled"]}


# --- through the page --------------------------------------------------------------------------


def transition(client, session, **data):
    return client.post(reverse("session-transition", args=[session.pk]), data)


@time_machine.travel(AFTER_PREPARATION, tick=False)
def test_page_asks_to_confirm_with_409_then_schedules_with_the_reason(world, session, login):
    client = login(world.organiser_a)
    response = transition(client, session, to="scheduled")
    assert response.status_code == 409
    assert 'id="confirm-transition"' in response.text
    assert "08/12/2026" in response.text
    with translation.override("vi"):
        item = f"{Milestone.PREPARED_ANSWERS.label} (08/12/2026)"
    assert shown(services.SCHEDULE_DEADLINES_PASSED, items=item) in response.text
    assert status_of(session) == S.DRAFT
    assert status_records(session) == []

    response = transition(
        client, session, to="scheduled", confirm="on", reason="Chủ tịch đồng ý lùi"
    )
    assert response.status_code == 302
    assert response.url == reverse("session-detail", args=[session.pk])
    assert status_of(session) == S.SCHEDULED
    (record,) = status_records(session)
    assert record.reason == "Chủ tịch đồng ý lùi"
    assert record.actor == world.organiser_a
    # The page shows the change and its reason in the history.
    page = client.get(response.url).text
    assert "Chủ tịch đồng ý lùi" in page


def test_page_refuses_a_cancel_without_reason(world, session, login):
    client = login(world.organiser_a)
    response = transition(client, session, to="cancelled")
    # The session's page again, the reason asked for beside the cancel button's box.
    assert response.status_code == 200
    assert status_of(session) == S.DRAFT
    box = response.text.split('id="cancel-reason"')[1].split("</form>")[0]
    assert shown(services.CANCEL_REASON_REQUIRED) in box
    assert 'aria-invalid="true"' in response.text.split('id="cancel-reason"')[1].split(">")[0]

    transition(client, session, to="cancelled", reason="Trùng lịch họp HĐND")
    assert status_of(session) == S.CANCELLED
    assert status_records(session)[-1].reason == "Trùng lịch họp HĐND"


def test_page_refuses_a_move_outside_the_table(world, session, login):
    client = login(world.organiser_a)
    response = transition(client, session, to="closed")
    assert status_of(session) == S.DRAFT
    page = client.get(response.url).text
    expected = shown(
        services.TRANSITION_NOT_ALLOWED, **{"from": S.DRAFT.label, "to": S.CLOSED.label}
    )
    assert expected in page
    assert status_records(session) == []


def test_page_refuses_an_unknown_status(world, session, login):
    client = login(world.organiser_a)
    response = transition(client, session, to="exploded")
    assert response.status_code == 302
    assert status_of(session) == S.DRAFT


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_page_offers_only_the_allowed_moves(world, session, login):
    text = login(world.organiser_a).get(reverse("session-detail", args=[session.pk])).text
    assert set(re.findall(r'name="to" value="(\w+)"', text)) == {"scheduled", "cancelled"}


# --- plans -------------------------------------------------------------------------------------


@pytest.fixture
def fake_pdf(monkeypatch):
    """Issuing stores a PDF; these tests are about the workflow, so skip the real render."""
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda html, progress=None: b"%PDF-1.7")


SIGNED = {
    "number": "12/KH-UBND",
    "issued_on": date(2026, 11, 2),
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Nguyễn Văn Ký",
}


def issued_plan(plan, actor):
    services.plan_update(actor=actor, plan=plan, **SIGNED)
    return services.plan_issue(actor=actor, plan=plan)


def test_issue_needs_number_date_and_signer(world, plan, fake_pdf):
    assert messages_in("en", lambda: services.plan_issue(actor=world.organiser_a, plan=plan)) == [
        "To issue the plan, fill in: number and symbol, date of issue, signer's title, "
        "signer's name."
    ]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert StoredDocument.objects.count() == 0


def test_issue_names_only_what_is_missing(world, plan, fake_pdf):
    services.plan_update(actor=world.organiser_a, plan=plan, number="12/KH-UBND")
    assert messages_in("en", lambda: services.plan_issue(actor=world.organiser_a, plan=plan)) == [
        "To issue the plan, fill in: date of issue, signer's title, signer's name."
    ]


def test_issued_plan_is_read_only_for_plan_update(world, plan, fake_pdf):
    issued_plan(plan, world.organiser_a)
    with pytest.raises(ValidationError) as caught:
        services.plan_update(actor=world.organiser_a, plan=plan, title="Đổi tên")
    assert caught.value.messages == [str(services.PLAN_READ_ONLY)]
    plan.refresh_from_db()
    assert plan.title != "Đổi tên"
    assert [r.action for r in history(plan).order_by("pk")] == ["created", "updated", "issued"]


def test_issuing_twice_is_refused(world, plan, fake_pdf):
    issued_plan(plan, world.organiser_a)
    with pytest.raises(ValidationError) as caught:
        services.plan_issue(actor=world.organiser_a, plan=plan)
    assert caught.value.messages == [str(services.PLAN_READ_ONLY)]


def test_amend_is_only_for_issued_plans(world, plan):
    with pytest.raises(ValidationError) as caught:
        services.plan_amend(actor=world.organiser_a, plan=plan, reason="Sửa", title="X")
    assert caught.value.messages == [str(services.PLAN_NOT_ISSUED)]


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_amend_needs_a_reason(world, plan, fake_pdf, reason):
    issued_plan(plan, world.organiser_a)
    with pytest.raises(ValidationError) as caught:
        services.plan_amend(actor=world.organiser_a, plan=plan, reason=reason, title="Mới")
    assert caught.value.message_dict == {"reason": [str(services.REASON_REQUIRED)]}
    plan.refresh_from_db()
    assert plan.title != "Mới"


def test_amend_records_the_reason_with_the_diff(world, plan, fake_pdf):
    issued_plan(plan, world.organiser_a)
    old_title = plan.title
    services.plan_amend(
        actor=world.organiser_a,
        plan=plan,
        reason="  Đổi thời gian theo Công văn 45/UBND  ",
        title="Kế hoạch (sửa đổi)",
        tasks=[TaskLine(duty="Chuẩn bị hội trường", agency=world.agency_a2)],
    )
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch (sửa đổi)"
    assert plan.status == Plan.Status.ISSUED
    record = history(plan).get(action="amended")
    assert record.reason == "Đổi thời gian theo Công văn 45/UBND"
    assert record.actor == world.organiser_a
    assert record.changes == {
        "title": [old_title, "Kế hoạch (sửa đổi)"],
        "tasks": ["", "Địa chính xã A: Chuẩn bị hội trường"],
    }
    # Each amendment adds a stored version with its reason.
    versions = StoredDocument.objects.order_by("version")
    assert [(v.version, v.reason) for v in versions] == [
        (1, ""),
        (2, "Đổi thời gian theo Công văn 45/UBND"),
    ]


def test_issued_plan_edit_page_sends_to_the_amendment(world, plan, fake_pdf, login):
    issued_plan(plan, world.organiser_a)
    client = login(world.organiser_a)
    response = client.get(reverse("plan-edit", args=[plan.pk]))
    assert response.status_code == 302
    assert response.url == reverse("plan-amend", args=[plan.pk])


def amend_data(plan, **changes) -> dict:
    return {
        "issuing_body": plan.issuing_body,
        "place": plan.place,
        "title": plan.title,
        "year": plan.year,
        "profile": plan.profile_id,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat(),
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
        "tasks-TOTAL_FORMS": 0,
        "tasks-INITIAL_FORMS": 0,
        **changes,
    }


def test_amend_page_without_reason_keeps_the_typed_changes(world, plan, fake_pdf, login):
    plan = issued_plan(plan, world.organiser_a)
    client = login(world.organiser_a)
    url = reverse("plan-amend", args=[plan.pk])
    response = client.post(url, amend_data(plan, title="Tên mới đã gõ"))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert 'value="Tên mới đã gõ"' in response.text
    assert Plan.objects.get(pk=plan.pk).title != "Tên mới đã gõ"

    response = client.post(url, amend_data(plan, title="Tên mới", reason="Theo góp ý của MTTQ"))
    assert response.status_code == 302
    record = history(plan).get(action="amended")
    assert record.reason == "Theo góp ý của MTTQ"
    assert record.changes["title"][1] == "Tên mới"
    assert "Theo góp ý của MTTQ" in client.get(response.url).text


def test_issue_page_reports_what_is_missing(world, plan, login, fake_pdf):
    client = login(world.organiser_a)
    response = client.post(reverse("plan-issue", args=[plan.pk]), follow=True)
    assert response.status_code == 200
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert shown(services.PLAN_ISSUE_MISSING, fields="X").split("X")[0] in response.text
