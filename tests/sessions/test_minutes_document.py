"""The minutes (Biên bản) PDF (sessions.documents): real renders, checked on the extracted text."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dialogue.models import Role
from petitions.models import Petition
from sessions.documents import minutes_context, minutes_pdf
from sessions.models import Minutes, MinutesEntry
from tests.factories import (
    UserFactory,
    make_petition,
    make_plan,
    make_session,
    make_speaker,
    member,
)
from tests.pdf import pages_text, pdf_text

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = '<img src="file:///etc/passwd">'
PASSWD_LINE = "root:x:0:0"


def add_entry(session, seq, kind, text, speaker=None, given_by=""):
    return MinutesEntry.objects.create(
        session=session,
        uuid=uuid.uuid4(),
        seq=seq,
        kind=kind,
        text=text,
        speaker=speaker,
        given_by=given_by,
    )


def record_answer(petition, answer, answered_by):
    # Test data only: the console's service sets these in the app.
    Petition.objects.filter(pk=petition.pk).update(
        status=Petition.Status.ANSWERED_AT_SESSION,
        answer_at_session=answer,
        answered_by=answered_by,
        is_resolved=True,
    )


@pytest.fixture
def session(world):
    plan = make_plan(
        world.commune_a,
        actor=world.organiser_a,
        parent_body="ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
        number="12/KH-UBND",
    )
    second_secretary = member(
        UserFactory(username="secretary_a2", full_name="Phạm Thị Thư"),
        world.commune_a,
        Role.SECRETARY,
    )
    session = make_session(
        plan,
        actor=world.organiser_a,
        secretaries=[world.secretary_a, second_secretary],
        starts_at=datetime(2026, 12, 15, 8, 0, tzinfo=HANOI),
        venue="Hội trường Ủy ban nhân dân xã A",
        chair_title="Chủ tịch UBND xã",
        co_chairs="Lê Văn Đồng - Chủ tịch UBMTTQVN xã",
        participants="Thường trực Đảng ủy, HĐND xã\nNhân dân các thôn",
        invited_count=120,
        attending_count=97,
    )
    # Actual times (01:10 UTC is 08 giờ 10 phút in Việt Nam).
    session.started_at = datetime(2026, 12, 15, 1, 10, tzinfo=ZoneInfo("UTC"))
    session.ended_at = datetime(2026, 12, 15, 11, 5, tzinfo=HANOI)
    session.save(update_fields=["started_at", "ended_at"])
    return session


@pytest.fixture
def filled(session, world):
    speaker = make_speaker(session, actor=world.secretary_a)
    add_entry(session, 1, MinutesEntry.Kind.OPENING, "Tuyên bố lý do, giới thiệu đại biểu.")
    add_entry(session, 2, MinutesEntry.Kind.REPORT, "Báo cáo tình hình kinh tế - xã hội năm 2026.")
    add_entry(session, 3, MinutesEntry.Kind.SPEECH, "Đề nghị sửa đường thôn Đông.", speaker)
    add_entry(
        session,
        4,
        MinutesEntry.Kind.ANSWER,
        "Xã sẽ sửa đường trong quý I.",
        speaker,
        given_by="Công chức Địa chính - Xây dựng",
    )
    add_entry(session, 5, MinutesEntry.Kind.CONCLUSION, "Giao Địa chính xã rà soát hồ sơ.")
    answered = make_petition(
        session, actor=world.secretary_a, content="Đề nghị làm rõ việc cấp sổ đỏ thôn Tây."
    )
    record_answer(answered, "Hồ sơ đủ điều kiện sẽ được cấp trong tháng 01/2027.", "Ông Chủ tịch")
    later = make_petition(
        session,
        actor=world.secretary_a,
        petitioner_name="Hoàng Văn Sau",
        content="Đề nghị lắp đèn đường thôn Bắc.",
    )
    Petition.objects.filter(pk=later.pk).update(status=Petition.Status.TO_ANSWER_AFTER)
    return session


def test_minutes_pdf_has_the_header_and_every_part(filled, world):
    text = pdf_text(minutes_pdf(filled))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "ỦY BAN NHÂN DÂN XÃ A" in text
    assert "/BB-UBND" in text
    assert "Xã A, ngày 15 tháng 12 năm 2026" in text
    assert "BIÊN BẢN" in text
    assert filled.title in text
    assert "Hôm nay, vào lúc 08 giờ 10 phút, ngày 15/12/2026, tại Hội trường" in text
    assert "Ủy ban nhân dân xã A tổ chức" in text
    assert "I. THÀNH PHẦN THAM DỰ" in text
    assert "Chủ trì: Trần Văn Chủ - Chủ tịch UBND xã" in text
    assert "Đồng chủ trì: Lê Văn Đồng - Chủ tịch UBMTTQVN xã" in text
    assert f"Thư ký: {world.secretary_a.full_name}, Phạm Thị Thư" in text
    assert "Nhân dân các thôn" in text
    assert "Số đại biểu được mời: 120; có mặt: 97" in text
    assert "Hội nghị kết thúc vào lúc 11 giờ 05 phút cùng ngày." in text
    assert "Biên bản đã được thông qua trước hội nghị./." in text
    assert "Nơi nhận" not in text


def test_entries_in_order_with_their_labels_and_speaker(filled):
    text = pdf_text(minutes_pdf(filled))

    parts = [
        "II. NỘI DUNG HỘI NGHỊ",
        "Khai mạc: Tuyên bố lý do, giới thiệu đại biểu.",
        "Báo cáo: Báo cáo tình hình kinh tế - xã hội năm 2026.",
        "Ông (Bà) Nguyễn Văn Ả (Thôn Đông) phát biểu: Đề nghị sửa đường thôn Đông.",
        # The answer is under the official who gave it, naming the citizen it answers.
        "Công chức Địa chính - Xây dựng trả lời ý kiến của Ông (Bà) Nguyễn Văn Ả (Thôn Đông): "
        "Xã sẽ sửa đường trong quý I.",
        "III. Ý KIẾN, KIẾN NGHỊ VÀ HƯỚNG XỬ LÝ TẠI HỘI NGHỊ",
        # The chair's conclusion is its own part, after the petitions.
        "IV. KẾT LUẬN CỦA CHỦ TRÌ HỘI NGHỊ",
        "Giao Địa chính xã rà soát hồ sơ.",
        "Hội nghị kết thúc vào lúc",
    ]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    assert "Trả lời: Ông (Bà)" not in text


def test_petitions_with_the_answer_given_and_who_gave_it(filled):
    text = pdf_text(minutes_pdf(filled))

    assert "1. Đề nghị làm rõ việc cấp sổ đỏ thôn Tây." in text
    assert "Người nêu: Ông (Bà) Lê Thị Bé (Thôn Tây)" in text
    assert "lĩnh vực: " in text
    assert "Ông Chủ tịch trả lời: Hồ sơ đủ điều kiện sẽ được cấp trong tháng 01/2027." in text
    assert "2. Đề nghị lắp đèn đường thôn Bắc." in text
    assert "Hướng xử lý: Tiếp thu, sẽ trả lời bằng văn bản sau hội nghị." in text
    assert text.index("III. Ý KIẾN") < text.index("1. Đề nghị làm rõ") < text.index("2. Đề nghị")


def test_signatures_of_both_secretaries_and_the_chair(filled, world):
    last_page = pages_text(minutes_pdf(filled))[-1]
    assert "THƯ KÝ" in last_page
    assert "CHỦ TRÌ" in last_page
    assert world.secretary_a.full_name in last_page
    assert "Phạm Thị Thư" in last_page
    assert "Trần Văn Chủ" in last_page


def test_draft_without_final_minutes(filled):
    assert "DỰ THẢO" in pdf_text(minutes_pdf(filled))
    unfinalised = Minutes(session=filled, chair_name="Đỗ Văn Ký")
    assert "DỰ THẢO" in pdf_text(minutes_pdf(filled, minutes=unfinalised))


def test_final_minutes_object_is_used_as_given(filled, world):
    # As a finalising call passes it: finalised_at set, not saved yet.
    minutes = Minutes(
        session=filled,
        chair_name="Đỗ Văn Ký",
        finalised_at=timezone.now(),
        finalised_by=world.secretary_a,
    )
    texts = pages_text(minutes_pdf(filled, minutes=minutes))
    text = " ".join(texts)
    assert "DỰ THẢO" not in text
    assert "THẢO" not in text
    assert "Đỗ Văn Ký" in texts[-1]
    assert not Minutes.objects.exists()


def test_planned_times_when_the_actual_ones_are_unknown(session):
    session.started_at = session.ended_at = None
    session.save(update_fields=["started_at", "ended_at"])
    context = minutes_context(session)
    assert context["start"] == "08 giờ 00 phút, ngày 15/12/2026"
    assert context["end"] == "12 giờ 00 phút cùng ngày"
    assert context["proceedings"] == []
    assert context["conclusion"] == []
    assert context["petitions"] == []
    text = pdf_text(minutes_pdf(session))
    assert "Không có ý kiến, kiến nghị." in text
    assert "Số đại biểu được mời: 120; có mặt: 97" in text


def test_long_minutes_render_readably(session, world):
    speakers = [
        make_speaker(session, actor=world.secretary_a, full_name=f"Công dân {i}") for i in range(5)
    ]
    kinds = [MinutesEntry.Kind.SPEECH, MinutesEntry.Kind.ANSWER]
    for i in range(1, 201):
        add_entry(
            session,
            i,
            kinds[i % 2],
            f"Nội dung ý kiến số {i} về đất đai, đường giao thông và vệ sinh môi trường.",
            speakers[i % 5] if i % 2 else None,
        )
    for i in range(1, 101):
        petition = make_petition(
            session, actor=world.secretary_a, content=f"Kiến nghị số {i} về cấp nước sạch."
        )
        record_answer(petition, f"Trả lời kiến nghị số {i}.", "Phó Chủ tịch UBND xã")

    texts = pages_text(minutes_pdf(session))
    text = " ".join(texts)

    assert len(texts) > 3
    assert "Nội dung ý kiến số 200 về đất đai" in text
    assert text.index("Nội dung ý kiến số 199 ") < text.index("Nội dung ý kiến số 200 ")
    assert "100. Kiến nghị số 100 về cấp nước sạch." in text
    assert "Trả lời kiến nghị số 100." in text
    assert all("DỰ THẢO" in page for page in texts)
    assert world.secretary_a.full_name in texts[-1]
    assert "Phạm Thị Thư" in texts[-1]
    assert "Trần Văn Chủ" in texts[-1]


def test_hostile_entry_text_is_printed_literally_and_never_fetched(session, world, fetched):
    speaker = make_speaker(session, actor=world.secretary_a, full_name=f"Kẻ Xấu {HOSTILE}")
    add_entry(session, 1, MinutesEntry.Kind.SPEECH, f"Ý kiến {HOSTILE} <b>đậm</b>", speaker)
    make_petition(session, actor=world.secretary_a, content=f"Kiến nghị {HOSTILE}")

    pdf = minutes_pdf(session)
    text = pdf_text(pdf)

    assert f"Ý kiến {HOSTILE} <b>đậm</b>" in text
    assert f"Kẻ Xấu {HOSTILE}" in text
    assert f"Kiến nghị {HOSTILE}" in text
    assert PASSWD_LINE not in text
    assert b"root:x:0:0" not in pdf
    assert "doithoai-static:css/documents.css" in fetched
    assert not [url for url in fetched if "passwd" in url]
