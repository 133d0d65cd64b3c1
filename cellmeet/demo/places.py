"""The seed figures of the demo district: its communes and villages, schools and blocs,
people's names and ethnic mix, and the cells' sizes."""

from members.enums import CellType

TOWNS = ["Vị Xuyên", "Nông trường Việt Lâm"]
COMMUNES = [
    "Bạch Ngọc", "Cao Bồ", "Đạo Đức", "Kim Linh", "Kim Thạch", "Lao Chải", "Linh Hồ",
    "Minh Tân", "Ngọc Linh", "Ngọc Minh", "Phong Quang", "Phú Linh", "Phương Tiến",
    "Quảng Ngần", "Thanh Đức", "Thanh Thủy", "Thuận Hòa", "Thượng Sơn", "Trung Thành",
    "Tùng Bá", "Việt Lâm", "Xín Chải",
]  # fmt: skip
HIGHLAND = {"Cao Bồ", "Lao Chải", "Minh Tân", "Thanh Đức", "Thượng Sơn", "Xín Chải",
            "Phương Tiến", "Thuận Hòa", "Kim Linh", "Quảng Ngần"}  # fmt: skip
COMMUNE_CODES = {
    "Vị Xuyên": "TTVX", "Nông trường Việt Lâm": "TTVL", "Bạch Ngọc": "BN", "Cao Bồ": "CB",
    "Đạo Đức": "DD", "Kim Linh": "KL", "Kim Thạch": "KT", "Lao Chải": "LC", "Linh Hồ": "LH",
    "Minh Tân": "MT", "Ngọc Linh": "NL", "Ngọc Minh": "NM", "Phong Quang": "PQ",
    "Phú Linh": "PL", "Phương Tiến": "PT", "Quảng Ngần": "QN", "Thanh Đức": "TD",
    "Thanh Thủy": "TT", "Thuận Hòa": "TH", "Thượng Sơn": "TS", "Trung Thành": "TTH",
    "Tùng Bá": "TB", "Việt Lâm": "VL", "Xín Chải": "XC",
}  # fmt: skip
NAMED_VILLAGES = {"Thanh Thủy": "Thanh Sơn", "Phương Tiến": "Nà Miều"}
BLOC_CELLS = [
    "Văn phòng Huyện ủy", "Ban Tổ chức Huyện ủy", "Ủy ban Kiểm tra Huyện ủy",
    "Ban Tuyên giáo Huyện ủy", "Ban Dân vận Huyện ủy", "Trung tâm Chính trị huyện",
    "Văn phòng HĐND và UBND huyện", "Phòng Nội vụ", "Phòng Tài chính – Kế hoạch",
    "Ủy ban MTTQ huyện", "Huyện đoàn", "Hội Liên hiệp Phụ nữ huyện", "Hội Nông dân huyện",
    "Hội Cựu chiến binh huyện", "Liên đoàn Lao động huyện",
]  # fmt: skip
DIRECT_CELLS = [
    ("Phòng Giáo dục và Đào tạo", CellType.AGENCY), ("Phòng Nông nghiệp và PTNT", CellType.AGENCY),
    ("Phòng Tài nguyên và Môi trường", CellType.AGENCY), ("Phòng Tư pháp", CellType.AGENCY),
    ("Phòng Văn hóa và Thông tin", CellType.AGENCY), ("Phòng Y tế", CellType.AGENCY),
    ("Phòng Lao động – TB&XH", CellType.AGENCY), ("Phòng Kinh tế và Hạ tầng", CellType.AGENCY),
    ("Phòng Dân tộc", CellType.AGENCY), ("Thanh tra huyện", CellType.AGENCY),
    ("Tòa án nhân dân huyện", CellType.AGENCY), ("Viện Kiểm sát nhân dân huyện", CellType.AGENCY),
    ("Chi cục Thi hành án dân sự", CellType.AGENCY), ("Chi cục Thuế", CellType.AGENCY),
    ("Kho bạc Nhà nước huyện", CellType.AGENCY), ("Chi cục Thống kê", CellType.AGENCY),
    ("Bảo hiểm xã hội huyện", CellType.AGENCY), ("Hạt Kiểm lâm", CellType.AGENCY),
    ("Ban Quản lý rừng phòng hộ", CellType.AGENCY), ("Trung tâm Văn hóa – Thể thao", CellType.AGENCY),
    ("Đài Truyền thanh – Truyền hình", CellType.AGENCY), ("Ban Quản lý dự án huyện", CellType.AGENCY),
    ("Trạm Khuyến nông", CellType.AGENCY), ("Trung tâm Dịch vụ nông nghiệp", CellType.AGENCY),
    ("Phòng Tài chính ngân sách", CellType.AGENCY), ("Hội Chữ thập đỏ huyện", CellType.AGENCY),
    ("Trung tâm Y tế huyện", CellType.HEALTH), ("Bệnh viện Đa khoa huyện", CellType.HEALTH),
    ("Phòng khám Đa khoa khu vực Việt Lâm", CellType.HEALTH),
    ("Trung tâm Dân số – KHHGĐ", CellType.HEALTH),
    ("Trường THPT Vị Xuyên", CellType.SCHOOL), ("Trường THPT Việt Lâm", CellType.SCHOOL),
    ("Trường THPT Minh Tân", CellType.SCHOOL), ("Trường THPT Linh Hồ", CellType.SCHOOL),
    ("Trường PT Dân tộc nội trú huyện", CellType.SCHOOL),
    ("Trung tâm GDNN – GDTX huyện", CellType.SCHOOL),
    ("Trường Mầm non Họa Mi", CellType.SCHOOL), ("Trường THCS thị trấn Vị Xuyên", CellType.SCHOOL),
    ("Ngân hàng Nông nghiệp và PTNT", CellType.ENTERPRISE),
    ("Ngân hàng Chính sách xã hội", CellType.ENTERPRISE), ("Điện lực Vị Xuyên", CellType.ENTERPRISE),
    ("Bưu điện huyện", CellType.ENTERPRISE), ("Viettel Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Chè Việt Lâm", CellType.ENTERPRISE), ("Công ty Thủy điện Thái An", CellType.ENTERPRISE),
    ("Công ty Lâm nghiệp Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Cấp thoát nước Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Xi măng Hà Giang", CellType.ENTERPRISE),
    ("Hạt Quản lý đường bộ", CellType.ENTERPRISE), ("Công ty Cổ phần Khoáng sản", CellType.ENTERPRISE),
    ("Hợp tác xã Chè Phìn Hồ", CellType.COOPERATIVE), ("Hợp tác xã Cam sành Vị Xuyên", CellType.COOPERATIVE),
    ("Hợp tác xã Dịch vụ nông nghiệp Đạo Đức", CellType.COOPERATIVE),
    ("Đồn Biên phòng Thanh Thủy", CellType.MILITARY), ("Đồn Biên phòng Xín Chải", CellType.MILITARY),
    ("Trạm Kiểm soát cửa khẩu Thanh Thủy", CellType.OTHER), ("Chi cục Hải quan cửa khẩu", CellType.OTHER),
    ("Ban Quản lý khu kinh tế cửa khẩu", CellType.OTHER), ("Nhà văn hóa huyện", CellType.OTHER),
    ("Hội Người cao tuổi huyện", CellType.OTHER),
]  # fmt: skip
VILLAGE_FIRST = ["Nà", "Bản", "Khuổi", "Lũng", "Pác", "Cốc", "Nặm", "Làng", "Tát", "Phìn",
                 "Lùng", "Khâu", "Tân", "Bó", "Tiến", "Đồng"]  # fmt: skip
VILLAGE_SECOND = ["Miều", "Sơn", "Thượng", "Hạ", "Pồng", "Mạ", "Khẻ", "Cáy", "Điếng", "Hin",
                  "Lầu", "Đăng", "Chang", "Thành", "Mào", "Buông", "Luông", "Đon", "Chè", "Lạn",
                  "Vài", "Pia", "Sảo", "Tấu", "Pục", "Chủ", "Ngoan", "Quang", "Hòa", "Phong",
                  "Vạc", "Lình", "Tàm", "Xá", "Thẳm"]  # fmt: skip
SCHOOL_KINDS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường PTDTBT TH và THCS"]

# (surnames, male middle names, male given names, female middle names, female given names)
NAMES = {
    "Kinh": (
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương",
         "Đinh", "Phan", "Trịnh", "Lương", "Hà"],
        ["Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu", "Ngọc", "Thanh", "Mạnh"],
        ["Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Long", "Thắng", "Sơn", "Cường", "Hưng", "Trung",
         "Quân", "Bình", "Phong", "Khánh", "Hiếu", "Tiến", "Đạt"],
        ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Kim"],
        ["Hương", "Lan", "Hoa", "Mai", "Hằng", "Thảo", "Nga", "Huyền", "Trang", "Nhung", "Linh",
         "Yến", "Thủy", "Loan", "Hạnh", "Dung", "Phượng"],
    ),
    "Tày": (
        ["Hoàng", "Nông", "Ma", "Lương", "Triệu", "Hà", "Nguyễn", "La", "Lục", "Bế", "Phùng"],
        ["Văn", "Đình", "Đức", "Quang"],
        ["Thạch", "Chung", "Kiên", "Tiến", "Hòa", "Đông", "Lâm", "Sính", "Bằng", "Cao", "Thiện"],
        ["Thị"],
        ["Lả", "Pắn", "Chuyên", "Mỷ", "Nhàn", "Xuân", "Thơm", "Hiền", "Duyên", "Quỳnh"],
    ),
    "Dao": (
        ["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo", "Bàn"],
        ["Văn", "Tài", "Kim", "Quầy"],
        ["Phin", "Sinh", "Quẩy", "Chấn", "Phú", "Lở", "Hin", "Tòng", "Lưu", "Sành"],
        ["Thị", "Mùi"],
        ["Mẩy", "Nhất", "Chòi", "Xuân", "Liều", "Dùng", "Pham"],
    ),
    "Mông": (
        ["Giàng", "Vàng", "Sùng", "Thào", "Lù", "Mua", "Hầu", "Ly", "Lầu", "Cháng"],
        ["Seo", "Mí", "A", "Chứ", "Văn"],
        ["Chứ", "Páo", "Sính", "Dình", "Phủ", "Tủa", "Chớ", "Pó", "Chá", "Lử", "Vư"],
        ["Thị"],
        ["Mai", "Dí", "Mỷ", "Súa", "Dua", "Chở", "Sua"],
    ),
    "Nùng": (
        ["Nông", "Lương", "Hoàng", "Vi", "Lý", "Chu"],
        ["Văn", "Đức"],
        ["Dìn", "Thèn", "Sào", "Chấn", "Khoa", "Lìn"],
        ["Thị"],
        ["Mỉ", "Sửu", "Hoan", "Nhất", "Phương"],
    ),
}  # fmt: skip
LOWLAND_MIX = [("Kinh", 45), ("Tày", 40), ("Dao", 8), ("Nùng", 5), ("Mông", 2)]
HIGHLAND_MIX = [("Kinh", 10), ("Tày", 25), ("Dao", 30), ("Mông", 28), ("Nùng", 7)]

SIZE_RANGES = {
    CellType.VILLAGE: (9, 26),
    CellType.RESIDENTIAL: (12, 32),
    CellType.AGENCY: (10, 26),
    CellType.MILITARY: (5, 10),
    CellType.SCHOOL: (8, 24),
    CellType.HEALTH: (4, 11),
    CellType.CREDIT_FUND: (4, 8),
    CellType.ENTERPRISE: (6, 28),
    CellType.COOPERATIVE: (3, 8),
    CellType.OTHER: (4, 12),
}
