"""Demo petitions and prepared answers for the demo sessions of sessions/demo.py.

Drawn from each source document's topics (land and site clearance, environment, infrastructure,
social policy, administrative procedures, public order, officials' conduct). Gia Nghĩa 2022 shows
the routing rule of its plan: a complaint and a denunciation are routed out with the plan's reason,
an off-topic question is accepted and answered separately in writing. Every petition was received
before its session; answers to past sessions were prepared before their due date.

Idempotent: a petition is found by (session, petitioner, content), a preparation by (petition,
agency); an answer is recorded only where none is. Runs after sessions/demo.py (app order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dialogue.models import User
from petitions import services
from petitions.models import Field, Petition, Preparation
from sessions import demo as session_demo

Source = Petition.Source
Competence = Petition.Competence
Scope = Petition.Scope

# Gia Nghĩa's plan (II, note): "Các nội dung liên quan đến giải quyết khiếu nại, tố cáo của công
# dân không đưa ra đối thoại tại hội nghị."
NOT_DIALOGUED = (
    "Theo Kế hoạch đối thoại năm 2022 của UBND thành phố, các nội dung liên quan đến giải quyết "
    "khiếu nại, tố cáo của công dân không đưa ra đối thoại tại hội nghị."
)

# Competence has no district level (the pre-2025 huyện / thành phố thuộc tỉnh). A matter the city
# of Gia Nghĩa decides itself is recorded as "commune" (the local level holding the dialogue); a
# matter that Hòa Sơn commune must pass to Hiệp Hòa district as "other_body".
LOCAL = Competence.COMMUNE


@dataclass(frozen=True)
class DemoPreparation:
    agency: str  # agency of the session's unit or of a unit above it
    answer: str = ""
    answered_on: date | None = None
    recorded_by: str = "tochuc"


@dataclass(frozen=True)
class DemoPetition:
    petitioner_name: str
    petitioner_address: str
    content: str
    field: str  # Field code
    received_on: date
    source: str
    competence: str = Competence.COMMUNE
    scope: str = Scope.IN_SCOPE
    routing_reason: str = ""
    times_raised: int = 1
    signatories: int = 1
    label: str = ""  # for duplicate_of below
    duplicate_of: str = ""
    preparations: tuple[DemoPreparation, ...] = ()


PETITIONS: dict[str, list[DemoPetition]] = {
    # --- 000: Hà Nam province, session of 14/06/2018 (answers due 5 working days before) ---
    "ha-nam-2018": [
        DemoPetition(
            "Trần Văn Thịnh",
            "Xã Liêm Tuyền, thành phố Phủ Lý",
            "Đề nghị xem xét lại đơn giá bồi thường, hỗ trợ đất nông nghiệp khi thu hồi đất thực "
            "hiện dự án trên địa bàn xã Liêm Tuyền; các hộ dân đã kiến nghị nhiều lần nhưng chưa "
            "được giải quyết dứt điểm.",
            "dat-dai-gpmb",
            date(2018, 5, 15),
            Source.FRONT,
            competence=Competence.PROVINCE,
            times_raised=3,
            signatories=12,
            preparations=(
                DemoPreparation(
                    "Sở Tài nguyên và Môi trường",
                    "Đơn giá bồi thường được áp dụng theo bảng giá đất và hệ số điều chỉnh giá đất "
                    "năm 2018 do UBND tỉnh ban hành. Sở phối hợp UBND thành phố Phủ Lý rà soát "
                    "từng hồ sơ, báo cáo cụ thể tại buổi đối thoại.",
                    date(2018, 6, 5),
                    recorded_by="coquan",
                ),
            ),
        ),
        DemoPetition(
            "Nguyễn Thị Hằng",
            "Phường Lam Hạ, thành phố Phủ Lý",
            "Đề nghị đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ được giao đất "
            "giãn dân từ năm 2005 tại phường Lam Hạ, đến nay chưa được cấp.",
            "dat-dai-gpmb",
            date(2018, 5, 21),
            Source.WRITTEN,
            competence=Competence.PROVINCE,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Sở Tài nguyên và Môi trường",
                    "Các hộ đủ điều kiện sẽ được cấp giấy chứng nhận trong quý III/2018; Văn phòng "
                    "đăng ký đất đai hướng dẫn các hộ còn thiếu giấy tờ bổ sung hồ sơ.",
                    date(2018, 6, 6),
                    recorded_by="coquan",
                ),
            ),
        ),
        DemoPetition(
            "Phạm Văn Quý",
            "Xã Tiên Tân, thành phố Phủ Lý",
            "Đề nghị xem xét, giải quyết chế độ cho người hoạt động kháng chiến bị nhiễm chất độc "
            "hóa học; hồ sơ đã nộp từ năm 2016 nhưng chưa có kết quả.",
            "chinh-sach-xa-hoi",
            date(2018, 5, 18),
            Source.FRONT,
            competence=Competence.PROVINCE,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Sở Lao động - Thương binh và Xã hội",
                    "Hồ sơ đã được Hội đồng giám định y khoa tỉnh tiếp nhận; Sở sẽ ban hành quyết "
                    "định trợ cấp trong tháng 7/2018 nếu kết quả giám định đủ điều kiện.",
                    date(2018, 6, 4),
                ),
            ),
        ),
        DemoPetition(
            "Đinh Thị Mai",
            "Phường Quang Trung, thành phố Phủ Lý",
            "Thời gian giải quyết hồ sơ chuyển mục đích sử dụng đất còn kéo dài, người dân phải đi "
            "lại nhiều lần; đề nghị công khai quy trình và thời hạn giải quyết.",
            "thu-tuc-hanh-chinh",
            date(2018, 5, 25),
            Source.MAILBOX,
            competence=Competence.PROVINCE,
            preparations=(
                DemoPreparation(
                    "Sở Nội vụ",
                    "Quy trình, thời hạn giải quyết đã được niêm yết tại Bộ phận tiếp nhận và trả "
                    "kết quả và trên Cổng thông tin điện tử tỉnh; Sở sẽ kiểm tra việc thực hiện.",
                    date(2018, 6, 5),
                ),
                DemoPreparation(
                    "Sở Tài nguyên và Môi trường",
                    "Hồ sơ trễ hạn do phải xác minh nguồn gốc đất; Sở đã rút ngắn thời gian thẩm "
                    "định xuống 10 ngày làm việc.",
                    date(2018, 6, 6),
                    recorded_by="coquan",
                ),
            ),
        ),
        DemoPetition(
            "Lê Văn Hùng",
            "Xã Liêm Tuyền, thành phố Phủ Lý",
            "Tình trạng khai thác cát trái phép trên sông Đáy vào ban đêm gây sạt lở bờ sông, ảnh "
            "hưởng đến đất canh tác của nhân dân.",
            "moi-truong",
            date(2018, 5, 28),
            Source.HAMLET_MEETING,
            competence=Competence.PROVINCE,
            signatories=25,
            preparations=(
                DemoPreparation(
                    "Công an tỉnh",
                    "Công an tỉnh đã lập chuyên án, tăng cường tuần tra trên sông Đáy vào ban đêm "
                    "và xử lý 03 phương tiện vi phạm.",
                    date(2018, 6, 5),
                ),
                DemoPreparation(
                    "Sở Tài nguyên và Môi trường",
                    "Sở phối hợp UBND thành phố Phủ Lý kiểm tra hiện trạng sạt lở, đề xuất phương "
                    "án khắc phục.",
                    date(2018, 6, 6),
                    recorded_by="coquan",
                ),
            ),
        ),
    ],
    # --- 001: Gia Nghĩa city, session of 26/10/2022 ---
    "gia-nghia-2022": [
        DemoPetition(
            "Hoàng Văn Tiến",
            "Tổ dân phố 2, phường Nghĩa Đức",
            "Đề nghị thành phố sớm chi trả tiền bồi thường, hỗ trợ và bố trí tái định cư cho các "
            "hộ bị thu hồi đất thực hiện dự án hồ trung tâm thành phố; nhiều hộ đã bàn giao mặt "
            "bằng nhưng chưa được bố trí đất tái định cư.",
            "dat-dai-gpmb",
            date(2022, 9, 20),
            Source.FRONT,
            competence=LOCAL,
            times_raised=3,
            signatories=8,
            preparations=(
                DemoPreparation(
                    "Phòng Tài nguyên và Môi trường",
                    "Thành phố đã phê duyệt phương án bố trí tái định cư đợt 2; các hộ đủ điều "
                    "kiện sẽ bốc thăm lô đất trong quý IV/2022.",
                    date(2022, 10, 17),
                ),
            ),
        ),
        DemoPetition(
            "Lê Thị Hồng",
            "Tổ dân phố 1, phường Nghĩa Thành",
            "Tuyến đường nội thị qua tổ dân phố 1 xuống cấp, mùa mưa nước tràn vào nhà dân; đề "
            "nghị đầu tư hệ thống thoát nước.",
            "ha-tang-giao-thong",
            date(2022, 9, 28),
            Source.HAMLET_MEETING,
            competence=LOCAL,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Phòng Quản lý đô thị",
                    "Tuyến mương thoát nước đã được đưa vào danh mục đầu tư công năm 2023; trước "
                    "mắt thành phố nạo vét, khơi thông cống hiện có.",
                    date(2022, 10, 18),
                ),
            ),
        ),
        DemoPetition(
            "Trần Đình Khoa",
            "Tổ dân phố 5, phường Nghĩa Thành",
            "Cơ sở sơ chế cà phê trong khu dân cư tổ dân phố 5 xả nước thải, gây mùi hôi và ô "
            "nhiễm suối; đề nghị kiểm tra, xử lý.",
            "moi-truong",
            date(2022, 10, 3),
            Source.MAILBOX,
            competence=LOCAL,
            preparations=(
                DemoPreparation(
                    "Phòng Tài nguyên và Môi trường",
                    "Đoàn kiểm tra liên ngành đã lập biên bản, yêu cầu cơ sở dừng xả thải và xây "
                    "dựng hệ thống xử lý nước thải trước ngày 31/12/2022.",
                    date(2022, 10, 18),
                ),
            ),
        ),
        DemoPetition(
            "Phạm Thị Thanh Hương",
            "Tổ dân phố 4, phường Nghĩa Đức",
            "Đề nghị điều chỉnh bảng giá đất tại khu vực phường Nghĩa Đức cho phù hợp giá thị "
            "trường khi tính tiền sử dụng đất.",
            "dat-dai-gpmb",
            date(2022, 10, 5),
            Source.WRITTEN,
            # Beyond the city's authority: the province issues the land price table.
            competence=Competence.PROVINCE,
            preparations=(
                DemoPreparation(
                    "Phòng Tài nguyên và Môi trường",
                    "Bảng giá đất do UBND tỉnh ban hành; thành phố tiếp thu và tổng hợp kiến nghị "
                    "gửi UBND tỉnh xem xét khi điều chỉnh bảng giá đất.",
                    date(2022, 10, 17),
                ),
            ),
        ),
        DemoPetition(
            "Vũ Văn Long",
            "Tổ dân phố 3, phường Nghĩa Đức",
            "Khiếu nại quyết định thu hồi đất và phương án bồi thường, hỗ trợ đối với thửa đất của "
            "gia đình tại tổ dân phố 3, phường Nghĩa Đức; đề nghị xem xét lại diện tích được bồi "
            "thường.",
            "dat-dai-gpmb",
            date(2022, 10, 7),
            Source.WRITTEN,
            competence=LOCAL,
            scope=Scope.COMPLAINT,
            routing_reason=f"Khiếu nại quyết định hành chính. {NOT_DIALOGUED} Chuyển Thanh tra "
            "thành phố hướng dẫn công dân gửi đơn và giải quyết theo Luật Khiếu nại năm 2011.",
        ),
        DemoPetition(
            "Nguyễn Hữu Phước",
            "Tổ dân phố 2, phường Nghĩa Thành",
            "Tố cáo một công chức địa chính phường có hành vi gây khó khăn, đòi tiền khi tiếp nhận "
            "hồ sơ đăng ký biến động đất đai.",
            "le-loi-can-bo",
            date(2022, 10, 10),
            Source.MAILBOX,
            competence=LOCAL,
            scope=Scope.DENUNCIATION,
            routing_reason=f"Tố cáo hành vi của công chức. {NOT_DIALOGUED} Chuyển Thanh tra thành "
            "phố thụ lý, giải quyết theo Luật Tố cáo năm 2018; giữ bí mật thông tin người tố cáo.",
        ),
        DemoPetition(
            "Bùi Thị Nga",
            "Tổ dân phố 1, phường Nghĩa Đức",
            "Đề nghị giải thích vì sao hóa đơn tiền điện sinh hoạt tháng 8/2022 của gia đình tăng "
            "cao bất thường so với các tháng trước.",
            "khac",
            date(2022, 10, 12),
            Source.MAILBOX,
            competence=Competence.OTHER_BODY,
            scope=Scope.OFF_TOPIC,
            routing_reason="Câu hỏi ngoài nội dung đối thoại: người chủ trì vẫn tiếp nhận và trả "
            "lời riêng bằng văn bản (Kế hoạch, mục III.1); đề nghị Điện lực Gia Nghĩa trả lời "
            "công dân.",
        ),
    ],
    # --- 002: Thanh Nưa commune, conference of 28/11/2024 ---
    "thanh-nua-2024": [
        DemoPetition(
            "Lò Văn Thẳm",
            "Bản Mển",
            "Đoạn kênh mương nội đồng bản Mển bị sạt lở sau mưa lũ, nhiều diện tích lúa vụ đông "
            "xuân có nguy cơ thiếu nước tưới; đề nghị xã sửa chữa.",
            "ha-tang-giao-thong",
            date(2024, 11, 5),
            Source.HAMLET_MEETING,
            times_raised=2,
            signatories=15,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Đã khảo sát hiện trạng; UBND xã tổ chức đắp tạm bằng bao tải đất trước vụ "
                    "đông xuân và đề nghị UBND huyện bố trí kinh phí kiên cố hóa năm 2025.",
                    date(2024, 11, 25),
                ),
            ),
        ),
        DemoPetition(
            "Quàng Thị Xuân",
            "Bản Hồng Lứu",
            "Đề nghị hướng dẫn thủ tục và đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất ở "
            "cho các hộ đã sử dụng đất ổn định.",
            "dat-dai-gpmb",
            date(2024, 11, 6),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Công chức địa chính sẽ hướng dẫn trực tiếp tại nhà văn hóa bản Hồng Lứu; hồ "
                    "sơ đầy đủ được chuyển Văn phòng đăng ký đất đai trong 03 ngày làm việc.",
                    date(2024, 11, 22),
                ),
            ),
        ),
        DemoPetition(
            "Lường Văn Chiến",
            "Bản Co Muống",
            "Đề nghị rà soát lại danh sách hộ nghèo, hộ cận nghèo năm 2024 cho đúng đối tượng và "
            "hỗ trợ làm nhà cho hộ nghèo còn ở nhà tạm.",
            "chinh-sach-xa-hoi",
            date(2024, 11, 8),
            Source.FRONT,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Công chức Văn hóa - Xã hội",
                    "Kết quả rà soát hộ nghèo được niêm yết công khai tại các bản; 04 hộ ở nhà tạm "
                    "được đưa vào danh sách hỗ trợ xóa nhà tạm năm 2025.",
                    date(2024, 11, 26),
                ),
            ),
        ),
        DemoPetition(
            "Tòng Văn Dũng",
            "Bản Nà Ten",
            "Rác thải sinh hoạt chưa được thu gom, người dân đổ ra ven suối; đề nghị bố trí điểm "
            "tập kết và lịch thu gom.",
            "moi-truong",
            date(2024, 11, 12),
            Source.MAILBOX,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã bố trí 02 điểm tập kết rác tại bản Nà Ten và thống nhất lịch thu gom hai "
                    "lần mỗi tuần.",
                    date(2024, 11, 26),
                ),
            ),
        ),
        DemoPetition(
            "Cà Văn Lả",
            "Bản Mển",
            "Phản ánh thái độ phục vụ chưa đúng mực của một số công chức tại bộ phận một cửa xã.",
            "le-loi-can-bo",
            date(2024, 11, 14),
            Source.WRITTEN,
            preparations=(
                DemoPreparation(
                    "Văn phòng - Thống kê",
                    "Chủ tịch UBND xã đã nhắc nhở công chức liên quan và công khai số điện thoại "
                    "đường dây nóng tại bộ phận một cửa.",
                    date(2024, 11, 26),
                ),
            ),
        ),
        DemoPetition(
            "Lò Thị Ánh",
            "Bản Hồng Lứu",
            "Tình trạng thanh thiếu niên tụ tập, chạy xe máy tốc độ cao trên đường liên bản vào "
            "buổi tối, gây mất an toàn giao thông.",
            "an-ninh-trat-tu",
            date(2024, 11, 7),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công an xã",
                    "Công an xã tăng cường tuần tra vào buổi tối, phối hợp gia đình và nhà trường "
                    "giáo dục các trường hợp vi phạm.",
                    date(2024, 11, 25),
                ),
            ),
        ),
    ],
    # --- 003: Hòa Sơn commune, three thematic dialogues (answers 5 days before each) ---
    "hoa-son-2024-huong-son": [
        DemoPetition(
            "Nguyễn Văn Lực",
            "Thôn Hương Sơn",
            "Đề nghị xã hỗ trợ xi măng để nhân dân hoàn thiện cứng hóa các tuyến đường ngõ xóm còn "
            "lại, đáp ứng tiêu chí thôn nông thôn mới kiểu mẫu.",
            "ha-tang-giao-thong",
            date(2024, 3, 4),
            Source.HAMLET_MEETING,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã hỗ trợ 100% xi măng cho 1,2 km đường ngõ xóm còn lại; nhân dân đóng góp "
                    "ngày công và cát, đá.",
                    date(2024, 3, 13),
                ),
            ),
        ),
        DemoPetition(
            "Ngô Thị Thu",
            "Thôn Hương Sơn",
            "Đề nghị bố trí thêm điểm tập kết rác và trồng cây xanh, hoa dọc các trục đường thôn.",
            "moi-truong",
            date(2024, 3, 5),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã bố trí thêm 02 điểm tập kết rác; Chi hội Phụ nữ nhận trồng và chăm sóc "
                    "tuyến đường hoa.",
                    date(2024, 3, 13),
                ),
            ),
        ),
        DemoPetition(
            "Nguyễn Văn Thắng",
            "Thôn Hương Sơn",
            "Đề nghị cải tạo, bổ sung trang thiết bị nhà văn hóa và khu thể thao thôn Hương Sơn.",
            "chinh-sach-xa-hoi",
            date(2024, 3, 8),
            Source.MAILBOX,
            preparations=(
                DemoPreparation(
                    "Công chức Văn hóa - Xã hội",
                    "Nhà văn hóa thôn được bổ sung âm thanh, bàn ghế từ nguồn kinh phí nông thôn "
                    "mới năm 2024.",
                    date(2024, 3, 14),
                ),
            ),
        ),
    ],
    "hoa-son-2024-nong-dan": [
        DemoPetition(
            "Đỗ Văn Hải",
            "Thôn Sơn Trung",
            "Đề nghị hỗ trợ giống, vật tư và hướng dẫn kỹ thuật để mở rộng vùng trồng cây ăn quả "
            "tập trung.",
            "khac",
            date(2024, 5, 27),
            Source.FRONT,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Văn phòng - Thống kê",
                    "UBND xã đề nghị huyện hỗ trợ giống theo chương trình phát triển sản xuất; "
                    "Hội Nông dân tổ chức lớp tập huấn kỹ thuật trong tháng 7/2024.",
                    date(2024, 6, 5),
                ),
            ),
        ),
        DemoPetition(
            "Nguyễn Thị Huệ",
            "Thôn Hương Sơn",
            "Đề nghị xã hỗ trợ hoàn thiện hồ sơ, bao bì, nhãn mác để sản phẩm nông sản chủ lực của "
            "xã tham gia đánh giá, phân hạng OCOP năm 2024.",
            "khac",
            date(2024, 5, 29),
            Source.FRONT,
            preparations=(
                DemoPreparation(
                    "Văn phòng - Thống kê",
                    "Xã phối hợp phòng chuyên môn huyện hướng dẫn hồ sơ OCOP và hỗ trợ kinh phí "
                    "thiết kế nhãn mác.",
                    date(2024, 6, 5),
                ),
            ),
        ),
        DemoPetition(
            "Trần Văn Bảy",
            "Thôn Sơn Trung",
            "Đề nghị hướng dẫn thủ tục vay vốn ưu đãi để phát triển chăn nuôi cho hội viên nông "
            "dân.",
            "chinh-sach-xa-hoi",
            date(2024, 5, 30),
            Source.FRONT,
            preparations=(
                DemoPreparation(
                    "Công chức Văn hóa - Xã hội",
                    "Hội viên đăng ký qua Tổ tiết kiệm và vay vốn của Hội Nông dân; Ngân hàng "
                    "Chính sách xã hội giải ngân tại điểm giao dịch xã.",
                    date(2024, 6, 6),
                ),
            ),
        ),
    ],
    "hoa-son-2024-son-trung": [
        DemoPetition(
            "Ngô Văn Tú",
            "Thôn Sơn Trung",
            "Đề nghị công khai phương án bồi thường, hỗ trợ và sớm chi trả tiền cho các hộ có đất "
            "bị thu hồi làm tuyến đường từ Thái Sơn đi Hòa Sơn.",
            "dat-dai-gpmb",
            date(2024, 9, 3),
            Source.HAMLET_MEETING,
            # The district approves compensation: beyond the commune's authority.
            competence=Competence.OTHER_BODY,
            times_raised=3,
            signatories=21,
            preparations=(
                DemoPreparation(
                    "Văn phòng HĐND-UBND huyện",
                    "Phương án bồi thường được niêm yết tại nhà văn hóa thôn Sơn Trung từ ngày "
                    "16/9/2024; tiền bồi thường chi trả sau khi phương án được phê duyệt.",
                    date(2024, 9, 11),
                ),
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã đã đo đạc, kiểm đếm xong 34/36 hộ; hai hộ còn lại được kiểm đếm trong "
                    "tuần.",
                    date(2024, 9, 11),
                ),
            ),
        ),
        DemoPetition(
            "Dương Thị Hạnh",
            "Thôn Sơn Trung",
            "Đề nghị thiết kế hệ thống thoát nước dọc tuyến đường Thái Sơn - Hòa Sơn để tránh ngập "
            "úng cho các hộ hai bên đường.",
            "ha-tang-giao-thong",
            date(2024, 9, 4),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Hồ sơ thiết kế đã có rãnh thoát nước dọc hai bên tuyến; xã đề nghị chủ đầu tư "
                    "bổ sung cống ngang tại khu dân cư.",
                    date(2024, 9, 12),
                ),
            ),
        ),
        DemoPetition(
            "Nguyễn Văn Sơn",
            "Thôn Sơn Trung",
            "Đề nghị cho biết kế hoạch, tiến độ thi công tuyến đường và phương án bảo đảm đi lại "
            "cho nhân dân trong thời gian thi công.",
            "ha-tang-giao-thong",
            date(2024, 9, 6),
            Source.MAILBOX,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Tuyến đường dự kiến khởi công quý IV/2024, thi công cuốn chiếu từng đoạn và "
                    "giữ một làn cho người dân đi lại.",
                    date(2024, 9, 12),
                ),
            ),
        ),
    ],
    # --- 004: An Bình Party Committee, dialogue of 25/03/2017 (one petition per issue) ---
    "an-binh-2017": [
        DemoPetition(
            "Nguyễn Văn Út",
            "Ấp Chợ",
            "Đề nghị công khai quy hoạch chỉnh trang khu trung tâm ấp Chợ và cho biết thời gian "
            "thực hiện; người dân chưa biết để xây sửa nhà.",
            "dat-dai-gpmb",
            date(2017, 3, 8),
            Source.HAMLET_MEETING,
            times_raised=2,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Bản đồ quy hoạch chỉnh trang được niêm yết tại trụ sở UBND xã và nhà văn hóa "
                    "ấp Chợ; các hộ ngoài phạm vi điều chỉnh được xây sửa nhà theo giấy phép.",
                    date(2017, 3, 17),
                ),
            ),
        ),
        DemoPetition(
            "Lê Thị Bảy",
            "Ấp Căn cứ",
            "Phản ánh tình trạng xây dựng nhà trên đất nông nghiệp, lấn chiếm hành lang đường giao "
            "thông tại ấp Căn cứ chưa được xử lý kịp thời.",
            "dat-dai-gpmb",
            date(2017, 3, 9),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã đã lập biên bản 05 trường hợp, yêu cầu tự tháo dỡ công trình lấn chiếm "
                    "hành lang trước ngày 30/4/2017.",
                    date(2017, 3, 17),
                ),
            ),
        ),
        DemoPetition(
            "Trần Văn Sáu",
            "Ấp Chợ",
            "Đề nghị đầu tư nạo vét, nâng cấp hệ thống thoát nước khu chợ; mỗi khi mưa lớn nước "
            "ngập, ảnh hưởng việc buôn bán của bà con.",
            "ha-tang-giao-thong",
            date(2017, 3, 10),
            Source.FRONT,
            times_raised=3,
            signatories=30,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Xã nạo vét mương thoát nước khu chợ trước mùa mưa và kiến nghị huyện đầu tư "
                    "nâng cấp trong kế hoạch năm 2018.",
                    date(2017, 3, 17),
                ),
            ),
        ),
        DemoPetition(
            "Phạm Thị Mười",
            "Ấp Chợ",
            "Rác thải, nước thải sinh hoạt từ khu chợ chưa được thu gom, xử lý, gây ô nhiễm kênh "
            "thủy lợi.",
            "moi-truong",
            date(2017, 3, 10),
            Source.FRONT,
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Ban quản lý chợ ký hợp đồng thu gom rác hằng ngày; xã vận động tiểu thương "
                    "không xả rác xuống kênh.",
                    date(2017, 3, 17),
                ),
            ),
        ),
        DemoPetition(
            "Võ Văn Tư",
            "Ấp Căn cứ",
            "Đề nghị tăng cường tuần tra, xử lý tình trạng xe tải trọng lớn chạy tốc độ cao qua ấp "
            "Căn cứ và trộm cắp vặt vào ban đêm.",
            "an-ninh-trat-tu",
            date(2017, 3, 11),
            Source.HAMLET_MEETING,
            preparations=(
                DemoPreparation(
                    "Công an xã",
                    "Công an xã phối hợp dân phòng tuần tra ban đêm và đề nghị huyện cắm biển hạn "
                    "chế tải trọng trên tuyến qua ấp.",
                    date(2017, 3, 16),
                ),
            ),
        ),
        DemoPetition(
            "Huỳnh Thị Lan",
            "Ấp Căn cứ",
            "Thời gian giải quyết hồ sơ chứng thực, đăng ký hộ tịch tại bộ phận một cửa xã còn "
            "chậm; đề nghị niêm yết công khai thủ tục và lịch tiếp nhận.",
            "thu-tuc-hanh-chinh",
            date(2017, 3, 13),
            Source.MAILBOX,
            preparations=(
                DemoPreparation(
                    "Văn phòng - Thống kê",
                    "Bộ phận một cửa niêm yết thủ tục, phí và lịch tiếp nhận; chứng thực được trả "
                    "trong ngày.",
                    date(2017, 3, 16),
                ),
            ),
        ),
    ],
    # --- Thanh Nưa commune, conference of 10/12/2026 (upcoming: some answers still due) ---
    "thanh-nua-2026": [
        DemoPetition(
            "Lò Văn Thẳm",
            "Bản Mển",
            "Đề nghị sửa chữa đoạn kênh mương nội đồng bản Mển bị sạt lở từ mùa mưa năm 2024, đến "
            "nay chưa được khắc phục, hơn 10 ha lúa thiếu nước tưới.",
            "ha-tang-giao-thong",
            date(2026, 11, 4),
            Source.HAMLET_MEETING,
            times_raised=2,  # raised at the 2024 conference too; the duplicate below adds one
            signatories=15,
            label="kenh-muong",
            preparations=(
                DemoPreparation(
                    "Công chức Địa chính - Xây dựng",
                    "Hạng mục kiên cố hóa 350 m kênh bản Mển đã được đưa vào kế hoạch đầu tư công "
                    "năm 2027; trước vụ đông xuân xã tổ chức nạo vét, đắp tạm.",
                    date(2026, 11, 19),
                ),
            ),
        ),
        DemoPetition(
            "Lò Thị Xuân",
            "Bản Mển",
            "Kênh mương nội đồng bản Mển sạt lở, đề nghị xã sớm sửa chữa trước vụ đông xuân.",
            "ha-tang-giao-thong",
            date(2026, 11, 9),
            Source.MAILBOX,
            duplicate_of="kenh-muong",
        ),
        DemoPetition(
            "Lường Thị Thoa",
            "Bản Nà Ten",
            "Đề nghị hướng dẫn và hỗ trợ giống để chuyển đổi diện tích trồng lúa kém hiệu quả sang "
            "trồng cây ăn quả.",
            "khac",
            date(2026, 11, 5),
            Source.HAMLET_MEETING,
            preparations=(DemoPreparation("Văn phòng - Thống kê"),),
        ),
        DemoPetition(
            "Tòng Văn Dũng",
            "Bản Nà Ten",
            "Điểm tập kết rác ven đường liên bản Nà Ten quá tải, rác không được chở đi kịp thời; "
            "đề nghị tăng số lần thu gom.",
            "moi-truong",
            date(2026, 11, 10),
            Source.FRONT,
            times_raised=2,
            preparations=(DemoPreparation("Công chức Địa chính - Xây dựng"),),
        ),
        DemoPetition(
            "Cà Thị Duyên",
            "Bản Co Muống",
            "Đề nghị xã giới thiệu việc làm, hỗ trợ vay vốn cho thanh niên đã học nghề nhưng chưa "
            "có việc làm.",
            "chinh-sach-xa-hoi",
            date(2026, 11, 12),
            Source.FRONT,
            preparations=(
                DemoPreparation(
                    "Công chức Văn hóa - Xã hội",
                    "Xã phối hợp Trung tâm Dịch vụ việc làm tỉnh tổ chức phiên giao dịch việc làm "
                    "tại xã; thanh niên được vay vốn từ Quỹ quốc gia về việc làm.",
                    date(2026, 11, 20),
                ),
            ),
        ),
        DemoPetition(
            "Lò Văn Inh",
            "Bản Hồng Lứu",
            "Đề nghị hướng dẫn thủ tục cấp đổi giấy chứng nhận quyền sử dụng đất sau khi sắp xếp "
            "đơn vị hành chính; người dân không biết nộp hồ sơ ở đâu.",
            "thu-tuc-hanh-chinh",
            date(2026, 11, 13),
            Source.WRITTEN,
            preparations=(
                DemoPreparation(
                    "Văn phòng - Thống kê",
                    "Hồ sơ cấp đổi được tiếp nhận tại Trung tâm Phục vụ hành chính công xã hoặc "
                    "nộp trực tuyến trên Cổng Dịch vụ công quốc gia.",
                    date(2026, 11, 20),
                ),
                DemoPreparation("Công chức Địa chính - Xây dựng"),
            ),
        ),
        DemoPetition(
            "Quàng Văn Tính",
            "Bản Hồng Lứu",
            "Xe tải chở vật liệu chạy tốc độ cao qua bản Hồng Lứu vào giờ học sinh tan trường; đề "
            "nghị lắp biển báo và tăng cường kiểm tra.",
            "an-ninh-trat-tu",
            date(2026, 11, 16),
            Source.HAMLET_MEETING,
            preparations=(DemoPreparation("Công an xã"),),
        ),
    ],
}


def _load_petition(
    spec: DemoPetition, session, *, actor: User, fields: dict, labelled: dict
) -> Petition:
    petition = Petition.objects.filter(
        session=session, petitioner_name=spec.petitioner_name, content=spec.content
    ).first()
    if petition is None:
        petition = services.petition_create(
            actor=actor,
            session=session,
            source=spec.source,
            received_on=spec.received_on,
            petitioner_name=spec.petitioner_name,
            petitioner_address=spec.petitioner_address,
            signatories=spec.signatories,
            content=spec.content,
            field=fields[spec.field],
            competence=spec.competence,
            scope=spec.scope,
            routing_reason=spec.routing_reason,
            duplicate_of=labelled[spec.duplicate_of] if spec.duplicate_of else None,
            times_raised=spec.times_raised,
        )
    if spec.label:
        labelled[spec.label] = petition
    return petition


def _load_preparation(
    spec: DemoPreparation, petition: Petition, *, actor: User, users: dict[str, User]
) -> None:
    agency = session_demo.agency_for(petition.unit, spec.agency)
    preparation = Preparation.objects.filter(petition=petition, agency=agency).first()
    if preparation is None:
        preparation = services.preparation_assign(actor=actor, petition=petition, agency=agency)
    if spec.answer and preparation.answered_on is None:
        services.preparation_record_answer(
            actor=users[spec.recorded_by],
            preparation=preparation,
            answer=spec.answer,
            answered_on=spec.answered_on,
        )


@transaction.atomic
def load() -> None:
    units = session_demo.demo_units()
    users = {u.username: u for u in User.objects.filter(username__in=["tochuc", "coquan"])}
    actor = users["tochuc"]
    fields = {f.code: f for f in Field.objects.all()}
    for session_key, specs in PETITIONS.items():
        session = session_demo.find_session(session_key, units)
        labelled: dict[str, Petition] = {}
        for spec in specs:
            petition = _load_petition(spec, session, actor=actor, fields=fields, labelled=labelled)
            for preparation in spec.preparations:
                _load_preparation(preparation, petition, actor=actor, users=users)
