"""Reading an uploaded member file (CSV or XLSX) into rows of cells, with the work bounded
as well as the bytes: a few hundred kilobytes of zip can unpack to millions of cells,
and one line of commas is millions of fields. Files past the bounds are refused before
they are parsed, with a message saying what to do."""

import codecs
import csv
import io
import zipfile

from defusedxml import DefusedXmlException, ElementTree
from django.utils.translation import gettext as _

MAX_ROWS = 20000
# A sheet is read to this many rows and columns at most, blank ones included.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 100
# The parts of an XLSX file unpacked: a sheet of MAX_ROWS members is a few megabytes.
MAX_UNPACKED_BYTES = 32 * 2**20

# What a file is, whatever its name says.
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc) files
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class ImportRefused(Exception):
    """The file as a whole cannot be read."""


def read_table(uploaded):
    """Return the rows of an uploaded CSV or XLSX file as lists of cells (header first)."""
    name = (uploaded.name or "").lower()
    data = uploaded.read()
    if not data:
        raise ImportRefused(_("Tệp rỗng."))
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(
            _(
                "Đây là tệp Excel đời cũ (.xls). Hãy mở bằng Excel, lưu lại dạng .xlsx "
                "hoặc CSV UTF-8 rồi nhập lại."
            )
        )
    if name.endswith(".csv"):
        if data.startswith(ZIP_MAGIC):
            raise ImportRefused(
                _(
                    "Tệp mang đuôi .csv nhưng là tệp Excel (.xlsx) hoặc tệp nén. Hãy đổi "
                    "đuôi tệp thành .xlsx, hoặc lưu lại dạng CSV UTF-8 rồi nhập lại."
                )
            )
        return _read_csv(data)
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    raise ImportRefused(_("Chỉ nhận tệp .csv hoặc .xlsx."))


def _too_wide(line_number):
    return ImportRefused(
        _(
            "Dòng %(n)s có quá %(max)s cột. Tệp danh sách đảng viên chỉ cần các cột ở trên; "
            "hãy xóa các cột thừa rồi nhập lại."
        )
        % {"n": line_number, "max": MAX_COLUMNS}
    )


def _read_csv(data):
    # Excel's "Unicode" CSV is UTF-16 and starts with a byte order mark: no guessing.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    # NUL bytes: binary data, which would otherwise be reported as a wrong encoding.
    if b"\x00" in data and not utf16:
        raise ImportRefused(
            _("Tệp CSV chứa ký tự không hợp lệ; có thể đây không phải tệp văn bản.")
        )
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _(
                "Tệp CSV không ở mã UTF-8 (lỗi ở byte %(pos)s). Hãy lưu lại tệp với "
                "mã UTF-8 rồi nhập lại."
            )
            % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise ImportRefused(
            _("Tệp CSV chứa ký tự không hợp lệ; có thể đây không phải tệp văn bản.")
        )
    # Counted before parsing: the parser would build every field of a line first.
    for number, line in enumerate(text.splitlines(), start=1):
        if max(line.count(","), line.count(";"), line.count("\t")) >= MAX_COLUMNS:
            raise _too_wide(number)
        if number > MAX_SHEET_ROWS:
            break  # parse_rows refuses the file for its rows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break  # parse_rows refuses the file
    except csv.Error as exc:
        raise ImportRefused(
            _("Không đọc được tệp CSV ở dòng %(line)s: có ô quá dài hoặc dấu ngoặc kép không khớp.")
            % {"line": reader.line_num}
        ) from exc
    return rows


def _damaged(exc=None):
    error = ImportRefused(
        _("Không đọc được tệp Excel: tệp hỏng, bị cắt cụt hoặc không phải .xlsx.")
    )
    error.__cause__ = exc
    return error


def _check_xlsx(data):
    """Refuse a workbook that unpacks to too much, or whose first sheet has too many
    rows or columns, reading its XML as a stream and stopping at the first excess."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(exc) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(
            _(
                "Tệp Excel quá lớn khi giải nén (%(mb)s MB; tối đa %(max)s MB): có thể trang "
                "tính chứa rất nhiều ô thừa. Hãy chép riêng các cột và dòng cần nhập sang "
                "một tệp mới."
            )
            % {"mb": unpacked // 2**20, "max": MAX_UNPACKED_BYTES // 2**20}
        )
    row = 0
    try:
        with archive.open(_first_sheet(archive)) as stream:
            column = 0
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                if event == "start" and element.tag == f"{SHEET_NS}row":
                    # Rows and cells say where they are; blank ones in between count.
                    row, column = _position(element.get("r"), row + 1), 0
                    if row > MAX_SHEET_ROWS:
                        break  # reported below
                elif event == "start" and element.tag == f"{SHEET_NS}c":
                    column = _column(element.get("r"), column + 1)
                    if column > MAX_COLUMNS:
                        raise _too_wide(row)
                elif event == "end" and element.tag == f"{SHEET_NS}row":
                    element.clear()
    except (ElementTree.ParseError, DefusedXmlException, KeyError, AttributeError, TypeError,
            zipfile.BadZipFile,
            OSError) as exc:  # fmt: skip
        raise _damaged(exc) from exc
    if row > MAX_SHEET_ROWS:
        raise ImportRefused(
            _(
                "Trang tính có quá %(n)s dòng, kể cả dòng trống. Hãy xóa các dòng "
                "thừa hoặc chia nhỏ tệp."
            )
            % {"n": MAX_SHEET_ROWS}
        )


def _position(reference, default):
    return int(reference) if reference and reference.isdigit() else default


def _column(reference, default):
    """The column number of a cell reference such as "AB12" (28)."""
    letters = (reference or "").rstrip("0123456789")
    if not letters.isalpha() or not letters.isascii():
        return default
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _first_sheet(archive):
    """The part holding the workbook's first sheet, the one that is imported."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{SHEET_NS}sheets/{SHEET_NS}sheet")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{RELS_NS}Relationship")}
    target = targets[sheet.get(f"{DOC_RELS_NS}id")]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _read_xlsx(data):
    from openpyxl import load_workbook

    _check_xlsx(data)
    # openpyxl raises whatever its zip and XML parsers raise on a damaged file (bad zip,
    # malformed or missing XML parts, a workbook without sheets…); none of it is ours.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _damaged(exc) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        limits = {"max_row": MAX_SHEET_ROWS, "max_col": MAX_COLUMNS}
        for values in sheet.iter_rows(values_only=True, **limits):
            cells = ["" if v is None else v for v in values]
            if any(str(c).strip() for c in cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break  # parse_rows refuses the file
        return rows
    except Exception as exc:
        raise ImportRefused(_("Không đọc được tệp Excel: nội dung bị hỏng.")) from exc
    finally:
        workbook.close()
