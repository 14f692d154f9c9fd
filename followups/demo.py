"""Demo conclusion notices, assignments, responses, extensions and forwardings for the sessions
that sessions/demo.py leaves held (shared/seeds/).

Each held session gets its conclusion notice, issued through followups.services a few days after
the session (within the profile's deadline) and allocated to the agencies that prepared the
answers; issuing it concludes the session. Then the agencies' work is recorded as it happened:
answers on time and late, extensions accepted and told to the citizen, matters forwarded to the
competent level, and a few assignments still open, so the overdue list has work in it.

The notices are history (fixed dates), so every assignment still open from them is overdue.
Two open assignments are kept due *relative to today* instead, by an accepted extension whose new
due date is counted in working days from `timezone.localdate()`: one due within two working days
(Sở Tài nguyên và Môi trường Hà Nam, the demo agency responder "coquan"), one due later. When the
demo is loaded again on a later day and such a date has slipped out of its window, one more
extension brings it back; on the same day nothing is written.

Idempotent: a notice is found by its session, an assignment by (notice, petition, agency), an
extension by (assignment, new due date); a step is taken only where the assignment still waits for
it, and nothing dated after today is recorded. Runs after petitions/demo.py (app order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dialogue.models import Agency, Membership, Role, User
from dialogue.workcalendar import get_calendar
from dialogue.workdays import WorkCalendar
from followups import services
from followups.documents import draft_body
from followups.models import Assignment, ConclusionNotice, Response
from petitions.models import Petition
from sessions import demo as session_demo
from sessions.models import DialogueSession

ORGANISER = "tochuc"

IN_WRITING = Response.Method.IN_WRITING
IN_PERSON = Response.Method.IN_PERSON
Competence = Petition.Competence

#: Open assignments kept due relative to today (see the module docstring).
DUE_SOON = "due_soon"
ON_TIME = "on_time"
#: Due soon: within this many working days of today (the "due in 2 working days" reminder).
DUE_SOON_WORKING_DAYS = 2
#: On time: the extension gives this many working days from today.
ON_TIME_WORKING_DAYS = 10
ACCEPTED_NOTE = "Đồng ý gia hạn; cơ quan đã thông báo cho công dân."


@dataclass(frozen=True)
class DemoExtension:
    citizen_told_on: date
    new_due_on: date
    reason: str


@dataclass(frozen=True)
class DemoResponse:
    responded_on: date
    text: str
    method: str = IN_WRITING
    document_number: str = ""


@dataclass(frozen=True)
class DemoForwarding:
    forwarded_on: date
    level: str
    to_body: str
    document_number: str
    note: str = ""


@dataclass(frozen=True)
class DemoAssignment:
    """One agency's part in one petition, and what became of it. Without a response or a
    forwarding it stays open: overdue, unless `keep_due` keeps it due relative to today."""

    petitioner: str  # the petition of the notice's session, by petitioner's name
    agency: str  # agency of the petition's unit or of a unit above it
    extension: DemoExtension | None = None
    response: DemoResponse | None = None
    forwarding: DemoForwarding | None = None
    keep_due: str = ""  # DUE_SOON or ON_TIME
    keep_due_reason: str = ""


@dataclass(frozen=True)
class DemoNotice:
    session: str  # DemoSession.key of sessions/demo.py
    number: str
    issued_on: date
    assignments: tuple[DemoAssignment, ...]


NOTICES = (
    # --- 000: Hà Nam, session of 14/06/2018; notice within 5 working days, answers within 10
    # working days of the notice (→ 03/07/2018).
    DemoNotice(
        session="ha-nam-2018",
        number="68/TB-UBND",
        issued_on=date(2018, 6, 19),
        assignments=(
            # Raised three times already: still open, long overdue.
            DemoAssignment("Trần Văn Thịnh", "Sở Tài nguyên và Môi trường"),
            DemoAssignment(
                "Nguyễn Thị Hằng",
                "Sở Tài nguyên và Môi trường",
                response=DemoResponse(
                    date(2018, 7, 2),
                    "Văn phòng đăng ký đất đai đã rà soát 46 hồ sơ giao đất giãn dân tại phường "
                    "Lam Hạ: 39 hồ sơ đủ điều kiện được cấp giấy chứng nhận trong tháng 8/2018; 07 "
                    "hồ sơ được hướng dẫn bổ sung giấy tờ về nguồn gốc đất.",
                    document_number="1052/STNMT-ĐĐ",
                ),
            ),
            DemoAssignment(
                "Phạm Văn Quý",
                "Sở Lao động - Thương binh và Xã hội",
                extension=DemoExtension(
                    date(2018, 6, 29),
                    date(2018, 7, 31),
                    "Chờ kết quả giám định của Hội đồng giám định y khoa tỉnh (dự kiến cuối tháng "
                    "7/2018) để trả lời chính xác mức trợ cấp; Sở đã gửi văn bản thông báo cho "
                    "ông Phạm Văn Quý.",
                ),
                response=DemoResponse(
                    date(2018, 7, 26),
                    "Ông Phạm Văn Quý đủ điều kiện hưởng trợ cấp hằng tháng đối với người hoạt "
                    "động kháng chiến bị nhiễm chất độc hóa học theo kết quả giám định; quyết định "
                    "trợ cấp được ban hành ngày 25/7/2018.",
                    document_number="1384/SLĐTBXH-NCC",
                ),
            ),
            DemoAssignment(
                "Đinh Thị Mai",
                "Sở Nội vụ",
                response=DemoResponse(
                    date(2018, 6, 28),
                    "Quy trình, thời hạn giải quyết thủ tục chuyển mục đích sử dụng đất được niêm "
                    "yết tại Bộ phận tiếp nhận và trả kết quả; Sở đã kiểm tra và nhắc nhở các đơn "
                    "vị để hồ sơ quá hạn.",
                    document_number="612/SNV-CCHC",
                ),
            ),
            # Answered, but after the due date.
            DemoAssignment(
                "Đinh Thị Mai",
                "Sở Tài nguyên và Môi trường",
                response=DemoResponse(
                    date(2018, 7, 12),
                    "Thời gian thẩm định hồ sơ chuyển mục đích sử dụng đất đã rút xuống 10 ngày "
                    "làm việc; hồ sơ của bà Đinh Thị Mai đã được giải quyết ngày 10/7/2018.",
                    document_number="1121/STNMT-ĐĐ",
                ),
            ),
            DemoAssignment(
                "Lê Văn Hùng",
                "Công an tỉnh",
                response=DemoResponse(
                    date(2018, 6, 29),
                    "Công an tỉnh duy trì tổ công tác tuần tra ban đêm trên sông Đáy; từ ngày "
                    "14/6/2018 đã xử phạt thêm 02 phương tiện khai thác cát trái phép.",
                    document_number="845/CAT-PC05",
                ),
            ),
            DemoAssignment(
                "Lê Văn Hùng",
                "Sở Tài nguyên và Môi trường",
                keep_due=DUE_SOON,
                keep_due_reason="Phương án kè chống sạt lở bờ sông Đáy đoạn qua xã Liêm Tuyền "
                "đang chờ phê duyệt nguồn vốn; Sở trả lời công dân khi có quyết định phê duyệt. "
                "Đã thông báo cho ông Lê Văn Hùng bằng văn bản.",
            ),
        ),
    ),
    # --- 001: Gia Nghĩa, session of 26/10/2022 (Hà Nam rules: answers by 14/11/2022) ---
    DemoNotice(
        session="gia-nghia-2022",
        number="436/TB-UBND",
        issued_on=date(2022, 10, 31),
        assignments=(
            DemoAssignment(
                "Hoàng Văn Tiến",
                "Phòng Tài nguyên và Môi trường",
                response=DemoResponse(
                    date(2022, 11, 10),
                    "Phương án bố trí tái định cư đợt 2 dự án hồ trung tâm đã được phê duyệt; "
                    "việc bốc thăm lô đất tái định cư tổ chức ngày 15/12/2022, tiền bồi thường "
                    "còn lại chi trả trước ngày 31/12/2022.",
                    document_number="1987/UBND-TNMT",
                ),
            ),
            DemoAssignment(
                "Lê Thị Hồng",
                "Phòng Quản lý đô thị",
                response=DemoResponse(
                    date(2022, 11, 11),
                    "Phòng Quản lý đô thị làm việc trực tiếp với tổ dân phố 1: đã nạo vét cống "
                    "hiện có; tuyến mương thoát nước mới thuộc danh mục đầu tư công năm 2023.",
                    method=IN_PERSON,
                ),
            ),
            DemoAssignment(
                "Trần Đình Khoa",
                "Phòng Tài nguyên và Môi trường",
                extension=DemoExtension(
                    date(2022, 11, 9),
                    date(2023, 1, 6),
                    "Chờ kết quả quan trắc nước thải sau khi cơ sở lắp đặt hệ thống xử lý (hạn "
                    "31/12/2022); đã thông báo cho ông Trần Đình Khoa.",
                ),
                response=DemoResponse(
                    date(2023, 1, 4),
                    "Kết quả quan trắc ngày 28/12/2022 đạt quy chuẩn; cơ sở sơ chế cà phê đã vận "
                    "hành hệ thống xử lý nước thải và bị xử phạt vi phạm hành chính trước đó.",
                    document_number="12/UBND-TNMT",
                ),
            ),
            # The land price table is the province's: the matter goes up.
            DemoAssignment(
                "Phạm Thị Thanh Hương",
                "Phòng Tài nguyên và Môi trường",
                forwarding=DemoForwarding(
                    date(2022, 11, 7),
                    Competence.PROVINCE,
                    "Ủy ban nhân dân tỉnh Đắk Nông (Sở Tài nguyên và Môi trường tham mưu điều "
                    "chỉnh bảng giá đất)",
                    "2013/UBND-TNMT",
                    "Bảng giá đất do UBND tỉnh ban hành; thành phố đã báo cáo kiến nghị của công "
                    "dân và thông báo cho bà Phạm Thị Thanh Hương.",
                ),
            ),
        ),
    ),
    # --- 002: Thanh Nưa, conference of 28/11/2024; notice within 5 days, answers within 15
    # working days of the conference (→ 19/12/2024) ---
    DemoNotice(
        session="thanh-nua-2024",
        number="142/TB-UBND",
        issued_on=date(2024, 12, 2),
        assignments=(
            DemoAssignment(
                "Lò Văn Thẳm",
                "Công chức Địa chính - Xây dựng",
                extension=DemoExtension(
                    date(2024, 12, 16),
                    date(2025, 3, 31),
                    "Đắp tạm đoạn kênh sạt lở phải chờ hết vụ thu hoạch; đã thông báo cho ông Lò "
                    "Văn Thẳm và Trưởng bản Mển.",
                ),
                response=DemoResponse(
                    date(2025, 3, 27),
                    "Đã đắp tạm 120 m kênh bị sạt lở, bảo đảm nước tưới vụ đông xuân; UBND xã "
                    "đề nghị bố trí vốn kiên cố hóa kênh bản Mển trong kế hoạch đầu tư công.",
                    document_number="31/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Quàng Thị Xuân",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2024, 12, 18),
                    "Đã hướng dẫn 12 hộ bản Hồng Lứu lập hồ sơ; 09 hồ sơ đủ điều kiện đã chuyển "
                    "Văn phòng đăng ký đất đai ngày 12/12/2024.",
                    document_number="205/UBND-ĐC",
                ),
            ),
            # Still open, long overdue: the supervisor sees it.
            DemoAssignment("Lường Văn Chiến", "Công chức Văn hóa - Xã hội"),
            DemoAssignment(
                "Tòng Văn Dũng",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2024, 12, 13),
                    "Đã bố trí 02 điểm tập kết rác tại bản Nà Ten; rác được thu gom vào thứ Ba và "
                    "thứ Sáu hằng tuần.",
                    document_number="201/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Cà Văn Lả",
                "Văn phòng - Thống kê",
                response=DemoResponse(
                    date(2024, 12, 10),
                    "Chủ tịch UBND xã gặp ông Cà Văn Lả, thông báo việc đã nhắc nhở công chức bộ "
                    "phận một cửa và số điện thoại đường dây nóng.",
                    method=IN_PERSON,
                ),
            ),
            DemoAssignment(
                "Lò Thị Ánh",
                "Công an xã",
                keep_due=ON_TIME,
                keep_due_reason="Chờ lắp đặt biển báo và gờ giảm tốc trên đường liên bản theo "
                "kế hoạch bảo đảm trật tự an toàn giao thông; đã thông báo cho bà Lò Thị Ánh qua "
                "Trưởng bản Hồng Lứu.",
            ),
        ),
    ),
    # --- 003: Hòa Sơn, three thematic dialogues of 2024 (no response rule in the plan: the
    # default 15 working days after the notice) ---
    DemoNotice(
        session="hoa-son-2024-huong-son",
        number="21/TB-UBND",
        issued_on=date(2024, 3, 27),
        assignments=(
            DemoAssignment(
                "Nguyễn Văn Lực",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2024, 4, 10),
                    "UBND xã đã cấp 60 tấn xi măng cho thôn Hương Sơn để cứng hóa 1,2 km đường "
                    "ngõ xóm; hoàn thành trước ngày 30/6/2024.",
                    document_number="36/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Ngô Thị Thu",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2024, 4, 12),
                    "Đã bố trí thêm 02 điểm tập kết rác; Chi hội Phụ nữ thôn nhận trồng và chăm "
                    "sóc 800 m đường hoa.",
                    method=IN_PERSON,
                ),
            ),
            DemoAssignment(
                "Nguyễn Văn Thắng",
                "Công chức Văn hóa - Xã hội",
                response=DemoResponse(
                    date(2024, 4, 16),
                    "Nhà văn hóa thôn Hương Sơn được bổ sung bộ âm thanh, 80 bộ bàn ghế từ kinh "
                    "phí nông thôn mới năm 2024.",
                    document_number="39/UBND-VHXH",
                ),
            ),
        ),
    ),
    DemoNotice(
        session="hoa-son-2024-nong-dan",
        number="47/TB-UBND",
        issued_on=date(2024, 6, 19),
        assignments=(
            DemoAssignment(
                "Đỗ Văn Hải",
                "Văn phòng - Thống kê",
                response=DemoResponse(
                    date(2024, 7, 5),
                    "UBND huyện hỗ trợ 2.000 cây giống bưởi cho thôn Sơn Trung; lớp tập huấn kỹ "
                    "thuật tổ chức ngày 18/7/2024.",
                    document_number="71/UBND-VP",
                ),
            ),
            DemoAssignment(
                "Nguyễn Thị Huệ",
                "Văn phòng - Thống kê",
                response=DemoResponse(
                    date(2024, 7, 24),
                    "Hồ sơ OCOP của Hợp tác xã nông nghiệp Hòa Sơn đã hoàn thiện, gửi Hội đồng "
                    "đánh giá cấp huyện ngày 22/7/2024; xã hỗ trợ kinh phí thiết kế nhãn mác.",
                    document_number="80/UBND-VP",
                ),
            ),
            DemoAssignment(
                "Trần Văn Bảy",
                "Công chức Văn hóa - Xã hội",
                response=DemoResponse(
                    date(2024, 7, 8),
                    "Ngân hàng Chính sách xã hội hướng dẫn trực tiếp 15 hội viên lập hồ sơ vay vốn "
                    "tại điểm giao dịch xã ngày 05/7/2024.",
                    method=IN_PERSON,
                ),
            ),
        ),
    ),
    DemoNotice(
        session="hoa-son-2024-son-trung",
        number="72/TB-UBND",
        issued_on=date(2024, 9, 25),
        assignments=(
            # Compensation is approved by the district: forwarded, which closes both parts.
            DemoAssignment(
                "Ngô Văn Tú",
                "Văn phòng HĐND-UBND huyện",
                forwarding=DemoForwarding(
                    date(2024, 10, 4),
                    Competence.OTHER_BODY,
                    "Ủy ban nhân dân huyện Hiệp Hòa (Hội đồng bồi thường, hỗ trợ và tái định cư "
                    "huyện)",
                    "95/UBND-ĐC",
                    "Phương án bồi thường do UBND huyện phê duyệt; xã đã gửi kiến nghị của 21 hộ "
                    "và thông báo cho ông Ngô Văn Tú.",
                ),
            ),
            DemoAssignment("Ngô Văn Tú", "Công chức Địa chính - Xây dựng"),
            DemoAssignment("Dương Thị Hạnh", "Công chức Địa chính - Xây dựng"),
            DemoAssignment(
                "Nguyễn Văn Sơn",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2024, 10, 11),
                    "Tuyến đường khởi công tháng 11/2024, thi công cuốn chiếu từng đoạn 300 m và "
                    "luôn giữ một làn cho người dân đi lại.",
                    document_number="98/UBND-ĐC",
                ),
            ),
        ),
    ),
    # --- 004: An Bình Party Committee, dialogue of 25/03/2017; notice within 10 working days ---
    DemoNotice(
        session="an-binh-2017",
        number="19-TB/ĐU",
        issued_on=date(2017, 4, 5),
        assignments=(
            DemoAssignment(
                "Nguyễn Văn Út",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2017, 4, 14),
                    "Bản đồ quy hoạch chỉnh trang khu trung tâm ấp Chợ được niêm yết từ ngày "
                    "10/4/2017; dự kiến thực hiện năm 2018-2019.",
                    document_number="42/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Lê Thị Bảy",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2017, 5, 8),
                    "03/05 công trình lấn chiếm hành lang giao thông đã tự tháo dỡ; 02 trường hợp "
                    "còn lại bị xử phạt và cưỡng chế ngày 05/5/2017.",
                    document_number="57/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Trần Văn Sáu",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2017, 4, 20),
                    "Mương thoát nước khu chợ đã được nạo vét ngày 15/4/2017; hạng mục nâng cấp "
                    "được đưa vào kế hoạch năm 2018.",
                    document_number="47/UBND-ĐC",
                ),
            ),
            DemoAssignment(
                "Phạm Thị Mười",
                "Công chức Địa chính - Xây dựng",
                response=DemoResponse(
                    date(2017, 4, 18),
                    "Ban quản lý chợ đã ký hợp đồng thu gom rác hằng ngày từ ngày 15/4/2017.",
                    method=IN_PERSON,
                ),
            ),
            DemoAssignment(
                "Võ Văn Tư",
                "Công an xã",
                response=DemoResponse(
                    date(2017, 4, 12),
                    "Công an xã phối hợp dân phòng tuần tra từ 22 giờ đến 4 giờ sáng; đã đề nghị "
                    "huyện cắm biển hạn chế tải trọng.",
                    document_number="15/CAX",
                ),
            ),
            DemoAssignment(
                "Huỳnh Thị Lan",
                "Văn phòng - Thống kê",
                response=DemoResponse(
                    date(2017, 4, 11),
                    "Thủ tục, phí và lịch tiếp nhận đã niêm yết tại bộ phận một cửa; chứng thực "
                    "được trả trong ngày.",
                    method=IN_PERSON,
                ),
            ),
        ),
    ),
)


# --- lookups ------------------------------------------------------------------------------------


def due_soon_until(today: date, calendar: WorkCalendar) -> date:
    """The last due date that counts as "due soon" on `today`."""
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)


def keeps_due(keep_due: str, due_on: date, *, today: date, calendar: WorkCalendar) -> bool:
    """Whether `due_on` is still in the window the demo keeps it in on `today`."""
    soon = due_soon_until(today, calendar)
    if keep_due == DUE_SOON:
        return today <= due_on <= soon
    return due_on > soon


def kept_due_on(keep_due: str, *, today: date, calendar: WorkCalendar) -> date:
    """The new due date an extension gives, counted in working days from `today`."""
    days = DUE_SOON_WORKING_DAYS if keep_due == DUE_SOON else ON_TIME_WORKING_DAYS
    return calendar.add_working_days(today, days)


def _petition(session: DialogueSession, petitioner: str) -> Petition:
    return session.petitions.get(petitioner_name=petitioner, duplicate_of__isnull=True)


def _responder(agency: Agency, organiser: User) -> User:
    """The agency's own responder where the demo has one (coquan), else the organiser who
    records the agency's answer."""
    membership = (
        Membership.objects.filter(agency=agency, role=Role.AGENCY_RESPONDER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else organiser


# --- the loader ---------------------------------------------------------------------------------


def _issue(spec: DemoNotice, session: DialogueSession, organiser: User) -> ConclusionNotice | None:
    notice = ConclusionNotice.objects.filter(session=session).first()
    if notice is not None and notice.is_issued:
        return notice
    if session.status not in services.NOTICE_STATUSES:
        return None
    notice = services.notice_draft(actor=organiser, session=session)
    # The first draft counts the due dates from today; the demo issues on a past date.
    body = draft_body(session, notice_on=spec.issued_on)
    if notice.body != body:
        notice = services.notice_update(actor=organiser, notice=notice, body=body)
    allocations: dict[int, list[Agency]] = {}
    for item in spec.assignments:
        petition = _petition(session, item.petitioner)
        allocations.setdefault(petition.pk, []).append(
            session_demo.agency_for(petition.unit, item.agency)
        )
    return services.notice_issue(
        actor=organiser,
        notice=notice,
        allocations=allocations,
        number=spec.number,
        issued_on=spec.issued_on,
    )


def _extend(
    assignment: Assignment,
    *,
    new_due_on: date,
    citizen_told_on: date,
    reason: str,
    requester: User,
    organiser: User,
) -> Assignment:
    if not assignment.extensions.filter(new_due_on=new_due_on).exists():
        extension = services.extension_request(
            actor=requester,
            assignment=assignment,
            new_due_on=new_due_on,
            reason=reason,
            citizen_told_on=citizen_told_on,
        )
        services.extension_decide(
            actor=organiser, extension=extension, accept=True, note=ACCEPTED_NOTE
        )
    return Assignment.objects.get(pk=assignment.pk)


def _follow_up(
    item: DemoAssignment,
    assignment: Assignment,
    *,
    organiser: User,
    today: date,
    calendar: WorkCalendar,
) -> None:
    responder = _responder(assignment.agency, organiser)
    extension = item.extension
    if extension and assignment.is_open and extension.citizen_told_on <= today:
        assignment = _extend(
            assignment,
            new_due_on=extension.new_due_on,
            citizen_told_on=extension.citizen_told_on,
            reason=extension.reason,
            requester=responder,
            organiser=organiser,
        )
    response = item.response
    if response and assignment.is_open and response.responded_on <= today:
        services.response_record(
            actor=responder,
            assignment=assignment,
            responded_on=response.responded_on,
            method=response.method,
            text=response.text,
            document_number=response.document_number,
        )
    forwarding = item.forwarding
    if forwarding and assignment.is_open and forwarding.forwarded_on <= today:
        services.petition_forward(
            actor=organiser,
            assignment=assignment,
            level=forwarding.level,
            to_body=forwarding.to_body,
            document_number=forwarding.document_number,
            forwarded_on=forwarding.forwarded_on,
            note=forwarding.note,
            whole_petition=True,  # the organiser forwards the matter, every agency's part
        )
    if item.keep_due and assignment.is_open:
        if keeps_due(item.keep_due, assignment.due_on, today=today, calendar=calendar):
            return
        new_due_on = kept_due_on(item.keep_due, today=today, calendar=calendar)
        if new_due_on > assignment.due_on:  # never earlier (a clock set back)
            _extend(
                assignment,
                new_due_on=new_due_on,
                citizen_told_on=today,
                reason=item.keep_due_reason,
                requester=responder,
                organiser=organiser,
            )


def _load_notice(spec: DemoNotice, units, organiser: User, today: date, calendar) -> None:
    session = session_demo.find_session(spec.session, units)
    if spec.issued_on > today:
        return
    notice = _issue(spec, session, organiser)
    if notice is None:
        return
    assignments = {
        (a.petition_id, a.agency_id): a for a in Assignment.objects.filter(notice=notice)
    }
    for item in spec.assignments:
        petition = _petition(session, item.petitioner)
        agency = session_demo.agency_for(petition.unit, item.agency)
        assignment = assignments[(petition.pk, agency.pk)]
        assignment.refresh_from_db()  # a forwarding closes the petition's other parts
        _follow_up(item, assignment, organiser=organiser, today=today, calendar=calendar)


@transaction.atomic
def load() -> None:
    today = timezone.localdate()
    calendar = get_calendar()
    units = session_demo.demo_units()
    organiser = User.objects.get(username=ORGANISER)
    for spec in NOTICES:
        _load_notice(spec, units, organiser, today, calendar)
