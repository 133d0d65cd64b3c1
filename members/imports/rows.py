"""Member rows read from a file and checked one by one: the columns, the parsing of each
value, and the result with its errors."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone

from members.enums import MemberStatus, Sex
from members.imports.files import MAX_ROWS
from members.logtext import gettext_kept as _
from members.models import MEMBER_FIELDS, age_on
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
# Exports add the version each member had: an import of that file refuses the rows of
# members changed since. A file without the column is imported without that check.
VERSION_HEADER = "Phiên bản"
HEADER_KEYS = {fold(header): key for key, header in [*COLUMNS, ("version", VERSION_HEADER)]}
REQUIRED = {"full_name", "sex", "date_of_birth", "admitted_on", "cell_code"}
DATA_FIELDS = MEMBER_FIELDS
IMPORTABLE_STATUSES = MemberStatus.on_roll()
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What a spreadsheet takes for the start of a formula; exports put an apostrophe first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def _as_text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]  # what an export put before text that looks like a formula
    # Files from old Windows tools carry decomposed accents; store the composed form.
    return unicodedata.normalize("NFC", text).strip()


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
        version = _as_text(cell("version"))
        row["version"] = int(version) if version.isdigit() else None
        clean_rows.append(row)
    return clean_rows, errors


def _key(row):
    if row["party_card_number"]:
        return ("card", row["party_card_number"])
    if row["citizen_id"]:
        return ("cid", row["citizen_id"])
    return ("name", fold(row["full_name"]), row["date_of_birth"])
