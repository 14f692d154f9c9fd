"""The assignment and overdue lists as XLSX/CSV (dialogue.exports): the pages' scope and filters."""

from __future__ import annotations

from django.utils import timezone

from dialogue.exports import Column, Export, querydict, register
from dialogue.workcalendar import get_calendar
from followups.deadlines import working_days_overdue
from followups.views import ASSIGNMENT_ORDER, filtered_assignments, filtered_overdue

BASE_COLUMNS = [
    Column("Số giao", lambda a: a.pk, 9),
    Column("Số kiến nghị", lambda a: a.petition_id, 11),
    Column("Nội dung kiến nghị", lambda a: a.petition.content, 60),
    Column("Cơ quan được giao", lambda a: a.agency.name, 30),
    Column("Đơn vị", lambda a: a.unit.name, 24),
    Column("Ngày giao", lambda a: a.assigned_on, 12),
    Column("Hạn giải quyết", lambda a: a.due_on, 13),
    Column("Đã gia hạn", lambda a: a.extended, 10),
]


def _overdue_days(today):
    calendar = get_calendar()
    return lambda a: working_days_overdue(a.due_on, today, calendar) if a.is_open else 0


@register("assignments")
def assignments_export(user, params: dict) -> Export:
    assignments, _form = filtered_assignments(user, querydict(params))
    today = timezone.localdate()
    days = _overdue_days(today)
    return Export(
        queryset=assignments.defer("petition__search").order_by(*ASSIGNMENT_ORDER),
        columns=[
            *BASE_COLUMNS,
            Column("Trạng thái", lambda a: a.get_status_display(), 16),
            Column("Ngày kết thúc", lambda a: a.closed_on, 13),
            Column("Số ngày làm việc quá hạn", days, 12),
        ],
        filename="giao-giai-quyet",
        title="Giao giải quyết",
    )


@register("overdue")
def overdue_export(user, params: dict) -> Export:
    today = timezone.localdate()
    assignments, _form = filtered_overdue(user, querydict(params), today=today)
    days = _overdue_days(today)
    return Export(
        queryset=assignments.select_related("petition__field", "agency", "unit")
        .defer("petition__search")
        .order_by(*ASSIGNMENT_ORDER),
        columns=[
            *BASE_COLUMNS,
            Column("Lĩnh vực", lambda a: a.petition.field.name, 24),
            Column("Số ngày làm việc quá hạn", days, 12),
        ],
        filename=f"qua-han-{today:%Y%m%d}",
        title="Quá hạn",
    )
