"""The follow-up pages end to end: the conclusion notice from draft to issue, an agency's
response with its signed PDF, extensions, forwarding and the overdue list, through the views and
with frozen time."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dialogue import storage
from dialogue.forms import UNIT_PICKER_LIMIT
from dialogue.models import CHANGE_VALUE_LABELS, Agency, Role
from dialogue.workcalendar import get_calendar
from followups import services
from followups.deadlines import working_days_overdue
from followups.forms import CONFIRM_EARLY_REQUIRED, MINUTES_NOT_FINAL
from followups.models import Assignment, ConclusionNotice, Extension
from petitions import services as petition_services
from petitions.models import Field, Petition
from sessions.models import Minutes
from tests.factories import (
    AgencyFactory,
    UnitFactory,
    UserFactory,
    issue_notice,
    make_held_session,
    member,
)
from tests.helpers import english, field_block, field_errors, shown, widget_is_invalid
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n%signed\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


def url(name: str, obj) -> str:
    return reverse(name, args=[obj.pk])


def petition_row(html: str, petition: Petition) -> str:
    """The issue form's row of one petition: its text, its agency list and its errors."""
    rows = [
        r for r in html.split("petition-row")[1:] if f'name="issue-agencies_{petition.pk}"' in r
    ]
    assert len(rows) == 1
    return rows[0]


def selected_values(html: str) -> set[str]:
    return set(re.findall(r'<option value="(\d+)" selected>', html))


def notice_form_data(notice: ConclusionNotice, **changes) -> dict:
    data = {name: getattr(notice, name) or "" for name in services.NOTICE_FIELDS}
    data["issued_on"] = ""
    return {**data, **changes}


# --- the conclusion notice, from draft to issue ------------------------------------------------


def test_notice_from_draft_to_issue_with_errors_beside_the_fields(world, login):
    with at(date(2026, 12, 16)):
        session, (first, second) = make_held_session(world.commune_a, petitions=2)
        # Agency A1 prepared the first answer before the session: it is proposed to give it.
        petition_services.preparation_assign(
            actor=world.organiser_a, petition=first, agency=world.agency_a1
        )
        client = login(world.organiser_a)
        page = client.get(url("session-notice", session))
        assert page.status_code == 200
        assert reverse("session-notice-draft", args=[session.pk]) in page.text
        # The deadline for the notice, from the session's timeline (Hà Nam: 5 working days).
        assert "22/12/2026" in page.text

        response = client.post(url("session-notice-draft", session))
        assert response.status_code == 302
        notice = ConclusionNotice.objects.get(session=session)
        assert notice.status == ConclusionNotice.Status.DRAFT

        page = client.get(url("session-notice", session))
        assert "Kiến nghị số 1 về đường giao thông" in field_block(page.text, "body")
        assert selected_values(petition_row(page.text, first)) == {str(world.agency_a1.pk)}
        assert selected_values(petition_row(page.text, second)) == set()
        assert url("session-notice-pdf", session) in page.text

        response = client.post(
            url("session-notice", session),
            notice_form_data(
                notice,
                title="Kết luận của Chủ tịch UBND xã tại Hội nghị đối thoại",
                signer_title="CHỦ TỊCH",
                signer_name="Trần Văn Chủ",
            ),
        )
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.title == "Kết luận của Chủ tịch UBND xã tại Hội nghị đối thoại"
        assert notice.signer_name == "Trần Văn Chủ"

        # The second petition has no agency: refused beside it, the typed data kept.
        issue = {
            "issue-number": "12/TB-UBND",
            "issue-issued_on": "2026-12-16",
            f"issue-agencies_{first.pk}": [world.agency_a1.pk, world.province_agency.pk],
            "issue-confirm_early": "on",  # the minutes are not finalised here
        }
        page = client.post(url("session-notice-issue", session), issue)
        assert page.status_code == 200
        missing = shown(
            services.NOTICE_AGENCY_MISSING, number=second.pk, content=second.content[:80]
        )
        assert missing in petition_row(page.text, second)
        assert missing not in petition_row(page.text, first)
        assert selected_values(petition_row(page.text, first)) == {
            str(world.agency_a1.pk),
            str(world.province_agency.pk),
        }
        assert 'value="12/TB-UBND"' in field_block(page.text, "issue-number")
        notice.refresh_from_db()
        assert not notice.is_issued and not Assignment.objects.exists()

        # A date before the session ended is refused beside the date.
        page = client.post(
            url("session-notice-issue", session),
            {
                **issue,
                "issue-issued_on": "2026-12-14",
                f"issue-agencies_{second.pk}": [world.agency_a2.pk],
            },
        )
        assert field_errors(page.text, "issue-issued_on") == [
            shown(services.NOTICE_DATE_BEFORE_SESSION, date="15/12/2026")
        ]
        assert widget_is_invalid(page.text, "issue-issued_on")

        response = client.post(
            url("session-notice-issue", session),
            {**issue, f"issue-agencies_{second.pk}": [world.agency_a2.pk]},
        )
        assert response.status_code == 302

    notice.refresh_from_db()
    assert notice.is_issued and notice.number == "12/TB-UBND"
    assert set(Assignment.objects.values_list("petition_id", "agency_id")) == {
        (first.pk, world.agency_a1.pk),
        (first.pk, world.province_agency.pk),
        (second.pk, world.agency_a2.pk),
    }
    session.refresh_from_db()
    assert session.status == "concluded"

    with at(date(2026, 12, 16)):
        page = client.get(url("session-notice", session))
    stored = storage.latest(notice, services.NOTICE_DOCUMENT)
    assert stored.sha256 in page.text
    assert page.context["notice_form"] is None and page.context["issue_form"] is None
    for assignment in Assignment.objects.all():
        assert url("assignment-detail", assignment) in page.text
    # The notice's milestone is done on the session's timeline.
    assert "16/12/2026" in page.text


def test_issuing_before_the_minutes_are_final_needs_a_confirmation_and_is_recorded(world, login):
    with at(date(2026, 12, 16)):
        session, (petition,) = make_held_session(world.commune_a)
        client = login(world.organiser_a)
        client.post(url("session-notice-draft", session))
        notice = ConclusionNotice.objects.get(session=session)
        services.notice_update(
            actor=world.organiser_a, notice=notice, signer_name="Trần Văn Chủ", signer_title="CT"
        )
        page = client.get(url("session-notice", session))
        assert shown(MINUTES_NOT_FINAL) in page.text
        issue = {
            "issue-number": "12/TB-UBND",
            "issue-issued_on": "2026-12-16",
            f"issue-agencies_{petition.pk}": [world.agency_a1.pk],
        }
        page = client.post(url("session-notice-issue", session), issue)
        assert page.status_code == 200
        assert field_errors(page.text, "issue-confirm_early") == [shown(CONFIRM_EARLY_REQUIRED)]
        assert shown(CONFIRM_EARLY_REQUIRED).startswith("Biên bản")
        assert 'value="12/TB-UBND"' in field_block(page.text, "issue-number")
        notice.refresh_from_db()
        assert not notice.is_issued and not Assignment.objects.exists()

        response = client.post(
            url("session-notice-issue", session), {**issue, "issue-confirm_early": "on"}
        )
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.is_issued
        page = client.get(url("session-notice", session))
    assert shown(CHANGE_VALUE_LABELS["not_final"]) in page.text


def test_with_final_minutes_the_notice_is_issued_without_the_confirmation(world, login):
    with at(date(2026, 12, 16)):
        session, (petition,) = make_held_session(world.commune_a)
        Minutes.objects.create(session=session, finalised_at=timezone.now(), chair_name="A")
        client = login(world.organiser_a)
        client.post(url("session-notice-draft", session))
        services.notice_update(
            actor=world.organiser_a,
            notice=ConclusionNotice.objects.get(session=session),
            signer_name="Trần Văn Chủ",
            signer_title="CT",
        )
        page = client.get(url("session-notice", session))
        assert 'name="issue-confirm_early"' not in page.text
        response = client.post(
            url("session-notice-issue", session),
            {
                "issue-number": "12/TB-UBND",
                "issue-issued_on": "2026-12-16",
                f"issue-agencies_{petition.pk}": [world.agency_a1.pk],
            },
        )
        assert response.status_code == 302
        page = client.get(url("session-notice", session))
    assert shown(CHANGE_VALUE_LABELS["not_final"]) not in page.text


def test_issued_notice_cannot_be_edited_through_the_page(world, login):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        client = login(world.organiser_a)
        response = client.post(
            url("session-notice", session),
            notice_form_data(notice, title="Sửa sau khi ban hành"),
            follow=True,
        )
        assert shown(services.NOTICE_ISSUED_READ_ONLY) in response.text
        response = client.post(
            url("session-notice-issue", session),
            {"issue-number": "99/TB-UBND", "issue-issued_on": "2026-12-21"},
            follow=True,
        )
    assert shown(services.NOTICE_ISSUED_READ_ONLY) in response.text
    notice.refresh_from_db()
    assert notice.title != "Sửa sau khi ban hành" and notice.number == "01/TB-UBND"


def test_notice_pdf_is_a_draft_until_issued_then_the_stored_bytes(world, login):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        client = login(world.organiser_a)
        client.post(url("session-notice-draft", session))
        draft = client.get(url("session-notice-pdf", session))
        assert draft.status_code == 200
        assert draft["Content-Type"] == "application/pdf"
        assert "DỰ THẢO" in pdf_text(draft.content)

        notice = issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        issued = login(world.supervisor).get(url("session-notice-pdf", session))
    assert issued["Content-Type"] == "application/pdf"
    assert issued.content == bytes(storage.latest(notice, services.NOTICE_DOCUMENT).content)
    assert "DỰ THẢO" not in pdf_text(issued.content)


def test_notice_pdf_without_a_notice_is_404(world, login):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        assert login(world.organiser_a).get(url("session-notice-pdf", session)).status_code == 404


def test_session_page_links_to_the_notice_once_held(world, login):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        client = login(world.secretary_a)
        assert url("session-notice", session) in client.get(url("session-detail", session)).text
        type(session).objects.filter(pk=session.pk).update(status="scheduled")
        assert url("session-notice", session) not in client.get(url("session-detail", session)).text


# --- the agency answers ------------------------------------------------------------------------


@pytest.fixture
def assigned(world):
    """A petition of commune A assigned to agency A1 by a notice of 21/12/2026 (due 05/01/2027)."""
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    return Assignment.objects.get(petition=petition)


def response_data(**changes) -> dict:
    return {
        "response-responded_on": "2026-12-28",
        "response-method": "in_writing",
        "response-document_number": "15/CV-CA",
        "response-text": "Đã kiểm tra hiện trường và trả lời công dân bằng văn bản.",
        **changes,
    }


def test_responder_finds_the_assignment_and_answers_with_a_signed_pdf(world, login, assigned):
    with at(date(2026, 12, 28)):
        client = login(world.responder_a)
        listing = client.get(reverse("assignment-list"))
        assert [a.pk for a in listing.context["page"].rows] == [assigned.pk]
        page = client.get(url("assignment-detail", assigned))
        assert 'enctype="multipart/form-data"' in page.text
        assert assigned.due_explanation in page.text

        not_pdf = SimpleUploadedFile("tra-loi.pdf", b"GIF89a not a pdf", "application/pdf")
        page = client.post(
            url("assignment-response", assigned), response_data(**{"response-attachment": not_pdf})
        )
        assert page.status_code == 200
        assert field_errors(page.text, "response-attachment") == [
            shown(services.ATTACHMENT_NOT_PDF)
        ]
        assert "Đã kiểm tra hiện trường" in field_block(page.text, "response-text")
        assert 'value="15/CV-CA"' in field_block(page.text, "response-document_number")

        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        word_file = SimpleUploadedFile("tra-loi.docx", PDF, "application/msword")
        page = client.post(
            url("assignment-response", assigned),
            response_data(**{"response-attachment": word_file}),
        )
        assert field_errors(page.text, "response-attachment") == [
            english(services.ATTACHMENT_NOT_PDF)
        ]
        assert english(services.ATTACHMENT_NOT_PDF) == "The signed document must be a PDF file."
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        assigned.refresh_from_db()
        assert assigned.is_open

        signed = SimpleUploadedFile("tra-loi.pdf", PDF, "application/pdf")
        response = client.post(
            url("assignment-response", assigned), response_data(**{"response-attachment": signed})
        )
        assert response.status_code == 302
        assert response.url == url("assignment-detail", assigned)

        assigned.refresh_from_db()
        assert assigned.status == Assignment.Status.ANSWERED
        assert assigned.closed_on == date(2026, 12, 28)
        petition = Petition.objects.get(pk=assigned.petition_id)
        assert petition.status == Petition.Status.ANSWERED and petition.is_resolved

        page = client.get(url("assignment-detail", assigned))
        (answer,) = page.context["responses"]
        assert url("response-pdf", answer) in page.text
        assert page.context["response_form"] is None  # closed: nothing more to record
        pdf = login(world.supervisor).get(url("response-pdf", answer))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == PDF


def test_written_response_needs_its_number(world, login, assigned):
    with at(date(2026, 12, 28)):
        page = login(world.organiser_a).post(
            url("assignment-response", assigned), response_data(**{"response-document_number": ""})
        )
    assert field_errors(page.text, "response-document_number") == [
        shown(services.DOCUMENT_NUMBER_REQUIRED)
    ]
    assert Assignment.objects.get(pk=assigned.pk).is_open


def test_extension_asked_by_the_agency_and_accepted_by_the_organiser(world, login, assigned):
    ask = {
        "extension-new_due_on": "2027-01-29",
        "extension-reason": "Cần đo đạc lại thửa đất.",
        "extension-citizen_told_on": "2026-12-28",
    }
    with at(date(2026, 12, 28)):
        client = login(world.responder_a)
        page = client.post(
            url("assignment-extension", assigned), {**ask, "extension-citizen_told_on": ""}
        )
        assert field_errors(page.text, "extension-citizen_told_on") == [
            shown(services.EXTENSION_CITIZEN_NOT_TOLD)
        ]
        assert "Cần đo đạc lại thửa đất." in field_block(page.text, "extension-reason")
        # Saturday 30/01/2027 is a day off.
        page = client.post(
            url("assignment-extension", assigned), {**ask, "extension-new_due_on": "2027-01-30"}
        )
        assert field_errors(page.text, "extension-new_due_on") == [
            shown(services.EXTENSION_NOT_WORKING_DAY, day="30/01/2027")
        ]
        assert not Extension.objects.exists()

        assert client.post(url("assignment-extension", assigned), ask).status_code == 302
        extension = Extension.objects.get()
        assert extension.status == Extension.Status.REQUESTED
        # A pending request: no second one offered.
        assert client.get(url("assignment-detail", assigned)).context["extension_form"] is None

        organiser = login(world.organiser_a)
        # The organiser finds the requests waiting for a decision from the list.
        listed = organiser.get(
            reverse("assignment-list"), {"status": "open", "pending_extension": "on"}
        )
        assert [a.pk for a in listed.context["page"].rows] == [assigned.pk]
        assert "pending-extension" in listed.text
        page = organiser.get(url("assignment-detail", assigned))
        assert url("extension-decide", extension) in page.text
        response = organiser.post(
            url("extension-decide", extension), {"decision": "accept", "note": "Đồng ý."}
        )
        assert response.status_code == 302
        assert response.url == url("assignment-detail", assigned)

        listed = organiser.get(
            reverse("assignment-list"), {"status": "open", "pending_extension": "on"}
        )
        assert list(listed.context["page"].rows) == []

    assigned.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == Extension.Status.ACCEPTED
    assert assigned.due_on == date(2027, 1, 29) and assigned.extended
    with at(date(2026, 12, 28)):
        page = organiser.get(url("assignment-detail", assigned))
    assert "29/01/2027" in page.text
    assert "Gia hạn đến ngày 29/01/2027" in page.text


def test_refused_extension_keeps_the_due_date(world, login, assigned):
    with at(date(2026, 12, 28)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=assigned,
            new_due_on=date(2027, 1, 29),
            reason="Cần thêm thời gian.",
            citizen_told_on=date(2026, 12, 28),
        )
        client = login(world.organiser_a)
        client.post(url("extension-decide", extension), {"decision": "refuse", "note": "Không."})
        # Deciding twice is refused with the service's message.
        response = client.post(
            url("extension-decide", extension), {"decision": "accept"}, follow=True
        )
    assert shown(services.EXTENSION_DECIDED) in response.text
    extension.refresh_from_db()
    assigned.refresh_from_db()
    assert extension.status == Extension.Status.REFUSED
    assert assigned.due_on == date(2027, 1, 5) and not assigned.extended


def test_refusing_an_extension_needs_a_reason_on_the_field(world, login, assigned):
    """A refusal is told to the agency and through it to the citizen: never without a reason."""
    with at(date(2026, 12, 28)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=assigned,
            new_due_on=date(2027, 1, 29),
            reason="Cần thêm thời gian.",
            citizen_told_on=date(2026, 12, 28),
        )
        client = login(world.organiser_a)
        page = client.post(url("extension-decide", extension), {"decision": "refuse", "note": " "})
    assert page.status_code == 200
    assert shown(services.EXTENSION_REFUSAL_REASON_REQUIRED) in page.text
    assert f'aria-describedby="decision-note-{extension.pk}-error"' in page.text
    extension.refresh_from_db()
    assert extension.status == Extension.Status.REQUESTED
    with pytest.raises(ValidationError) as caught:
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=False)
    assert caught.value.message_dict == {"note": [str(services.EXTENSION_REFUSAL_REASON_REQUIRED)]}


def test_organiser_adds_an_agency_then_the_responder_forwards(world, login, assigned):
    with at(date(2026, 12, 28)):
        organiser = login(world.organiser_a)
        response = organiser.post(
            url("assignment-add-agency", assigned), {"add-agency": world.agency_a2.pk}
        )
        assert response.status_code == 302
        added = Assignment.objects.get(petition=assigned.petition, agency=world.agency_a2)
        # Added on 28/12: Hà Nam's 10 working days count from the day the agency is told.
        assert added.assigned_on == date(2026, 12, 28)
        assert added.due_on == date(2027, 1, 12)
        # The agency that already has it is not offered again.
        page = organiser.get(url("assignment-detail", assigned))
        offered = page.context["add_agency_form"].fields["agency"].queryset
        assert world.agency_a1 not in offered and world.agency_a2 not in offered

        responder = login(world.responder_a)
        page = responder.post(
            url("assignment-forward", assigned),
            {
                "forward-level": "province",
                "forward-to_body": "Sở Tài nguyên và Môi trường",
                "forward-document_number": "",
                "forward-forwarded_on": "2026-12-28",
            },
        )
        assert field_errors(page.text, "forward-document_number") == [
            shown(services.FORWARD_DOCUMENT_REQUIRED)
        ]
        response = responder.post(
            url("assignment-forward", assigned),
            {
                "forward-level": "province",
                "forward-to_body": "Sở Tài nguyên và Môi trường",
                "forward-document_number": "12/CV-UBND",
                "forward-forwarded_on": "2026-12-28",
            },
        )
        assert response.status_code == 302
        page = responder.get(url("assignment-detail", assigned))
        # The agency forwards its own part only: the other agency's assignment stays open.
        added.refresh_from_db()
        assert added.is_open
        assert Petition.objects.get(pk=assigned.petition_id).status == Petition.Status.ASSIGNED
        assert "12/CV-UBND" in page.text and "Sở Tài nguyên và Môi trường" in page.text
        assert page.context["forward_form"] is None

        # The organiser forwards the whole petition.
        organiser = login(world.organiser_a)
        response = organiser.post(
            url("assignment-forward", added),
            {
                "forward-level": "province",
                "forward-to_body": "Sở Tài nguyên và Môi trường",
                "forward-document_number": "13/CV-UBND",
                "forward-forwarded_on": "2026-12-28",
            },
        )
        assert response.status_code == 302
    assert set(Assignment.objects.values_list("status", flat=True)) == {"forwarded"}
    assert Petition.objects.get(pk=assigned.petition_id).status == Petition.Status.FORWARDED


def test_assignment_list_filters_by_status_and_keeps_it_across_pages(world, login, assigned):
    with at(date(2026, 12, 28)):
        services.response_record(
            actor=world.responder_a,
            assignment=assigned,
            responded_on=date(2026, 12, 28),
            method="in_person",
            text="Đã trả lời.",
        )
        client = login(world.responder_a)
        assert client.get(reverse("assignment-list")).context["page"].rows == []
        answered = client.get(reverse("assignment-list"), {"status": "answered"})
        assert [a.pk for a in answered.context["page"].rows] == [assigned.pk]
        everything = client.get(reverse("assignment-list"), {"status": ""})
        assert [a.pk for a in everything.context["page"].rows] == [assigned.pk]


def test_assignment_list_pages_with_a_cursor(world, login, monkeypatch):
    monkeypatch.setattr("followups.views.PAGE_SIZE", 2)
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a, petitions=5)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        client = login(world.responder_a)
        seen, cursor = [], None
        while True:
            page = client.get(reverse("assignment-list"), {"after": cursor} if cursor else {})
            seen += [a.pk for a in page.context["page"].rows]
            cursor = page.context["page"].next_cursor
            if cursor is None:
                break
    assert seen == list(Assignment.objects.order_by("due_on", "pk").values_list("pk", flat=True))


# --- the overdue list --------------------------------------------------------------------------


@pytest.fixture
def overdue(world):
    """Commune A: two petitions (land to A1, environment to A2); commune B: one to B1; all
    assigned on 21/12/2026, due 05/01/2027."""
    with at(date(2026, 12, 21)):
        session_a, (land, environment) = make_held_session(world.commune_a, petitions=2)
        Petition.objects.filter(pk=environment.pk).update(
            field=Field.objects.get(code="moi-truong")
        )
        notice = services.notice_draft(actor=world.organiser_a, session=session_a)
        services.notice_update(
            actor=world.organiser_a, notice=notice, signer_name="Trần Văn Chủ", signer_title="CT"
        )
        services.notice_issue(
            actor=world.organiser_a,
            notice=notice,
            allocations={land.pk: [world.agency_a1], environment.pk: [world.agency_a2]},
            number="01/TB-UBND",
            issued_on=date(2026, 12, 21),
        )
        session_b, _ = make_held_session(world.commune_b)
        issue_notice(
            session_b,
            actor=world.organiser_b,
            agencies=[world.agency_b1],
            issued_on=date(2026, 12, 21),
        )
    return {
        "land": Assignment.objects.get(petition=land),
        "environment": Assignment.objects.get(petition=environment),
        "b": Assignment.objects.get(unit=world.commune_b),
    }


def overdue_rows(client, **filters) -> set[int]:
    response = client.get(reverse("overdue-list"), filters)
    assert response.status_code == 200
    return {a.id for a in response.context["page"].rows}


def test_overdue_list_counts_working_days_and_respects_scope_and_filters(world, login, overdue):
    land, environment, b = overdue["land"], overdue["environment"], overdue["b"]
    with at(date(2027, 1, 5)):
        # Due today is not overdue yet.
        assert overdue_rows(login(world.supervisor)) == set()
    with at(date(2027, 1, 12)):
        expected_days = working_days_overdue(land.due_on, date(2027, 1, 12), get_calendar())
        assert expected_days == 5  # 6, 7, 8, 11 and 12 January
        organiser = login(world.organiser_a)
        page = organiser.get(reverse("overdue-list"))
        assert {a.id for a in page.context["page"].rows} == {land.pk, environment.pk}
        assert re.findall(r"days-overdue\">(\d+)<", page.text) == ["5", "5"]
        assert '<td class="text-danger fw-semibold days-overdue">5</td>' in page.text

        assert overdue_rows(organiser, agency=world.agency_a1.pk) == {land.pk}
        field = Field.objects.get(code="moi-truong")
        assert overdue_rows(organiser, field=field.pk) == {environment.pk}
        assert overdue_rows(organiser, min_days=5) == {land.pk, environment.pk}
        assert overdue_rows(organiser, min_days=6) == set()
        # A unit outside the scope is not a way in: refused, and only A's rows are shown.
        page = organiser.get(reverse("overdue-list"), {"unit": world.commune_b.pk})
        assert page.context["filter_form"].errors["unit"]
        assert {a.id for a in page.context["page"].rows} == {land.pk, environment.pk}

        supervisor = login(world.supervisor)
        assert overdue_rows(supervisor) == {land.pk, environment.pk, b.pk}
        assert overdue_rows(supervisor, unit=world.commune_b.pk) == {b.pk}
        assert overdue_rows(supervisor, unit=world.commune_a.pk) == {land.pk, environment.pk}
        assert overdue_rows(login(world.organiser_b)) == {b.pk}

        elsewhere = member(
            UserFactory(username="supervisor_other"), world.other_province, Role.SUPERVISOR
        )
        assert overdue_rows(login(elsewhere)) == set()

        # The responder's list puts the overdue first and says by how much.
        rows = login(world.responder_a).get(reverse("assignment-list")).context["page"].rows
        assert [(a.pk, a.days_overdue) for a in rows] == [(land.pk, 5)]


def test_overdue_list_offers_few_options_and_runs_few_queries(
    world, login, overdue, django_assert_max_num_queries
):
    filters = {
        "unit": world.commune_a.pk,
        "agency": world.agency_a1.pk,
        "field": Field.objects.get(code="dat-dai-gpmb").pk,
        "min_days": 1,
    }
    with at(date(2027, 1, 12)):
        client = login(world.supervisor)
        client.get(reverse("overdue-list"))  # the session and the calendar are warm
        with django_assert_max_num_queries(12):
            page = client.get(reverse("overdue-list"), filters)
        with django_assert_max_num_queries(10):
            client.get(reverse("overdue-list"))
    assert {a.id for a in page.context["page"].rows} == {overdue["land"].pk}
    unit_options = re.findall(r'<option value="(\d+)"', field_block_of(page.text, "unit"))
    # The province and the units right below it, not the whole tree.
    district = world.commune_a.parent
    assert set(unit_options) == {
        str(world.province.pk),
        str(district.pk),
        str(world.commune_b.pk),
        str(world.commune_a.pk),  # the chosen one, deeper, is kept
    }


def test_overdue_total_is_counted_once_per_scope_filters_and_minute(world, login, overdue):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # locmem outlives a test, and another test's day and ids may be these
    with at(date(2027, 1, 12)):
        supervisor = login(world.supervisor)
        assert supervisor.get(reverse("overdue-list")).context["total"] == 3
        # The next page, or the same page again: the rows are read, the total is not recounted.
        with CaptureQueriesContext(connection) as again:
            page = supervisor.get(reverse("overdue-list"))
        assert page.context["total"] == 3
        assert not [q for q in again.captured_queries if "COUNT(" in q["sql"]]
        # Other filters, another scope: their own count.
        only_b = supervisor.get(reverse("overdue-list"), {"unit": world.commune_b.pk})
        assert only_b.context["total"] == 1
        # Each filter is its own question (the key names what selects the rows, not the SQL).
        counts = {
            "agency": ({"agency": world.agency_a1.pk}, 1),
            "field": ({"field": Field.objects.get(code="moi-truong").pk}, 1),
            "min_days=5": ({"min_days": 5}, 3),
            "min_days=6": ({"min_days": 6}, 0),
            "not a filter": ({"min_days": "x"}, 3),
        }
        for what, (filters, total) in counts.items():
            assert supervisor.get(reverse("overdue-list"), filters).context["total"] == total, what
        assert login(world.organiser_a).get(reverse("overdue-list")).context["total"] == 2
        assert login(world.organiser_b).get(reverse("overdue-list")).context["total"] == 1
    with at(date(2027, 1, 13)):
        # Another day is another question (the rows overdue change with it).
        Assignment.objects.filter(pk=overdue["b"].pk).update(due_on=date(2027, 1, 20))
        assert login(world.supervisor).get(reverse("overdue-list")).context["total"] == 2


def test_the_overdue_unit_filter_of_a_large_scope_is_the_searchable_picker(world, login, overdue):
    # A national supervisor's scope has thousands of units and agencies: neither is a select
    # of all of them. A commune deep in the tree is reached by the search box, and once chosen
    # its agencies (and those above it) are offered.
    for n in range(UNIT_PICKER_LIMIT + 5):
        commune = UnitFactory(name=f"Xã số {n}", parent=world.province)
        AgencyFactory(unit=commune, name=f"Công an xã số {n}")
    with at(date(2027, 1, 12)):
        client = login(world.supervisor)
        page = client.get(reverse("overdue-list"))
        chosen = client.get(reverse("overdue-list"), {"unit": world.commune_a.pk})
    assert reverse("unit-search") in page.text
    assert re.findall(r'<option value="(\d*)"', field_block_of(page.text, "unit")) == [""]
    assert len(re.findall(r"<option", page.text)) < 60
    unit_options = re.findall(r'<option value="(\d*)"', field_block_of(chosen.text, "unit"))
    assert unit_options == ["", str(world.commune_a.pk)]
    agency_block = field_block_of(chosen.text, "agency")
    agency_options = set(re.findall(r'<option value="(\d+)"', agency_block))
    assert {str(world.agency_a1.pk), str(world.agency_a2.pk)} <= agency_options
    assert str(world.agency_b1.pk) not in agency_options
    assert {a.id for a in chosen.context["page"].rows} == {
        overdue["land"].pk,
        overdue["environment"].pk,
    }


def field_block_of(html: str, name: str) -> str:
    """The filter form's `<select>` of the field `name`."""
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match is not None
    return match.group(0)


def test_the_upload_limit_is_said_in_the_language_of_the_request(world, login, assigned):
    with at(date(2026, 12, 22)):
        client = login(world.responder_a)
        vietnamese = client.get(url("assignment-detail", assigned))
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english_page = client.get(url("assignment-detail", assigned))
    assert "Không bắt buộc; tối đa 10 MB." in vietnamese.text
    assert "Optional; at most 10 MB." in english_page.text


def test_the_pdf_file_name_is_a_safe_header_whatever_the_number(world, login):
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
            number="45/TB-ĐU",
        )
        response = login(world.organiser_a).get(url("session-notice-pdf", session))
    assert response.status_code == 200
    assert (
        "filename*=utf-8''thong-bao-ket-luan-45-TB-%C4%90U.pdf" in response["Content-Disposition"]
    )


def test_overdue_rows_escape_what_citizens_and_staff_typed(world, login, overdue):
    land = overdue["land"]
    Petition.objects.filter(pk=land.petition_id).update(content="<script>alert(1)</script> & đất")
    Agency.objects.filter(pk=land.agency_id).update(name='Phòng "Tài nguyên" <b>')
    Assignment.objects.filter(pk=land.pk).update(extended=True)
    with at(date(2027, 1, 12)):
        text = login(world.organiser_a).get(reverse("overdue-list")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; đất" in text
    assert "Phòng &quot;Tài nguyên&quot; &lt;b&gt;" in text
    assert "<script>alert" not in text and "<b>" not in text
    assert f'<a href="{reverse("assignment-detail", args=[land.pk])}">' in text
    assert text.count('<span class="badge text-bg-info">đã gia hạn</span>') == 1


def _form_of(html: str) -> str:
    match = re.search(r'<form method="get".*?</form>', html, re.S)
    assert match is not None
    return match.group(0)


def test_the_overdue_filter_form_is_made_once_per_user_filters_and_language(world, login, overdue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(date(2027, 1, 12)):
        organiser = login(world.organiser_a)
        first = organiser.get(reverse("overdue-list"), {"min_days": 2})
        with CaptureQueriesContext(connection) as again:
            second = organiser.get(reverse("overdue-list"), {"min_days": 2})
        # The same form, its options not read again (the fields, the agencies); the rows are.
        assert _form_of(second.text) == _form_of(first.text)
        read = [q["sql"] for q in again.captured_queries]
        assert not [sql for sql in read if 'FROM "petitions_field"' in sql]
        assert not [sql for sql in read if 'FROM "dialogue_agency"' in sql]
        assert {a.id for a in second.context["page"].rows} == {
            overdue["land"].pk,
            overdue["environment"].pk,
        }
        # What was typed is the key's: another value shows itself.
        assert 'value="2"' in field_block_of_input(first.text, "min_days")
        assert 'value="3"' in field_block_of_input(
            organiser.get(reverse("overdue-list"), {"min_days": 3}).text, "min_days"
        )
        # Another user with the same filters gets their own agencies, never A's.
        other = login(world.organiser_b).get(reverse("overdue-list"), {"min_days": 2})
        agencies = set(re.findall(r'<option value="(\d+)"', field_block_of(other.text, "agency")))
        assert str(world.agency_b1.pk) in agencies
        assert not {str(world.agency_a1.pk), str(world.agency_a2.pk)} & agencies
        # Another language is another form.
        organiser = login(world.organiser_a)
        organiser.post(reverse("set_language"), {"language": "en", "next": "/"})
        english_page = organiser.get(reverse("overdue-list"), {"min_days": 2})
        assert "At least N working days overdue" in _form_of(english_page.text)
        assert "At least N working days overdue" not in _form_of(first.text)


def field_block_of_input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match is not None
    return match.group(0)


def test_a_list_whose_view_did_not_name_its_filter_form_refuses_to_cache_it(rf):
    from django import forms
    from django.template import Context, Template

    class Filters(forms.Form):
        q = forms.CharField(required=False)

    template = Template("{% load dialogue_tags %}{% cached_filter_form %}")
    with pytest.raises(AttributeError):
        template.render(Context({"filter_form": Filters()}))
