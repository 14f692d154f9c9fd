"""The session list and a session's speakers as XLSX/CSV (dialogue.exports)."""

from __future__ import annotations

from dialogue.exports import Column, Export, one, querydict, register
from sessions.views import SESSION_ORDER, filtered_sessions, session_speaker_rows

SESSION_COLUMNS = [
    Column("Số", lambda s: s.pk, 8),
    Column("Tên hội nghị", lambda s: s.title, 44),
    Column("Hình thức", lambda s: s.get_kind_display(), 30),
    Column("Đơn vị", lambda s: s.unit.name, 24),
    Column("Bắt đầu", lambda s: s.starts_at, 17),
    Column("Kết thúc", lambda s: s.ends_at, 17),
    Column("Địa điểm", lambda s: s.venue, 30),
    Column("Chủ trì", lambda s: s.chair_name, 22),
    Column("Số mời", lambda s: s.invited_count, 9),
    Column("Số dự", lambda s: s.attending_count, 9),
    Column("Trạng thái", lambda s: s.get_status_display(), 16),
]

SPEAKER_COLUMNS = [
    Column("STT", lambda s: s.position, 6),
    Column("Họ và tên", lambda s: s.full_name, 26),
    Column("Năm sinh", lambda s: s.birth_year, 9),
    Column("Địa chỉ", lambda s: s.address, 30),
    Column("Tổ chức", lambda s: s.organisation, 22),
    Column("Nội dung đăng ký phát biểu", lambda s: s.topic, 44),
    Column("Trạng thái", lambda s: s.get_status_display(), 14),
    Column("Lý do", lambda s: s.status_reason, 24),
]


@register("sessions")
def sessions_export(user, params: dict) -> Export:
    sessions, _form = filtered_sessions(user, querydict(params))
    return Export(
        queryset=sessions.defer("search").order_by(*SESSION_ORDER),
        columns=SESSION_COLUMNS,
        filename="hoi-nghi-doi-thoai",
        title="Hội nghị",
    )


@register("session-speakers")
def speakers_export(user, params: dict) -> Export:
    try:
        pk = int(one(params, "session"))
    except ValueError:
        pk = 0
    session, speakers = session_speaker_rows(user, pk)
    return Export(
        queryset=speakers,
        columns=SPEAKER_COLUMNS,
        filename=f"nguoi-dang-ky-phat-bieu-{session.pk}",
        title="Người đăng ký phát biểu",
    )
