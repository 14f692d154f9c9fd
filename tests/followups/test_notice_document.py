"""The conclusion notice (TB) as a PDF: the ND 30/2020 layout, read back as text."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from dialogue import storage
from followups import services
from followups.documents import notice_context, notice_pdf, rewrite_assignments
from followups.models import Assignment
from followups.unresolved import petitions_to_assign
from tests.factories import issue_notice, make_held_session
from tests.pdf import font_names, pdf_text

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = '<img src="file:///etc/passwd"><link rel=stylesheet href="file:///etc/passwd">'


@pytest.fixture
def held(world):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        session, _ = make_held_session(world.commune_a)
        yield session


def test_draft_notice_is_marked_and_has_the_header_and_the_body(world, held):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = services.notice_draft(actor=world.organiser_a, session=held)
        text = pdf_text(notice_pdf(notice))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "DỰ THẢO" in text
    assert "THÔNG BÁO" in text
    assert "Xã A, ngày 21 tháng 12 năm 2026" in text
    assert "Kiến nghị số 1 về đường giao thông thôn Đông." in text
    assert "Nơi nhận:" in text and "Lưu: VT." in text


def test_issued_notice_is_stored_with_its_number_signer_and_no_draft_mark(world, held):
    with time_machine.travel(datetime(2026, 12, 22, 9, tzinfo=VN), tick=False):
        notice = issue_notice(
            held,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 22),
            number="45/TB-UBND",
        )
    stored = storage.latest(notice, "notice")
    text = pdf_text(stored.content)
    assert "Số: 45/TB-UBND" in text
    assert "Xã A, ngày 22 tháng 12 năm 2026" in text
    assert "DỰ THẢO" not in text
    assert "CHỦ TỊCH" in text and "Trần Văn Chủ" in text
    assert stored.filename == "thong-bao-ket-luan-45-TB-UBND.pdf"
    names = font_names(stored.content)
    assert names and all("LiberationSerif" in n.replace("-", "") for n in names), names


def test_notice_text_is_escaped_and_nothing_is_fetched(world, held, fetched):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = services.notice_draft(actor=world.organiser_a, session=held)
        notice = services.notice_update(
            actor=world.organiser_a, notice=notice, body=f"Kết luận {HOSTILE}", title=HOSTILE
        )
        pdf = notice_pdf(notice)
    text = pdf_text(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert b"root:x:0:0" not in pdf
    assert not [url for url in fetched if "passwd" in url or url.startswith("file:")]


def test_the_draft_sections_are_headings_and_user_paragraphs_are_not(world, held):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = services.notice_draft(actor=world.organiser_a, session=held)
        notice = services.notice_update(
            actor=world.organiser_a,
            notice=notice,
            body=notice.body + "\n\nI. hỏi đáp thêm (không viết hoa)",
        )
    paragraphs = notice_context(notice)["paragraphs"]
    headings = [p["text"] for p in paragraphs if p["heading"]]
    assert headings == [
        "II. CÁC Ý KIẾN, KIẾN NGHỊ ĐÃ ĐƯỢC TRẢ LỜI TẠI HỘI NGHỊ",
        "III. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT",
    ]
    html = render_to_string("documents/notice.html", {**notice_context(notice), "draft": True})
    assert '<p class="heading"><b>III. CÁC Ý KIẾN' in html


# --- what the signed notice says: dates alone, the agencies chosen at issue -----------------


def _draft_with_signer(world, session):
    notice = services.notice_draft(actor=world.organiser_a, session=session)
    return services.notice_update(
        actor=world.organiser_a, notice=notice, signer_name="Trần Văn Chủ", signer_title="CHỦ TỊCH"
    )


def _issue(world, session, notice, agencies):
    allocations = {p.pk: list(agencies) for p in petitions_to_assign(session)}
    return services.notice_issue(
        actor=world.organiser_a,
        notice=notice,
        allocations=allocations,
        number="45/TB-UBND",
        issued_on=date(2026, 12, 21),
    )


def test_the_draft_states_dates_alone_and_marks_the_missing_agency(world, held):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = services.notice_draft(actor=world.organiser_a, session=held)
    assert (
        "1. Kiến nghị số 1 về đường giao thông thôn Đông. Giao (chọn cơ quan) xem xét, giải "
        "quyết, trả lời công dân chậm nhất ngày 05/01/2027." in notice.body
    )
    for trace in ("→", "ngày làm việc sau ngày ban hành", "mặc định", "— Giao"):
        assert trace not in notice.body


def test_issuing_writes_the_chosen_agencies_into_the_text_and_says_what_changed(world, held):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = _draft_with_signer(world, held)
        issued = _issue(world, held, notice, [world.agency_a1, world.agency_a2])
    sentence = (
        "Giao Công an xã A, Địa chính xã A xem xét, giải quyết, trả lời công dân chậm nhất ngày "
        "05/01/2027."
    )
    assert "1. Kiến nghị số 1 về đường giao thông thôn Đông. " + sentence in issued.body
    assert "(chọn cơ quan)" not in issued.body
    assert issued.rewritten_sentences == [
        (
            "Giao (chọn cơ quan) xem xét, giải quyết, trả lời công dân chậm nhất ngày 05/01/2027.",
            sentence,
        )
    ]
    text = pdf_text(storage.latest(issued, "notice").content)
    assert sentence in text
    assert "(chọn cơ quan)" not in text


def test_an_old_draft_with_the_calculation_is_cleaned_at_issue(world, held):
    old_item = (
        "1. Kiến nghị số 1 về đường giao thông thôn Đông. — Giao (chọn cơ quan) xem xét, giải "
        "quyết, trả lời công dân chậm nhất ngày 30/12/2026 (10 ngày làm việc sau ngày ban hành "
        "thông báo kết luận 16/12/2026 → 30/12/2026)."
    )
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = _draft_with_signer(world, held)
        body = "III. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT\n\n" + old_item
        notice = services.notice_update(actor=world.organiser_a, notice=notice, body=body)
        issued = _issue(world, held, notice, [world.agency_a1])
    assert issued.body.endswith(
        "thôn Đông. Giao Công an xã A xem xét, giải quyết, trả lời công dân chậm nhất ngày "
        "05/01/2027."
    )
    assert "→" not in issued.body and "—" not in issued.body


@pytest.mark.parametrize(
    "extra, field_error",
    [
        ("Giao (chọn cơ quan) theo dõi chung.", services.NOTICE_PLACEHOLDER_LEFT),
        ("Hạn: 10 ngày làm việc → 05/01/2027.", services.NOTICE_CALCULATION_LEFT),
    ],
)
def test_issuing_is_refused_while_a_placeholder_or_a_calculation_remains(
    world, held, extra, field_error
):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = _draft_with_signer(world, held)
        notice = services.notice_update(
            actor=world.organiser_a, notice=notice, body=notice.body + "\n\n" + extra
        )
        with pytest.raises(ValidationError) as error:
            _issue(world, held, notice, [world.agency_a1])
    [message] = error.value.message_dict["body"]
    assert message.startswith(str(field_error).split("%")[0])
    notice.refresh_from_db()
    assert not notice.is_issued
    assert not Assignment.objects.exists()


def test_the_refusal_reaches_the_organiser_in_vietnamese(world, held, login):
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=VN), tick=False):
        notice = _draft_with_signer(world, held)
        services.notice_update(
            actor=world.organiser_a, notice=notice, body=notice.body + "\n\n(chọn cơ quan)"
        )
        [petition] = petitions_to_assign(held)
        response = login(world.organiser_a).post(
            f"/sessions/{held.pk}/notice/issue/",
            {
                "issue-number": "45/TB-UBND",
                "issue-issued_on": "2026-12-21",
                f"issue-agencies_{petition.pk}": [str(world.agency_a1.pk)],
                # The minutes are not final: the organiser has confirmed issuing before them.
                "issue-confirm_early": "on",
            },
            HTTP_ACCEPT_LANGUAGE="vi",
        )
    assert response.status_code == 200
    assert "Văn bản vẫn còn “(chọn cơ quan)”" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_petition_about_roads_keeps_its_words_when_its_sentence_is_rewritten():
    body = (
        "III. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT\n\n"
        "1. Giao thông thôn Đông xuống cấp — Giao (chọn cơ quan) xem xét, giải quyết, trả lời "
        "công dân chậm nhất ngày 30/12/2026 (10 ngày làm việc → 30/12/2026).\n\n"
        "2. Giao thông thôn Tây. Giao Công an xã A xem xét, giải quyết, trả lời công dân chậm "
        "nhất ngày 30/12/2026."
    )
    new = "Giao Địa chính xã A xem xét, giải quyết, trả lời công dân chậm nhất ngày 05/01/2027."
    rewritten, changes = rewrite_assignments(body, {1: new, 2: new})
    assert rewritten.endswith(
        "1. Giao thông thôn Đông xuống cấp " + new + "\n\n2. Giao thông thôn Tây. " + new
    )
    assert len(changes) == 2
