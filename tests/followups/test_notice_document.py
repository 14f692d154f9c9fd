"""The conclusion notice (TB) as a PDF: the ND 30/2020 layout, read back as text."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from dialogue import storage
from followups import services
from followups.documents import notice_context, notice_pdf
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
