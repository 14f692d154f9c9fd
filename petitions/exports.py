"""The petition list as XLSX/CSV (dialogue.exports): the page's scope and filters."""

from __future__ import annotations

from dialogue.exports import Column, Export, querydict, register
from petitions.views import filtered_petitions, list_order

COLUMNS = [
    Column("Số", lambda p: p.pk, 8),
    Column("Ngày nhận", lambda p: p.received_on, 12),
    Column("Đơn vị", lambda p: p.unit.name, 24),
    Column("Hội nghị", lambda p: p.session.title, 36),
    Column("Người kiến nghị", lambda p: p.petitioner_name, 24),
    Column("Nội dung", lambda p: p.content, 60),
    Column("Lĩnh vực", lambda p: p.field.name, 24),
    Column("Thẩm quyền", lambda p: p.get_competence_display(), 16),
    Column("Phạm vi", lambda p: p.get_scope_display(), 18),
    Column("Số lần nêu", lambda p: p.times_raised, 10),
    Column("Trạng thái", lambda p: p.get_status_display(), 22),
    Column("Trả lời tại hội nghị", lambda p: p.answer_at_session, 40),
]


@register("petitions")
def petitions_export(user, params: dict) -> Export:
    petitions, form, *_rest = filtered_petitions(user, querydict(params))
    return Export(
        queryset=petitions.defer("search").order_by(*list_order(form)),
        columns=COLUMNS,
        filename="kien-nghi",
        title="Kiến nghị",
    )
