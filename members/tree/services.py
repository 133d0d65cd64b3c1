"""Actions on the tree: creating, editing and dissolving units. Each writes atomically
and leaves an audit row."""

from django.db import transaction
from django.utils import timezone

from members import signals
from members.access import roles
from members.enums import OrgKind
from members.logtext import gettext_kept as _
from members.models import Member, Organisation, TreeChange
from members.services import MembersError, _diff, _save_versioned, record_audit


@transaction.atomic
def create_organisation(*, actor, parent, data):
    """Create an organisation under `parent` (None for a root) and audit it."""
    if parent is not None and not parent.is_active:
        raise MembersError(_("Không thể tạo tổ chức trực thuộc một tổ chức đã giải thể."))
    if parent is not None and parent.kind == OrgKind.PARTY_GROUP:
        raise MembersError(_("Tổ đảng không có tổ chức trực thuộc."))
    org = Organisation(parent=parent, **data)
    org.save()
    org.refresh_from_db(fields=["path", "depth"])  # set by the database (members 0009)
    record_audit(
        actor=actor,
        action="organisation.create",
        target=org,
        organisation=org,
        summary=_("Tạo tổ chức %(name)s") % {"name": org.name},
    )
    if org.is_cell and parent is not None:
        signals.cells_changed.send(sender=Organisation, group=parent, actor=actor)
    return org


@transaction.atomic
def update_organisation(*, actor, org, data, version):
    """Save changed fields of `org`; refuse if someone saved it since `version`."""
    changes = _diff(org, data)
    if not changes:
        return org
    old_name = org.name
    _save_versioned(org, data, version)
    if org.name != old_name:  # kept for the tree of an earlier day
        TreeChange.objects.create(org=org, kind=TreeChange.RENAME, on=timezone.localdate(),
                                  old_name=old_name)  # fmt: skip
    record_audit(
        actor=actor,
        action="organisation.update",
        target=org,
        organisation=org,
        summary=_("Sửa thông tin tổ chức %(name)s") % {"name": org.name},
        changes=changes,
    )
    return org


@transaction.atomic
def dissolve_organisation(*, actor, org, on, reason=""):
    """Mark `org` dissolved from `on`. Refused while it has active units or members."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    if not org.is_active:
        raise MembersError(_("Tổ chức này đã giải thể."))
    if org.founded_on and on < org.founded_on:
        raise MembersError(_("Ngày giải thể không thể trước ngày thành lập."))
    if Organisation.objects.filter(parent=org, dissolved_on__isnull=True).exists():
        raise MembersError(
            _("Còn tổ chức trực thuộc đang hoạt động: hãy giải thể hoặc chuyển chúng trước.")
        )
    if Member.objects.filter(cell=org).on_roll().exists():
        raise MembersError(
            _("Chi bộ còn đảng viên đang sinh hoạt: hãy chuyển sinh hoạt cho họ trước.")
        )
    org.dissolved_on = on
    org.version += 1
    org.save(update_fields=["dissolved_on", "version"])
    roles.unit_dissolved(actor=actor, org=org, on=on)
    record_audit(
        actor=actor,
        action="organisation.dissolve",
        target=org,
        organisation=org,
        summary=_("Giải thể %(name)s từ ngày %(date)s")
        % {"name": org.name, "date": on.strftime("%d/%m/%Y")},
        changes={"reason": reason},
    )
    if org.is_cell and org.parent_id is not None:
        signals.cells_changed.send(sender=Organisation, group=org.parent, actor=actor)
    return org
