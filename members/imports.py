"""Member import and export (CSV and XLSX). An import is all or nothing."""

import codecs
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.enums import MemberStatus, Sex
from members.models import MEMBER_FIELDS, Member, MemberStatusChange, Organisation, age_on
from members.services import record_audit, record_initial_history
from members.text import fold

# (key, header as it appears in the file). Headers are Vietnamese in every language,
# so a file exported by one user imports for another.
COLUMNS = [
    ("full_name", "Họ và tên"),
    ("sex", "Giới tính"),
    ("date_of_birth", "Ngày sinh"),
    ("ethnicity", "Dân tộc"),
    ("citizen_id", "Số CCCD"),
    ("phone", "Điện thoại"),
    ("email", "Email"),
    ("party_card_number", "Số thẻ đảng viên"),
    ("admitted_on", "Ngày vào Đảng"),
    ("official_on", "Ngày chính thức"),
    ("cell_code", "Mã chi bộ"),
    ("status", "Tình trạng"),
]
HEADERS = [header for _key, header in COLUMNS]
HEADER_KEYS = {fold(header): key for key, header in COLUMNS}
REQUIRED = {"full_name", "sex", "date_of_birth", "admitted_on", "cell_code"}
DATA_FIELDS = MEMBER_FIELDS
MAX_ROWS = 20000
IMPORTABLE_STATUSES = MemberStatus.on_roll()
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportRefused(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0

    @property
    def ok(self):
        return not self.errors


# What a file is, whatever its name says.
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc) files
# A sheet is read to this many rows and columns at most, blank ones included: a few
# bytes of XLSX can declare a million of them.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 100


def read_table(uploaded):
    """Return the rows of an uploaded CSV or XLSX file as lists of strings (header first)."""
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


def _read_xlsx(data):
    from openpyxl import load_workbook

    # openpyxl raises whatever its zip and XML parsers raise on a damaged file (bad zip,
    # malformed or missing XML parts, a workbook without sheets…); none of it is ours.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRefused(
            _("Không đọc được tệp Excel: tệp hỏng, bị cắt cụt hoặc không phải .xlsx.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        limits = {"max_row": MAX_SHEET_ROWS + 1, "max_col": MAX_COLUMNS}
        for number, values in enumerate(sheet.iter_rows(values_only=True, **limits), start=1):
            if number > MAX_SHEET_ROWS:
                raise ImportRefused(
                    _(
                        "Trang tính có quá %(n)s dòng, kể cả dòng trống. Hãy xóa các dòng "
                        "thừa hoặc chia nhỏ tệp."
                    )
                    % {"n": MAX_SHEET_ROWS}
                )
            cells = ["" if v is None else v for v in values]
            if any(str(c).strip() for c in cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break  # parse_rows refuses the file
        return rows
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused(_("Không đọc được tệp Excel: nội dung bị hỏng.")) from exc
    finally:
        workbook.close()


def _as_text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    # Files from old Windows tools carry decomposed accents; store the composed form.
    return unicodedata.normalize("NFC", str(value)).strip()


def _parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _as_text(value)
    match = DATE_RE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _status_word(value):
    # Labels are looked up in Vietnamese regardless of the user's language.
    from django.utils import translation

    with translation.override("vi"):
        words = {fold(str(label)): val for val, label in MemberStatus.choices}
    words.update({v: v for v in MemberStatus.values})
    return words.get(fold(_as_text(value)))


def parse_rows(table, *, cells_by_code):
    """Validate every row; return (clean rows, errors). Nothing is written here."""
    errors = []
    if not table:
        return [], [RowError(1, "", _("Tệp không có dòng tiêu đề."))]
    header = [fold(_as_text(h)) for h in table[0]]
    index = {}
    for position, name in enumerate(header):
        key = HEADER_KEYS.get(name)
        if key:
            index[key] = position
    missing = [h for key, h in COLUMNS if key in REQUIRED and key not in index]
    if missing:
        return [], [
            RowError(1, h, _("Thiếu cột bắt buộc “%(col)s”.") % {"col": h}) for h in missing
        ]
    if len(table) - 1 > MAX_ROWS:
        return [], [RowError(1, "", _("Tệp có quá %(n)s dòng; hãy chia nhỏ.") % {"n": MAX_ROWS})]
    label = dict(COLUMNS)
    clean_rows = []
    for number, raw in enumerate(table[1:], start=2):

        def cell(key, raw=raw):
            pos = index.get(key)
            if pos is None or pos >= len(raw):
                return ""
            return raw[pos]

        def err(key, message, number=number):
            errors.append(RowError(number, label[key], message))

        row = {"_row": number}
        for key in ("full_name", "ethnicity", "citizen_id", "phone", "email", "party_card_number"):
            row[key] = _as_text(cell(key))
        row["full_name"] = " ".join(row["full_name"].split())
        if not row["full_name"]:
            err("full_name", _("Chưa có họ và tên."))
        elif len(row["full_name"]) > 120:
            err("full_name", _("Họ và tên dài quá 120 ký tự."))
        row["ethnicity"] = row["ethnicity"] or "Kinh"
        if len(row["ethnicity"]) > 40:
            err("ethnicity", _("Tên dân tộc dài quá 40 ký tự."))
        if row["citizen_id"] and not re.fullmatch(r"\d{12}", row["citizen_id"]):
            err("citizen_id", _("Số CCCD phải gồm đúng 12 chữ số."))
        if row["phone"] and not re.fullmatch(r"\+?[\d .]{8,20}", row["phone"]):
            err("phone", _("Số điện thoại không hợp lệ."))
        if row["email"] and not EMAIL_RE.match(row["email"]):
            err("email", _("Địa chỉ thư điện tử không hợp lệ."))
        if len(row["party_card_number"]) > 20:
            err("party_card_number", _("Số thẻ đảng viên dài quá 20 ký tự."))

        sex = SEX_WORDS.get(fold(_as_text(cell("sex"))))
        if sex is None:
            err("sex", _("Giới tính phải là “Nam” hoặc “Nữ”."))
        row["sex"] = sex

        for key in ("date_of_birth", "admitted_on", "official_on"):
            raw_value = cell(key)
            if _as_text(raw_value) == "":
                row[key] = None
                if key in REQUIRED:
                    err(key, _("Chưa có ngày."))
                continue
            parsed = _parse_date(raw_value)
            if parsed is None:
                err(
                    key,
                    _("Ngày “%(v)s” không hợp lệ; hãy ghi dạng ngày/tháng/năm, ví dụ 05/09/1975.")
                    % {"v": _as_text(raw_value)[:40]},
                )
            elif parsed > timezone.localdate() or parsed.year < 1900:
                err(
                    key,
                    _("Ngày %(v)s nằm ngoài khoảng hợp lý.") % {"v": parsed.strftime("%d/%m/%Y")},
                )
                parsed = None
            row[key] = parsed
        born, admitted = row["date_of_birth"], row["admitted_on"]
        if born and admitted and age_on(born, admitted) < 18:
            err("admitted_on", _("Ngày vào Đảng phải từ khi đủ 18 tuổi."))
        if row["admitted_on"] and row["official_on"] and row["official_on"] < row["admitted_on"]:
            err("official_on", _("Ngày chính thức không thể trước ngày vào Đảng."))

        code = _as_text(cell("cell_code"))
        cell_org = cells_by_code.get(code)
        if not code:
            err("cell_code", _("Chưa có mã chi bộ."))
        elif cell_org is None:
            err(
                "cell_code",
                _("Không có chi bộ mã “%(code)s” trong phạm vi bạn quản lý.") % {"code": code[:40]},
            )
        row["cell"] = cell_org

        status_raw = _as_text(cell("status"))
        if status_raw:
            status = _status_word(status_raw)
            if status is None or status not in IMPORTABLE_STATUSES:
                err(
                    "status",
                    _("Tình trạng “%(v)s” không nhập được từ tệp.") % {"v": status_raw[:40]},
                )
        else:
            status = MemberStatus.OFFICIAL if row["official_on"] else MemberStatus.PROBATIONARY
        if status == MemberStatus.OFFICIAL and not row["official_on"]:
            err("official_on", _("Đảng viên chính thức cần có ngày chính thức."))
        row["status"] = status
        clean_rows.append(row)
    return clean_rows, errors


def _key(row):
    if row["party_card_number"]:
        return ("card", row["party_card_number"])
    if row["citizen_id"]:
        return ("cid", row["citizen_id"])
    return ("name", fold(row["full_name"]), row["date_of_birth"])


def _match_existing(rows):
    cards = [r["party_card_number"] for r in rows if r["party_card_number"]]
    cids = [r["citizen_id"] for r in rows if r["citizen_id"]]
    names = [fold(r["full_name"]) for r in rows]
    found = {}
    members = Member.objects.select_related("cell")
    by_card = {m.party_card_number: m for m in members.filter(party_card_number__in=cards)}
    by_cid = {m.citizen_id: m for m in members.filter(citizen_id__in=cids)}
    by_name = {}
    for m in Member.objects.filter(search_name__in=names).select_related("cell"):
        by_name.setdefault((m.search_name, m.date_of_birth), m)
    for row in rows:
        member = None
        if row["party_card_number"]:
            member = by_card.get(row["party_card_number"])
        if member is None and row["citizen_id"]:
            member = by_cid.get(row["citizen_id"])
        if member is None and not row["party_card_number"]:
            member = by_name.get((fold(row["full_name"]), row["date_of_birth"]))
        found[row["_row"]] = member
    return found, by_card, by_cid


def import_members(*, actor, root, uploaded):
    """Validate and import a member file for cells under `root`, all or nothing.

    Rows matching an existing member (by party card number, else citizen ID, else
    name and date of birth) update that member; others create new members. Any
    error anywhere leaves the database untouched.
    """
    result = ImportResult()
    try:
        table = read_table(uploaded)
    except ImportRefused as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    cells = Organisation.objects.subtree_of(root).cells().active()
    cells_by_code = {c.code: c for c in cells}
    rows, errors = parse_rows(table, cells_by_code=cells_by_code)
    result.rows = len(rows)
    result.errors.extend(errors)
    if not rows and not errors:
        result.errors.append(RowError(0, "", _("Tệp không có dòng dữ liệu nào.")))
    if result.errors:
        return result

    seen = {}
    for row in rows:
        key = _key(row)
        if key in seen:
            result.errors.append(
                RowError(row["_row"], "", _("Trùng với dòng %(n)s của tệp.") % {"n": seen[key]})
            )
        else:
            seen[key] = row["_row"]
    existing, by_card, by_cid = _match_existing(rows)
    for row in rows:
        member = existing[row["_row"]]
        for key, index in (("party_card_number", by_card), ("citizen_id", by_cid)):
            other = index.get(row[key]) if row[key] else None
            if other is not None and other != member:
                if other.cell.path.startswith(root.path):
                    message = _("Đã thuộc về đảng viên khác: %(name)s.") % {"name": other.full_name}
                else:
                    message = _("Đã thuộc về một đảng viên ngoài phạm vi của bạn.")
                result.errors.append(RowError(row["_row"], dict(COLUMNS)[key], message))
        if member is not None and member.cell_id != row["cell"].pk:
            if not member.cell.path.startswith(root.path):
                result.errors.append(
                    RowError(
                        row["_row"], "", _("Đảng viên này thuộc chi bộ ngoài phạm vi của bạn.")
                    )
                )
            else:
                result.errors.append(
                    RowError(
                        row["_row"],
                        dict(COLUMNS)["cell_code"],
                        _(
                            "Đảng viên đang sinh hoạt ở %(cell)s; hãy dùng chức năng chuyển sinh hoạt."
                        )
                        % {"cell": member.cell.name},
                    )
                )
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result

    with transaction.atomic():
        for row in rows:
            _write_row(actor, row, existing[row["_row"]], result)
        record_audit(
            actor=actor,
            action="member.import",
            target=root,
            organisation=root,
            summary=_("Nhập tệp %(file)s: thêm %(c)s, cập nhật %(u)s, giữ nguyên %(s)s")
            % {
                "file": uploaded.name,
                "c": result.created,
                "u": result.updated,
                "s": result.unchanged,
            },
        )
    return result


def _write_row(actor, row, member, result):
    data = {key: row[key] for key in DATA_FIELDS}
    user = actor if actor is not None and actor.is_authenticated else None
    if member is None:
        member = Member.objects.create(cell=row["cell"], status=row["status"], **data)
        record_initial_history(
            member=member,
            actor=actor,
            since=row["admitted_on"],
            reason=pgettext("lý do", "Nhập từ tệp"),
        )
        result.created += 1
        return
    changed = [key for key, value in data.items() if getattr(member, key) != value]
    if member.status != row["status"]:
        changed.append("status")
        MemberStatusChange.objects.create(
            member=member,
            status=row["status"],
            # Recognition as official has its own date in the file; other changes date
            # from the import.
            effective_on=row["official_on"]
            if row["status"] == MemberStatus.OFFICIAL and row["official_on"]
            else timezone.localdate(),
            recorded_by=user,
            reason=pgettext("lý do", "Nhập từ tệp"),
        )
    if not changed:
        result.unchanged += 1
        return
    before = {key: str(getattr(member, key)) for key in changed}
    for key, value in data.items():
        setattr(member, key, value)
    member.status = row["status"]
    member.version += 1
    member.save()
    record_audit(
        actor=actor,
        action="member.update",
        target=member,
        organisation=member.cell,
        summary=_("Cập nhật %(name)s từ tệp nhập") % {"name": member},
        changes={key: [before[key], str(getattr(member, key))] for key in changed},
    )
    result.updated += 1


def export_rows(members):
    """Yield the header then one row per member, in the import's columns."""
    from django.utils import translation

    yield HEADERS
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
            ]


def export_csv(members):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(members):
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(members):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Đảng viên")
    for row in export_rows(members):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
