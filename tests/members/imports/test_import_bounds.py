"""Imports are bounded in work, not only in bytes; exports never carry live formulas."""

import csv
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.imports import HEADERS, import_members
from members.models import Member
from tests.factories import MemberFactory

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_with_rows(rows_xml):
    """A minimal workbook whose one sheet holds `rows_xml`, written by hand: a few hundred
    kilobytes of zip can unpack to a sheet of millions of cells."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main"><sheetData>{rows_xml}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def header_row():
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS)
    return f'<row r="1">{cells}</row>'


def refused_within_bounds(tree, name, body):
    tracemalloc.start()
    started = time.monotonic()
    result = import_members(actor=None, root=tree["x"], uploaded=SimpleUploadedFile(name, body))
    seconds = time.monotonic() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not result.ok and not Member.objects.filter(full_name="x").exists()
    assert seconds < 2 and peak < 200 * 2**20, (seconds, peak)
    return " ".join(e.message for e in result.errors)


def test_an_xlsx_with_millions_of_cells_in_one_row_is_refused_at_once(tree):
    wide = (
        header_row()
        + '<row r="2">'
        + '<c t="inlineStr"><is><t>x</t></is></c>' * 3_000_000
        + "</row>"
    )
    body = xlsx_with_rows(wide)
    assert len(body) < 1_000_000  # small as uploaded
    assert "quá lớn" in refused_within_bounds(tree, "rong.xlsx", body)


def test_an_xlsx_with_too_many_cells_in_a_row_under_the_size_cap_is_refused(tree):
    wide = header_row() + '<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>"
    assert "cột" in refused_within_bounds(tree, "rong.xlsx", xlsx_with_rows(wide))


def test_a_csv_of_one_endless_line_is_refused_at_once(tree):
    body = ",".join(HEADERS).encode() + b"\n" + b"," * 4_000_000 + b"\n"
    assert "cột" in refused_within_bounds(tree, "dai.csv", body)


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","Bấm vào")', "+1+1", "-2+3", "@SUM(1)"]
)
def test_exports_write_formulas_as_text_and_import_them_back_unchanged(login, tree, personas, name):
    MemberFactory(cell=tree["a"], full_name=name)
    client = login(personas["staff_x"])
    body = client.get(reverse("members:member_export_xlsx", args=[tree["a"].pk])).content
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in cells if name.strip() in str(c.value))
    assert cell.data_type == "s", "written as a formula"
    text = client.get(reverse("members:member_export_csv", args=[tree["a"].pk])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    written = next(r[0] for r in rows[1:] if name.strip() in r[0])
    assert written.startswith("'"), "a spreadsheet would run it"
    # Imported back, the file changes nothing.
    before = list(Member.objects.order_by("pk").values("full_name", "version"))
    for upload in (SimpleUploadedFile("ds.csv", text), SimpleUploadedFile("ds.xlsx", body)):
        response = client.post(
            reverse("members:member_import", args=[tree["x"].pk]), {"file": upload}
        )
        assert response.status_code == 302
    assert list(Member.objects.order_by("pk").values("full_name", "version")) == before
