"""Demo plans, dialogue sessions and speakers drawn from the source documents (shared/seeds/).

One issued plan per document, with the sessions it organised, plus Thanh Nưa's plan for the
current year so the app has work in hand: a session scheduled for December 2026. Every write goes
through sessions.services, as an organiser's would. Past sessions are walked through the workflow
up to "held"; issuing the conclusion notice (and with it "concluded") belongs to `followups`.

Idempotent: plans are found by (unit, number), sessions by (plan, title), speakers by
(session, full name, address, channel), milestones by (session, milestone); nothing that exists
is written again, so a second run records no change. All dates are fixed, never "today".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from dialogue import demo as dialogue_demo
from dialogue.models import AdministrativeUnit, Agency, DeadlineProfile, User
from sessions import console, services
from sessions.models import DialogueSession, Plan, SignerCapacity, Speaker

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ORGANISER = "tochuc"

Status = DialogueSession.Status
Kind = DialogueSession.Kind
Channel = Speaker.Channel

#: Where the workflow of a demo session may stop, in order.
WORKFLOW = ("draft", "scheduled", "in_progress", "held")
LIVE_SESSION = "thanh-nua-2026-live"
#: Demo entries get stable UUIDs, so loading twice stores each once (as the console does).
LIVE_NAMESPACE = uuid.UUID("6f1c1d2e-6b8e-4a53-9a43-0d5b0f3c2a11")


# dialogue/demo.py makes "thuky" a secretary of Hà Nam, Thanh Nưa and Hòa Sơn only, but a session
# cannot be scheduled without a secretary who is a member of its unit. Gia Nghĩa (2022) and the
# An Bình Party Committee (2017) sessions need one too. (Better moved into dialogue/demo.py USERS.)
def lines(*items: str) -> str:
    """A one-per-line text field."""
    return "\n".join(items)


@dataclass(frozen=True)
class DemoTask:
    """One line of "Tổ chức thực hiện": an agency of the plan's unit (or above), or a role."""

    duty: str
    agency: str = ""
    assignee: str = ""


@dataclass(frozen=True)
class DemoSpeaker:
    full_name: str
    birth_year: int
    address: str
    topic: str
    channel: str = Channel.IN_ADVANCE
    organisation: str = ""
    summary: str = ""
    # What happened to the registration, for sessions already held.
    outcome: str = Speaker.Status.SPOKE
    outcome_reason: str = ""


@dataclass(frozen=True)
class DemoSession:
    key: str  # how petitions/demo.py refers to the session
    kind: str
    title: str
    day: date
    starts: tuple[int, int]
    ends: tuple[int, int]
    venue: str
    chair_name: str
    chair_title: str
    secretaries: tuple[str, ...]
    status: str  # where the demo leaves it: "held" for the past, "scheduled" for the upcoming one
    topics: str = ""
    co_chairs: str = ""
    participants: str = ""
    invited_count: int | None = None
    expected_count: int | None = None
    attending_count: int | None = None
    invitation_number: str = ""
    invitation_date: date | None = None
    milestones: tuple[tuple[str, date, str], ...] = ()  # (milestone, done on, note)
    speakers: tuple[DemoSpeaker, ...] = ()

    @property
    def starts_at(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, *self.starts, tzinfo=TZ)

    @property
    def ends_at(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, *self.ends, tzinfo=TZ)

    @property
    def is_past(self) -> bool:
        return self.status == Status.HELD


@dataclass(frozen=True)
class DemoPlan:
    unit: str  # unit key of dialogue/demo.py
    profile: str  # DeadlineProfile code
    number: str
    issued_on: date
    place: str
    issuing_body: str
    title: str
    year: int
    signer_capacity: str
    signer_body: str
    signer_title: str
    signer_name: str
    legal_bases: str = ""
    purpose: str = ""
    requirements: str = ""
    topics: str = ""
    recipients: str = ""
    parent_body: str = ""
    tasks: tuple[DemoTask, ...] = ()
    sessions: tuple[DemoSession, ...] = field(default_factory=tuple)
    # The issued plan is stored as a PDF that lists its sessions: true when the document itself
    # gives the date and place, false when it says they will be announced later.
    dates_in_plan: bool = False

    def plan_fields(self) -> dict:
        return {
            "parent_body": self.parent_body,
            "issuing_body": self.issuing_body,
            "number": self.number,
            "place": self.place,
            "issued_on": self.issued_on,
            "title": self.title,
            "year": self.year,
            "legal_bases": self.legal_bases,
            "purpose": self.purpose,
            "requirements": self.requirements,
            "topics": self.topics,
            "recipients": self.recipients,
            "signer_capacity": self.signer_capacity,
            "signer_body": self.signer_body,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
        }


# --- 000: Hà Nam province, 2018 ----------------------------------------------------------------
# The plan's number is not in the source text; the session's date and place were "announced
# later" (thông báo cụ thể), so both are plausible choices.

HA_NAM = DemoPlan(
    unit="ha-nam",
    profile="ha-nam-2018",
    number="1016/KH-UBND",
    issued_on=date(2018, 4, 16),
    place="Hà Nam",
    issuing_body="ỦY BAN NHÂN DÂN TỈNH HÀ NAM",
    title=(
        "Đối thoại của người đứng đầu Ủy ban nhân dân tỉnh với nhân dân trên địa bàn tỉnh Hà Nam"
    ),
    year=2018,
    signer_capacity=SignerCapacity.ON_BEHALF,
    signer_body="ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name="Nguyễn Xuân Đông",
    legal_bases="Thực hiện chỉ đạo của Trung ương, Thường trực Tỉnh ủy",
    purpose=lines(
        "- Trực tiếp nắm bắt tâm tư nguyện vọng, phản ánh, kiến nghị của nhân dân để kịp thời giải "
        "quyết những vấn đề bức xúc, kiến nghị của nhân dân ngay từ cơ sở.",
        "- Góp phần đổi mới phương thức lãnh đạo, nâng cao trách nhiệm phục vụ nhân dân của cấp "
        "ủy, chính quyền, đặc biệt của người đứng đầu cấp ủy, chính quyền các cấp. Tăng cường mối "
        "quan hệ giữa cơ quan nhà nước với nhân dân, phát huy quyền của nhân dân được tham gia góp "
        "ý trực tiếp, giám sát hoạt động của các cơ quan Nhà nước.",
        "- Nâng cao chất lượng, hiệu quả công tác tuyên truyền, phổ biến các chủ trương, Nghị "
        "quyết của Đảng; chính sách, pháp luật của Nhà nước, tạo sự đồng thuận trong nhân dân khi "
        "triển khai thực hiện các chủ trương, chính sách phát triển kinh tế - xã hội và bảo đảm an "
        "ninh trật tự, an toàn xã hội trên địa bàn tỉnh; củng cố, tăng cường niềm tin của nhân dân "
        "đối với sự chỉ đạo, điều hành của Ủy ban nhân dân tỉnh.",
    ),
    requirements=lines(
        "- Việc tổ chức đối thoại trực tiếp với nhân dân phải đúng quy định của pháp luật; đảm bảo "
        "kịp thời, dân chủ, công khai minh bạch, khách quan, hiệu quả, tránh hình thức.",
        "- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị, vai trò lãnh đạo của các cấp ủy "
        "Đảng, trách nhiệm của chính quyền, giám sát của Hội đồng nhân dân, Mặt trận Tổ quốc và "
        "các tổ chức thành viên trong công tác đối thoại.",
        "- Phổ biến, tuyên truyền chủ trương, quan điểm của Đảng, chính sách pháp luật của Nhà "
        "nước liên quan đến việc phát triển kinh tế - xã hội trên địa bàn tỉnh; thông tin kịp "
        "thời các định hướng phát triển kinh tế - xã hội, quốc phòng - an ninh (trừ thông tin "
        "mật) của tỉnh đến nhân dân; nâng cao nhận thức về thực hiện quyền và nghĩa vụ của công "
        "dân.",
        "- Thủ trưởng các Sở, Ban, ngành của tỉnh khi được Ủy ban nhân dân tỉnh giao nhiệm vụ trả "
        "lời ý kiến, kiến nghị của nhân dân về các vấn đề có liên quan cần tập trung nghiên cứu, "
        "trả lời đúng trọng tâm, ngắn gọn, dễ hiểu, đảm bảo đúng quy định.",
        "- Lãnh đạo, cán bộ tiếp dân và công dân chấp hành nghiêm túc nội dung, phương pháp thực "
        "hiện buổi đối thoại do Lãnh đạo UBND tỉnh quán triệt trước khi tiến hành đối thoại.",
    ),
    topics=lines(
        "Phát triển kinh tế, văn hóa - xã hội, quốc phòng - an ninh, cải cách hành chính",
        "Công tác quản lý, công khai trong giải quyết các vấn đề liên quan đến đất đai (thu hồi, "
        "bồi thường giải phóng mặt bằng, cấp giấy chứng nhận quyền sử dụng đất...)",
        "Các vấn đề về chủ trương, chính sách, việc thực hiện các Nghị quyết của Đảng",
    ),
    recipients=lines(
        "TTTU, TT HĐND tỉnh;",
        "Chủ tịch, các PCT UBND tỉnh;",
        "UBMTTQVN tỉnh;",
        "Các Sở, Ban, ngành tỉnh;",
        "UBND các huyện, thành phố;",
        "Cổng thông tin điện tử tỉnh;",
        "VPUB: LĐVP, NC, TH, Ban Tiếp CD;",
        "Lưu: VT, NC(H).",
    ),
    tasks=(
        DemoTask(
            assignee="Tổ thư ký (Thanh tra tỉnh chủ trì, phối hợp Văn phòng UBND tỉnh)",
            duty=lines(
                "- Tiến hành rà soát, thống kê, tổng hợp, đánh giá những vấn đề bức xúc của nhân "
                "dân, chú trọng những vấn đề đã được nhân dân kiến nghị, đề xuất hợp pháp, chính "
                "đáng nhiều lần nhưng chưa được giải quyết hoặc giải quyết dứt điểm.",
                "- Tổng hợp báo cáo Chủ tịch Ủy ban nhân dân tỉnh để thống nhất nội dung, đối "
                "tượng đối thoại; thông báo đến các Sở, Ban, ngành, địa phương có liên quan để "
                "chuẩn bị nội dung trả lời và báo cáo Ủy ban nhân dân tỉnh (qua Tổ thư ký) chậm "
                "nhất là 05 ngày làm việc trước khi tổ chức buổi đối thoại.",
            ),
        ),
        DemoTask(
            assignee="Thủ trưởng các Sở, Ban, ngành của tỉnh",
            duty=lines(
                "- Theo chức năng, nhiệm vụ chủ động nắm chắc tình hình, tổng hợp, phân tích, đánh "
                "giá các vấn đề vướng mắc, phức tạp, dư luận xã hội quan tâm để đề xuất, báo cáo "
                "UBND tỉnh (qua Tổ thư ký) để tổ chức đối thoại.",
                "- Chuẩn bị nội dung, tham dự buổi đối thoại và trả lời giải quyết những vấn đề "
                "liên quan theo chức năng nhiệm vụ được phân công.",
                "- Trả lời kiến nghị của nhân dân và báo cáo kết quả đối với các nội dung có liên "
                "quan theo ý kiến kết luận của Chủ trì tại buổi đối thoại.",
            ),
        ),
        DemoTask(
            agency="Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            duty="Đề nghị nắm bắt tâm tư nguyện vọng của nhân dân và những vấn đề mà nhân dân quan "
            "tâm đến sự phát triển kinh tế - xã hội; an ninh, trật tự, an toàn xã hội của tỉnh. "
            "Phối hợp với Ủy ban nhân dân tỉnh tổ chức đối thoại và tham gia đối thoại.",
        ),
        DemoTask(
            agency="Văn phòng Ủy ban nhân dân tỉnh",
            duty="Phối hợp với các cơ quan có liên quan tổng hợp, phân loại nội dung kiến nghị, "
            "phản ánh, giao các cơ quan, đơn vị liên quan tham mưu giải quyết; phối hợp chuẩn bị "
            "nội dung chương trình và phát hành giấy mời, thông báo cho nhân dân có nhu cầu tìm "
            "hiểu tham dự, phục vụ buổi tiếp xúc, đối thoại; thông báo kết quả giải quyết các ý "
            "kiến, kiến nghị sau khi tiếp xúc, đối thoại; đôn đốc các cơ quan, đơn vị tham mưu cho "
            "Ủy ban nhân dân tỉnh giải quyết yêu cầu, kiến nghị của nhân dân.",
        ),
        DemoTask(
            agency="Thanh tra tỉnh",
            duty="Rà soát, phối hợp với Công an tỉnh, Sở Tài nguyên và Môi trường, Sở Lao động - "
            "Thương binh và Xã hội, Sở Nội vụ, UBND các huyện, thành phố, đơn vị liên quan tổng "
            "hợp các vụ việc trên địa bàn tỉnh cần thiết phải tổ chức đối thoại, trọng tâm là các "
            "lĩnh vực nhạy cảm (đất đai, công tác thu hồi đất, giải phóng mặt bằng, chính sách xã "
            "hội, cải cách hành chính...) và những vấn đề bức xúc trong nhân dân; báo cáo và đề "
            "xuất Chủ tịch Ủy ban nhân dân tỉnh quyết định.",
        ),
        DemoTask(
            agency="Sở Thông tin và Truyền thông",
            duty="Chỉ đạo tổ chức thực hiện công tác thông tin tuyên truyền, phổ biến về chủ "
            "trương, mục đích, ý nghĩa của buổi đối thoại; thông báo trên các phương tiện thông "
            "tin đại chúng nội dung của kế hoạch để nhân dân được biết.",
        ),
        DemoTask(
            agency="Công an tỉnh",
            duty="Xây dựng kế hoạch, bố trí lực lượng, phương tiện bảo đảm an ninh trật tự cho "
            "buổi đối thoại và an toàn cho nhân dân và các thành phần tham dự đối thoại.",
        ),
        DemoTask(
            assignee="Ủy ban nhân dân các huyện, thành phố",
            duty="Chủ tịch Ủy ban nhân dân các huyện, thành phố căn cứ Kế hoạch của Ủy ban nhân "
            "dân tỉnh xây dựng Kế hoạch đối thoại với nhân dân trên địa bàn. Chủ động nắm tình "
            "hình, tổ chức đối thoại, giải quyết kịp thời các kiến nghị, phản ánh, những vấn đề "
            "bức xúc của nhân dân ngay từ cơ sở. Phối hợp với các cơ quan, đơn vị liên quan thực "
            "hiện các nội dung của Kế hoạch này.",
        ),
    ),
    sessions=(
        DemoSession(
            key="ha-nam-2018",
            kind=Kind.CHAIRMAN,
            title="Đối thoại của Chủ tịch Ủy ban nhân dân tỉnh với nhân dân năm 2018",
            day=date(2018, 6, 14),
            starts=(8, 0),
            ends=(11, 30),
            venue="Hội trường Ủy ban nhân dân tỉnh Hà Nam",
            chair_name="Nguyễn Xuân Đông",
            chair_title="Chủ tịch Ủy ban nhân dân tỉnh",
            secretaries=("thuky",),
            status=Status.HELD,
            topics=lines(
                "Đất đai, công tác thu hồi đất, bồi thường, giải phóng mặt bằng, cấp giấy chứng "
                "nhận quyền sử dụng đất",
                "Chính sách xã hội",
                "Cải cách hành chính",
            ),
            participants=lines(
                "Chủ tịch Ủy ban nhân dân tỉnh hoặc Phó Chủ tịch Ủy ban nhân dân tỉnh khi được ủy "
                "quyền",
                "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                "Các tổ chức chính trị - xã hội",
                "Các Sở, Ban, ngành, địa phương có liên quan",
                "Các tổ chức, công dân có kiến nghị, phản ánh",
            ),
            invited_count=150,
            expected_count=150,
            attending_count=138,
            invitation_number="152/GM-UBND",
            invitation_date=date(2018, 6, 4),
            milestones=(
                (
                    "prepared_answers",
                    date(2018, 6, 6),
                    "Các Sở, ngành báo cáo nội dung trả lời qua Tổ thư ký.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Trần Văn Thịnh",
                    1957,
                    "Xã Liêm Tuyền, thành phố Phủ Lý",
                    "Bồi thường, hỗ trợ khi thu hồi đất nông nghiệp",
                    Channel.FRONT,
                ),
                DemoSpeaker(
                    "Nguyễn Thị Hằng",
                    1968,
                    "Phường Lam Hạ, thành phố Phủ Lý",
                    "Cấp giấy chứng nhận quyền sử dụng đất giãn dân",
                    Channel.IN_WRITING,
                ),
                DemoSpeaker(
                    "Phạm Văn Quý",
                    1950,
                    "Xã Tiên Tân, thành phố Phủ Lý",
                    "Chế độ đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
                    Channel.FRONT,
                    organisation="Hội Cựu chiến binh xã Tiên Tân",
                ),
                DemoSpeaker(
                    "Đinh Thị Mai",
                    1979,
                    "Phường Quang Trung, thành phố Phủ Lý",
                    "Thời gian giải quyết thủ tục hành chính về đất đai",
                ),
                DemoSpeaker(
                    "Lê Văn Hùng",
                    1962,
                    "Xã Liêm Tuyền, thành phố Phủ Lý",
                    "Khai thác cát trái phép trên sông Đáy",
                    outcome=Speaker.Status.ABSENT,
                ),
            ),
        ),
    ),
)

# --- 001: Gia Nghĩa city, October 2022 --------------------------------------------------------
# The plan sets no deadlines of its own ("trả lời sớm nhất cho nhân dân"): its own profile
# gia-nghia-2022 says so and takes the limits of the Law on Local Government 2025.

GIA_NGHIA = DemoPlan(
    unit="gia-nghia",
    profile="gia-nghia-2022",
    number="298/KH-UBND",
    issued_on=date(2022, 9, 12),
    place="Gia Nghĩa",
    issuing_body="ỦY BAN NHÂN DÂN THÀNH PHỐ GIA NGHĨA",
    title="Tổ chức đối thoại với Nhân dân năm 2022 trên địa bàn thành phố Gia Nghĩa",
    year=2022,
    signer_capacity=SignerCapacity.ON_BEHALF,
    signer_body="ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name="Đỗ Tấn Sương",
    legal_bases=lines(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số "
        "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;",
        "Căn cứ Quyết định số 85/QĐ-UBND ngày 14/01/2022 của UBND thành phố về việc ban hành công "
        "tác năm 2022 của UBND thành phố Gia Nghĩa;",
    ),
    purpose=lines(
        "- Nâng cao hiệu quả công tác tuyên truyền, phổ biến các chủ trương, đường lối của Đảng, "
        "chính sách, pháp luật của Nhà nước cho Nhân dân;",
        "- Nhằm nắm bắt tâm tư, nguyện vọng, ý kiến phản ánh, kiến nghị của Nhân dân, kịp thời "
        "phát hiện những vướng mắc, phát sinh để giải quyết và nghiên cứu đề xuất, bổ sung, điều "
        "chỉnh các chủ trương, chính sách, quy định phù hợp với tình hình thực tiễn của địa "
        "phương;",
        "- Tạo điều kiện để Nhân dân phát huy vai trò giám sát, kiểm tra đối với công tác lãnh "
        "đạo, chỉ đạo, điều hành của cấp ủy, chính quyền trên tất cả lĩnh vực đời sống kinh tế - "
        "xã hội, quân sự cơ sở - an ninh trật tự, qua đó tham gia có hiệu quả công tác xây dựng "
        "Đảng, chính quyền trong sạch vững mạnh;",
        "- Nội dung đối thoại cần được chuẩn bị chu đáo, đảm bảo chất lượng và thực hiện nghiêm "
        "túc có hiệu quả.",
    ),
    requirements=lines(
        "Tổ chức đối thoại được thực hiện từ UBND các xã, phường đến thành phố phải đảm bảo dân "
        "chủ, khách quan, thông tin chính xác và đúng nội quy, quy chế đối thoại với Nhân dân; "
        "thực hiện đúng quy định về việc giữ gìn bí mật an ninh quốc gia và thực hiện nghiêm túc "
        "các văn bản chỉ đạo của Trung ương, của tỉnh, của huyện về công tác phòng, chống dịch "
        "bệnh Covid-19.",
        "Các nội dung liên quan đến giải quyết khiếu nại, tố cáo của công dân không đưa ra đối "
        "thoại tại hội nghị.",
    ),
    topics=lines(
        "Thông báo những vấn đề quan trọng về kinh tế - xã hội, an ninh chính trị, trật tự an "
        "toàn xã hội, quốc phòng an ninh; công tác xây dựng Đảng và hệ thống chính trị ảnh hưởng "
        "trực tiếp đến địa bàn mà dư luận xã hội, Nhân dân đang quan tâm",
        "Nghe ý kiến Nhân dân phản ánh, trao đổi những vấn đề bức xúc nổi lên về kinh tế - xã "
        "hội, an ninh - quốc phòng, xây dựng hệ thống chính trị; định hướng, chủ trương giải quyết "
        "những kiến nghị, đề nghị của Nhân dân",
    ),
    recipients=lines(
        "UBND tỉnh (b/c);",
        "Thanh tra tỉnh (b/c);",
        "TT. Thành ủy (b/c);",
        "TT HĐND TP (b/c);",
        "CT, các PCT UBND TP;",
        "Công an TP;",
        "Các phòng, ban, đơn vị TP;",
        "Các Tổ chức chính trị - xã hội TP;",
        "UBND các xã, phường;",
        "Lưu: VT, TTr.",
    ),
    tasks=(
        DemoTask(
            agency="Thanh tra thành phố",
            duty="Chủ trì, phối hợp với Văn phòng HĐND và UBND thành phố và các phòng, ban, đơn vị "
            "có liên quan chuẩn bị nội dung, thời gian tổ chức đối thoại và phương án trả lời "
            "những ý kiến, kiến nghị của Nhân dân trên địa bàn liên quan đến lĩnh vực quản lý nhà "
            "nước thuộc thẩm quyền đối thoại cấp thành phố.",
        ),
        DemoTask(
            assignee="Trưởng các phòng, ban, đơn vị có liên quan",
            duty="Phối hợp với Thanh tra thành phố để tiếp nhận các ý kiến, kiến nghị của Nhân dân "
            "thuộc thẩm quyền của ngành mình để trả lời tại buổi đối thoại theo quy định.",
        ),
        DemoTask(
            assignee="Phòng Văn hóa và Thông tin thành phố và Trung tâm Văn hóa - Thể thao và "
            "Truyền thông thành phố Gia Nghĩa",
            duty="Phối hợp với các cơ quan có liên quan chịu trách nhiệm tuyên truyền Kế hoạch tổ "
            "chức đối thoại giữa lãnh đạo thành phố với Nhân dân trong năm 2022 để cuộc đối thoại "
            "đạt chất lượng, hiệu quả cao nhất.",
        ),
        DemoTask(
            agency="Công an thành phố",
            duty="Chủ trì phối hợp với các ngành liên quan đảm bảo tình hình an ninh trật tự khi "
            "tổ chức hội nghị đối thoại trực tiếp với Nhân dân.",
        ),
        DemoTask(
            agency="Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
            duty="Đề nghị chủ trì phối hợp với các tổ chức chính trị - xã hội thành phố nắm chắc "
            "tình hình Nhân dân, những vấn đề bức xúc, phức tạp, nổi cộm báo cáo Thành ủy, trao "
            "đổi với chính quyền trước khi tổ chức hội nghị đối thoại; phối hợp tham mưu cấp ủy tổ "
            "chức đối thoại, giám sát việc thực hiện kết luận sau đối thoại; tuyên truyền, vận "
            "động các tầng lớp Nhân dân thực hiện kết quả giải quyết của các cơ quan chức năng.",
        ),
        DemoTask(
            assignee="Ủy ban nhân dân các xã, phường",
            duty="Căn cứ vào Điều 125 Luật Tổ chức chính quyền địa phương năm 2015 và Kế hoạch này "
            "xây dựng kế hoạch của đơn vị mình để tổ chức hội nghị đối thoại nghiêm túc, đúng nội "
            "quy, quy chế, đảm bảo tiến độ thời gian và hiệu quả. Tăng cường công tác tuyên truyền "
            "về kế hoạch tổ chức đối thoại cấp thành phố và cơ sở; thông báo các cơ quan, đơn vị, "
            "trường học, doanh nghiệp, các tổ chức tôn giáo và các tầng lớp Nhân dân tham dự đối "
            "thoại tại địa phương.",
        ),
    ),
    sessions=(
        DemoSession(
            key="gia-nghia-2022",
            kind=Kind.CHAIRMAN,
            title="Hội nghị đối thoại giữa Chủ tịch UBND thành phố Gia Nghĩa với Nhân dân năm 2022",
            day=date(2022, 10, 26),
            starts=(8, 0),
            ends=(11, 30),
            venue="Hội trường Trung tâm Chính trị thành phố Gia Nghĩa",
            chair_name="Đỗ Tấn Sương",
            chair_title="Chủ tịch Ủy ban nhân dân thành phố",
            secretaries=("thuky",),
            status=Status.HELD,
            topics=lines(
                "Thu hồi đất, bồi thường, hỗ trợ, tái định cư",
                "Hạ tầng đô thị, thoát nước, vệ sinh môi trường",
            ),
            participants=lines(
                "Thường trực Thành ủy, Thường trực HĐND thành phố",
                "Ủy ban MTTQ Việt Nam thành phố và các tổ chức chính trị - xã hội thành phố",
                "Lãnh đạo các phòng, ban, đơn vị thành phố",
                "Chủ tịch UBND các xã, phường",
                "Đại diện Nhân dân các xã, phường",
            ),
            invited_count=200,
            expected_count=200,
            attending_count=176,
            invitation_number="415/GM-UBND",
            invitation_date=date(2022, 10, 17),
            milestones=(
                (
                    "public_notice",
                    date(2022, 10, 18),
                    "Trung tâm Văn hóa - Thể thao và Truyền thông thành phố thông báo thời gian, "
                    "địa điểm, nội dung hội nghị trên sóng phát thanh và trang thông tin điện tử.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Hoàng Văn Tiến",
                    1964,
                    "Tổ dân phố 2, phường Nghĩa Đức",
                    "Bồi thường, hỗ trợ và tái định cư dự án hồ trung tâm",
                    Channel.FRONT,
                ),
                DemoSpeaker(
                    "Lê Thị Hồng",
                    1975,
                    "Tổ dân phố 1, phường Nghĩa Thành",
                    "Thoát nước tuyến đường nội thị",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Trần Đình Khoa",
                    1983,
                    "Tổ dân phố 5, phường Nghĩa Thành",
                    "Ô nhiễm từ cơ sở sơ chế cà phê trong khu dân cư",
                ),
                DemoSpeaker(
                    "Phạm Thị Thanh Hương",
                    1971,
                    "Tổ dân phố 4, phường Nghĩa Đức",
                    "Bảng giá đất khi tính tiền sử dụng đất",
                    Channel.IN_WRITING,
                ),
                DemoSpeaker(
                    "Bùi Thị Nga",
                    1990,
                    "Tổ dân phố 1, phường Nghĩa Đức",
                    "Hóa đơn tiền điện sinh hoạt tăng cao",
                    Channel.AT_SESSION,
                ),
            ),
        ),
    ),
)

# --- 002: Điện Biên guidance, 2024: Thanh Nưa commune's annual conferences --------------------
# The guidance names no village: the bản below are illustrative. The commune chairman's name is
# illustrative too (the plans are the commune's, not in the source).

DIEN_BIEN_PURPOSE = lines(
    "- Nhằm giúp chính quyền cấp xã triển khai thực hiện một cách thuận lợi, hiệu quả việc tổ chức "
    "Hội nghị trao đổi, đối thoại giữa UBND cấp xã với Nhân dân hằng năm theo quy định tại Điều "
    "125 Luật Tổ chức chính quyền địa phương và Điều 32 Luật thực hiện dân chủ ở cơ sở. Tiếp tục "
    "xây dựng chính quyền cơ sở trong sạch, vững mạnh, hoạt động hiệu lực, hiệu quả, thân thiện, "
    "gần dân, sát dân và phục vụ nhân dân ngày càng tốt hơn.",
    "- Đẩy mạnh việc xây dựng và thực hiện Luật dân chủ ở cơ sở, góp phần phát huy quyền làm chủ "
    "và vai trò kiểm tra, giám sát của Nhân dân đối với hoạt động của chính quyền cấp xã trên tất "
    "cả các lĩnh vực của đời sống kinh tế, chính trị, văn hóa, xã hội, quốc phòng, an ninh, trật "
    "tự, an toàn xã hội tại cơ sở.",
    "- Tuyên truyền, phổ biến và kịp thời đưa các chủ trương, chính sách của Đảng, pháp luật của "
    "Nhà nước đến với Nhân dân, tạo sự đồng thuận, thống nhất cao giữa cấp ủy, chính quyền, MTTQ "
    "và các tổ chức đoàn thể với Nhân dân trong quá trình tổ chức thực hiện ngay từ cơ sở.",
    "- Kịp thời nắm bắt tâm tư, nguyện vọng, đề xuất, kiến nghị của Nhân dân; nắm bắt các thông "
    "tin phản ánh của nhân dân về đạo đức, lối sống, thái độ, tinh thần trách nhiệm của cán bộ, "
    "đảng viên, công chức, người hoạt động không chuyên trách ở cấp xã và thôn, bản, tổ dân phố.",
)
DIEN_BIEN_REQUIREMENTS = lines(
    "- Hội nghị được tổ chức đúng luật, dân chủ, công khai, an toàn, tiết kiệm, thiết thực và hiệu "
    "quả; bảo đảm tạo điều kiện thuận lợi để mọi người được bình đẳng tham gia Hội nghị và đóng "
    "góp ý kiến, phát biểu, nêu các kiến nghị đề xuất trực tiếp đối với chính quyền trong thực "
    "hiện chức trách nhiệm vụ.",
    "- Chủ động triển khai tổ chức Hội nghị Nhân dân, tránh hình thức; tổng hợp đầy đủ các thông "
    "tin liên quan đến nội dung kiến nghị của Nhân dân, đảm bảo đúng trọng tâm cần giải quyết; trả "
    "lời ngay các nội dung thuộc thẩm quyền giải quyết hoặc cập nhật kịp thời các thông tin để "
    "thông báo cho Nhân dân được biết ngay tại Hội nghị, không đùn đẩy trách nhiệm lên cấp trên "
    "đối với các nội dung thuộc thẩm quyền của cấp xã.",
    "- Tạo điều kiện để Nhân dân phát huy vai trò giám sát, kiểm tra đối với công tác lãnh đạo, "
    "chỉ đạo, điều hành của cấp ủy, chính quyền trên tất cả lĩnh vực đời sống, kinh tế, xã hội, "
    "quốc phòng, an ninh trật tự tại cơ sở, tham gia xây dựng Đảng, chính quyền trong sạch, vững "
    "mạnh.",
    "- Nội dung đối thoại cần được chuẩn bị chu đáo, đảm bảo chất lượng và thực hiện nghiêm túc, "
    "thiết thực, hiệu quả. Trả lời ý kiến Nhân dân phải trọng tâm vào vấn đề chính mà Nhân dân "
    "quan tâm, đảm bảo ngắn gọn, dễ hiểu.",
)
DIEN_BIEN_TASKS = (
    DemoTask(
        agency="Văn phòng - Thống kê",
        duty=lines(
            "- Tham mưu xây dựng kế hoạch, chương trình, nội dung Hội nghị; thu thập ý kiến Nhân "
            "dân thông qua các kênh thông tin, hòm thư góp ý và phản ánh của Nhân dân; tổng hợp "
            "kiến nghị, phân loại từng nội dung, chuẩn bị kịch bản, phương án trả lời.",
            "- Phát hành giấy mời chậm nhất 7 ngày trước ngày tổ chức Hội nghị; cử 02 thư ký ghi "
            "biên bản, tiếp nhận đăng ký phát biểu của Nhân dân.",
            "- Hoàn thiện hồ sơ của buổi tiếp xúc, đối thoại; quản lý và lưu trữ hồ sơ trong vòng "
            "5 năm tính từ ngày công việc kết thúc.",
        ),
    ),
    DemoTask(
        agency="Ủy ban Mặt trận Tổ quốc Việt Nam xã",
        duty=lines(
            "- Phối hợp với UBND xã tổ chức Hội nghị trao đổi, đối thoại.",
            "- Nắm chắc tình hình Nhân dân, nhất là những vấn đề bức xúc, nổi cộm; tổng hợp, phối "
            "hợp với các ban ngành, cán bộ công chức chuyên môn tham mưu lựa chọn nội dung để tổ "
            "chức các Hội nghị tiếp xúc, đối thoại với Nhân dân thiết thực, hiệu quả.",
            "- Tuyên truyền, hướng dẫn, vận động Nhân dân tham gia Hội nghị đối thoại, phát huy "
            "quyền làm chủ của Nhân dân; kết hợp với UBND xã tổng hợp ý kiến của Nhân dân.",
        ),
    ),
    DemoTask(
        agency="Công an xã",
        duty="Xây dựng và tổ chức thực hiện kế hoạch đảm bảo an ninh trật tự, bảo vệ Hội nghị.",
    ),
    DemoTask(
        agency="Công chức Địa chính - Xây dựng",
        duty="Chuẩn bị nội dung trả lời các kiến nghị về đất đai, xây dựng, giao thông, thủy lợi, "
        "môi trường; tham gia Hội nghị và trả lời, giải quyết những vấn đề có liên quan đến chức "
        "năng, nhiệm vụ của mình.",
    ),
    DemoTask(
        agency="Công chức Văn hóa - Xã hội",
        duty="Chuẩn bị nội dung trả lời các kiến nghị về chính sách an sinh xã hội, xóa đói giảm "
        "nghèo, việc làm; thông báo rộng rãi nội dung Hội nghị trên loa truyền thanh xã.",
    ),
    DemoTask(
        assignee="Trưởng các bản",
        duty="Chủ trì, phối hợp với Ban công tác Mặt trận theo giấy mời của UBND xã thông báo cho "
        "Nhân dân biết và đến dự Hội nghị theo thời gian, địa điểm như trong giấy mời.",
    ),
)
DIEN_BIEN_RECIPIENTS = lines(
    "TT Đảng ủy xã (b/c);",
    "UBND huyện Điện Biên (b/c);",
    "Phòng Nội vụ huyện;",
    "TT HĐND xã;",
    "Ủy ban MTTQ Việt Nam và các đoàn thể xã;",
    "Các bản;",
    "Lưu: VT, VP-TK.",
)
THANH_NUA_CHAIR = ("Lò Văn Thanh", "Chủ tịch Ủy ban nhân dân xã")
THANH_NUA_CO_CHAIRS = lines(
    "Quàng Văn Hải - Chủ tịch Hội đồng nhân dân xã",
    "Lường Thị Hương - Chủ tịch Ủy ban MTTQ Việt Nam xã",
)
THANH_NUA_PARTICIPANTS = lines(
    "Đại diện lãnh đạo cấp ủy, chính quyền, MTTQ huyện Điện Biên",
    "Đại diện Đảng ủy, Thường trực HĐND, UBND, Ủy ban MTTQ và các đoàn thể xã",
    "Cán bộ, công chức, người hoạt động không chuyên trách cấp xã",
    "Đại diện các cơ quan, đơn vị, doanh nghiệp, nhà trường trên địa bàn xã",
    "Đại diện cấp ủy, Trưởng bản, Ban công tác Mặt trận và Nhân dân các bản",
)


def _dien_bien_topics(year: int) -> str:
    return lines(
        "Thông báo tình hình tổ chức và hoạt động của HĐND, UBND xã; kết quả thực hiện nhiệm vụ "
        f"phát triển kinh tế - xã hội, đảm bảo quốc phòng, an ninh năm {year}; tóm tắt kế hoạch "
        f"năm {year + 1}",
        "Công khai thông tin những nội dung chính quyền cấp xã phải công khai theo quy định tại "
        "Điều 11 Luật Thực hiện dân chủ ở cơ sở",
        "Nghe ý kiến của Nhân dân về tình hình thực hiện kế hoạch phát triển kinh tế - xã hội, các "
        "quy hoạch, kế hoạch, chương trình, dự án đã và đang triển khai trên địa bàn",
        "Nghe ý kiến Nhân dân phản ánh về phương thức lãnh đạo, chỉ đạo, quản lý, điều hành của "
        "HĐND và UBND xã; về trách nhiệm thực thi công vụ, thái độ phục vụ nhân dân của cán bộ, "
        "công chức",
        "Nghe ý kiến chia sẻ của nhân dân về những khó khăn trong đời sống, trong việc tiếp cận, "
        "thụ hưởng các chính sách an sinh xã hội, xóa đói giảm nghèo, việc làm",
    )


THANH_NUA_2024 = DemoPlan(
    unit="thanh-nua",
    dates_in_plan=True,
    profile="dien-bien-2024",
    number="86/KH-UBND",
    issued_on=date(2024, 10, 21),
    place="Thanh Nưa",
    issuing_body="ỦY BAN NHÂN DÂN XÃ THANH NƯA",
    title="Tổ chức Hội nghị trao đổi, đối thoại giữa Ủy ban nhân dân xã với Nhân dân năm 2024",
    year=2024,
    signer_capacity=SignerCapacity.ON_BEHALF,
    signer_body="ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name=THANH_NUA_CHAIR[0],
    legal_bases=lines(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
        "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        "22 tháng 11 năm 2019;",
        "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10/11/2022;",
        "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ quy định chi "
        "tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;",
        "Thực hiện Hướng dẫn của Sở Nội vụ tỉnh Điện Biên (tháng 5/2024) về việc tổ chức Hội nghị "
        "trao đổi, đối thoại giữa UBND cấp xã với Nhân dân hằng năm;",
    ),
    purpose=DIEN_BIEN_PURPOSE,
    requirements=DIEN_BIEN_REQUIREMENTS,
    topics=_dien_bien_topics(2024),
    recipients=DIEN_BIEN_RECIPIENTS,
    tasks=DIEN_BIEN_TASKS,
    sessions=(
        DemoSession(
            key="thanh-nua-2024",
            kind=Kind.ANNUAL_CONFERENCE,
            title="Hội nghị trao đổi, đối thoại giữa UBND xã Thanh Nưa với Nhân dân năm 2024",
            day=date(2024, 11, 28),
            starts=(7, 30),
            ends=(11, 30),
            venue="Hội trường Ủy ban nhân dân xã Thanh Nưa",
            chair_name=THANH_NUA_CHAIR[0],
            chair_title=THANH_NUA_CHAIR[1],
            co_chairs=THANH_NUA_CO_CHAIRS,
            secretaries=("thuky", "thuky2"),
            status=Status.HELD,
            topics=_dien_bien_topics(2024),
            participants=THANH_NUA_PARTICIPANTS,
            invited_count=260,
            expected_count=260,
            attending_count=237,
            invitation_number="128/GM-UBND",
            invitation_date=date(2024, 11, 18),
            milestones=(
                (
                    "invitations",
                    date(2024, 11, 18),
                    "Gửi giấy mời qua Trưởng bản; thông báo trên loa truyền thanh xã.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Lò Văn Thẳm",
                    1965,
                    "Bản Mển",
                    "Kênh mương nội đồng bị sạt lở, thiếu nước tưới",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Quàng Thị Xuân",
                    1982,
                    "Bản Hồng Lứu",
                    "Cấp giấy chứng nhận quyền sử dụng đất ở",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Lường Văn Chiến",
                    1958,
                    "Bản Co Muống",
                    "Rà soát hộ nghèo, hộ cận nghèo và hỗ trợ nhà ở",
                    Channel.FRONT,
                    organisation="Hội Người cao tuổi bản Co Muống",
                ),
                DemoSpeaker(
                    "Tòng Văn Dũng",
                    1990,
                    "Bản Nà Ten",
                    "Thu gom rác thải sinh hoạt ở các bản",
                ),
                DemoSpeaker(
                    "Cà Văn Lả",
                    1970,
                    "Bản Mển",
                    "Thái độ phục vụ của công chức bộ phận một cửa",
                    Channel.IN_WRITING,
                ),
                DemoSpeaker(
                    "Lò Văn Khánh",
                    1979,
                    "Bản Hồng Lứu",
                    "Cấp phép xây dựng nhà ở",
                    Channel.AT_SESSION,
                    outcome=Speaker.Status.REFUSED,
                    outcome_reason="Say rượu, gây mất trật tự tại Hội nghị: chủ trì từ chối trao "
                    "đổi, đối thoại (Hướng dẫn của Sở Nội vụ, mục VI.5).",
                ),
            ),
        ),
    ),
)

# The current year's conference, so the app has work in hand: organiser "tochuc" and secretaries
# "thuky" and "thuky2" are all members of Thanh Nưa. Profile: the Điện Biên guidance still governs
# the province's commune conferences; its 7-day invitation rule matches the 7-day public notice of
# Luật 72/2025/QH15 Art. 43, and unlike luat-cqdp-2025 it also carries the conclusion notice, the
# 15-working-day answers and the annual report that `followups` tracks.
THANH_NUA_2026 = DemoPlan(
    unit="thanh-nua",
    dates_in_plan=True,
    profile="dien-bien-2024",
    number="134/KH-UBND",
    issued_on=date(2026, 11, 3),
    place="Thanh Nưa",
    issuing_body="ỦY BAN NHÂN DÂN XÃ THANH NƯA",
    title="Tổ chức Hội nghị trao đổi, đối thoại giữa Ủy ban nhân dân xã với Nhân dân năm 2026",
    year=2026,
    signer_capacity=SignerCapacity.ON_BEHALF,
    signer_body="ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name=THANH_NUA_CHAIR[0],
    legal_bases=lines(
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
        "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10/11/2022;",
        "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ quy định chi "
        "tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;",
        "Thực hiện Hướng dẫn của Sở Nội vụ tỉnh Điện Biên (năm 2024) về việc tổ chức Hội nghị "
        "trao đổi, đối thoại giữa UBND cấp xã với Nhân dân hằng năm;",
    ),
    purpose=DIEN_BIEN_PURPOSE,
    requirements=DIEN_BIEN_REQUIREMENTS,
    topics=_dien_bien_topics(2026),
    recipients=DIEN_BIEN_RECIPIENTS,
    tasks=DIEN_BIEN_TASKS,
    sessions=(
        DemoSession(
            key="thanh-nua-2026",
            kind=Kind.ANNUAL_CONFERENCE,
            title="Hội nghị trao đổi, đối thoại giữa UBND xã Thanh Nưa với Nhân dân năm 2026",
            day=date(2026, 12, 10),
            starts=(7, 30),
            ends=(11, 30),
            venue="Hội trường Ủy ban nhân dân xã Thanh Nưa",
            chair_name=THANH_NUA_CHAIR[0],
            chair_title=THANH_NUA_CHAIR[1],
            co_chairs=THANH_NUA_CO_CHAIRS,
            secretaries=("thuky", "thuky2"),
            status=Status.SCHEDULED,
            topics=_dien_bien_topics(2026),
            participants=THANH_NUA_PARTICIPANTS,
            invited_count=280,
            expected_count=280,
            speakers=(
                DemoSpeaker(
                    "Lò Văn Thẳm",
                    1965,
                    "Bản Mển",
                    "Kênh mương nội đồng bản Mển chưa được sửa chữa",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Lường Thị Thoa",
                    1987,
                    "Bản Nà Ten",
                    "Chuyển đổi cây trồng trên đất lúa kém hiệu quả",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Tòng Văn Dũng",
                    1990,
                    "Bản Nà Ten",
                    "Điểm tập kết rác thải ven đường liên bản",
                    Channel.FRONT,
                ),
                DemoSpeaker(
                    "Cà Thị Duyên",
                    2005,
                    "Bản Co Muống",
                    "Việc làm cho thanh niên sau khi học nghề",
                    organisation="Chi đoàn thanh niên bản Co Muống",
                ),
                DemoSpeaker(
                    "Lò Văn Inh",
                    1954,
                    "Bản Hồng Lứu",
                    "Thủ tục cấp đổi giấy chứng nhận quyền sử dụng đất",
                    Channel.IN_WRITING,
                ),
                # The same person again, registered in writing as well as through the bản: the
                # register flags it as a likely duplicate for the secretaries to settle.
                DemoSpeaker(
                    "Lò Văn Thẳm",
                    1965,
                    "Bản Mển",
                    "Kênh mương nội đồng bản Mển chưa được sửa chữa",
                    Channel.IN_WRITING,
                ),
            ),
        ),
        # Left running, so a new user can open the console right after `make run`.
        DemoSession(
            key=LIVE_SESSION,
            kind=Kind.THEMATIC,
            title="Đối thoại chuyên đề về đất đai với Nhân dân bản Co Mận",
            day=date(2026, 11, 20),
            starts=(8, 0),
            ends=(11, 0),
            venue="Nhà văn hóa bản Co Mận",
            chair_name=THANH_NUA_CHAIR[0],
            chair_title=THANH_NUA_CHAIR[1],
            secretaries=("thuky", "thuky2"),
            status=Status.IN_PROGRESS,
            topics=lines(
                "Cấp giấy chứng nhận quyền sử dụng đất",
                "Bồi thường, hỗ trợ khi làm đường liên bản",
            ),
            invited_count=90,
            expected_count=80,
            speakers=(
                DemoSpeaker(
                    "Quàng Văn Pấng",
                    1962,
                    "Bản Co Mận",
                    "Giấy chứng nhận quyền sử dụng đất chậm cấp",
                ),
                DemoSpeaker(
                    "Lò Thị Ín",
                    1979,
                    "Bản Co Mận",
                    "Tiền bồi thường đất làm đường liên bản",
                    outcome=Speaker.Status.WAITING,
                ),
                DemoSpeaker(
                    "Cầm Văn Hặc",
                    1958,
                    "Bản Nà Ngám",
                    "Ranh giới đất giữa hai bản",
                    Channel.HAMLET,
                    outcome=Speaker.Status.WAITING,
                ),
            ),
        ),
    ),
)

#: The live session's minutes so far: (kind, speaker's name or "", text).
LIVE_ENTRIES = (
    (
        "opening",
        "",
        "Đồng chí Lò Văn Thanh, Chủ tịch UBND xã, tuyên bố lý do, khai mạc buổi đối thoại.",
    ),
    (
        "delegates",
        "",
        "Giới thiệu đại biểu: Thường trực Đảng ủy, HĐND, UBND, UBMTTQ xã; "
        "trưởng bản Co Mận, Nà Ngám.",
    ),
    (
        "speech",
        "Quàng Văn Pấng",
        "Gia đình nộp hồ sơ cấp giấy chứng nhận từ tháng 3/2026 nhưng đến nay chưa được cấp, "
        "đề nghị xã cho biết lý do.",
    ),
    (
        "answer",
        "Quàng Văn Pấng",
        "Công chức Địa chính - Xây dựng trả lời: hồ sơ đang chờ đo đạc lại ranh giới, dự kiến "
        "hoàn thành trong tháng 12/2026.",
    ),
)

# --- 003: Hòa Sơn commune, 2024: three thematic dialogues under one plan -------------------------
# The plan's number and day ("Số: /KH-UBND", "ngày tháng 01 năm 2024") are blank in the source.

HOA_SON_FOURTH_TOPIC = (
    "Lắng nghe ý kiến của Cán bộ và nhân dân phản ánh về công tác sáp nhập xã, công tác quản lý, "
    "điều hành của chính quyền cấp xã; những vấn đề bức xúc của nhân dân năm 2024"
)
HOA_SON_PARTICIPANTS = lines(
    "Thường trực HĐND, Lãnh đạo UBND xã, MTTQ và các ban, ngành, đoàn thể của xã, của thôn",
    "Đại biểu HĐND xã",
    "Người dân có vấn đề cần tiếp xúc, đối thoại trên địa bàn xã",
)
HOA_SON_CHAIR = ("Hoàng Xuân Thập", "Phó Chủ tịch Ủy ban nhân dân xã")

HOA_SON = DemoPlan(
    unit="hoa-son",
    profile="hoa-son-2024",
    number="08/KH-UBND",
    issued_on=date(2024, 1, 15),
    place="Hòa Sơn",
    issuing_body="ỦY BAN NHÂN DÂN XÃ HÒA SƠN",
    title="Tiếp xúc, đối thoại với nhân dân năm 2024",
    year=2024,
    signer_capacity=SignerCapacity.DEPUTY,
    signer_body="CHỦ TỊCH",
    signer_title="PHÓ CHỦ TỊCH",
    signer_name="Hoàng Xuân Thập",
    legal_bases=lines(
        "Thực hiện Quyết định số 1158-QĐ/TU ngày 09/7/2015 của Ban Thường vụ Tỉnh ủy về ban hành "
        "Quy chế tiếp xúc, đối thoại trực tiếp của người đứng đầu cấp ủy đảng, chính quyền với "
        "nhân dân;",
        "Thực hiện sự chỉ đạo của Ủy ban nhân dân huyện Hiệp Hòa về tiếp xúc, đối thoại trực tiếp "
        "của Chủ tịch UBND huyện với nhân dân năm 2024;",
        "Thực hiện Kế hoạch số 80-KH/ĐU ngày 25/12/2023 của Đảng ủy về tiếp xúc, đối thoại trực "
        "tiếp của Bí thư Đảng ủy với nhân dân năm 2024;",
    ),
    purpose=lines(
        "Triển khai thực hiện nghiêm túc, có hiệu quả các nội dung Kế hoạch của UBND xã Hòa Sơn về "
        "tiếp xúc, đối thoại với nhân dân năm 2024. Nâng cao tinh thần trách nhiệm của các cấp "
        "chính quyền, các cơ quan, đơn vị trong hệ thống chính trị; tổ chức thực hiện tốt việc "
        "tiếp thu ý kiến, góp ý của Mặt trận Tổ quốc, các đoàn thể chính trị - xã hội và nhân dân "
        "tham gia xây dựng chính quyền.",
        "Góp phần đổi mới phương thức lãnh đạo của các cơ quan, đơn vị, UBND xã; tăng cường củng "
        "cố mối quan hệ mật thiết giữa chính quyền với nhân dân, phát huy và mở rộng quyền làm chủ "
        "của nhân dân; tuyên truyền, phổ biến chủ trương, Nghị quyết của Đảng, chính sách pháp "
        "luật của Nhà nước để tạo sự đồng thuận của nhân dân, góp phần củng cố, tăng cường sự "
        "thống nhất tư tưởng chính trị và khối đại đoàn kết toàn dân.",
        "Để người đứng đầu, UBND xã lắng nghe ý kiến tâm tư, nguyện vọng của nhân dân; tiếp thu "
        "đóng góp, phản ánh của nhân dân; bảo đảm quyền làm chủ và phát huy vai trò giám sát của "
        "nhân dân; kịp thời phát hiện những vấn đề vướng mắc, phát sinh để giải quyết hoặc đề nghị "
        "cấp có thẩm quyền bổ sung, điều chỉnh các chủ trương, chính sách, quy định chưa phù hợp.",
    ),
    requirements=lines(
        "Việc tiếp xúc, đối thoại với nhân dân phải tuân thủ các quy định của Đảng, pháp luật của "
        "nhà nước, bảo đảm sự lãnh đạo của Đảng, sự quản lý, điều hành của chính quyền và thực "
        "hiện phương châm “Nghe dân nói - nói dân hiểu - làm dân tin” để nhân dân tham gia góp ý "
        "xây dựng chính quyền.",
        "Tiếp xúc, đối thoại trực tiếp được tiến hành công khai, minh bạch, dân chủ, khách quan, "
        "thẳng thắn, đúng trọng tâm, trọng điểm vào vấn đề chính mà nhân dân quan tâm, đảm bảo "
        "ngắn gọn, dễ hiểu với tinh thần xây dựng, vì lợi ích chung và thực hiện tốt phương châm "
        "“dân biết, dân bàn, dân làm, dân kiểm tra”.",
        "Việc tiếp xúc, đối thoại đảm bảo dân chủ, tôn trọng lẫn nhau, không được lợi dụng buổi "
        "tiếp xúc, đối thoại để thực hiện ý đồ xấu.",
        "Việc tổ chức thực hiện tiếp xúc, đối thoại phải đồng bộ từ xã đến thôn, đảm bảo thiết "
        "thực, hiệu quả và sát với thực tế tại địa phương, đơn vị. Chương trình, nội dung, thời "
        "gian và địa điểm tiếp xúc, đối thoại phải được thông báo rộng rãi trên các phương tiện "
        "thông tin đại chúng của xã, của các thôn để nhân dân biết tham gia.",
    ),
    topics=lines(
        "Tiếp xúc đối thoại với nhân dân thôn Hương Sơn về công tác chuẩn bị hoàn thiện các tiêu "
        "chí để về đích thôn NTM kiểu mẫu năm 2024",
        "Tiếp xúc đối thoại với cán bộ và hội viên Hội Nông dân xã về công tác sản xuất, trồng "
        "trọt, chăn nuôi, sản phẩm chủ lực và sản phẩm OCOP năm 2024",
        "Tiếp xúc đối thoại với nhân dân thôn Sơn Trung về việc giải phóng mặt bằng và chương "
        "trình kế hoạch làm đường giao thông từ Thái Sơn đi Hòa Sơn",
        HOA_SON_FOURTH_TOPIC,
    ),
    recipients=lines(
        "UBND huyện;",
        "TT ĐU, TTHĐND xã;",
        "Lãnh đạo UBND xã;",
        "Trưởng các ban ngành xã; Trưởng thôn;",
        "Văn phòng HĐND-UBND huyện (bản điện tử);",
        "Phòng Nội vụ huyện (bản điện tử);",
        "Lưu: VT.",
    ),
    tasks=(
        DemoTask(
            assignee="UBND xã",
            duty="Phối hợp với Thường trực HĐND, Thường trực Ủy ban MTTQ xã tổ chức hội nghị tiếp "
            "xúc, đối thoại với nhân dân; đồng thời chỉ đạo các ban, ngành chức năng liên quan "
            "tham mưu ban hành các văn bản trả lời ý kiến đề nghị, kiến nghị của nhân dân.",
        ),
        DemoTask(
            agency="Văn phòng - Thống kê",
            duty="Chủ động tham mưu với UBND xã, phối hợp với các ban, ngành liên quan, phân loại "
            "nội dung, mức độ cấp thiết của vấn đề kiến nghị, phản ánh; chuẩn bị nội dung tiếp "
            "xúc, đối thoại; chuẩn bị chương trình, thời gian, địa điểm, thành phần phục vụ cuộc "
            "tiếp xúc đối thoại, phát hành văn bản, giấy mời; chuẩn bị cơ sở vật chất, kinh phí "
            "phục vụ hội nghị; đôn đốc tổng hợp dự thảo báo cáo trả lời ý kiến của nhân dân, báo "
            "cáo Chủ tịch UBND xã trước thời gian tổ chức hội nghị 05 ngày.",
        ),
        DemoTask(
            agency="Công chức Văn hóa - Xã hội",
            duty="Cùng Đài Truyền thanh xã tăng cường thời lượng thông tin tuyên truyền các nội "
            "dung chỉ đạo của tỉnh, của huyện và các nội dung của Kế hoạch này để nhân dân biết "
            "tham gia thực hiện.",
        ),
        DemoTask(
            assignee="Các ban ngành, đoàn thể, cán bộ, công chức xã, các đơn vị thôn",
            duty="Được giao nhiệm vụ phải chuẩn bị nghiêm túc, đầy đủ các nội dung, điều kiện phục "
            "vụ để tổ chức hội nghị đạt kết quả tốt.",
        ),
        DemoTask(
            assignee="Chủ trì buổi tiếp xúc, đối thoại (đại diện lãnh đạo UBND xã, đại diện ban "
            "quản lý thôn)",
            duty="Tuyên bố lý do, giới thiệu đại biểu, thành phần tham dự, thông qua nội dung "
            "chương trình, nội quy của buổi tiếp xúc, đối thoại; giới thiệu chủ tọa, thư ký ghi "
            "biên bản và phân công bộ phận tiếp nhận, tổng hợp ý kiến và đăng ký phát biểu của tổ "
            "chức, cán bộ, công chức và nhân dân.",
        ),
    ),
    sessions=(
        DemoSession(
            key="hoa-son-2024-huong-son",
            kind=Kind.THEMATIC,
            title="Tiếp xúc, đối thoại với nhân dân thôn Hương Sơn về xây dựng thôn nông thôn mới "
            "kiểu mẫu năm 2024",
            day=date(2024, 3, 22),
            starts=(8, 0),
            ends=(11, 30),
            venue="Nhà văn hóa thôn Hương Sơn",
            chair_name=HOA_SON_CHAIR[0],
            chair_title=HOA_SON_CHAIR[1],
            co_chairs="Đại diện Ban quản lý thôn Hương Sơn",
            secretaries=("thuky", "thuky2"),
            status=Status.HELD,
            topics=lines(
                "Công tác chuẩn bị hoàn thiện các tiêu chí để về đích thôn NTM kiểu mẫu năm 2024",
                HOA_SON_FOURTH_TOPIC,
            ),
            participants=HOA_SON_PARTICIPANTS,
            invited_count=120,
            expected_count=120,
            attending_count=104,
            invitation_number="15/GM-UBND",
            invitation_date=date(2024, 3, 13),
            milestones=(
                (
                    "prepared_answers",
                    date(2024, 3, 14),
                    "Văn phòng - Thống kê báo cáo Chủ tịch UBND xã dự thảo trả lời.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Nguyễn Văn Lực",
                    1961,
                    "Thôn Hương Sơn",
                    "Cứng hóa đường ngõ xóm theo tiêu chí NTM kiểu mẫu",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Ngô Thị Thu",
                    1978,
                    "Thôn Hương Sơn",
                    "Điểm tập kết rác, cây xanh trên các trục đường thôn",
                    Channel.HAMLET,
                    organisation="Chi hội Phụ nữ thôn Hương Sơn",
                ),
                DemoSpeaker(
                    "Nguyễn Văn Thắng",
                    1985,
                    "Thôn Hương Sơn",
                    "Cải tạo nhà văn hóa và khu thể thao thôn",
                ),
            ),
        ),
        DemoSession(
            key="hoa-son-2024-nong-dan",
            kind=Kind.THEMATIC,
            title="Tiếp xúc, đối thoại với cán bộ, hội viên Hội Nông dân xã về sản xuất, trồng "
            "trọt, chăn nuôi, sản phẩm chủ lực và sản phẩm OCOP năm 2024",
            day=date(2024, 6, 14),
            starts=(14, 0),
            ends=(17, 0),
            venue="Hội trường Ủy ban nhân dân xã Hòa Sơn",
            chair_name=HOA_SON_CHAIR[0],
            chair_title=HOA_SON_CHAIR[1],
            co_chairs="Chủ tịch Hội Nông dân xã",
            secretaries=("thuky", "thuky2"),
            status=Status.HELD,
            topics=lines(
                "Công tác sản xuất, trồng trọt, chăn nuôi, sản phẩm chủ lực và sản phẩm OCOP năm "
                "2024",
                HOA_SON_FOURTH_TOPIC,
            ),
            participants=lines(
                "Thường trực HĐND, Lãnh đạo UBND xã, MTTQ xã",
                "Cán bộ, hội viên Hội Nông dân xã",
                "Chi hội trưởng nông dân các thôn",
            ),
            invited_count=90,
            expected_count=90,
            attending_count=82,
            invitation_number="41/GM-UBND",
            invitation_date=date(2024, 6, 5),
            milestones=(
                (
                    "prepared_answers",
                    date(2024, 6, 6),
                    "Văn phòng - Thống kê báo cáo Chủ tịch UBND xã dự thảo trả lời.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Đỗ Văn Hải",
                    1969,
                    "Thôn Sơn Trung",
                    "Hỗ trợ giống, vật tư mở rộng vùng trồng cây ăn quả",
                    Channel.FRONT,
                    organisation="Chi hội Nông dân thôn Sơn Trung",
                ),
                DemoSpeaker(
                    "Nguyễn Thị Huệ",
                    1976,
                    "Thôn Hương Sơn",
                    "Hoàn thiện hồ sơ sản phẩm OCOP",
                    Channel.FRONT,
                    organisation="Hợp tác xã nông nghiệp Hòa Sơn",
                ),
                DemoSpeaker(
                    "Trần Văn Bảy",
                    1958,
                    "Thôn Sơn Trung",
                    "Vay vốn ưu đãi phát triển chăn nuôi",
                    Channel.FRONT,
                ),
            ),
        ),
        DemoSession(
            key="hoa-son-2024-son-trung",
            kind=Kind.THEMATIC,
            title="Tiếp xúc, đối thoại với nhân dân thôn Sơn Trung về giải phóng mặt bằng và kế "
            "hoạch làm đường giao thông từ Thái Sơn đi Hòa Sơn",
            day=date(2024, 9, 20),
            starts=(8, 0),
            ends=(11, 30),
            venue="Nhà văn hóa thôn Sơn Trung",
            chair_name=HOA_SON_CHAIR[0],
            chair_title=HOA_SON_CHAIR[1],
            co_chairs="Đại diện Ban quản lý thôn Sơn Trung",
            secretaries=("thuky", "thuky2"),
            status=Status.HELD,
            topics=lines(
                "Giải phóng mặt bằng và chương trình kế hoạch làm đường giao thông từ Thái Sơn đi "
                "Hòa Sơn",
                HOA_SON_FOURTH_TOPIC,
            ),
            participants=HOA_SON_PARTICIPANTS,
            invited_count=110,
            expected_count=110,
            attending_count=97,
            invitation_number="67/GM-UBND",
            invitation_date=date(2024, 9, 11),
            milestones=(
                (
                    "prepared_answers",
                    date(2024, 9, 12),
                    "Văn phòng - Thống kê báo cáo Chủ tịch UBND xã dự thảo trả lời.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Ngô Văn Tú",
                    1966,
                    "Thôn Sơn Trung",
                    "Phương án bồi thường, hỗ trợ khi thu hồi đất làm đường",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Dương Thị Hạnh",
                    1980,
                    "Thôn Sơn Trung",
                    "Thoát nước dọc tuyến đường Thái Sơn - Hòa Sơn",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Nguyễn Văn Sơn",
                    1973,
                    "Thôn Sơn Trung",
                    "Tiến độ thi công và đi lại trong thời gian thi công",
                ),
                DemoSpeaker(
                    "Đỗ Thị Lụa",
                    1992,
                    "Thôn Sơn Trung",
                    "Cấp lại giấy chứng nhận sau khi thu hồi một phần thửa đất",
                    Channel.AT_SESSION,
                    outcome=Speaker.Status.WITHDRAWN,
                    outcome_reason="Nội dung đã được trả lời trong ý kiến của ông Ngô Văn Tú.",
                ),
            ),
        ),
    ),
)

# --- 004: a commune Party Committee, 2017 ------------------------------------------------------
# The source names neither the commune nor the Secretary: "Xã An Bình (tên minh họa)" comes from
# dialogue/demo.py and the Secretary's name below is illustrative. The plan's number is plausible.

AN_BINH = DemoPlan(
    unit="an-binh",
    dates_in_plan=True,
    profile="dang-uy-2017",
    number="15-KH/ĐU",
    issued_on=date(2017, 3, 1),
    place="An Bình",
    issuing_body="ĐẢNG ỦY XÃ AN BÌNH",
    title="Tổ chức đối thoại giữa Bí thư Đảng ủy với nhân dân năm 2017",
    year=2017,
    signer_capacity=SignerCapacity.ON_BEHALF,
    signer_body="ĐẢNG ỦY",
    signer_title="BÍ THƯ",
    signer_name="Trần Văn Hòa",
    legal_bases=(
        "Căn cứ Quyết định 218-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị (khóa XI) và Quyết định "
        "2242-QĐ/TU ngày 03/02/2015 của Ban Thường vụ Tỉnh ủy ban hành quy định về việc Mặt trận "
        "Tổ quốc Việt Nam, các đoàn thể chính trị - xã hội và nhân dân tham gia góp ý xây dựng "
        "Đảng, xây dựng chính quyền."
    ),
    purpose=(
        "Thông qua đối thoại, giúp Bí thư Đảng ủy nắm bắt kịp thời tâm tư, nguyện vọng của nhân "
        "dân; tuyên truyền, giải thích để nhân dân hiểu và nhận thức đầy đủ, sâu sắc hơn về các "
        "chủ trương, nghị quyết của Đảng và chính sách, pháp luật của Nhà nước; tăng cường sự đồng "
        "thuận xã hội trong thực hiện nhiệm vụ chính trị ở địa phương."
    ),
    requirements=lines(
        "- Việc tổ chức đối thoại phải tuân thủ pháp luật; bảo đảm các quy định hiện hành của "
        "Đảng, Nhà nước và sự lãnh đạo của cấp ủy theo nguyên tắc tập trung dân chủ, phát huy tinh "
        "thần tự phê bình và phê bình; đề cao trách nhiệm của người đứng đầu cấp ủy; đảm bảo tính "
        "dân chủ, công khai trên tinh thần hợp tác, xây dựng theo quy định của pháp luật về thực "
        "hiện Quy chế dân chủ ở cơ sở.",
        "- Không lợi dụng việc đối thoại để làm trái các chủ trương, nghị quyết của Đảng, chính "
        "sách, pháp luật của Nhà nước hoặc đưa ra những thông tin không có căn cứ làm ảnh hưởng "
        "đến danh dự, uy tín của tổ chức, cá nhân. Các ý kiến trong đối thoại phải được tiếp thu "
        "trên tinh thần cầu thị, nghiêm túc, được tập hợp đầy đủ, trung thực và bảo đảm sự phối "
        "hợp chặt chẽ trong xử lý.",
    ),
    topics=lines(
        "Việc xây dựng và thực hiện các quy hoạch, nhất là quy hoạch chỉnh trang đô thị",
        "Công tác quản lý nhà nước trên các lĩnh vực, nhất là quản lý đất đai, trật tự xây dựng",
        "Vấn đề huy động nguồn lực đầu tư xây dựng các công trình giao thông, hệ thống thoát nước "
        "đô thị",
        "Công tác đảm bảo vệ sinh môi trường, nhất là vấn đề xử lý rác thải, nước thải sinh hoạt",
        "Công tác đảm bảo an ninh trật tự, an toàn xã hội và an toàn giao thông",
        "Tình hình thực hiện công tác cải cách hành chính, giải quyết thủ tục hành chính",
    ),
    recipients=lines(
        "Ban Thường vụ Huyện ủy (b/c);",
        "Thường trực Đảng ủy, HĐND, UBND xã;",
        "Mặt trận Tổ quốc và các đoàn thể xã;",
        "Chi ủy chi bộ ấp Chợ, ấp Căn cứ;",
        "Lưu: Văn phòng Đảng ủy.",
    ),
    tasks=(
        DemoTask(
            assignee="UBND xã",
            duty="Chuẩn bị báo cáo về tình hình, thực trạng công tác xây dựng đô thị và nông thôn "
            "mới trong thời gian qua, đồng thời đề xuất giải pháp chấn chỉnh và tăng cường việc "
            "triển khai thực hiện nhiệm vụ này trong thời gian tới; báo cáo gửi cho Thường trực "
            "Đảng ủy trước ngày 15/03/2017.",
        ),
        DemoTask(
            assignee="Trưởng Khối vận, Ban Tuyên giáo Đảng ủy, Mặt trận và các đoàn thể xã",
            duty="Thường xuyên theo dõi, nắm bắt tình hình, tâm trạng nhân dân, dư luận xã hội tại "
            "ấp Chợ, ấp Căn cứ trước khi tổ chức đối thoại; nếu có vấn đề nổi lên kịp thời phản "
            "ánh, báo cáo Thường trực Đảng ủy xem xét, chỉ đạo. Riêng Mặt trận và các đoàn thể xã "
            "có báo cáo tổng hợp các ý kiến, kiến nghị, phản ánh của đoàn viên, hội viên tổ chức "
            "mình có liên quan đến chủ đề, nội dung đối thoại và gửi về Thường trực Đảng ủy trước "
            "ngày 15/03/2017.",
        ),
        DemoTask(
            assignee="Cán bộ Tổ chức - Văn phòng Đảng ủy",
            duty=lines(
                "- Tổng hợp, phân loại nội dung các ý kiến, kiến nghị, phản ánh nêu trong các báo "
                "cáo của UBND xã, Mặt trận, đoàn thể xã để đề xuất Thường trực Đảng ủy giao cho "
                "các cơ quan, đơn vị liên quan chuẩn bị nội dung trả lời tại buổi đối thoại. Công "
                "việc này hoàn thành trước ngày 18/03/2017.",
                "- Phối hợp với Đài truyền thanh xã phổ biến nội dung kế hoạch này trên hệ thống "
                "truyền thanh của xã.",
                "- Phối hợp, trao đổi thống nhất với chi ủy chi bộ ấp mời đại biểu đại diện nhân "
                "dân tham dự; đồng thời chuẩn bị Hội trường và các điều kiện cần thiết để phục vụ "
                "tốt buổi đối thoại.",
                "- Phát hành Giấy mời các đại biểu tham dự trước khi tiến hành đối thoại ít nhất "
                "03 ngày làm việc.",
                "- Sau khi kết thúc buổi đối thoại, chậm nhất 10 ngày làm việc, có văn bản thông "
                "báo ý kiến kết luận của Thường trực Đảng ủy yêu cầu các ngành có liên quan giải "
                "quyết hoặc tham mưu văn bản kiến nghị cấp trên giải quyết (nếu vượt thẩm quyền "
                "cấp xã) những vấn đề ghi nhận trong đối thoại.",
            ),
        ),
        DemoTask(
            assignee="Các cán bộ, công chức có liên quan",
            duty=lines(
                "- Tham mưu chuẩn bị tốt nội dung đối thoại khi được Thường trực Đảng ủy phân "
                "công.",
                "- Khi được mời phải đến dự buổi đối thoại và tham mưu lãnh đạo trực tiếp trả lời "
                "các kiến nghị, đề xuất của nhân dân nêu lên thuộc chức năng, nhiệm vụ, thẩm quyền "
                "giải quyết của mình.",
            ),
        ),
        DemoTask(
            agency="Công an xã",
            duty="Xây dựng kế hoạch, bố trí lực lượng, phương tiện bảo đảm an ninh trật tự cho hội "
            "nghị và an toàn cho các đại biểu tham dự hội nghị.",
        ),
        DemoTask(
            assignee="Chi ủy chi bộ ấp Chợ và ấp Căn cứ",
            duty=lines(
                "- Chỉ đạo thông báo thường xuyên trên hệ thống truyền thanh của ấp chủ đề, nội "
                "dung, thành phần đối thoại và nội dung kế hoạch này để nhân dân biết, chủ động "
                "đăng ký tham gia.",
                "- Chỉ đạo Ban Công tác Mặt trận ấp phối hợp với ban quản lý tổ nhân dân tự quản "
                "tổ chức họp dân để nắm bắt tâm tư, nguyện vọng, kiến nghị của nhân dân, nhất là "
                "những vấn đề đã được nhân dân kiến nghị, đề xuất nhiều lần nhưng chưa giải quyết "
                "dứt điểm; tổng hợp báo cáo Thường trực Đảng ủy (qua Văn phòng Đảng ủy) trước ngày "
                "15/03/2017.",
                "- Phối hợp Văn phòng Đảng ủy mời đại biểu của ấp và đại diện nhân dân trên địa "
                "bàn tham dự hội nghị (chú ý gửi Giấy mời cho nhân dân ít nhất 03 ngày trước khi "
                "tiến hành đối thoại).",
                "- Chủ động chỉ đạo nắm tình hình tại cơ sở, kịp thời báo cáo, đề xuất Thường trực "
                "Đảng ủy chỉ đạo giải quyết những vấn đề vướng mắc nổi lên.",
            ),
        ),
    ),
    sessions=(
        DemoSession(
            key="an-binh-2017",
            kind=Kind.PARTY_SECRETARY,
            title="Đối thoại giữa Bí thư Đảng ủy với nhân dân năm 2017: Thực trạng và giải pháp "
            "nâng cao hiệu quả công tác vận động nhân dân tham gia xây dựng đô thị, xây dựng đời "
            "sống văn hóa và nông thôn mới",
            day=date(2017, 3, 25),
            starts=(7, 30),
            ends=(11, 0),
            venue="Nhà văn hóa xã An Bình",
            chair_name="Trần Văn Hòa",
            chair_title="Bí thư Đảng ủy xã",
            secretaries=("thuky",),
            status=Status.HELD,
            topics=lines(
                "Quy hoạch chỉnh trang đô thị",
                "Quản lý đất đai, trật tự xây dựng",
                "Giao thông, hệ thống thoát nước đô thị",
                "Vệ sinh môi trường, xử lý rác thải, nước thải sinh hoạt",
                "An ninh trật tự, an toàn xã hội và an toàn giao thông",
                "Cải cách hành chính, giải quyết thủ tục hành chính",
            ),
            participants=lines(
                "Đại biểu ở xã: Bí thư Đảng ủy; Trưởng Khối vận; Lãnh đạo Ủy ban nhân dân, Mặt "
                "trận Tổ quốc, các đoàn thể; Công chức trực thuộc Ủy ban nhân dân xã; Cán bộ Văn "
                "phòng - Tổ chức Đảng ủy",
                "Đại biểu ấp: Chi ủy chi bộ ấp, Ban công tác Mặt trận ấp, Ban quản lý tổ tự quản "
                "và nhân dân thuộc ấp Chợ và ấp Căn cứ (mỗi ấp tối thiểu 70 đại biểu trở lên)",
            ),
            invited_count=170,
            expected_count=140,
            attending_count=158,
            invitation_number="27-GM/ĐU",
            invitation_date=date(2017, 3, 20),
            milestones=(
                (
                    "invitations",
                    date(2017, 3, 20),
                    "Văn phòng Đảng ủy phối hợp chi ủy chi bộ ấp Chợ, ấp Căn cứ gửi giấy mời.",
                ),
            ),
            speakers=(
                DemoSpeaker(
                    "Nguyễn Văn Út",
                    1960,
                    "Ấp Chợ",
                    "Công khai quy hoạch chỉnh trang khu trung tâm ấp Chợ",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Lê Thị Bảy",
                    1972,
                    "Ấp Căn cứ",
                    "Xây dựng trên đất nông nghiệp, lấn chiếm hành lang giao thông",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Trần Văn Sáu",
                    1955,
                    "Ấp Chợ",
                    "Thoát nước khu chợ",
                    Channel.FRONT,
                    organisation="Ban công tác Mặt trận ấp Chợ",
                ),
                DemoSpeaker(
                    "Phạm Thị Mười",
                    1968,
                    "Ấp Chợ",
                    "Rác thải, nước thải sinh hoạt khu chợ",
                    Channel.FRONT,
                    organisation="Chi hội Phụ nữ ấp Chợ",
                ),
                DemoSpeaker(
                    "Võ Văn Tư",
                    1981,
                    "Ấp Căn cứ",
                    "An toàn giao thông và trộm cắp vặt ban đêm",
                    Channel.HAMLET,
                ),
                DemoSpeaker(
                    "Huỳnh Thị Lan",
                    1990,
                    "Ấp Căn cứ",
                    "Thời gian giải quyết thủ tục hành chính tại bộ phận một cửa",
                ),
            ),
        ),
    ),
)

PLANS = [HA_NAM, GIA_NGHIA, THANH_NUA_2024, HOA_SON, AN_BINH, THANH_NUA_2026]


# --- lookups shared with petitions/demo.py -----------------------------------------------------


def demo_units() -> dict[str, AdministrativeUnit]:
    """The units of dialogue/demo.py by key, found as it creates them: by name under the parent."""
    found: dict[str, AdministrativeUnit] = {}

    def walk(specs, parent):
        for spec in specs:
            unit = AdministrativeUnit.objects.get(name=spec.name, parent=parent)
            found[spec.key] = unit
            walk(spec.children, unit)

    walk(dialogue_demo.UNITS, None)
    return found


def agency_for(unit: AdministrativeUnit, name: str) -> Agency:
    """The agency of that name in `unit` or, failing that, in the nearest unit above it."""
    chain = [unit.pk, *reversed(unit.ancestor_ids)]
    agencies = {a.unit_id: a for a in Agency.objects.filter(unit_id__in=chain, name=name)}
    for unit_id in chain:
        if unit_id in agencies:
            return agencies[unit_id]
    raise Agency.DoesNotExist(f"{name} ({unit})")


def find_plan_and_session(key: str) -> tuple[DemoPlan, DemoSession]:
    for plan in PLANS:
        for session in plan.sessions:
            if session.key == key:
                return plan, session
    raise KeyError(key)


def find_session(key: str, units: dict[str, AdministrativeUnit] | None = None) -> DialogueSession:
    """The demo session `key` (see DemoSession.key), found by its natural key."""
    plan_spec, session_spec = find_plan_and_session(key)
    unit = (units or demo_units())[plan_spec.unit]
    return DialogueSession.objects.get(
        plan__unit=unit, plan__number=plan_spec.number, title=session_spec.title
    )


# --- the loader --------------------------------------------------------------------------------


def _load_plan(spec: DemoPlan, unit: AdministrativeUnit, users: dict[str, User]) -> None:
    actor = users[ORGANISER]
    plan = Plan.objects.filter(unit=unit, number=spec.number).first()
    if plan is None:
        tasks = [
            services.TaskLine(
                duty=t.duty,
                agency=agency_for(unit, t.agency) if t.agency else None,
                assignee=t.assignee,
            )
            for t in spec.tasks
        ]
        plan = services.plan_create(
            actor=actor,
            unit=unit,
            tasks=tasks,
            profile=DeadlineProfile.objects.get(code=spec.profile),
            **spec.plan_fields(),
        )
    if not plan.is_issued:
        if spec.dates_in_plan:
            for session_spec in spec.sessions:
                _session(session_spec, plan, users)
        plan = services.plan_issue(actor=actor, plan=plan)
    for session_spec in spec.sessions:
        _load_session(session_spec, plan, users)


def _session(spec: DemoSession, plan: Plan, users: dict[str, User]) -> DialogueSession:
    session = DialogueSession.objects.filter(plan=plan, title=spec.title).first()
    if session is not None:
        return session
    past = (
        # What happened, for a session entered after it was held; the workflow leaves
        # started_at/ended_at alone once they are set (otherwise they would say "today").
        {
            "started_at": spec.starts_at,
            "ended_at": spec.ends_at,
            "attending_count": spec.attending_count,
        }
        if spec.is_past
        else {}
    )
    return services.session_create(
        actor=users[ORGANISER],
        plan=plan,
        secretaries=[users[name] for name in spec.secretaries],
        kind=spec.kind,
        title=spec.title,
        topics=spec.topics,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        venue=spec.venue,
        chair_name=spec.chair_name,
        chair_title=spec.chair_title,
        co_chairs=spec.co_chairs,
        participants=spec.participants,
        invited_count=spec.invited_count,
        expected_count=spec.expected_count,
        invitation_number=spec.invitation_number,
        invitation_date=spec.invitation_date,
        **past,
    )


def _load_session(spec: DemoSession, plan: Plan, users: dict[str, User]) -> None:
    organiser = users[ORGANISER]
    secretary = users[spec.secretaries[0]]
    session = _session(spec, plan, users)
    for speaker in spec.speakers:
        exists = session.speakers.filter(
            full_name=speaker.full_name, address=speaker.address, channel=speaker.channel
        ).exists()
        if not exists:
            services.speaker_register(
                actor=secretary,
                session=session,
                full_name=speaker.full_name,
                birth_year=speaker.birth_year,
                address=speaker.address,
                organisation=speaker.organisation,
                topic=speaker.topic,
                summary=speaker.summary,
                channel=speaker.channel,
            )
    done = set(session.milestones_done.values_list("milestone", flat=True))
    for milestone, done_on, note in spec.milestones:
        if milestone not in done:
            services.milestone_mark_done(
                actor=organiser, session=session, milestone=milestone, done_on=done_on, note=note
            )
    _advance(session, spec, organiser=organiser, secretary=secretary)


def _advance(
    session: DialogueSession, spec: DemoSession, *, organiser: User, secretary: User
) -> None:
    """Walk the workflow from where the session is to where the demo leaves it."""
    rank = {status: i for i, status in enumerate(WORKFLOW)}
    held_on = f"{spec.day:%d/%m/%Y}"
    past_reason = f"Hội nghị đã tổ chức ngày {held_on}: nhập lại từ hồ sơ lưu trữ."
    while rank.get(session.status, len(WORKFLOW)) < rank[spec.status]:
        to = WORKFLOW[rank[session.status] + 1]
        if to == Status.SCHEDULED and not spec.is_past:
            try:
                session = services.session_transition(actor=organiser, session=session, to=to)
            except services.ConfirmationRequired:
                # Only if the demo is loaded after the December 2026 deadlines have passed.
                session = services.session_transition(
                    actor=organiser, session=session, to=to, confirm=True
                )
            continue
        session = services.session_transition(
            actor=organiser, session=session, to=to, confirm=True, reason=past_reason
        )
        if to == Status.IN_PROGRESS:
            _record_outcomes(session, spec, secretary)


def _record_outcomes(session: DialogueSession, spec: DemoSession, secretary: User) -> None:
    """What happened to each registration, recorded while the session runs."""
    outcomes = {(s.full_name, s.address, s.channel): s for s in spec.speakers}
    for speaker in session.speakers.all():
        wanted = outcomes.get((speaker.full_name, speaker.address, speaker.channel))
        if wanted is not None and speaker.status != wanted.outcome:
            services.speaker_update(
                actor=secretary,
                speaker=speaker,
                status=wanted.outcome,
                status_reason=wanted.outcome_reason,
            )


def _load_live_entries(units: dict[str, AdministrativeUnit], users: dict[str, User]) -> None:
    session = find_session(LIVE_SESSION, units)
    if session.status != Status.IN_PROGRESS:
        return
    speakers = {s.full_name: s for s in session.speakers.all()}
    for index, (kind, speaker, text) in enumerate(LIVE_ENTRIES):
        console.entry_save(
            actor=users["thuky"],
            session=session,
            uuid=uuid.uuid5(LIVE_NAMESPACE, f"{LIVE_SESSION}-{index}"),
            kind=kind,
            text=text,
            speaker=speakers.get(speaker),
        )


@transaction.atomic
def load() -> None:
    units = demo_units()
    users = {u.username: u for u in User.objects.filter(username__in=["tochuc", "thuky", "thuky2"])}
    for spec in PLANS:
        _load_plan(spec, units[spec.unit], users)
    _load_live_entries(units, users)
