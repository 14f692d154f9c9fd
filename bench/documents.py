"""Benchmark: plan and invitation PDFs (sessions.documents) in a warm process.

Run: ``.venv/bin/python -m bench documents`` (one JSON line per measurement).

The plan is the Hà Nam 2018 one (shared/seeds/000: purpose, requirements, topics, the seven
duties of "Tổ chức thực hiện" split into ten tasks, the recipients) with one session, made through
the services in a throwaway database (bench.petitions.throwaway_database; the database is not what
is measured). Each document is rendered once to warm up (fonts, stylesheet, templates; that time is
in the note, not in the figure), then RUNS times; pages are counted with pypdf. A render includes
reading the plan from the database (``plan_pdf`` builds its context), as the view does.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.petitions import (  # noqa: E402
    configure_django,
    database_label,
    load_note,
    throwaway_database,
)

PLAN_RUNS = 20
INVITATION_RUNS = 40
BUDGET = "report (minutes PDF budget: ≥ 8 pages/s)"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

AGENCIES = [
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Thanh tra tỉnh",
    "Công an tỉnh",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Nội vụ",
    "Sở Thông tin và Truyền thông",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
]

LEGAL_BASES = """\
Thực hiện chỉ đạo của Trung ương, Thường trực Tỉnh ủy;
Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Luật Tiếp công dân ngày 25 tháng 11 năm 2013;
Nghị định số 64/2014/NĐ-CP ngày 26 tháng 6 năm 2014 của Chính phủ quy định chi tiết thi hành \
một số điều của Luật Tiếp công dân;
Chỉ thị số 35-CT/TW ngày 26 tháng 5 năm 2014 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng \
đối với công tác tiếp công dân và giải quyết khiếu nại, tố cáo;"""

PURPOSE = """\
- Trực tiếp nắm bắt tâm tư nguyện vọng, phản ánh, kiến nghị của nhân dân để kịp thời giải quyết \
những vấn đề bức xúc, kiến nghị của nhân dân ngay từ cơ sở.
- Góp phần đổi mới phương thức lãnh đạo, nâng cao trách nhiệm phục vụ nhân dân của cấp ủy, chính \
quyền, đặc biệt của người đứng đầu cấp ủy, chính quyền các cấp. Tăng cường mối quan hệ giữa cơ \
quan nhà nước với nhân dân, phát huy quyền của nhân dân được tham gia góp ý trực tiếp, giám sát \
hoạt động của các cơ quan Nhà nước.
- Nâng cao chất lượng, hiệu quả công tác tuyên truyền, phổ biến các chủ trương, Nghị quyết của \
Đảng; chính sách, pháp luật của Nhà nước, tạo sự đồng thuận trong nhân dân khi triển khai thực \
hiện các chủ trương, chính sách phát triển kinh tế - xã hội và bảo đảm an ninh trật tự, an toàn \
xã hội trên địa bàn tỉnh; củng cố, tăng cường niềm tin của nhân dân đối với sự chỉ đạo, điều hành \
của Ủy ban nhân dân tỉnh."""

REQUIREMENTS = """\
- Việc tổ chức đối thoại trực tiếp với nhân dân phải đúng quy định của pháp luật; đảm bảo kịp \
thời, dân chủ, công khai minh bạch, khách quan, hiệu quả, tránh hình thức.
- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị, vai trò lãnh đạo của các cấp ủy Đảng, \
trách nhiệm của chính quyền, giám sát của Hội đồng nhân dân, Mặt trận Tổ quốc và các tổ chức \
thành viên trong công tác đối thoại.
- Phổ biến, tuyên truyền chủ trương, quan điểm của Đảng, chính sách pháp luật của Nhà nước liên \
quan đến việc phát triển kinh tế - xã hội trên địa bàn tỉnh; thông tin kịp thời các định hướng \
phát triển kinh tế - xã hội, quốc phòng - an ninh (trừ thông tin mật) của tỉnh đến nhân dân; nâng \
cao nhận thức về thực hiện quyền và nghĩa vụ của công dân.
- Thủ trưởng các Sở, Ban, ngành của tỉnh khi được Ủy ban nhân dân tỉnh giao nhiệm vụ trả lời ý \
kiến, kiến nghị của nhân dân về các vấn đề có liên quan cần tập trung nghiên cứu, trả lời đúng \
trọng tâm, ngắn gọn, dễ hiểu, đảm bảo đúng quy định.
- Lãnh đạo, cán bộ tiếp dân và công dân chấp hành nghiêm túc nội dung, phương pháp thực hiện buổi \
đối thoại do Lãnh đạo UBND tỉnh quán triệt trước khi tiến hành đối thoại."""

TOPICS = """\
Phát triển kinh tế, văn hóa - xã hội, quốc phòng - an ninh, cải cách hành chính
Quản lý, công khai trong giải quyết các vấn đề liên quan đến đất đai (thu hồi, bồi thường giải \
phóng mặt bằng, cấp giấy chứng nhận quyền sử dụng đất)
Chủ trương, chính sách, việc thực hiện các Nghị quyết của Đảng"""

RECIPIENTS = """\
- TTTU, TT HĐND tỉnh;
- Chủ tịch, các PCT UBND tỉnh;
- UBMTTQVN tỉnh;
- Các Sở, Ban, ngành tỉnh;
- UBND các huyện, thành phố;
- Cổng thông tin điện tử tỉnh;
- VPUB: LĐVP, NC, TH, Ban Tiếp CD;
- Lưu: VT, NC(H)."""

#: (agency name or None, role when no agency, duty): III. Tổ chức thực hiện of the seed.
TASKS = [
    (
        None,
        "Thủ trưởng các Sở, Ban, ngành của tỉnh",
        "Theo chức năng, nhiệm vụ chủ động nắm chắc tình hình, tổng hợp, phân tích, đánh giá các "
        "vấn đề vướng mắc, phức tạp, dư luận xã hội quan tâm để đề xuất, báo cáo UBND tỉnh (qua "
        "Tổ thư ký) để tổ chức đối thoại.",
    ),
    (
        None,
        "Thủ trưởng các Sở, Ban, ngành của tỉnh",
        "Chuẩn bị nội dung, tham dự buổi đối thoại và trả lời giải quyết những vấn đề liên quan "
        "theo chức năng nhiệm vụ được phân công; báo cáo Ủy ban nhân dân tỉnh (qua Tổ thư ký) "
        "chậm nhất là 05 ngày làm việc trước khi tổ chức buổi đối thoại.",
    ),
    (
        None,
        "Thủ trưởng các Sở, Ban, ngành của tỉnh",
        "Trả lời kiến nghị của nhân dân và báo cáo kết quả đối với các nội dung có liên quan theo "
        "ý kiến kết luận của Chủ trì tại buổi đối thoại, chậm nhất 10 ngày làm việc sau khi nhận "
        "được Thông báo kết luận.",
    ),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "",
        "Nắm bắt tâm tư nguyện vọng của nhân dân và những vấn đề mà nhân dân quan tâm đến sự phát "
        "triển kinh tế - xã hội; an ninh, trật tự, an toàn xã hội của tỉnh. Phối hợp với Ủy ban "
        "nhân dân tỉnh tổ chức đối thoại và tham gia đối thoại.",
    ),
    (
        "Văn phòng Ủy ban nhân dân tỉnh",
        "",
        "Phối hợp với các cơ quan có liên quan tổng hợp, phân loại nội dung kiến nghị, phản ánh, "
        "giao các cơ quan, đơn vị liên quan tham mưu giải quyết; phối hợp chuẩn bị nội dung "
        "chương trình và phát hành giấy mời, thông báo cho nhân dân có nhu cầu tìm hiểu tham dự.",
    ),
    (
        "Văn phòng Ủy ban nhân dân tỉnh",
        "",
        "Chậm nhất 05 ngày làm việc sau khi kết thúc buổi đối thoại, dự thảo và thông báo ý kiến "
        "kết luận chỉ đạo của Lãnh đạo UBND tỉnh - Chủ trì buổi đối thoại; đôn đốc các cơ quan, "
        "đơn vị tham mưu cho Ủy ban nhân dân tỉnh giải quyết yêu cầu, kiến nghị của nhân dân.",
    ),
    (
        "Thanh tra tỉnh",
        "",
        "Rà soát, phối hợp với Công an tỉnh, Sở Tài nguyên và Môi trường, Sở Lao động - Thương "
        "binh và Xã hội, Sở Nội vụ, UBND các huyện, thành phố, đơn vị liên quan tổng hợp các vụ "
        "việc trên địa bàn tỉnh cần thiết phải tổ chức đối thoại, trọng tâm là các lĩnh vực nhạy "
        "cảm (đất đai, công tác thu hồi đất, giải phóng mặt bằng, chính sách xã hội, cải cách "
        "hành chính...) và những vấn đề bức xúc trong nhân dân; báo cáo và đề xuất Chủ tịch Ủy "
        "ban nhân dân tỉnh quyết định.",
    ),
    (
        "Sở Thông tin và Truyền thông",
        "",
        "Chỉ đạo tổ chức thực hiện công tác thông tin tuyên truyền, phổ biến về chủ trương, mục "
        "đích, ý nghĩa của buổi đối thoại; thông báo trên các phương tiện thông tin đại chúng nội "
        "dung của kế hoạch để nhân dân được biết.",
    ),
    (
        "Công an tỉnh",
        "",
        "Xây dựng kế hoạch, bố trí lực lượng, phương tiện bảo đảm an ninh trật tự cho buổi đối "
        "thoại và an toàn cho nhân dân và các thành phần tham dự đối thoại.",
    ),
    (
        None,
        "Ủy ban nhân dân các huyện, thành phố",
        "Chủ tịch Ủy ban nhân dân các huyện, thành phố căn cứ Kế hoạch của Ủy ban nhân dân tỉnh "
        "xây dựng Kế hoạch đối thoại với nhân dân trên địa bàn. Chủ động nắm tình hình, tổ chức "
        "đối thoại, giải quyết kịp thời các kiến nghị, phản ánh, những vấn đề bức xúc của nhân "
        "dân ngay từ cơ sở.",
    ),
]


def _build_plan():
    from dialogue import services as unit_services
    from dialogue.models import Agency, DeadlineProfile
    from sessions import services
    from sessions.services import TaskLine

    province = unit_services.unit_create(name="Tỉnh Hà Nam", kind="tỉnh", code="35")
    agencies = {name: Agency.objects.create(unit=province, name=name) for name in AGENCIES}
    plan = services.plan_create(
        actor=None,
        unit=province,
        tasks=[
            TaskLine(duty=duty, agency=agencies[name] if name else None, assignee=role)
            for name, role, duty in TASKS
        ],
        issuing_body="ỦY BAN NHÂN DÂN TỈNH HÀ NAM",
        number="35/KH-UBND",
        place="Hà Nam",
        issued_on=date(2018, 4, 16),
        title="Đối thoại của người đứng đầu Ủy ban nhân dân tỉnh với nhân dân trên địa bàn tỉnh "
        "Hà Nam",
        year=2018,
        legal_bases=LEGAL_BASES,
        purpose=PURPOSE,
        requirements=REQUIREMENTS,
        topics=TOPICS,
        recipients=RECIPIENTS,
        signer_capacity="KT.",
        signer_body="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Xuân Đông",
        profile=DeadlineProfile.objects.get(code="ha-nam-2018"),
    )
    starts_at = datetime(2018, 6, 14, 8, 0, tzinfo=TZ)
    session = services.session_create(
        actor=None,
        plan=plan,
        secretaries=[],
        kind="chairman",
        title="Hội nghị đối thoại của Chủ tịch Ủy ban nhân dân tỉnh với nhân dân",
        topics="Thu hồi đất, bồi thường, giải phóng mặt bằng dự án đường vành đai\n"
        "Cấp giấy chứng nhận quyền sử dụng đất",
        starts_at=starts_at,
        ends_at=starts_at.replace(hour=11, minute=30),
        venue="Hội trường Trụ sở Tiếp công dân tỉnh Hà Nam",
        chair_name="Nguyễn Xuân Đông",
        chair_title="Chủ tịch Ủy ban nhân dân tỉnh",
        co_chairs="Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        participants="Các tổ chức chính trị - xã hội tỉnh\n"
        "Các Sở, Ban, ngành, địa phương có liên quan\n"
        "Các tổ chức, công dân có kiến nghị, phản ánh",
        invitation_number="112/GM-UBND",
        invitation_date=date(2018, 6, 4),
        invitation_addressee="Ông Trần Văn Hải, thôn Đông, xã Liêm Chung",
    )
    return plan, session


def _measure(render, runs: int) -> tuple[float, float, int]:
    """(first render s, median of the next `runs` s, pages)."""
    import pypdf

    t0 = time.perf_counter()
    pdf = render()
    first = time.perf_counter() - t0
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        render()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), pages


def run() -> list[dict]:
    choice = configure_django()
    import weasyprint

    from sessions.documents import invitation_pdf, plan_pdf

    rows = []
    with throwaway_database():
        database = database_label()
        plan, session = _build_plan()
        cases = [
            (
                "plan",
                lambda: plan_pdf(plan),
                PLAN_RUNS,
                f"Hà Nam 2018 plan (seed 000), draft, {len(TASKS)} tasks, 1 session",
            ),
            (
                "invitation",
                lambda: invitation_pdf(session),
                INVITATION_RUNS,
                "invitation to the plan's session, draft",
            ),
        ]
        for key, render, runs, what in cases:
            first, median, pages = _measure(render, runs)
            common = (
                f"{what}; {pages} page(s); median of {runs} renders in a warm process, the first "
                f"({first * 1000:.0f} ms) excluded; WeasyPrint {weasyprint.__version__}; "
                f"throwaway {database} ({choice}); {load_note()}"
            )
            rows.append(
                {
                    "name": f"documents.{key}_pdf.pages_per_s",
                    "value": round(pages / median, 2),
                    "unit": "pages/s",
                    "budget": BUDGET,
                    "note": common,
                }
            )
            rows.append(
                {
                    "name": f"documents.{key}_pdf.ms_per_document",
                    "value": round(median * 1000, 1),
                    "unit": "ms",
                    "budget": "report",
                    "note": common,
                }
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
