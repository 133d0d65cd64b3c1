"""Damaged, truncated, mislabelled, wrongly encoded and oversized member files, through
the import view: refused with a message in Vietnamese and nothing imported, or imported
whole when they are in fact readable. (test_import_export.py has the first cases.)"""

import codecs
import functools
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st
from openpyxl import Workbook

from members.imports import HEADERS, MAX_ROWS
from members.models import Member
from tests.fuzz import fuzz
from tests.members.imports.test_import_export import GOOD_ROWS

CSV_TEXT = "\n".join(",".join(row) for row in [HEADERS, *GOOD_ROWS]) + "\n"


def xlsx_bytes(rows, header=HEADERS):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data, change):
    """The XLSX `data` with each part passed through change(name, content); None drops it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = change(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item, content)
    return buffer.getvalue()


def half(data):
    return data[: len(data) // 2]


def a_zip_of_text():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ds.csv", CSV_TEXT)
    return buffer.getvalue()


def sparse_xlsx():
    """A few kilobytes that declare a sheet of a million rows and 16,384 columns."""
    book = Workbook()
    book.active.append(HEADERS)
    book.active.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def formula_xlsx():
    # Written by openpyxl, the formulas carry no computed value, as in some converters.
    return xlsx_bytes([['=UPPER("Hoàng Thị Lả")', *GOOD_ROWS[0][1:]], GOOD_ROWS[1]])


@pytest.fixture
def staff(login, tree, personas):
    return login(personas["staff_x"])


def post_import(client, org, name, body):
    upload = SimpleUploadedFile(name, body)
    return client.post(reverse("members:member_import", args=[org.pk]), {"file": upload})


REFUSED = [
    ("half-xlsx", "ds.xlsx", lambda: half(xlsx_bytes(GOOD_ROWS)), "Không đọc được tệp Excel"),
    ("zip-not-xlsx", "ds.xlsx", a_zip_of_text, "Không đọc được tệp Excel"),
    (
        "malformed-sheet-xml",
        "ds.xlsx",
        lambda: rezip(
            xlsx_bytes(GOOD_ROWS),
            lambda name, content: content[:-40] if name.endswith("sheet1.xml") else content,
        ),
        "Không đọc được tệp Excel",
    ),
    (
        "no-worksheet",
        "ds.xlsx",
        lambda: rezip(
            xlsx_bytes(GOOD_ROWS),
            lambda name, content: None if name.endswith("sheet1.xml") else content,
        ),
        "Không đọc được tệp Excel",
    ),
    ("cp1252", "ds.csv", lambda: CSV_TEXT.encode("cp1252", "replace"), "không ở mã UTF-8"),
    ("binary", "ds.csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không hợp lệ"),
    ("xlsx-named-csv", "ds.csv", lambda: xlsx_bytes(GOOD_ROWS), "đổi đuôi tệp thành .xlsx"),
    ("csv-named-xlsx", "ds.xlsx", lambda: CSV_TEXT.encode(), "không phải .xlsx"),
    (
        "old-xls",
        "ds.xlsx",
        lambda: codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\0" * 500,
        "Excel đời cũ",
    ),  # fmt: skip
    ("header-only-xlsx", "ds.xlsx", lambda: xlsx_bytes([]), "không có dòng dữ liệu"),
    (
        "wrong-headers-xlsx",
        "ds.xlsx",
        lambda: xlsx_bytes(GOOD_ROWS, header=["Tên", "Tuổi"]),
        "Thiếu cột bắt buộc",
    ),  # fmt: skip
    ("formula", "ds.xlsx", formula_xlsx, "Chưa có họ và tên"),
    ("sparse-xlsx", "ds.xlsx", sparse_xlsx, "kể cả dòng trống"),
    (
        "unclosed-quote",
        "ds.csv",
        lambda: (CSV_TEXT + '"' + "x" * 200_000).encode(),
        "dấu ngoặc kép không khớp",
    ),  # fmt: skip
    ("too-many-csv-rows", "ds.csv", lambda: (CSV_TEXT + "a\n" * MAX_ROWS).encode(), "hãy chia nhỏ"),
]


@pytest.mark.parametrize("name, body, message", [case[1:] for case in REFUSED],
                         ids=[case[0] for case in REFUSED])  # fmt: skip
def test_a_file_that_cannot_be_read_whole_imports_nothing(staff, tree, name, body, message):
    count = Member.objects.count()
    response = post_import(staff, tree["x"], name, body())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa nhập gì" in page and message in page
    assert Member.objects.count() == count


def test_an_oversized_xlsx_is_refused(staff, tree, settings):
    settings.CELLMEET_MAX_IMPORT_BYTES = 1000
    response = post_import(staff, tree["x"], "ds.xlsx", xlsx_bytes(GOOD_ROWS))
    assert "Tệp quá lớn" in response.content.decode()
    assert not Member.objects.filter(full_name="Hoàng Thị Lả").exists()


def test_an_xlsx_over_the_row_limit_is_refused(staff, tree):
    rows = [[f"Người {n}", "Nam", "01/01/1980", "", "", "", "", "", "01/01/2005", "", "A", ""]
            for n in range(MAX_ROWS + 1)]  # fmt: skip
    response = post_import(staff, tree["x"], "ds.xlsx", xlsx_bytes(rows))
    assert f"Tệp có quá {MAX_ROWS} dòng" in response.content.decode()
    assert not Member.objects.filter(full_name="Người 1").exists()


@pytest.mark.parametrize(
    "body",
    [
        codecs.BOM_UTF8 + CSV_TEXT.encode(),
        CSV_TEXT.encode("utf-16"),  # Excel's "Unicode" CSV, with its byte order mark
        CSV_TEXT.replace("\n", "\r\n").encode(),
    ],
    ids=["utf-8-bom", "utf-16", "crlf"],
)
def test_readable_csv_imports_whole(staff, tree, body):
    response = post_import(staff, tree["x"], "ds.csv", body)
    assert response.status_code == 302
    assert Member.objects.filter(full_name__in=["Hoàng Thị Lả", "Giàng Seo Páo"]).count() == 2


@functools.cache
def good_xlsx():
    # Built once: each build stamps the time into the zip, and a strategy must draw
    # from the same bytes every time (hypothesis refuses inconsistent data).
    return xlsx_bytes(GOOD_ROWS)


@st.composite
def damaged_xlsx(draw):
    """A good XLSX with one part cut short, overwritten with junk or bit-flipped."""
    good = good_xlsx()
    parts = zipfile.ZipFile(io.BytesIO(good)).namelist()
    target = draw(st.sampled_from(parts))
    how = draw(st.sampled_from(["cut", "junk", "flip", "whole-file"]))
    if how == "whole-file":
        cut = draw(st.integers(0, len(good)))
        return good[:cut] + draw(st.binary(max_size=50))

    def change(name, content):
        if name != target:
            return content
        if how == "cut":
            return content[: draw(st.integers(0, len(content)))]
        if how == "junk":
            return draw(st.binary(max_size=200))
        position = draw(st.integers(0, max(len(content) - 1, 0)))
        flipped = bytes([content[position] ^ draw(st.integers(1, 255))]) if content else b""
        return content[:position] + flipped + content[position + 1 :]

    return rezip(good, change)


def test_fuzz_damaged_xlsx_imports_all_or_nothing(tree, personas):
    count = Member.objects.count()

    def all_or_nothing(response, data):
        if response.status_code == 302:
            assert Member.objects.count() == count + len(GOOD_ROWS)
        else:
            assert Member.objects.count() == count

    files = damaged_xlsx().map(lambda body: {"file": SimpleUploadedFile("ds.xlsx", body)})
    url = reverse("members:member_import", args=[tree["x"].pk])
    fuzz(personas["staff_x"], url, files, shown=("form", "result"), check=all_or_nothing)
