"""Member rows read from a file: checked one by one, then written all or nothing, through
the services and by the rules and rights of the pages (members.workflow)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from members import permissions, services, workflow
from members.enums import MemberStatus, Sex
from members.imports.files import MAX_ROWS, ImportRefused, read_table
from members.logtext import gettext_kept as _
from members.models import MEMBER_FIELDS, Member, Organisation, age_on
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
    name and date of birth) update that member; others create new members. Each row
    goes through the services, with the rules and rights of the pages: a change of
    status is a move of members.workflow that `actor` must be allowed to make. Any
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
        result.errors.extend(_conflicts(row, existing[row["_row"]], by_card, by_cid, root))
        result.errors.extend(_refusals(actor, row, existing[row["_row"]]))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result

    try:
        with transaction.atomic():
            for row in rows:
                _write_row(actor, row, existing[row["_row"]], result)
            services.record_audit(
                actor=actor,
                action="member.import",
                target=root,
                organisation=root,
                summary=_("Nhập tệp %(file)s: thêm %(c)s, cập nhật %(u)s, giữ nguyên %(s)s")
                % {"file": uploaded.name, "c": result.created, "u": result.updated,
                   "s": result.unchanged},
            )  # fmt: skip
    except _RowRefused as exc:
        return ImportResult(errors=[exc.error], rows=len(rows))
    return result


COLUMN = dict(COLUMNS)


def _unusable():
    return _("Số này không dùng được; nếu chắc chắn là đúng, hãy báo cấp ủy cấp trên kiểm tra.")


def _conflicts(row, member, by_card, by_cid, root):
    """Card and ID numbers of other members, and members of cells outside `root`: refused
    without saying whose they are, or where, outside the importer's scope."""
    errors = []
    if member is not None and not member.cell.path.startswith(root.path):
        key = "party_card_number" if row["party_card_number"] else "citizen_id"
        return [RowError(row["_row"], COLUMN[key], _unusable())]
    for key, index in (("party_card_number", by_card), ("citizen_id", by_cid)):
        other = index.get(row[key]) if row[key] else None
        if other is not None and other != member:
            message = (
                _("Đã thuộc về đảng viên khác: %(name)s.") % {"name": other.full_name}
                if other.cell.path.startswith(root.path)
                else _unusable()
            )
            errors.append(RowError(row["_row"], COLUMN[key], message))
    if member is not None and member.cell_id != row["cell"].pk:
        errors.append(RowError(
            row["_row"], COLUMN["cell_code"],
            _("Đảng viên đang sinh hoạt ở %(cell)s; hãy dùng chức năng chuyển sinh hoạt.")
            % {"cell": member.cell.name},
        ))  # fmt: skip
    return errors


def _status_date(row):
    """The date a change of status in the file takes effect: recognition as official has
    its own date in the file; any other change dates from the import."""
    if row["status"] == MemberStatus.OFFICIAL and row["official_on"]:
        return row["official_on"]
    return timezone.localdate()


def _refusals(actor, row, member):
    """What the rules or `actor`'s rights refuse in this row: a stale row, a change of
    status the table does not allow, or one the importer may not make."""
    errors = []
    number = row["_row"]
    if member is None:
        if row["status"] == MemberStatus.OFFICIAL and row["official_on"] and row["admitted_on"]:
            probe = Member(admitted_on=row["admitted_on"], status=MemberStatus.PROBATIONARY)
            errors += [RowError(number, COLUMN["official_on"], reason) for reason in
                       workflow.reasons_against(probe, MemberStatus.OFFICIAL, row["official_on"])]  # fmt: skip
        return errors
    if row["version"] is not None and row["version"] != member.version:
        errors.append(RowError(number, VERSION_HEADER, _(
            "Đảng viên này đã được sửa sau khi xuất tệp (phiên bản %(old)s, nay là %(new)s): "
            "hãy xuất lại danh sách rồi sửa trên tệp mới."
        ) % {"old": row["version"], "new": member.version}))  # fmt: skip
    if row["status"] == member.status:
        return errors
    move = workflow.move(member.status, row["status"])
    if move is None or move is workflow.TRANSFER:
        errors.append(RowError(number, COLUMN["status"], _(
            "Không đổi được tình trạng từ “%(from)s” sang “%(to)s” bằng tệp nhập; hãy dùng "
            "trang của đảng viên."
        ) % {"from": member.get_status_display(), "to": MemberStatus(row["status"]).label}))  # fmt: skip
        return errors
    allowed = (permissions.can_administer if move.permission == workflow.ADMINISTER
               else permissions.can_manage)(actor, member.cell)  # fmt: skip
    if not allowed:
        errors.append(RowError(number, COLUMN["status"], _(
            "Bạn không có quyền %(what)s: việc này do cấp ủy cấp trên quyết định."
        ) % {"what": move.label}))  # fmt: skip
        return errors
    last = member.status_changes.order_by("-effective_on").values_list("effective_on", flat=True)
    errors += [RowError(number, COLUMN["status"], reason) for reason in workflow.reasons_against(
        member, row["status"], _status_date(row), last_change=last.first())]  # fmt: skip
    return errors


class _RowRefused(Exception):
    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


def _write_row(actor, row, member, result):
    """Write one checked row through the services."""
    data = {key: row[key] for key in DATA_FIELDS}
    try:
        if member is None:
            services.create_member(actor=actor, cell=row["cell"], data=data, status=row["status"],
                                   since=row["admitted_on"])  # fmt: skip
            result.created += 1
            return
        changed = {key: value for key, value in data.items() if getattr(member, key) != value}
        if row["status"] != member.status:
            changed.pop("official_on", None)  # recognition sets it
        if changed:
            services.update_member(actor=actor, member=member, data=changed,
                                   version=member.version)  # fmt: skip
        if row["status"] != member.status:
            _move(actor, member, row)
        if changed or row["status"] != member.status:
            result.updated += 1
        else:
            result.unchanged += 1
    except services.MembersError as exc:
        raise _RowRefused(RowError(row["_row"], "", str(exc))) from exc


def _move(actor, member, row):
    on, reason = _status_date(row), pgettext("lý do", "Nhập từ tệp")
    action = workflow.move(member.status, row["status"]).action
    if action == "recognise":
        services.recognise_official(actor=actor, member=member, on=on, reason=reason)
    elif action == "exempt":
        services.exempt_member(actor=actor, member=member, on=on, reason=reason)
    elif action == "reinstate":
        services.reinstate_member(actor=actor, member=member, on=on, reason=reason)
    else:
        services.record_status(actor=actor, member=member, status=row["status"], on=on,
                               reason=reason)  # fmt: skip
