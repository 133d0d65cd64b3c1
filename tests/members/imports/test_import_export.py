import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members.imports import HEADERS
from members.models import AuditEvent, Member

GOOD_ROWS = [
    ["Hoàng Thị Lả", "Nữ", "12/03/1980", "Tày", "002180000101", "0912345678", "", "11000101",
     "05/06/2005", "05/06/2006", "A", "Chính thức"],
    ["Giàng Seo Páo", "Nam", "01/01/1990", "Mông", "", "", "pao@example.vn", "",
     "20/10/2018", "", "A", "Dự bị"],
]  # fmt: skip


# What Excel on a Vietnamese Windows saves as "CSV": Windows-1258, combining accents.
WINDOWS_1258 = unicodedata.normalize("NFD", ",".join(HEADERS) + "\nNguyễn Văn Ân\n").encode(
    "cp1258", errors="replace"
)


def csv_file(rows, name="ds.csv", header=HEADERS, encoding="utf-8"):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding))


def xlsx_file(rows, name="ds.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def staff(login, tree, personas):
    return login(personas["staff_x"])


def post_import(client, org, upload):
    return client.post(reverse("members:member_import", args=[org.pk]), {"file": upload})


def test_import_csv_creates_members_with_history(staff, tree):
    response = post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    assert response.status_code == 302
    la = Member.objects.get(full_name="Hoàng Thị Lả")
    assert la.cell == tree["a"] and la.status == "official" and la.party_card_number == "11000101"
    assert la.memberships.get().cell == tree["a"]
    assert [c.status for c in la.status_changes.all()] == ["official", "probationary"]
    assert Member.objects.get(full_name="Giàng Seo Páo").status == "probationary"
    assert AuditEvent.objects.filter(action="member.import").count() == 1


def test_reimporting_the_same_file_changes_nothing(staff, tree):
    post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    before = list(Member.objects.order_by("pk").values())
    response = post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    assert response.status_code == 302
    assert list(Member.objects.order_by("pk").values()) == before
    follow = staff.get(response.url)
    assert "thêm mới 0, cập nhật 0, giữ nguyên 2" in follow.content.decode()


def test_one_bad_row_imports_nothing_and_names_the_row(staff, tree):
    rows = [*GOOD_ROWS, ["Lò Văn Sèn", "Nam", "31/02/1985", "Giáy", "", "", "", "", "01/01/2010",
                         "", "A", ""]]  # fmt: skip
    count = Member.objects.count()
    response = post_import(staff, tree["x"], csv_file(rows))
    assert response.status_code == 200
    assert Member.objects.count() == count
    page = response.content.decode()
    assert "Chưa nhập gì" in page
    assert "<td>4</td><td>Ngày sinh</td>" in page  # header is row 1, so the third data row is 4
    assert "31/02/1985" in page


def test_row_errors_name_row_column_and_reason(staff, tree):
    rows = [
        ["", "Nam", "01/01/1980", "Kinh", "", "", "", "", "01/01/2005", "", "A", ""],
        [
            "Lê Văn Bình",
            "X",
            "01/01/1980",
            "Kinh",
            "12345",
            "",
            "",
            "",
            "01/01/1990",
            "",
            "ZZZ",
            "",
        ],
        [
            "Lê Văn Cường",
            "Nam",
            "01/01/1980",
            "Kinh",
            "",
            "",
            "",
            "",
            "01/01/2005",
            "01/01/2004",
            "B",
            "",
        ],
    ]
    response = post_import(staff, tree["x"], csv_file(rows))
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert (2, "Họ và tên") in errors
    assert {(3, "Giới tính"), (3, "Số CCCD"), (3, "Ngày vào Đảng"), (3, "Mã chi bộ")} <= errors
    assert (4, "Ngày chính thức") in errors
    assert (4, "Mã chi bộ") in errors  # cell B is outside committee X
    assert not Member.objects.filter(full_name__in=["Lê Văn Bình", "Lê Văn Cường"]).exists()


def test_duplicate_rows_and_taken_card_numbers_are_refused(staff, tree):
    taken = Member.objects.filter(cell=tree["b"]).first()
    taken.party_card_number = "99999999"
    taken.save()
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], [*GOOD_ROWS[1][:7], "99999999", *GOOD_ROWS[1][8:]]]
    response = post_import(staff, tree["x"], csv_file(rows))
    messages = [(e.row, e.message) for e in response.context["result"].errors]
    assert any(row == 3 and "Trùng với dòng 2" in m for row, m in messages)
    # Refused without saying whose the number is, or that they are elsewhere.
    assert any(row == 4 and "Số này không dùng được" in m for row, m in messages)
    assert not any("ngoài phạm vi" in m for _row, m in messages)
    assert not any(taken.full_name in m for _row, m in messages)  # no names from other cells
    assert not Member.objects.filter(full_name="Hoàng Thị Lả").exists()


def test_import_xlsx_with_real_dates(staff, tree):
    import datetime

    rows = [["Ma Văn Kiên", "Nam", datetime.datetime(1975, 4, 2), "Tày", "", "", "", "77",
             datetime.datetime(2000, 1, 1), datetime.datetime(2001, 1, 1), "A2", ""]]  # fmt: skip
    response = post_import(staff, tree["x"], xlsx_file(rows))
    assert response.status_code == 302
    kien = Member.objects.get(full_name="Ma Văn Kiên")
    assert kien.cell == tree["a2"] and kien.date_of_birth == datetime.date(1975, 4, 2)


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("ds.csv", WINDOWS_1258), "UTF-8"),
        (SimpleUploadedFile("ds.xlsx", b"PK\x03\x04 truncated"), "Excel"),
        (SimpleUploadedFile("ds.txt", b"a,b"), ".csv"),
        (SimpleUploadedFile("ds.csv", b""), "rỗng"),
        (SimpleUploadedFile("ds.csv", "Tên,Tuổi\nA,1\n".encode()), "Thiếu cột bắt buộc"),
        (
            SimpleUploadedFile("ds.csv", "\ufeff".join([",".join(HEADERS), ""]).encode()),
            "không có dòng",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_message(staff, tree, upload, message):
    count = Member.objects.count()
    response = post_import(staff, tree["x"], upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Member.objects.count() == count


def test_oversized_file_is_refused(staff, tree, settings):
    settings.CELLMEET_MAX_IMPORT_BYTES = 100
    response = post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    assert "Tệp quá lớn" in response.content.decode()
    assert not Member.objects.filter(full_name="Hoàng Thị Lả").exists()


def test_export_then_import_round_trips_unchanged(staff, tree):
    post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    before = list(Member.objects.order_by("pk").values())
    for fmt in ("csv", "xlsx"):
        body = staff.get(reverse(f"members:member_export_{fmt}", args=[tree["x"].pk])).content
        response = post_import(staff, tree["x"], SimpleUploadedFile(f"export.{fmt}", body))
        assert response.status_code == 302, response.context and response.context["result"].errors
    assert list(Member.objects.order_by("pk").values()) == before


def test_xlsx_export_has_the_import_columns(staff, tree):
    body = staff.get(reverse("members:member_export_xlsx", args=[tree["x"].pk])).content
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADERS, "Phiên bản"]  # the version: a stale file is refused
    assert {row[0] for row in rows[1:]} == {"Nguyễn Thị Hương", "Lê Văn An", "Hoàng Văn Thạch"}


def test_import_changes_an_existing_member_and_audits_it(staff, tree):
    post_import(staff, tree["x"], csv_file(GOOD_ROWS))
    changed = [[*GOOD_ROWS[0][:5], "0987654321", *GOOD_ROWS[0][6:]], GOOD_ROWS[1]]
    response = post_import(staff, tree["x"], csv_file(changed))
    assert response.status_code == 302
    la = Member.objects.get(full_name="Hoàng Thị Lả")
    assert la.phone == "0987654321"
    event = AuditEvent.objects.filter(target_id=la.pk, action="member.update").get()
    assert event.changes["phone"] == ["0912345678", "0987654321"]
