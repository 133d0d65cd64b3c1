"""Writing the checked rows all or nothing, through the services and by the rules and
rights of the pages (members.people.workflow)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from members import permissions, services
from members.enums import MemberStatus
from members.imports.files import ImportRefused, read_table
from members.imports.rows import (
    COLUMNS,
    DATA_FIELDS,
    VERSION_HEADER,
    ImportResult,
    RowError,
    _key,
    parse_rows,
)
from members.logtext import gettext_kept as _
from members.models import Member, Organisation
from members.people import services as people_services
from members.people import workflow
from members.text import fold


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
    status is a move of members.people.workflow that `actor` must be allowed to make. Any
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
            people_services.create_member(actor=actor, cell=row["cell"], data=data, status=row["status"],
                                   since=row["admitted_on"])  # fmt: skip
            result.created += 1
            return
        changed = {key: value for key, value in data.items() if getattr(member, key) != value}
        if row["status"] != member.status:
            changed.pop("official_on", None)  # recognition sets it
        if changed:
            people_services.update_member(actor=actor, member=member, data=changed,
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
        people_services.recognise_official(actor=actor, member=member, on=on, reason=reason)
    elif action == "exempt":
        people_services.exempt_member(actor=actor, member=member, on=on, reason=reason)
    elif action == "reinstate":
        people_services.reinstate_member(actor=actor, member=member, on=on, reason=reason)
    else:
        people_services.record_status(actor=actor, member=member, status=row["status"], on=on,
                               reason=reason)  # fmt: skip
