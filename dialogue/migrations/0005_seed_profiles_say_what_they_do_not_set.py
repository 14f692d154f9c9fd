"""Give each source document its own deadline profile, and say where a document sets no limit.

Gia Nghĩa 2022 (seed 001) ran on the Hà Nam 2018 profile and quoted Hà Nam's sentences. Its plan
sets no time limit at all, so its profile says so and takes the limits of the Law on Local
Government 2025 (copied from the luat-cqdp-2025 profile, named as such). The profiles whose
document sets no limit for the agencies' answers (Gia Nghĩa, Hòa Sơn, the Party committee) get an
explicit rule that says so, instead of a fallback computed in code.
"""

from django.db import migrations

LAW = "Luật Tổ chức chính quyền địa phương 2025 (Luật số 72/2025/QH15)"
LAW_PROFILE = "luat-cqdp-2025"
NO_LIMIT = "Kế hoạch không quy định thời hạn này; áp dụng " + LAW + ". "

GIA_NGHIA = {
    "code": "gia-nghia-2022",
    "name": "Gia Nghĩa 2022 — Đối thoại của Chủ tịch UBND thành phố với Nhân dân",
    "source": "Kế hoạch tổ chức đối thoại với Nhân dân năm 2022 trên địa bàn thành phố Gia Nghĩa",
    "description": (
        "Kế hoạch chỉ định thời gian tổ chức (tháng 10/2022), không quy định thời hạn chuẩn bị, "
        "thông báo kết luận hay trả lời; ý kiến chưa giải quyết tại hội nghị được trả lời "
        '"sớm nhất cho nhân dân". Thời hạn công bố và công khai kết quả theo ' + LAW + "."
    ),
}

RESPONSE_NOT_SET = (
    "Kế hoạch không quy định thời hạn trả lời kiến nghị sau đối thoại. Áp dụng 15 ngày làm việc "
    "kể từ ngày ban hành thông báo kết luận, như thời hạn trả lời của Hướng dẫn của Sở Nội vụ "
    "tỉnh Điện Biên năm 2024."
)
NO_RESPONSE_LIMIT = {
    "gia-nghia-2022": "",
    "hoa-son-2024": (
        "Kế hoạch quy định thời hạn chuẩn bị trả lời (05 ngày trước hội nghị), không quy định "
        "thời hạn thông báo kết luận hay trả lời sau hội nghị."
    ),
    "dang-uy-2017": (
        "Kế hoạch quy định thời hạn giấy mời và thông báo kết luận, không quy định thời hạn trả "
        "lời của các ngành sau thông báo."
    ),
}


def forwards(apps, schema_editor):
    Profile = apps.get_model("dialogue", "DeadlineProfile")
    Rule = apps.get_model("dialogue", "DeadlineRule")
    gia_nghia, created = Profile.objects.get_or_create(
        code=GIA_NGHIA["code"],
        defaults={k: v for k, v in GIA_NGHIA.items() if k != "code"},
    )
    law = Profile.objects.filter(code=LAW_PROFILE).first()
    if law is not None:
        for rule in Rule.objects.filter(
            profile=law, milestone__in=["public_notice", "results_public"]
        ):
            Rule.objects.get_or_create(
                profile=gia_nghia,
                milestone=rule.milestone,
                defaults={
                    "anchor": rule.anchor,
                    "direction": rule.direction,
                    "amount": rule.amount,
                    "unit": rule.unit,
                    "source_quote": NO_LIMIT + rule.source_quote,
                },
            )
    for code, description in NO_RESPONSE_LIMIT.items():
        profile = Profile.objects.filter(code=code).first()
        if profile is None:
            continue
        if description and not profile.description:
            profile.description = description
            profile.save(update_fields=["description"])
        Rule.objects.get_or_create(
            profile=profile,
            milestone="agency_response",
            defaults={
                "anchor": "notice_issued",
                "direction": "after",
                "amount": 15,
                "unit": "working_days",
                "source_quote": RESPONSE_NOT_SET,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0004_stored_documents")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
