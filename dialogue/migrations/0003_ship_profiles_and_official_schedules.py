"""Ship one deadline profile per source document, and the official calendar corrections.

Profiles quote the sentence of the document each rule comes from. Calendar exceptions are the
days where the civil-servant schedules of 2025 and 2026 differ from the `holidays` package
(compared day by day), plus days whose legal status is not yet decided, listed with a note.
"""

from datetime import date

from django.db import migrations

W, C, F = "working_days", "calendar_days", "fixed_next_year"

PROFILES = [
    {
        "code": "ha-nam-2018",
        "name": "Hà Nam 2018 — Đối thoại của người đứng đầu UBND tỉnh",
        "source": "Kế hoạch đối thoại của người đứng đầu UBND tỉnh Hà Nam, ngày 16/4/2018",
        "rules": [
            ("prepared_answers", "session_start", "before", 5, W,
             "Tổ thư ký thông báo đến các Sở, Ban, ngành, địa phương có liên quan để chuẩn bị nội "
             "dung trả lời và báo cáo Ủy ban nhân dân tỉnh (qua Tổ thư ký) chậm nhất là 05 ngày "
             "làm việc trước khi tổ chức buổi đối thoại."),
            ("conclusion_notice", "session_end", "after", 5, W,
             "Chậm nhất 05 ngày làm việc sau khi kết thúc buổi đối thoại, Văn phòng Ủy ban nhân "
             "dân tỉnh dự thảo và thông báo ý kiến kết luận chỉ đạo của Lãnh đạo UBND tỉnh - Chủ "
             "trì buổi đối thoại (nếu có)."),
            ("agency_response", "notice_issued", "after", 10, W,
             "Chậm nhất là 10 ngày làm việc, các cơ quan, đơn vị nhận được Thông báo ý kiến kết "
             "luận của Người chủ trì đối thoại, có trách nhiệm xem xét giải quyết, trả lời kiến "
             "nghị của công dân, tổ chức và báo cáo kết quả cho Ủy ban nhân dân tỉnh."),
        ],
    },
    {
        "code": "dien-bien-2024",
        "name": "Điện Biên 2024 — Hội nghị trao đổi, đối thoại hằng năm cấp xã",
        "source": "Hướng dẫn của Sở Nội vụ tỉnh Điện Biên về Hội nghị trao đổi, đối thoại giữa "
        "Chủ tịch UBND cấp xã với Nhân dân, năm 2024",
        "rules": [
            ("invitations", "session_start", "before", 7, C,
             "Giấy mời phải được gửi chậm nhất 7 ngày trước ngày tổ chức Hội nghị."),
            ("conclusion_notice", "session_end", "after", 5, C,
             "Chậm nhất 5 ngày sau Hội nghị trao đổi, đối thoại, UBND cấp xã phải tiến hành đánh "
             "giá rút kinh nghiệm và phân công các cơ quan, tổ chức, bộ phận chức năng khẩn trương "
             "giải quyết các công việc sau."),
            ("agency_response", "session_end", "after", 15, W,
             "Trong thời hạn 15 ngày làm việc sau ngày tổ chức Hội nghị tiếp xúc, đối thoại, cơ "
             "quan có thẩm quyền được phân công trả lời các kiến nghị của công dân chưa được trả "
             "lời tại Hội nghị tiếp xúc, đối thoại."),
            ("annual_report", "session_year", "before", 0, F,
             "Tổng hợp kết quả trao đổi, đối thoại (theo mẫu Đề cương kèm theo Hướng dẫn này) gửi "
             "Sở Nội vụ trước ngày 15/2 của năm liền kề năm tổ chức Hội nghị trao đổi, đối thoại."),
        ],
    },
    {
        "code": "hoa-son-2024",
        "name": "Hòa Sơn 2024 — Tiếp xúc, đối thoại với nhân dân",
        "source": "Kế hoạch tiếp xúc, đối thoại với nhân dân năm 2024 của UBND xã Hòa Sơn",
        "rules": [
            ("prepared_answers", "session_start", "before", 5, C,
             "Đôn đốc tổng hợp dự thảo báo cáo trả lời ý kiến của nhân dân, báo cáo Chủ tịch UBND "
             "xã trước thời gian tổ chức hội nghị 05 ngày."),
        ],
    },
    {
        "code": "dang-uy-2017",
        "name": "Đảng ủy xã 2017 — Đối thoại giữa Bí thư Đảng ủy với nhân dân",
        "source": "Kế hoạch tổ chức đối thoại giữa Bí thư Đảng ủy với nhân dân năm 2017",
        "rules": [
            ("invitations", "session_start", "before", 3, W,
             "Phát hành Giấy mời các đại biểu tham dự trước khi tiến hành đối thoại ít nhất 03 "
             "ngày làm việc."),
            ("conclusion_notice", "session_end", "after", 10, W,
             "Sau khi kết thúc buổi đối thoại, chậm nhất 10 ngày làm việc, có văn bản thông báo ý "
             "kiến kết luận của Thường trực Đảng ủy yêu cầu các ngành có liên quan giải quyết."),
        ],
    },
    {
        "code": "luat-cqdp-2025",
        "name": "Luật Tổ chức chính quyền địa phương 2025 — Đối thoại cấp xã với Nhân dân",
        "source": "Luật Tổ chức chính quyền địa phương số 72/2025/QH15, Điều 43 (khoản 2, 3)",
        "description": "Hội nghị đối thoại giữa chính quyền địa phương cấp xã với Nhân dân, ít nhất "
        "mỗi năm một lần. Thời hạn tính theo ngày (không phải ngày làm việc).",
        "rules": [
            ("public_notice", "session_start", "before", 7, C,
             "Điều 43 khoản 2: … phải thông báo trên các phương tiện thông tin đại chúng về thời "
             "gian, địa điểm, nội dung và cách thức tham dự hội nghị đối thoại với Nhân dân chậm "
             "nhất là 07 ngày trước ngày tổ chức hội nghị."),
            ("results_public", "session_end", "after", 10, C,
             "Điều 43 khoản 3: kết quả hội nghị đối thoại được Ủy ban nhân dân cấp xã công khai "
             "(niêm yết tại trụ sở, gửi Trưởng thôn, Tổ trưởng tổ dân phố) chậm nhất 10 ngày kể "
             "từ ngày tổ chức hội nghị. (Diễn giải theo mục Hỏi đáp của Báo Đại biểu Nhân dân; "
             "đối chiếu nguyên văn Luật trước khi trích dẫn.)"),
        ],
    },
]

NOTICE_2026_NEW_YEAR = (
    "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (nghỉ Tết Dương lịch 2026)"
)
EXCEPTIONS = [
    (date(2026, 1, 2), "day_off", "Nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)",
     NOTICE_2026_NEW_YEAR, "Gói holidays coi ngày này là ngày làm việc."),
    (date(2026, 1, 10), "working_day", "Làm bù cho ngày 02/01/2026",
     NOTICE_2026_NEW_YEAR, "Gói holidays coi ngày này là thứ Bảy nghỉ."),
    (date(2026, 11, 24), "day_off", "Ngày Văn hóa Việt Nam",
     "Theo gói holidays; chưa tìm thấy văn bản quy phạm đã ban hành quy định ngày nghỉ này",
     "Chưa được luật quyết định khi kiểm tra (Nghị quyết 80-NQ/TW ngày 07/01/2026 mới là chủ "
     "trương). Ứng dụng theo gói holidays; cập nhật khi có văn bản."),
]


def forwards(apps, schema_editor):
    Profile = apps.get_model("dialogue", "DeadlineProfile")
    Rule = apps.get_model("dialogue", "DeadlineRule")
    Exception_ = apps.get_model("dialogue", "CalendarException")
    Revision = apps.get_model("dialogue", "CalendarRevision")
    for spec in PROFILES:
        profile, _ = Profile.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "source": spec["source"],
                "description": spec.get("description", ""),
            },
        )
        for milestone, anchor, direction, amount, unit, quote in spec["rules"]:
            fixed = {"fixed_month": 2, "fixed_day": 15} if unit == F else {}
            Rule.objects.get_or_create(
                profile=profile,
                milestone=milestone,
                defaults={
                    "anchor": anchor,
                    "direction": direction,
                    "amount": amount,
                    "unit": unit,
                    "source_quote": quote,
                    **fixed,
                },
            )
    for day, kind, name, source, note in EXCEPTIONS:
        Exception_.objects.get_or_create(
            day=day, defaults={"kind": kind, "name": name, "source": source, "note": note}
        )
    Revision.objects.get_or_create(pk=1, defaults={"number": 1})


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0002_calendar_and_deadlines")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
