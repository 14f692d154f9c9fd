"""Who may open and do what on the follow-up pages (DESIGN §8).

Every page and action of followups/urls.py against every persona: an object outside the user's
scope is a 404 (never a 403), a POST by someone who may only read is a 404 too, and a refused
POST changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dialogue.models import ChangeRecord, Role, StoredDocument
from followups import services
from followups.models import Assignment, ConclusionNotice, Extension, Forwarding, Response
from petitions.models import Petition
from tests.factories import (
    UserFactory,
    hold_session,
    make_held_session,
    make_petition,
    make_plan,
    make_session,
    member,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 21)
PDF = b"%PDF-1.4\n%signed\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADDRESS = "Xóm Giếng Alpha"
PHONE = "0912 345 678"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        yield


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """These tests are about access: a real WeasyPrint render costs 0.3 s each (the PDFs are
    checked in test_pages)."""
    fake = b"%PDF-1.4\n% notice\n"
    monkeypatch.setattr("dialogue.documents.html_to_pdf", lambda html, progress=None: fake)
    monkeypatch.setattr("followups.documents.notice_pdf", lambda notice: fake)


def issue(session, *, actor, allocations, number):
    notice = services.notice_draft(actor=actor, session=session)
    services.notice_update(
        actor=actor, notice=notice, signer_name="Trần Văn Chủ", signer_title="CHỦ TỊCH"
    )
    return services.notice_issue(
        actor=actor,
        notice=notice,
        allocations={p.pk: agencies for p, agencies in allocations.items()},
        number=number,
        issued_on=TODAY,
    )


@pytest.fixture
def responder_a2(world):
    return member(
        UserFactory(username="responder_a2"),
        world.commune_a,
        Role.AGENCY_RESPONDER,
        world.agency_a2,
    )


@pytest.fixture
def scene(world, responder_a2):
    """Commune A: an issued notice with assignments to agencies A1 and A2 (one with a pending
    extension, one answered with a signed PDF); a held session whose notice is a draft; a held
    session without a notice. Commune B: an issued notice with one assignment."""
    session_a, (p1, p2, p3, p4) = make_held_session(world.commune_a, petitions=4)
    Petition.objects.filter(pk=p1.pk).update(petitioner_address=ADDRESS, petitioner_phone=PHONE)
    notice_a = issue(
        session_a,
        actor=world.organiser_a,
        allocations={
            p1: [world.agency_a1],
            p2: [world.agency_a2],
            p3: [world.agency_a1],
            p4: [world.agency_a1],
        },
        number="01/TB-UBND",
    )
    a1 = Assignment.objects.get(petition=p1)
    a2 = Assignment.objects.get(petition=p2)
    pending = services.extension_request(
        actor=world.responder_a,
        assignment=Assignment.objects.get(petition=p3),
        new_due_on=date(2027, 1, 29),
        reason="Cần xác minh thực địa.",
        citizen_told_on=TODAY,
    )
    answered = services.response_record(
        actor=world.responder_a,
        assignment=Assignment.objects.get(petition=p4),
        responded_on=TODAY,
        method="in_writing",
        document_number="15/CV-CA",
        text="Đã trả lời công dân.",
        attachment=SimpleUploadedFile("tra-loi.pdf", PDF, "application/pdf"),
    )

    draft_session, _ = make_held_session(world.commune_a, petitions=1)
    services.notice_update(
        actor=world.organiser_a,
        notice=services.notice_draft(actor=world.organiser_a, session=draft_session),
        signer_name="Trần Văn Chủ",
        signer_title="CHỦ TỊCH",
    )
    fresh_session, _ = make_held_session(world.commune_a, petitions=1)

    session_b, (pb,) = make_held_session(world.commune_b)
    issue(session_b, actor=world.organiser_b, allocations={pb: [world.agency_b1]}, number="9/TB")
    return SimpleNamespace(
        session_a=session_a,
        notice_a=notice_a,
        petition_1=p1,
        assignment_a1=a1,
        assignment_a2=a2,
        pending=pending,
        response=answered,
        draft_session=draft_session,
        fresh_session=fresh_session,
        session_b=session_b,
        assignment_b=Assignment.objects.get(petition=pb),
    )


# --- POST payloads that a permitted user's request would accept --------------------------------


def notice_data(scene, world) -> dict:
    notice = ConclusionNotice.objects.get(session=scene.draft_session)
    return {
        "parent_body": notice.parent_body,
        "issuing_body": notice.issuing_body,
        "number": "",
        "place": notice.place,
        "issued_on": "",
        "title": "Thông báo kết luận (sửa)",
        "body": notice.body,
        "recipients": notice.recipients,
        "signer_capacity": "",
        "signer_body": "",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Trần Văn Chủ",
    }


def issue_data(scene, world) -> dict:
    (petition,) = scene.draft_session.petitions.all()
    return {
        "issue-number": "02/TB-UBND",
        "issue-issued_on": TODAY.isoformat(),
        f"issue-agencies_{petition.pk}": [world.agency_a1.pk],
        "issue-confirm_early": "on",  # the minutes are not finalised in the scene
    }


def response_data(scene, world) -> dict:
    return {
        "response-responded_on": TODAY.isoformat(),
        "response-method": "in_person",
        "response-document_number": "",
        "response-text": "Đã gặp và trả lời trực tiếp công dân.",
    }


def extension_data(scene, world) -> dict:
    return {
        "extension-new_due_on": "2027-01-29",
        "extension-reason": "Cần xin ý kiến cấp trên.",
        "extension-citizen_told_on": TODAY.isoformat(),
    }


def forward_data(scene, world) -> dict:
    return {
        "forward-level": "province",
        "forward-to_body": "Sở Tài nguyên và Môi trường",
        "forward-document_number": "12/CV-UBND",
        "forward-forwarded_on": TODAY.isoformat(),
        "forward-note": "",
    }


@dataclass(frozen=True)
class Action:
    url: str
    method: str
    #: "read": staff of the unit and supervisors; "agency": those and the agency's responders;
    #: "write": organisers of the unit; "respond": the agency's responders and the organisers;
    #: "extend": the agency's responders.
    kind: str
    target: str
    data: Callable[[SimpleNamespace, object], dict] = field(default=lambda scene, world: {})
    ok: int = 200

    def path(self, scene) -> str:
        return reverse(self.url, args=[getattr(scene, self.target).pk])

    def __str__(self) -> str:
        return f"{self.method} {self.url} {self.target}"


ACTIONS = [
    Action("session-notice", "GET", "read", "session_a"),
    Action("session-notice", "GET", "read", "draft_session"),
    Action("session-notice", "POST", "write", "draft_session", notice_data, ok=302),
    Action("session-notice-draft", "POST", "write", "fresh_session", ok=302),
    Action("session-notice-issue", "POST", "write", "draft_session", issue_data, ok=302),
    Action("session-notice-pdf", "GET", "read", "session_a"),
    Action("session-notice-pdf", "GET", "read", "draft_session"),
    Action("assignment-detail", "GET", "agency", "assignment_a1"),
    Action("assignment-response", "POST", "respond", "assignment_a1", response_data, ok=302),
    Action("assignment-extension", "POST", "extend", "assignment_a1", extension_data, ok=302),
    Action("assignment-forward", "POST", "respond", "assignment_a1", forward_data, ok=302),
    Action(
        "assignment-add-agency",
        "POST",
        "write",
        "assignment_a1",
        lambda scene, world: {"add-agency": world.agency_a2.pk},
        ok=302,
    ),
    Action(
        "extension-decide",
        "POST",
        "write",
        "pending",
        lambda scene, world: {"decision": "accept", "note": "Đồng ý."},
        ok=302,
    ),
    Action("response-pdf", "GET", "agency", "response"),
]

#: What each persona may do in commune A (responder_a answers for agency A1).
ALLOWED = {
    "organiser_a": {"read", "agency", "write", "respond"},
    "secretary_a": {"read", "agency"},
    "supervisor": {"read", "agency"},
    "administrator": {"read", "agency"},
    "responder_a": {"agency", "respond", "extend"},
    "responder_a2": set(),
    "organiser_b": set(),
    "outsider": set(),
}


def persona_user(world, request, name: str):
    if name == "responder_a2":
        return request.getfixturevalue("responder_a2")
    return getattr(world, name)


def db_state() -> tuple:
    """Everything a page of this app could change."""
    return (
        list(
            ConclusionNotice.objects.order_by("pk").values_list(
                "pk", "status", "number", "title", "updated_at"
            )
        ),
        list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "agency", "status", "due_on", "updated_at"
            )
        ),
        list(Petition.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Extension.objects.order_by("pk").values_list("pk", "status")),
        Response.objects.count(),
        Forwarding.objects.count(),
        StoredDocument.objects.count(),
        ChangeRecord.objects.count(),
    )


def form_errors(response) -> dict:
    """The errors of the forms a re-rendered page shows (to say why a POST was not saved)."""
    context = getattr(response, "context", None) or {}
    return {
        key: value.errors
        for key, value in (context.flatten() if hasattr(context, "flatten") else {}).items()
        if key.endswith("_form") and value is not None and hasattr(value, "errors")
    }


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
def test_permitted(world, scene, login, request, persona, action):
    before = db_state()
    response = send(login(persona_user(world, request, persona)), action, scene, world)
    assert response.status_code == action.ok, form_errors(response)
    if action.method == "POST":
        # Back to a page of the same object (not the login page), and something was saved.
        assert not response.url.startswith(reverse("login"))
        assert db_state() != before


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_refused_is_404_and_changes_nothing(world, scene, login, request, action):
    refused = [persona for persona in sorted(ALLOWED) if action.kind not in ALLOWED[persona]]
    assert {"organiser_b", "responder_a2", "outsider"} <= set(refused)
    before = db_state()
    for persona in refused:
        response = send(login(persona_user(world, request, persona)), action, scene, world)
        assert response.status_code == 404, persona
        assert db_state() == before, persona


def test_anonymous_user_is_sent_to_login(client, world, scene):
    before = db_state()
    for action in ACTIONS:
        response = send(client, action, scene, world)
        assert response.status_code == 302, action
        assert response.url.startswith(reverse("login")), action
    for name in ("assignment-list", "overdue-list"):
        assert client.get(reverse(name)).url.startswith(reverse("login"))
    assert db_state() == before


def test_the_other_side_is_refused_too(world, scene, login, responder_a2):
    """Responder A1 on agency A2's assignment, organiser A on commune B's."""
    before = db_state()
    for user, assignment in (
        (world.responder_a, scene.assignment_a2),
        (world.organiser_a, scene.assignment_b),
    ):
        client = login(user)
        assert client.get(reverse("assignment-detail", args=[assignment.pk])).status_code == 404
        for name, data in (
            ("assignment-response", response_data(scene, world)),
            ("assignment-forward", forward_data(scene, world)),
            ("assignment-extension", extension_data(scene, world)),
            ("assignment-add-agency", {"add-agency": world.agency_a2.pk}),
        ):
            response = client.post(reverse(name, args=[assignment.pk]), data)
            assert response.status_code == 404, (user, name)
    # Responder A2 answers for A2: its own assignment is open to it.
    client = login(responder_a2)
    assert client.get(reverse("assignment-detail", args=[scene.assignment_a2.pk])).status_code == (
        200
    )
    assert db_state() == before


def test_read_only_users_see_no_forms(world, scene, login):
    url = reverse("assignment-detail", args=[scene.assignment_a1.pk])
    for persona in ("secretary_a", "supervisor", "administrator"):
        context = login(getattr(world, persona)).get(url).context
        for name in ("response_form", "extension_form", "forward_form", "add_agency_form"):
            assert context[name] is None, (persona, name)
        assert context["can_decide"] is False
    responder = login(world.responder_a).get(url).context
    assert responder["response_form"] and responder["extension_form"] and responder["forward_form"]
    assert responder["add_agency_form"] is None
    organiser = login(world.organiser_a).get(url).context
    assert organiser["response_form"] and organiser["forward_form"] and organiser["add_agency_form"]
    assert organiser["extension_form"] is None  # the agency asks; the organiser decides

    notice_url = reverse("session-notice", args=[scene.draft_session.pk])
    for persona in ("secretary_a", "supervisor"):
        page = login(getattr(world, persona)).get(notice_url)
        assert page.context["notice_form"] is None and page.context["issue_form"] is None
        assert reverse("session-notice-issue", args=[scene.draft_session.pk]) not in page.text
    page = login(world.organiser_a).get(notice_url)
    assert page.context["notice_form"] is not None and page.context["issue_form"] is not None


def test_personal_data_only_for_those_who_need_it(world, scene, login):
    url = reverse("assignment-detail", args=[scene.assignment_a1.pk])
    expected = {
        "organiser_a": (True, True),
        "secretary_a": (True, True),
        # The agency answers the citizen: name and address, not the phone.
        "responder_a": (True, False),
        "supervisor": (False, False),
        "administrator": (False, False),
    }
    for persona, (address, phone) in expected.items():
        text = login(getattr(world, persona)).get(url).text
        assert "Lê Thị Bé" in text, persona
        assert (ADDRESS in text) == address, persona
        assert (PHONE in text) == phone, persona


# --- lists show only the rows in scope ---------------------------------------------------------

#: Which assignments each persona finds in the list of open assignments.
LIST_SCOPE = {
    "organiser_a": {"assignment_a1", "assignment_a2"},
    "secretary_a": {"assignment_a1", "assignment_a2"},
    "supervisor": {"assignment_a1", "assignment_a2", "assignment_b"},
    "administrator": {"assignment_a1", "assignment_a2", "assignment_b"},
    "responder_a": {"assignment_a1"},
    "responder_a2": {"assignment_a2"},
    "organiser_b": {"assignment_b"},
}


@pytest.mark.parametrize("persona", sorted(LIST_SCOPE))
def test_assignment_list_shows_only_rows_in_scope(world, scene, login, request, persona):
    response = login(persona_user(world, request, persona)).get(reverse("assignment-list"))
    assert response.status_code == 200
    shown_pks = {row.pk for row in response.context["page"].rows}
    for name in ("assignment_a1", "assignment_a2", "assignment_b"):
        assert (getattr(scene, name).pk in shown_pks) == (name in LIST_SCOPE[persona]), name


def test_assignment_list_is_not_for_outsiders(world, scene, login):
    assert login(world.outsider).get(reverse("assignment-list")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser_a", 200),
        ("organiser_b", 200),
        ("supervisor", 200),
        ("administrator", 200),
        ("secretary_a", 404),
        ("responder_a", 404),
        ("outsider", 404),
    ],
)
def test_overdue_list_is_for_organisers_and_supervisors(world, scene, login, persona, status):
    assert login(getattr(world, persona)).get(reverse("overdue-list")).status_code == status


@pytest.mark.parametrize(
    ("persona", "assignments", "overdue"),
    [
        ("organiser_a", True, True),
        ("secretary_a", True, False),
        ("supervisor", True, True),
        ("responder_a", True, False),
        ("outsider", False, False),
    ],
)
def test_navigation_offers_what_the_user_may_open(world, login, persona, assignments, overdue):
    response = login(getattr(world, persona)).get(reverse("home"))
    urls = {item["url"] for item in response.context["nav_items"]}
    assert (reverse("assignment-list") in urls) == assignments
    assert (reverse("overdue-list") in urls) == overdue


def test_notice_page_before_the_session_is_held_offers_no_draft(world, login):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a)
    make_petition(session, actor=world.organiser_a)
    client = login(world.organiser_a)
    page = client.get(reverse("session-notice", args=[session.pk]))
    assert page.status_code == 200
    assert page.context["can_draft"] is False
    response = client.post(reverse("session-notice-draft", args=[session.pk]))
    assert response.status_code == 302
    assert not ConclusionNotice.objects.exists()
    hold_session(session)
    assert client.get(reverse("session-notice", args=[session.pk])).context["can_draft"] is True
