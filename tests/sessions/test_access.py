"""Who may open and do what on the plan, session, speaker and petition pages (DESIGN §8).

Every page and action of sessions/urls.py and petitions/urls.py against every persona: an object
outside the user's scope is a 404 (never a 403), and a refused POST changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import reverse

from dialogue.models import ChangeRecord, DeadlineProfile, StoredDocument
from petitions import services as petition_services
from petitions.models import Field, Petition, Preparation
from sessions.models import DialogueSession, Plan, SessionMilestone, Speaker
from tests.factories import make_petition, make_plan, make_session, make_speaker

pytestmark = pytest.mark.django_db

PHONE_A = "0912 345 678"
ADDRESS_A = "Xóm Giếng Alpha"


@pytest.fixture
def scene(world):
    """A plan, session, speaker, petition and preparation in commune A, and the same in B."""
    plan_a = make_plan(world.commune_a, actor=world.organiser_a, title="KH-ALPHA đối thoại")
    session_a = make_session(
        plan_a, actor=world.organiser_a, secretaries=[world.secretary_a], title="HN-ALPHA hội nghị"
    )
    speaker_a = make_speaker(session_a, actor=world.secretary_a, full_name="Trần Văn Anpha")
    petition_a = make_petition(
        session_a,
        actor=world.organiser_a,
        content="KN-ALPHA: đường làng xuống cấp.",
        petitioner_address=ADDRESS_A,
        petitioner_phone=PHONE_A,
    )
    preparation_a = petition_services.preparation_assign(
        actor=world.organiser_a, petition=petition_a, agency=world.agency_a1
    )
    plan_b = make_plan(world.commune_b, actor=world.organiser_b, title="KH-BRAVO đối thoại")
    session_b = make_session(plan_b, actor=world.organiser_b, title="HN-BRAVO hội nghị")
    speaker_b = make_speaker(session_b, actor=world.organiser_b, full_name="Lê Thị Bêta")
    petition_b = make_petition(
        session_b, actor=world.organiser_b, content="KN-BRAVO: nước sạch chưa về thôn."
    )
    return SimpleNamespace(
        plan_a=plan_a,
        session_a=session_a,
        speaker_a=speaker_a,
        petition_a=petition_a,
        preparation_a=preparation_a,
        plan_b=plan_b,
        session_b=session_b,
        speaker_b=speaker_b,
        petition_b=petition_b,
    )


# --- POST payloads that a permitted user's request would accept --------------------------------


def plan_data(scene, world) -> dict:
    return {
        "issuing_body": "ỦY BAN NHÂN DÂN XÃ A",
        "place": "Xã A",
        "title": "KH-ALPHA đối thoại (sửa)",
        "year": 2026,
        "profile": DeadlineProfile.objects.get(code="ha-nam-2018").pk,
        "tasks-TOTAL_FORMS": 0,
        "tasks-INITIAL_FORMS": 0,
    }


def session_data(scene, world) -> dict:
    return {
        "kind": "annual_conference",
        "title": "HN-ALPHA hội nghị (sửa)",
        "starts_at": "2026-12-15T08:00",
        "ends_at": "2026-12-15T11:30",
        "venue": "Nhà văn hóa xã A",
        "chair_name": "Trần Văn Chủ",
        "secretaries": [world.secretary_a.pk],
    }


def speaker_data(scene, world) -> dict:
    return {
        "full_name": "Phạm Văn Mới",
        "birth_year": 1980,
        "address": "Thôn Bắc",
        "topic": "Giao thông",
        "channel": "in_advance",
    }


def petition_data(scene, world) -> dict:
    return {
        "source": "mailbox",
        "received_on": "2026-11-20",
        "petitioner_name": "Đỗ Văn Kiến",
        "signatories": 1,
        "content": "KN-ALPHA-2: xin làm rõ quy hoạch.",
        "field": Field.objects.get(code="dat-dai-gpmb").pk,
        "competence": "commune",
        "scope": "in_scope",
        "times_raised": 1,
    }


@dataclass(frozen=True)
class Action:
    url: str
    method: str
    #: "read" (staff of the unit and supervisors), "write" (organisers of the unit),
    #: "speaker" (organisers and secretaries of the unit)
    kind: str
    target: str
    data: Callable[[SimpleNamespace, object], dict] = field(default=lambda scene, world: {})
    ok: int = 200

    def path(self, scene) -> str:
        return reverse(self.url, args=[getattr(scene, self.target).pk])

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


ACTIONS = [
    Action("plan-detail", "GET", "read", "plan_a"),
    Action("plan-edit", "GET", "write", "plan_a"),
    Action("plan-edit", "POST", "write", "plan_a", plan_data, ok=302),
    # A draft is edited, not amended: the permitted user is sent to the edit page.
    Action("plan-amend", "GET", "write", "plan_a", ok=302),
    Action("plan-amend", "POST", "write", "plan_a", plan_data, ok=302),
    Action("plan-issue", "POST", "write", "plan_a", ok=302),
    Action("session-create", "GET", "write", "plan_a"),
    Action("session-create", "POST", "write", "plan_a", session_data, ok=302),
    Action("session-detail", "GET", "read", "session_a"),
    Action("session-edit", "GET", "write", "session_a"),
    Action("session-edit", "POST", "write", "session_a", session_data, ok=302),
    Action(
        "session-transition",
        "POST",
        "write",
        "session_a",
        lambda scene, world: {"to": "cancelled", "reason": "Mưa bão"},
        ok=302,
    ),
    Action(
        "session-milestone",
        "POST",
        "write",
        "session_a",
        lambda scene, world: {"milestone": "prepared_answers", "done_on": "2026-12-01"},
        ok=302,
    ),
    Action("session-speakers", "GET", "speaker", "session_a"),
    Action("session-speakers", "POST", "speaker", "session_a", speaker_data, ok=302),
    Action("speaker-edit", "GET", "speaker", "speaker_a"),
    Action("speaker-edit", "POST", "speaker", "speaker_a", speaker_data, ok=302),
    Action(
        "speaker-move",
        "POST",
        "speaker",
        "speaker_a",
        lambda scene, world: {"position": 1},
        ok=302,
    ),
    Action("petition-create", "GET", "write", "session_a"),
    Action("petition-create", "POST", "write", "session_a", petition_data, ok=302),
    Action("petition-detail", "GET", "read", "petition_a"),
    Action("petition-edit", "GET", "write", "petition_a"),
    Action("petition-edit", "POST", "write", "petition_a", petition_data, ok=302),
    Action(
        "preparation-create",
        "POST",
        "write",
        "petition_a",
        lambda scene, world: {"agency": world.agency_a2.pk},
        ok=302,
    ),
    Action("preparation-answer", "GET", "write", "preparation_a"),
    Action(
        "preparation-answer",
        "POST",
        "write",
        "preparation_a",
        lambda scene, world: {"answer": "Đã có kế hoạch sửa đường.", "answered_on": "2026-12-01"},
        ok=302,
    ),
]

#: What each persona may do in commune A.
ALLOWED = {
    "organiser_a": {"read", "write", "speaker"},
    "secretary_a": {"read", "speaker"},
    "supervisor": {"read"},
    "administrator": {"read"},
    "organiser_b": set(),
    "responder_a": set(),
    "outsider": set(),
}


def db_state() -> tuple:
    """Everything a page of these apps could change."""
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")),
        list(
            DialogueSession.objects.order_by("pk").values_list(
                "pk", "status", "title", "venue", "updated_at"
            )
        ),
        list(Speaker.objects.order_by("pk").values_list("pk", "position", "full_name")),
        list(
            Petition.objects.order_by("pk").values_list(
                "pk", "status", "content", "times_raised", "updated_at"
            )
        ),
        list(Preparation.objects.order_by("pk").values_list("pk", "agency", "answer")),
        SessionMilestone.objects.count(),
        StoredDocument.objects.count(),
        ChangeRecord.objects.count(),
    )


def send(client, action: Action, scene, world):
    path = action.path(scene)
    if action.method == "GET":
        return client.get(path)
    return client.post(path, action.data(scene, world))


PERMITTED = [
    pytest.param(persona, action, id=f"{persona}-{action}")
    for action in ACTIONS
    for persona in sorted(ALLOWED)
    if action.kind in ALLOWED[persona]
]


@pytest.mark.parametrize(("persona", "action"), PERMITTED)
def test_permitted(world, scene, login, persona, action):
    response = send(login(getattr(world, persona)), action, scene, world)
    assert response.status_code == action.ok
    if action.method == "POST":
        # Back to a page of the same object, not to the login page.
        assert not response.url.startswith(reverse("login"))


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_refused_is_404_and_changes_nothing(world, scene, login, action):
    refused = [persona for persona in sorted(ALLOWED) if action.kind not in ALLOWED[persona]]
    assert {"organiser_b", "responder_a", "outsider"} <= set(refused)
    before = db_state()
    for persona in refused:
        response = send(login(getattr(world, persona)), action, scene, world)
        assert response.status_code == 404, persona
        assert db_state() == before, persona


def test_anonymous_user_is_sent_to_login(client, world, scene):
    before = db_state()
    for action in ACTIONS:
        response = send(client, action, scene, world)
        assert response.status_code == 302, action
        assert response.url.startswith(reverse("login")), action
    assert db_state() == before


def test_permitted_writes_really_change_the_rows(world, scene, login):
    """The matrix's 302s are real saves, not silent refusals."""
    client = login(world.organiser_a)
    client.post(reverse("plan-edit", args=[scene.plan_a.pk]), plan_data(scene, world))
    client.post(reverse("session-edit", args=[scene.session_a.pk]), session_data(scene, world))
    client.post(reverse("petition-edit", args=[scene.petition_a.pk]), petition_data(scene, world))
    client.post(
        reverse("preparation-create", args=[scene.petition_a.pk]), {"agency": world.agency_a2.pk}
    )
    secretary = login(world.secretary_a)
    secretary.post(
        reverse("session-speakers", args=[scene.session_a.pk]), speaker_data(scene, world)
    )
    assert Plan.objects.get(pk=scene.plan_a.pk).title == "KH-ALPHA đối thoại (sửa)"
    assert DialogueSession.objects.get(pk=scene.session_a.pk).venue == "Nhà văn hóa xã A"
    assert Petition.objects.get(pk=scene.petition_a.pk).content.startswith("KN-ALPHA-2")
    assert Preparation.objects.filter(petition=scene.petition_a, agency=world.agency_a2).exists()
    assert Speaker.objects.filter(session=scene.session_a, full_name="Phạm Văn Mới").exists()


# --- PDFs (real renders: few of them) ----------------------------------------------------------


def test_pdfs_open_for_readers_of_the_unit(world, scene, login):
    for persona in ("organiser_a", "supervisor"):
        client = login(getattr(world, persona))
        for name, obj in (("plan-pdf", scene.plan_a), ("session-invitation-pdf", scene.session_a)):
            response = client.get(reverse(name, args=[obj.pk]))
            assert response.status_code == 200, (persona, name)
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["organiser_b", "responder_a", "outsider", None])
@pytest.mark.parametrize("name", ["plan-pdf", "session-invitation-pdf"])
def test_pdfs_are_hidden_outside_the_scope(client, world, scene, login, persona, name):
    if persona is not None:
        client = login(getattr(world, persona))
    target = scene.plan_a if name == "plan-pdf" else scene.session_a
    response = client.get(reverse(name, args=[target.pk]))
    if persona is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404


# --- creating a plan ---------------------------------------------------------------------------


def test_only_organisers_open_the_new_plan_page(world, login):
    assert login(world.organiser_a).get(reverse("plan-create")).status_code == 200
    assert login(world.organiser_b).get(reverse("plan-create")).status_code == 200
    for persona in ("secretary_a", "supervisor", "administrator", "responder_a", "outsider"):
        assert login(getattr(world, persona)).get(reverse("plan-create")).status_code == 404


def test_new_plan_is_created_in_the_organisers_unit(world, login):
    data = {**plan_data(None, world), "unit": world.commune_a.pk, "title": "KH-NEW"}
    response = login(world.organiser_a).post(reverse("plan-create"), data)
    plan = Plan.objects.get(title="KH-NEW")
    assert response.status_code == 302
    assert response.url == reverse("plan-detail", args=[plan.pk])
    assert plan.unit == world.commune_a
    assert plan.created_by == world.organiser_a


def test_organiser_b_cannot_create_a_plan_for_commune_a(world, login):
    data = {**plan_data(None, world), "unit": world.commune_a.pk, "title": "KH-INTRUDER"}
    before = db_state()
    response = login(world.organiser_b).post(reverse("plan-create"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert db_state() == before


# --- lists show only the rows in scope ---------------------------------------------------------

LISTS = {
    "plan-list": ("plan_a", "plan_b", "KH-ALPHA", "KH-BRAVO"),
    "session-list": ("session_a", "session_b", "HN-ALPHA", "HN-BRAVO"),
    "speaker-list": ("speaker_a", "speaker_b", "Trần Văn Anpha", "Lê Thị Bêta"),
    "petition-list": ("petition_a", "petition_b", "KN-ALPHA", "KN-BRAVO"),
}

#: Which of A's and B's rows each persona finds in each list.
LIST_SCOPE = {
    "organiser_a": {name: {"a"} for name in LISTS},
    "secretary_a": {name: {"a"} for name in LISTS},
    "organiser_b": {name: {"b"} for name in LISTS},
    "supervisor": {
        "plan-list": {"a", "b"},
        "session-list": {"a", "b"},
        "speaker-list": set(),  # speakers' personal data is for the people who run the session
        "petition-list": {"a", "b"},
    },
    "responder_a": {name: set() for name in LISTS},
    "outsider": {name: set() for name in LISTS},
}


@pytest.mark.parametrize("list_name", sorted(LISTS))
@pytest.mark.parametrize("persona", sorted(LIST_SCOPE))
def test_lists_show_only_rows_in_scope(world, scene, login, persona, list_name):
    response = login(getattr(world, persona)).get(reverse(list_name))
    assert response.status_code == 200
    attr_a, attr_b, marker_a, marker_b = LISTS[list_name]
    shown_pks = {row.id for row in response.context["page"].rows}
    expected = LIST_SCOPE[persona][list_name]
    assert (getattr(scene, attr_a).pk in shown_pks) == ("a" in expected)
    assert (getattr(scene, attr_b).pk in shown_pks) == ("b" in expected)
    assert (marker_a in response.text) == ("a" in expected)
    assert (marker_b in response.text) == ("b" in expected)


def test_petition_list_of_another_units_session_is_404(world, scene, login):
    url = reverse("petition-list")
    assert login(world.organiser_b).get(url, {"session": scene.session_a.pk}).status_code == 404
    response = login(world.organiser_a).get(url, {"session": scene.session_a.pk})
    assert response.status_code == 200
    assert [row.id for row in response.context["page"].rows] == [scene.petition_a.pk]
    assert response.context["can_add"] is True


def test_supervisor_reads_the_whole_subtree_and_nothing_outside(world, scene, login):
    client = login(world.supervisor)
    for name, obj in (
        ("plan-detail", scene.plan_b),
        ("session-detail", scene.session_b),
        ("petition-detail", scene.petition_b),
    ):
        assert client.get(reverse(name, args=[obj.pk])).status_code == 200, name
    foreign_plan = make_plan(world.other_province, title="KH-FOREIGN")
    foreign_session = make_session(foreign_plan, title="HN-FOREIGN")
    foreign_petition = make_petition(foreign_session, content="KN-FOREIGN")
    for name, obj in (
        ("plan-detail", foreign_plan),
        ("session-detail", foreign_session),
        ("petition-detail", foreign_petition),
    ):
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    assert "KH-FOREIGN" not in client.get(reverse("plan-list")).text
    assert "KN-FOREIGN" not in client.get(reverse("petition-list")).text


def test_supervisor_on_a_session_page_gets_no_write_controls(world, scene, login):
    response = login(world.supervisor).get(reverse("session-detail", args=[scene.session_a.pk]))
    assert response.status_code == 200
    assert reverse("session-transition", args=[scene.session_a.pk]) not in response.text
    assert reverse("session-edit", args=[scene.session_a.pk]) not in response.text
    assert reverse("session-speakers", args=[scene.session_a.pk]) not in response.text


# --- personal data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("organiser_a", True), ("secretary_a", True), ("supervisor", False)],
)
def test_petitioners_address_and_phone_only_for_those_who_run_the_session(
    world, scene, login, persona, sees
):
    response = login(getattr(world, persona)).get(
        reverse("petition-detail", args=[scene.petition_a.pk])
    )
    assert response.status_code == 200
    assert "KN-ALPHA" in response.text
    assert (ADDRESS_A in response.text) is sees
    assert (PHONE_A in response.text) is sees


def test_history_does_not_leak_the_phone_to_the_supervisor(world, scene, login):
    petition_services.petition_update(
        actor=world.organiser_a, petition=scene.petition_a, petitioner_phone="0987 654 321"
    )
    response = login(world.supervisor).get(reverse("petition-detail", args=[scene.petition_a.pk]))
    assert response.status_code == 200
    assert "0987 654 321" not in response.text
    assert PHONE_A not in response.text


def test_speaker_register_is_closed_to_the_supervisor_but_open_to_the_secretary(
    world, scene, login
):
    url = reverse("session-speakers", args=[scene.session_a.pk])
    assert login(world.supervisor).get(url).status_code == 404
    response = login(world.secretary_a).get(url)
    assert response.status_code == 200
    assert "Trần Văn Anpha" in response.text
    assert str(scene.speaker_a.birth_year) in response.text
