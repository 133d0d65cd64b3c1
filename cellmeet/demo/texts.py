"""What the demo's minutes say: directives, content, opinions, tasks, lessons and reasons
for absence, picked from by a seeded generator."""

DIRECTIVES = [
    ("18-NQ/TW", "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị"),
    ("19-NQ/TW", "Tiếp tục đổi mới hệ thống tổ chức và quản lý, nâng cao chất lượng và hiệu quả hoạt động của các đơn vị sự nghiệp công lập"),
    ("05-CT/TW", "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("08-QĐi/TW", "Quy định về trách nhiệm nêu gương của cán bộ, đảng viên"),
    ("12-HD/BTCTW", "Hướng dẫn một số vấn đề về nâng cao chất lượng sinh hoạt chi bộ"),
    ("27-NQ/TW", "Cải cách chính sách tiền lương"),
]  # fmt: skip
CONTENT = {
    "opening": "Đồng chí Bí thư chi bộ nêu mục đích, yêu cầu; giới thiệu đại biểu. Chi bộ nhất trí thông qua chương trình và cử thư ký.",
    "situation": "Báo cáo tình hình đảng viên dự sinh hoạt theo danh sách điểm danh.",
    "current_affairs": "Thông tin tình hình thời sự trong nước, quốc tế và của tỉnh, {local} trong tháng {m}/{y}.",
    "directives": "Phổ biến, quán triệt các văn bản của cấp trên; đảng viên nghiên cứu và thực hiện.",
    "evaluation": "Đánh giá kết quả thực hiện nghị quyết tháng trước: các nhiệm vụ cơ bản hoàn thành; duy trì an ninh trật tự, vệ sinh môi trường.",
    "village_report": "Trưởng thôn báo cáo kết quả triển khai nghị quyết chi bộ tháng trước: sản xuất vụ mùa, làm đường giao thông nông thôn, thu quỹ.",
    "plan": "Tháng {n}: tập trung chăm sóc cây trồng, phòng chống dịch bệnh gia súc, giữ gìn an ninh trật tự, vận động nhân dân đóng góp xây dựng nông thôn mới.",
    "discussion": "Các đồng chí đảng viên thảo luận, góp ý vào dự thảo nghị quyết.",
    "critique": "Biểu dương các đồng chí hoàn thành tốt nhiệm vụ; nhắc nhở đảng viên vắng không lý do.",
    "conclusion": "Đồng chí chủ trì kết luận; chi bộ biểu quyết thông qua nghị quyết và phân công nhiệm vụ.",
}  # fmt: skip
OPINIONS = [
    "Đề nghị chi bộ chỉ đạo sớm việc sửa chữa đường liên thôn trước mùa mưa.",
    "Nhất trí với dự thảo nghị quyết; đề nghị bổ sung chỉ tiêu trồng rừng.",
    "Đề nghị tăng cường tuyên truyền phòng chống ma túy trong thanh niên.",
    "Cần phân công đảng viên phụ trách từng nhóm hộ để nắm tình hình.",
    "Đề nghị vận động các hộ đóng góp ngày công làm nhà văn hóa.",
    "Nhất trí cao với báo cáo; đề nghị kiểm tra việc thu quỹ an ninh quốc phòng.",
]
TASKS = [
    "Vận động nhân dân tham gia làm đường bê tông nội thôn",
    "Hoàn thành tiêm phòng cho đàn gia súc",
    "Tuyên truyền phòng chống cháy rừng",
    "Đôn đốc thu nộp đảng phí",
    "Rà soát hộ nghèo, cận nghèo",
    "Chuẩn bị nội dung sinh hoạt chuyên đề quý",
]
LESSONS = [
    "Chi bộ chuẩn bị chu đáo, chi ủy họp trước và phân công cụ thể; chi bộ tôi sẽ học cách dự thảo nghị quyết ngắn gọn, sát thực tế.",
    "Đồng chí chủ trì điều hành chặt chẽ, gợi mở cho nhiều đảng viên phát biểu; phần đánh giá nhiệm vụ tháng trước có số liệu cụ thể.",
    "Biên bản ghi đầy đủ ý kiến từng đồng chí; cần học cách phân công nhiệm vụ có thời hạn và người chịu trách nhiệm.",
]
ABSENCE_REASONS = ["Ốm", "Đi công tác", "Đi viện chăm người nhà", "Việc gia đình", "Đi làm ăn xa"]
