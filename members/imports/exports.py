"""Member lists as CSV or XLSX, in the columns the import reads back.

Text that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
carriage return) is written as text: in XLSX as a string cell, in CSV behind an
apostrophe, which the import removes again.
"""

import csv
import io

from django.utils import translation

from members.imports.rows import FORMULA_STARTS, HEADERS, VERSION_HEADER


def export_rows(members):
    """Yield the header then one row per member, in the import's columns, with the
    version each member had, so that an import of an old file can be refused."""
    yield [*HEADERS, VERSION_HEADER]
    with translation.override("vi"):
        for m in members:
            yield [
                m.full_name,
                m.get_sex_display(),
                m.date_of_birth.strftime("%d/%m/%Y"),
                m.ethnicity,
                m.citizen_id,
                m.phone,
                m.email,
                m.party_card_number,
                m.admitted_on.strftime("%d/%m/%Y"),
                m.official_on.strftime("%d/%m/%Y") if m.official_on else "",
                m.cell.code,
                str(m.get_status_display()),
                m.version,
            ]


def _formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def export_csv(members):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(members):
        writer.writerow(["'" + v if _formula_like(v) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(members):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Đảng viên")

    def cell(value):
        if not _formula_like(value):
            return value
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"  # openpyxl takes "=…" for a formula
        return text

    for row in export_rows(members):
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
