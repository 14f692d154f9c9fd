"""Every document kind (KH, GM, BB, TB) in the issuing body's system, read back from the PDF.

A Party committee's documents carry "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-KH/ĐU" and "T/M ĐẢNG ỦY";
a People's Committee's the Quốc hiệu, "Số: 12/KH-UBND" and "TM."; no document prints how a date
was computed, a placeholder, or the watermark's letters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue import document_systems
from dialogue.document_systems import DocumentSystem
from dialogue.documents import official_date
from dialogue.models import DeadlineProfile
from followups import services as followup_services
from followups.documents import notice_pdf
from followups.unresolved import petitions_to_assign
from petitions.models import Petition, Preparation
from sessions import console, services
from sessions import minutes as minutes_service
from sessions.documents import invitation_pdf, minutes_pdf, plan_pdf
from sessions.models import DialogueSession, Minutes, MinutesEntry, Plan
from tests.factories import hold_session, make_petition, make_plan, make_session, make_speaker
from tests.pdf import pages_text, pdf_text, raw_pages_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STATE_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
TRACES = ("→", "(chọn cơ quan)", "mặc định")

PARTY = {
    "parent_body": "ĐẢNG BỘ HUYỆN THỬ NGHIỆM",
    "issuing_body": "ĐẢNG ỦY XÃ A",
    "number": "12-KH/ĐU",
    "invitation_number": "27-GM/ĐU",
    "notice_number": "05-TB/ĐU",
    "signer_body": "ĐẢNG ỦY",
    "signer_title": "BÍ THƯ",
}
STATE = {
    "parent_body": "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    "issuing_body": "ỦY BAN NHÂN DÂN XÃ A",
    "number": "12/KH-UBND",
    "invitation_number": "15/GM-UBND",
    "notice_number": "45/TB-UBND",
    "signer_body": "ỦY BAN NHÂN DÂN",
    "signer_title": "CHỦ TỊCH",
}


@dataclass
class Documents:
    plan: bytes
    invitation: bytes
    minutes_draft: bytes
    minutes_final: bytes
    notice_draft: bytes
    notice_issued: bytes


def build_documents(world, spec: dict) -> Documents:
    """A plan, its session held with minutes, and its notice drafted then issued: every kind."""
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        plan = make_plan(
            world.commune_a,
            actor=world.organiser_a,
            parent_body=spec["parent_body"],
            issuing_body=spec["issuing_body"],
            number=spec["number"],
            issued_on=date(2026, 11, 2),
            recipients="Các đại biểu dự hội nghị;",
            signer_capacity="TM.",
            signer_body=spec["signer_body"],
            signer_title=spec["signer_title"],
            signer_name="Trần Văn Hòa",
        )
        session = make_session(
            plan,
            actor=world.organiser_a,
            secretaries=[world.secretary_a],
            invitation_number=spec["invitation_number"],
            invitation_date=date(2026, 12, 1),
            topics="Đất đai\nGiao thông nông thôn",
            invited_count=120,
            attending_count=97,
        )
        plan = services.plan_issue(actor=world.organiser_a, plan=plan)
        fill_minutes(session, world)
        hold_session(session)
        session.refresh_from_db()
        minutes = Minutes(
            session=session,
            chair_name="Trần Văn Chủ",
            finalised_at=datetime(2026, 12, 15, 12, tzinfo=VN),
        )
        draft_notice = followup_services.notice_draft(actor=world.organiser_a, session=session)
        draft_notice = followup_services.notice_update(
            actor=world.organiser_a,
            notice=draft_notice,
            signer_name="Trần Văn Hòa",
            signer_title=spec["signer_title"],
        )
        documents = {
            "plan": plan_pdf(plan),
            "invitation": invitation_pdf(session),
            "minutes_draft": minutes_pdf(session),
            "minutes_final": minutes_pdf(session, minutes=minutes),
            "notice_draft": notice_pdf(draft_notice),
        }
        issued = followup_services.notice_issue(
            actor=world.organiser_a,
            notice=draft_notice,
            allocations={p.pk: [world.agency_a2] for p in petitions_to_assign(session)},
            number=spec["notice_number"],
            issued_on=date(2026, 12, 21),
        )
        documents["notice_issued"] = notice_pdf(issued)
    return Documents(**documents)


def add_entry(session, kind, text, *, speaker=None, given_by=""):
    seq = session.minutes_entries.count() + 1
    return MinutesEntry.objects.create(
        session=session,
        uuid=uuid.uuid4(),
        seq=seq,
        kind=kind,
        text=text,
        speaker=speaker,
        given_by=given_by,
    )


def fill_minutes(session, world):
    """What the console records: the delegates twice (the second entry repeats the label), a
    report, a citizen's speech and the official's answer, the chair's conclusion."""
    speaker = make_speaker(session, actor=world.secretary_a, full_name="Quàng Văn Pấng")
    add_entry(session, MinutesEntry.Kind.OPENING, "Tuyên bố lý do.")
    add_entry(session, MinutesEntry.Kind.DELEGATES, "Giới thiệu đại biểu: Thường trực Đảng ủy.")
    add_entry(session, MinutesEntry.Kind.DELEGATES, "Lãnh đạo UBND xã.")
    add_entry(
        session,
        MinutesEntry.Kind.REPORT,
        "Kết quả thực hiện nhiệm vụ năm 2026.",
        given_by="Phó Chủ tịch UBND xã",
    )
    add_entry(
        session, MinutesEntry.Kind.SPEECH, "Đề nghị cấp giấy chứng nhận đất.", speaker=speaker
    )
    add_entry(
        session,
        MinutesEntry.Kind.ANSWER,
        "Hồ sơ đủ điều kiện sẽ được cấp trong tháng 01/2027.",
        speaker=speaker,
        given_by="Công chức Địa chính - Xây dựng",
    )
    add_entry(
        session,
        MinutesEntry.Kind.CONCLUSION,
        "Giao Địa chính xã rà soát hồ sơ đất đai, báo cáo trước ngày 15/01/2027.",
        given_by="Trần Văn Chủ",
    )
    later = make_petition(
        session, actor=world.secretary_a, content="Đề nghị lắp đèn đường thôn Bắc."
    )
    # Answered by the agency long after the session: the minutes still say what was decided.
    Petition.objects.filter(pk=later.pk).update(status=Petition.Status.ANSWERED)
    # Left for after the session: one prepared by an agency before it, one with nobody yet.
    prepared = make_petition(
        session, actor=world.secretary_a, content="Đề nghị nạo vét kênh mương thôn Nam."
    )
    Preparation.objects.create(
        petition=prepared,
        agency=world.agency_a1,
        due_on=date(2026, 12, 10),
        due_explanation="(thử nghiệm)",
    )
    make_petition(session, actor=world.secretary_a, content="Đề nghị sửa nhà văn hóa thôn Tây.")


@pytest.fixture
def party(world) -> Documents:
    return build_documents(world, PARTY)


@pytest.fixture
def state(world) -> Documents:
    return build_documents(world, STATE)


def all_pdfs(documents: Documents) -> dict[str, bytes]:
    return vars(documents)


# --- the system ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, system",
    [
        ("ĐẢNG ỦY XÃ AN BÌNH", DocumentSystem.PARTY),
        ("Đảng ủy xã An Bình", DocumentSystem.PARTY),
        ("HUYỆN ỦY ĐIỆN BIÊN", DocumentSystem.PARTY),
        ("ỦY BAN NHÂN DÂN XÃ THANH NƯA", DocumentSystem.STATE),
        ("UBND XÃ HÒA SƠN", DocumentSystem.STATE),
        ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ A", DocumentSystem.FRONT),
    ],
)
def test_the_system_is_read_from_the_issuing_body(name, system):
    assert document_systems.system_for_body(name) == system


@pytest.mark.parametrize(
    "source, kind, system, expected",
    [
        ("12/KH-UBND", "BB", DocumentSystem.STATE, "/BB-UBND"),
        ("15-KH/ĐU", "BB", DocumentSystem.PARTY, "-BB/ĐU"),
        ("08/KH-MTTQ-BTT", "GM", DocumentSystem.FRONT, "/GM-MTTQ-BTT"),
        ("", "BB", DocumentSystem.STATE, ""),
        ("15/KH-ĐU", "BB", DocumentSystem.PARTY, ""),
    ],
)
def test_related_numbers_follow_the_system(source, kind, system, expected):
    assert document_systems.document_number(source, kind, system) == expected


def test_place_names_are_cut_from_the_body():
    assert document_systems.split_place("ỦY BAN NHÂN DÂN TỈNH HÀ NAM") == (
        "ỦY BAN NHÂN DÂN ",
        "TỈNH HÀ NAM",
    )
    assert document_systems.split_place("ĐẢNG ỦY  XÃ AN BÌNH") == ("ĐẢNG ỦY ", "XÃ AN BÌNH")
    assert document_systems.split_place("VĂN PHÒNG") == ("", "VĂN PHÒNG")


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2018, 7, 3), "03/7/2018"),
        (date(2025, 2, 15), "15/02/2025"),
        (date(2026, 12, 1), "01/12/2026"),
    ],
)
def test_official_dates(day, text):
    assert official_date(day) == text


def test_a_party_plan_gets_its_system_and_an_existing_one_can_be_changed(world):
    plan = make_plan(world.commune_a, issuing_body="ĐẢNG ỦY XÃ A")
    assert plan.system == DocumentSystem.PARTY
    plan = services.plan_update(actor=world.organiser_a, plan=plan, system=DocumentSystem.FRONT)
    assert plan.system == DocumentSystem.FRONT
    state_plan = make_plan(world.commune_a)
    assert state_plan.system == DocumentSystem.STATE


@pytest.mark.parametrize(
    "chosen, expected",
    [("", DocumentSystem.PARTY), (DocumentSystem.FRONT, DocumentSystem.FRONT)],
)
def test_the_plan_form_takes_the_system_or_reads_it_from_the_body(world, login, chosen, expected):
    data = {
        "unit": world.commune_a.pk,
        "issuing_body": "ĐẢNG ỦY XÃ A",
        "system": chosen,
        "place": "Xã A",
        "title": "KH-PARTY",
        "year": 2026,
        "profile": DeadlineProfile.objects.get(code="ha-nam-2018").pk,
        "tasks-TOTAL_FORMS": 0,
        "tasks-INITIAL_FORMS": 0,
    }
    response = login(world.organiser_a).post(reverse("plan-create"), data)
    assert response.status_code == 302
    assert Plan.objects.get(title="KH-PARTY").system == expected


# --- headings, numbers, signatures -------------------------------------------------------------


def test_party_documents_have_the_party_heading_number_and_signature(party):
    for name, pdf in all_pdfs(party).items():
        text = pdf_text(pdf)
        assert PARTY_HEADING in text, name
        assert STATE_HEADING not in text and STATE_MOTTO not in text, name
        assert "ĐẢNG BỘ HUYỆN THỬ NGHIỆM" in text and "ĐẢNG ỦY XÃ A" in text, name
        assert "Số:" not in text, name
        assert "Xã A, ngày" in text, name
    assert "Số 12-KH/ĐU" in pdf_text(party.plan)
    assert "Số 27-GM/ĐU" in pdf_text(party.invitation)
    assert "-BB/ĐU" in pdf_text(party.minutes_final)
    assert "Số 05-TB/ĐU" in pdf_text(party.notice_issued)
    for pdf in (party.plan, party.invitation, party.notice_issued):
        last_page = pages_text(pdf)[-1]
        assert "T/M ĐẢNG ỦY" in last_page and "BÍ THƯ" in last_page
        assert "TM." not in last_page


def test_the_party_committee_has_a_star_below_it(party):
    first_page = raw_pages_text(party.plan)[0]
    lines = [line.strip() for line in first_page.splitlines()]
    assert "*" in lines


def test_state_documents_have_the_national_heading_number_and_signature(state):
    for name, pdf in all_pdfs(state).items():
        text = pdf_text(pdf)
        assert STATE_HEADING in text and STATE_MOTTO in text, name
        assert PARTY_HEADING not in text, name
    assert "Số: 12/KH-UBND" in pdf_text(state.plan)
    assert "Số: 15/GM-UBND" in pdf_text(state.invitation)
    assert "/BB-UBND" in pdf_text(state.minutes_final)
    assert "Số: 45/TB-UBND" in pdf_text(state.notice_issued)
    for pdf in (state.plan, state.invitation, state.notice_issued):
        assert "TM. ỦY BAN NHÂN DÂN" in pages_text(pdf)[-1]


def test_a_front_plan_has_the_national_heading_and_the_front_committee(world):
    plan = make_plan(
        world.commune_a,
        issuing_body="ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ A",
        number="08/KH-MTTQ-BTT",
        signer_capacity="TM.",
        signer_body="BAN THƯỜNG TRỰC",
        signer_title="CHỦ TỊCH",
    )
    text = pdf_text(plan_pdf(plan))
    assert STATE_HEADING in text and STATE_MOTTO in text
    assert "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ A" in text
    assert "Số: 08/KH-MTTQ-BTT" in text
    assert "TM. BAN THƯỜNG TRỰC" in text


def test_the_issuing_body_never_breaks_inside_a_place_name(world):
    plan = make_plan(
        world.commune_a,
        parent_body="ỦY BAN NHÂN DÂN HUYỆN ĐIỆN BIÊN ĐÔNG",
        issuing_body="ỦY BAN NHÂN DÂN XÃ THANH NƯA",
    )
    first_page = raw_pages_text(plan_pdf(plan))[0]
    lines = [" ".join(line.split()) for line in first_page.splitlines()]
    assert "XÃ THANH NƯA" in lines
    assert "HUYỆN ĐIỆN BIÊN ĐÔNG" in lines


# --- no software traces, no watermark letters --------------------------------------------------


def test_no_document_prints_a_calculation_or_a_placeholder(party, state):
    for documents in (party, state):
        for name, pdf in all_pdfs(documents).items():
            text = pdf_text(pdf)
            for trace in TRACES:
                # The draft shows the organiser where an agency is still to be chosen.
                if not (name == "notice_draft" and trace == "(chọn cơ quan)"):
                    assert trace not in text, (name, trace)


def test_drafts_carry_one_stamp_per_page_and_no_watermark_letters(party):
    for pdf in (party.minutes_draft, party.notice_draft):
        for page in pages_text(pdf):
            assert page.count("DỰ THẢO") == 1
            assert page.count("THẢO") == 1  # the large watermark is an image, not text
    for pdf in (party.plan, party.minutes_final, party.notice_issued):
        assert "THẢO" not in pdf_text(pdf)


def test_the_issued_notice_states_the_due_date_alone(world, state):
    text = pdf_text(state.notice_issued)
    # Hà Nam 2018: 10 working days after the notice of 21/12/2026 → 05/01/2027 (Tết Dương lịch).
    # Both petitions: the one proposed to Công an xã A and the one with no agency yet in the
    # draft are written again from the agencies chosen at issue.
    sentence = (
        "Giao Địa chính xã A xem xét, giải quyết, trả lời công dân chậm nhất ngày 05/01/2027."
    )
    assert text.count(sentence) == 2
    assert "Đề nghị nạo vét kênh mương thôn Nam." in text
    assert "Công an xã A" not in text
    assert "ngày làm việc sau ngày ban hành" not in text
    assert "— Giao" not in text


# --- the minutes -----------------------------------------------------------------------------


def test_minutes_state_what_happened(party):
    text = pdf_text(party.minutes_final)
    assert text.count("Giới thiệu đại biểu") == 1
    assert "Giới thiệu đại biểu: Thường trực Đảng ủy." in text
    assert "Phó Chủ tịch UBND xã trình bày báo cáo: Kết quả thực hiện nhiệm vụ năm 2026." in text
    assert "Ông (Bà) Quàng Văn Pấng (Thôn Đông) phát biểu: Đề nghị cấp giấy chứng nhận đất." in text
    assert (
        "Công chức Địa chính - Xây dựng trả lời ý kiến của Ông (Bà) Quàng Văn Pấng (Thôn Đông): "
        "Hồ sơ đủ điều kiện" in text
    )
    # Answered by an agency after the session: the minutes say what the session decided.
    assert "Hướng xử lý: Tiếp thu, sẽ trả lời bằng văn bản sau hội nghị." in text
    assert "Cơ quan đã trả lời" not in text and "Answered by the agency" not in text
    conclusion = text.index("IV. KẾT LUẬN CỦA CHỦ TRÌ HỘI NGHỊ")
    assert (
        conclusion
        < text.index("Giao Địa chính xã rà soát hồ sơ đất đai")
        < text.index("Hội nghị kết thúc vào lúc")
    )
    assert "Số đại biểu được mời: 120; có mặt: 97" in text


def test_finalising_minutes_that_end_before_they_start_is_refused(world):
    plan = make_plan(world.commune_a, number="12/KH-UBND")
    session = make_session(plan, secretaries=[world.secretary_a])
    hold_session(session)
    DialogueSession.objects.filter(pk=session.pk).update(
        started_at=datetime(2026, 12, 15, 14, tzinfo=VN),
        ended_at=datetime(2026, 12, 15, 9, tzinfo=VN),
    )
    session.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        minutes_service.minutes_finalize(
            actor=world.secretary_a, session=session, chair_name="Trần Văn Chủ"
        )
    assert error.value.message_dict["ended_at"] == [
        console.END_BEFORE_START % {"start": "14:00 15/12/2026", "end": "09:00 15/12/2026"}
    ]
    assert not Minutes.objects.filter(session=session, finalised_at__isnull=False).exists()


def test_the_refusal_is_in_vietnamese_on_the_minutes_page(world, login):
    plan = make_plan(world.commune_a, number="12/KH-UBND")
    session = make_session(plan, secretaries=[world.secretary_a])
    hold_session(session)
    DialogueSession.objects.filter(pk=session.pk).update(
        started_at=datetime(2026, 12, 15, 14, tzinfo=VN),
        ended_at=datetime(2026, 12, 15, 9, tzinfo=VN),
    )
    client = login(world.secretary_a)
    response = client.post(
        f"/sessions/{session.pk}/minutes/finalize/",
        {"chair_name": "Trần Văn Chủ"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert "trước giờ bắt đầu" in response.content.decode()


# --- the signature block never stands alone ----------------------------------------------------


# With 14–19 (and 46–49) topics the signature block alone would fill the last page.
@pytest.mark.parametrize("topics", [14, 16, 18, 20, 46, 48])
def test_the_signature_block_is_never_alone_on_the_last_page(world, topics):
    plan = make_plan(world.commune_a, signer_body="ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH")
    session = make_session(
        plan,
        topics="\n".join(
            f"Nội dung đối thoại số {n} về đất đai và môi trường" for n in range(topics)
        ),
    )
    pages = pages_text(invitation_pdf(session))
    assert len(pages) >= 2
    assert "CHỦ TỊCH" in pages[-1]
    # The last paragraph of the body is on the signature's page.
    assert "Rất mong Ông (Bà) đến dự đúng thời gian./." in pages[-1]
