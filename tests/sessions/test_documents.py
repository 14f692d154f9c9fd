"""Plan and invitation PDFs (sessions.documents): real renders, checked on the extracted text."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sessions import services
from sessions.documents import (
    body_in_sentence,
    invitation_context,
    invitation_pdf,
    plan_context,
    plan_pdf,
    time_line,
)
from sessions.services import TaskLine
from tests.factories import make_plan, make_session
from tests.pdf import font_names, pages_text, pdf_text

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = '<img src="file:///etc/passwd"> <link rel=stylesheet href="file:///etc/passwd">'


def add_tasks(plan, actor, tasks):
    return services.plan_update(actor=actor, plan=plan, tasks=tasks)


def issue(plan, actor):
    services.plan_update(
        actor=actor,
        plan=plan,
        number="12/KH-UBND",
        issued_on=date(2026, 11, 2),
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Ký",
    )
    return services.plan_issue(actor=actor, plan=plan)


@pytest.fixture
def plan(world):
    plan = make_plan(
        world.commune_a,
        actor=world.organiser_a,
        parent_body="ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
        number="",
        legal_bases="Luật Thực hiện dân chủ ở cơ sở ngày 10/11/2022;\n"
        "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ;",
        purpose="- Trực tiếp nắm bắt tâm tư, nguyện vọng của Nhân dân.",
        requirements="- Bảo đảm dân chủ, công khai, tránh hình thức.",
        topics="Đất đai, giải phóng mặt bằng\nXây dựng nông thôn mới",
        recipients="- TT Đảng ủy, HĐND xã;\n- UBMTTQVN xã;",
        signer_capacity="KT.",
        signer_body="CHỦ TỊCH",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Ký",
    )
    add_tasks(
        plan,
        world.organiser_a,
        [
            TaskLine(agency=world.agency_a1, duty="Bảo đảm an ninh trật tự cho hội nghị."),
            TaskLine(agency=world.agency_a2, duty="Chuẩn bị trả lời các kiến nghị về đất đai."),
            TaskLine(assignee="Văn phòng - Thống kê", duty="Phát hành giấy mời."),
        ],
    )
    return plan


@pytest.fixture
def session(plan, world):
    return make_session(
        plan,
        actor=world.organiser_a,
        secretaries=[world.secretary_a],
        # 01:00 UTC: the documents must show 08 giờ 00 phút in Việt Nam.
        starts_at=datetime(2026, 12, 15, 1, 0, tzinfo=ZoneInfo("UTC")),
        venue="Hội trường Ủy ban nhân dân xã A",
        chair_title="Chủ tịch UBND xã",
        participants="Thường trực Đảng ủy, HĐND xã\nNhân dân các thôn",
        invitation_number="15/GM-UBND",
        invitation_date=date(2026, 12, 4),
        invitation_addressee="Ông Lê Văn Mời, thôn Đông",
    )


# --- the plan -------------------------------------------------------------------------------


def test_plan_pdf_has_the_header_and_every_part(plan, session):
    text = pdf_text(plan_pdf(plan))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "ỦY BAN NHÂN DÂN XÃ A" in text
    assert "KẾ HOẠCH" in text
    assert plan.title in text
    assert "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10/11/2022;" in text
    assert "Căn cứ Nghị định số 59/2023/NĐ-CP" in text
    assert "Căn cứ Căn cứ" not in text
    assert "I. MỤC ĐÍCH, YÊU CẦU" in text
    assert "Trực tiếp nắm bắt tâm tư, nguyện vọng của Nhân dân." in text
    assert "II. NỘI DUNG" in text
    assert "- Đất đai, giải phóng mặt bằng" in text
    assert "Thời gian: 08 giờ 00 phút, ngày 15/12/2026" in text
    assert "Địa điểm: Hội trường Ủy ban nhân dân xã A" in text
    assert "Chủ trì: Trần Văn Chủ - Chủ tịch UBND xã" in text
    assert "Nhân dân các thôn" in text
    assert "III. TỔ CHỨC THỰC HIỆN" in text
    assert "1. Công an xã A: Bảo đảm an ninh trật tự cho hội nghị." in text
    assert "2. Địa chính xã A: Chuẩn bị trả lời các kiến nghị về đất đai." in text
    assert "3. Văn phòng - Thống kê: Phát hành giấy mời." in text
    assert "Nơi nhận:" in text
    assert "- TT Đảng ủy, HĐND xã;" in text
    assert text.index("UBMTTQVN xã;") < text.index("Lưu: VT.")
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Nguyễn Văn Ký" in text


def test_draft_plan_is_marked_and_dated_today(plan):
    with time_machine.travel(datetime(2026, 2, 5, 23, 30, tzinfo=HANOI), tick=False):
        text = pdf_text(plan_pdf(plan))
    assert "DỰ THẢO" in text
    # 23:30 in Việt Nam is still 5 February there (16:30 UTC).
    assert "Xã A, ngày 05 tháng 02 năm 2026" in text


def test_issued_plan_has_its_number_and_date_and_no_draft_mark(plan, world):
    issued = issue(plan, world.organiser_a)
    text = pdf_text(plan_pdf(issued))
    assert "DỰ THẢO" not in text
    assert "Số: 12/KH-UBND" in text
    assert "Xã A, ngày 02 tháng 11 năm 2026" in text
    assert "Nguyễn Văn Ký" in text


def test_plan_uses_the_bundled_liberation_serif(plan, session):
    names = font_names(plan_pdf(plan))
    assert names
    assert all("LiberationSerif" in name.replace("-", "") for name in names), names
    assert any("Bold" in name for name in names), names
    assert any("Italic" in name for name in names), names  # date line and legal bases


def test_plan_sessions_in_start_order_and_cancelled_ones_left_out(plan, world):
    later = make_session(
        plan,
        actor=world.organiser_a,
        title="Đối thoại chuyên đề thôn Tây",
        starts_at=datetime(2026, 12, 20, 14, 0, tzinfo=HANOI),
    )
    make_session(
        plan,
        actor=world.organiser_a,
        title="Đối thoại chuyên đề thôn Đông",
        starts_at=datetime(2026, 12, 10, 7, 30, tzinfo=HANOI),
    )
    cancelled = make_session(plan, actor=world.organiser_a, title="Đối thoại bị hủy")
    services.session_transition(
        actor=world.organiser_a, session=cancelled, to="cancelled", reason="Mưa bão"
    )

    assert [part["title"] for part in plan_context(plan)["sessions"]] == [
        "Đối thoại chuyên đề thôn Đông",
        later.title,
    ]
    text = pdf_text(plan_pdf(plan))
    assert "2.1. Đối thoại chuyên đề thôn Đông" in text
    assert "07 giờ 30 phút, ngày 10/12/2026" in text
    assert "2.2. Đối thoại chuyên đề thôn Tây" in text
    assert "14 giờ 00 phút, ngày 20/12/2026" in text
    assert "Đối thoại bị hủy" not in text


def test_plan_without_sessions_says_they_will_be_announced(plan):
    text = pdf_text(plan_pdf(plan))
    assert "Thời gian, địa điểm, thành phần tham dự sẽ có thông báo cụ thể." in text


@pytest.mark.parametrize("issued", [False, True], ids=["draft", "issued"])
def test_long_plan_runs_over_pages_and_ends_with_the_signature(plan, session, world, issued):
    duty = "Chủ trì, phối hợp với các ban, ngành, đoàn thể chuẩn bị nội dung trả lời kiến nghị."
    add_tasks(
        plan,
        world.organiser_a,
        [TaskLine(assignee=f"Ban ngành số {i}", duty=duty) for i in range(1, 31)],
    )
    if issued:
        plan = issue(plan, world.organiser_a)
    pages = pages_text(plan_pdf(plan))
    assert len(pages) > 1
    assert all(("DỰ THẢO" in page) is not issued for page in pages)
    assert "30. Ban ngành số 30" in pages[-1]
    assert "Nơi nhận:" in pages[-1]
    assert "Nguyễn Văn Ký" in pages[-1]
    assert all("Nguyễn Văn Ký" not in page for page in pages[:-1])


def test_plan_text_is_escaped_and_nothing_is_fetched(world, fetched):
    plan = make_plan(
        world.commune_a,
        actor=world.organiser_a,
        title=f"Kế hoạch {HOSTILE}",
        purpose=HOSTILE,
        topics=f"Đất đai {HOSTILE}",
        signer_name="Nguyễn Văn Ký",
    )
    make_session(plan, actor=world.organiser_a, venue=HOSTILE)
    pdf = plan_pdf(plan)
    text = pdf_text(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert "<link rel=stylesheet href=" in text
    assert "root:x:0:0" not in text
    assert b"root:x:0:0" not in pdf
    assert "doithoai-static:css/documents.css" in fetched
    assert not [url for url in fetched if "passwd" in url or url.startswith("file:")]


# --- the invitation -------------------------------------------------------------------------


def test_invitation_pdf(plan, session):
    text = pdf_text(invitation_pdf(session))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY MỜI" in text
    assert "Dự hội nghị đối thoại với Nhân dân" in text
    assert "Số: 15/GM-UBND" in text
    assert "Xã A, ngày 04 tháng 12 năm 2026" in text
    assert "Kính gửi: Ông Lê Văn Mời, thôn Đông" in text
    assert f"Ủy ban nhân dân xã A trân trọng kính mời tham dự {session.title}." in text
    assert "Thời gian: 08 giờ 00 phút, ngày 15/12/2026" in text
    assert "Địa điểm: Hội trường Ủy ban nhân dân xã A" in text
    assert "Chủ trì: Trần Văn Chủ - Chủ tịch UBND xã" in text
    # No topics of its own: the plan's.
    assert "+ Đất đai, giải phóng mặt bằng" in text
    assert "đến dự đúng thời gian./." in text
    assert "Nơi nhận:" in text
    assert "Như trên;" in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Nguyễn Văn Ký" in text


def test_invitation_without_addressee_has_a_line_to_write_on(plan, world):
    session = make_session(plan, actor=world.organiser_a, topics="Cải cách hành chính")
    text = pdf_text(invitation_pdf(session))
    assert "Kính gửi: Ông (Bà): ......" in text
    assert "Rất mong Ông (Bà) đến dự đúng thời gian./." in text
    assert "+ Cải cách hành chính" in text
    assert "Đất đai, giải phóng mặt bằng" not in text


def test_invitation_is_a_draft_until_plan_issued_and_session_scheduled(plan, session, world):
    assert "DỰ THẢO" in pdf_text(invitation_pdf(session))

    issue(plan, world.organiser_a)
    session.refresh_from_db()
    assert "DỰ THẢO" in pdf_text(invitation_pdf(session))

    scheduled = services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    assert "DỰ THẢO" not in pdf_text(invitation_pdf(scheduled))


def test_undated_invitation_is_dated_today(plan, world):
    session = make_session(plan, actor=world.organiser_a)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=HANOI), tick=False):
        context = invitation_context(session)
    assert context["date_line"] == "Xã A, ngày 01 tháng 12 năm 2026"
    assert context["number"] == ""


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ỦY BAN NHÂN DÂN XÃ AN LÃO", "Ủy ban nhân dân xã An Lão"),
        ("ỦY BAN NHÂN DÂN THỊ XÃ KIM BẢNG", "Ủy ban nhân dân thị xã Kim Bảng"),
        ("ỦY BAN NHÂN DÂN TỈNH HÀ NAM", "Ủy ban nhân dân tỉnh Hà Nam"),
        ("ĐẢNG ỦY XÃ HÒA SƠN", "Đảng ủy xã Hòa Sơn"),
        ("Ủy ban nhân dân xã An Lão", "Ủy ban nhân dân xã An Lão"),
        ("SỞ NỘI VỤ", "SỞ NỘI VỤ"),  # unknown body: as typed
    ],
)
def test_body_in_sentence(name, expected):
    assert body_in_sentence(name) == expected


def test_time_line_is_local_and_names_the_end_on_another_day():
    utc = ZoneInfo("UTC")
    start = datetime(2026, 12, 15, 1, 0, tzinfo=utc)
    assert time_line(start, datetime(2026, 12, 15, 5, 0, tzinfo=utc)) == (
        "08 giờ 00 phút, ngày 15/12/2026"
    )
    assert time_line(start, datetime(2026, 12, 16, 4, 30, tzinfo=utc)) == (
        "từ 08 giờ 00 phút, ngày 15/12/2026 đến 11 giờ 30 phút, ngày 16/12/2026"
    )


def test_time_line_writes_dates_as_documents_do():
    utc = ZoneInfo("UTC")
    assert time_line(datetime(2018, 7, 3, 1, 0, tzinfo=utc)) == "08 giờ 00 phút, ngày 03/7/2018"
    assert time_line(datetime(2025, 2, 5, 1, 0, tzinfo=utc)) == "08 giờ 00 phút, ngày 05/02/2025"
