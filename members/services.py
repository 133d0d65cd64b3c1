"""Actions on organisations and members. Each writes atomically and leaves an audit row."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members import revisions, roles, signals, workflow
from members.enums import MembershipKind, MemberStatus, OrgKind, PositionRole
from members.logtext import gettext_kept as _
from members.logtext import plain_params
from members.models import (
    AuditEvent,
    Member,
    Membership,
    MemberStatusChange,
    Organisation,
    Position,
    TreeChange,
)
from members.text import name_keys


class MembersError(Exception):
    """A refused action; the message is for the user, already translated."""


class StaleEdit(MembersError):
    """Someone else saved the record after this form was opened."""


def record_audit(*, actor, action, target, organisation, summary, changes=None):
    """Write one audit row describing a change a person made."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        summary=summary[:400],
        message=getattr(summary, "msgid", None) or "",
        params=plain_params(getattr(summary, "params", None)),
        changes=changes or {},
    )


def _diff(instance, data):
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if isinstance(value, Organisation):
        return value.name
    if value is None:
        return None
    return str(value)


def _save_versioned(instance, data, version):
    """Save `data` onto `instance` only if nobody saved it since `version` was read."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=version).update(
        version=F("version") + 1, **data
    )
    if not updated:
        raise StaleEdit(
            _(
                "Bản ghi này vừa được người khác sửa sau khi bạn mở biểu mẫu. "
                "Nội dung của bạn vẫn còn bên dưới: hãy xem lại bản mới rồi lưu lại."
            )
        )
    for field, value in data.items():
        setattr(instance, field, value)
    instance.version = version + 1
    # An update() sends no signal: the unit's cached summaries must still see the change.
    revisions.touch(instance.pk if isinstance(instance, Organisation) else instance.cell_id)


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


@transaction.atomic
def save_account(*, actor, user, changed):
    """Save a user account created or changed by the superuser; audited (what changed,
    never the password itself)."""
    created = user.pk is None
    user.save()
    fields = sorted(set(changed) - {"password", "password1", "password2"})
    record_audit(
        actor=actor,
        action="user.create" if created else "user.update",
        target=user,
        organisation=None,
        summary=(_("Tạo tài khoản %(u)s") if created else _("Sửa tài khoản %(u)s"))
        % {"u": user.get_username()},
        changes={"fields": fields} if fields else None,
    )
    return user


def password_changed(*, actor, user):
    """Write the change of `user`'s password to the audit log."""
    record_audit(
        actor=actor,
        action="user.password_change",
        target=user,
        organisation=None,
        summary=_("Đổi mật khẩu của tài khoản %(u)s") % {"u": user.get_username()},
    )


def _check_cell(cell):
    if not cell.is_cell:
        raise MembersError(
            _("Đảng viên chỉ sinh hoạt ở chi bộ, không ở %(kind)s.")
            % {"kind": cell.get_kind_display()}
        )
    if not cell.is_active:
        raise MembersError(_("Chi bộ %(name)s đã giải thể.") % {"name": cell.name})


def _initial_status(data):
    return MemberStatus.OFFICIAL if data.get("official_on") else MemberStatus.PROBATIONARY


@transaction.atomic
def create_member(*, actor, cell, data, status=None, since=None):
    """Add a member to `cell`: the member, their first status and home membership, audited."""
    _check_cell(cell)
    status = status or _initial_status(data)
    member = Member.objects.create(cell=cell, status=status, **data)
    since = since or member.admitted_on
    record_initial_history(member=member, actor=actor, since=since)
    record_audit(
        actor=actor,
        action="member.create",
        target=member,
        organisation=cell,
        summary=_("Thêm đảng viên %(name)s vào %(cell)s") % {"name": member, "cell": cell},
    )
    return member


def record_initial_history(*, member, actor, since, reason=""):
    """A new member's status history (admission, official recognition, current status)
    and their home membership from `since`."""
    user = _user(actor)
    steps = [(MemberStatus.PROBATIONARY, member.admitted_on)]
    if member.official_on:
        steps.append((MemberStatus.OFFICIAL, member.official_on))
    if member.status != steps[-1][0]:
        steps.append((member.status, max(since, steps[-1][1])))
    MemberStatusChange.objects.bulk_create(
        MemberStatusChange(
            member=member, status=status, effective_on=day, recorded_by=user, reason=reason
        )
        for status, day in steps
    )
    Membership.objects.create(
        member=member, cell=member.cell, kind=MembershipKind.HOME, started_on=since
    )


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def update_member(*, actor, member, data, version):
    """Save changed fields of `member`; refuse if someone saved it since `version`."""
    changes = _diff(member, data)
    if not changes:
        return member
    if "full_name" in data:
        data = {**data, **name_keys(data["full_name"])}
    _save_versioned(member, data, version)
    if "full_name" in changes:
        revisions.renamed(member)
    record_audit(
        actor=actor,
        action="member.update",
        target=member,
        organisation=member.cell,
        summary=_("Sửa thông tin đảng viên %(name)s") % {"name": member},
        changes=changes,
    )
    return member


def _check_move(member, to_status, on):
    """Refuse a change of status the table of members.workflow does not allow on `on`."""
    last = member.status_changes.order_by("-effective_on").values_list("effective_on", flat=True)
    reasons = workflow.reasons_against(member, to_status, on, last_change=last.first())
    if reasons:
        raise MembersError(" ".join(reasons))


def _check_date(member, on):
    """A status date must follow the member's admission and their last recorded change."""
    if on > timezone.localdate():
        raise MembersError(_("Ngày không thể ở tương lai."))
    if on < member.admitted_on:
        raise MembersError(
            _("Ngày không thể trước ngày vào Đảng (%(d)s).")
            % {"d": member.admitted_on.strftime("%d/%m/%Y")}
        )
    last = member.status_changes.order_by("-effective_on").values_list("effective_on", flat=True)
    if last and on < last[0]:
        raise MembersError(
            _("Ngày không thể trước lần thay đổi tình trạng gần nhất (%(d)s).")
            % {"d": last[0].strftime("%d/%m/%Y")}
        )


def _end_open_posts(member, on):
    posts = Position.objects.filter(member=member, ended_on__isnull=True)
    started = posts.order_by("-started_on").values_list("started_on", flat=True).first()
    if started and on < started:
        raise MembersError(
            _("Ngày không thể trước ngày bắt đầu giữ chức vụ hiện tại (%(d)s).")
            % {"d": started.strftime("%d/%m/%Y")}
        )
    posts.update(ended_on=on)


def _set_status(*, actor, member, status, on, reason):
    _check_date(member, on)
    member.status = status
    member.version += 1
    member.save(update_fields=["status", "version", "updated_at"])
    MemberStatusChange.objects.create(
        member=member, status=status, effective_on=on, reason=reason, recorded_by=_user(actor)
    )


def _locked(member):
    return Member.objects.select_for_update().select_related("cell").get(pk=member.pk)


@transaction.atomic
def exempt_member(*, actor, member, on, reason):
    """Exempt a member from work and meetings (elderly or sick, decided by the cell)."""
    member = _locked(member)
    if member.status not in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY):
        raise MembersError(
            _("Chỉ miễn sinh hoạt cho đảng viên đang sinh hoạt; tình trạng hiện nay: %(s)s.")
            % {"s": member.get_status_display()}
        )
    if not reason.strip():
        raise MembersError(_("Cần ghi lý do miễn sinh hoạt."))
    _check_move(member, MemberStatus.EXEMPTED, on)
    _set_status(actor=actor, member=member, status=MemberStatus.EXEMPTED, on=on, reason=reason)
    record_audit(
        actor=actor,
        action="member.exempt",
        target=member,
        organisation=member.cell,
        summary=_("Miễn công tác và sinh hoạt đảng cho %(name)s") % {"name": member},
        changes={"reason": reason, "on": str(on)},
    )
    return member


@transaction.atomic
def record_status(*, actor, member, status, on, reason):
    """Record suspension, transfer out of the organisation, striking off, expulsion or death.

    Every status but suspension takes the member off the roll: their home membership
    and any posts end on `on`. The history keeps everything.
    """
    member = _locked(member)
    if status not in MemberStatus.recordable():
        raise MembersError(_("Tình trạng này được ghi bằng chức năng riêng."))
    if member.status not in MemberStatus.on_roll():
        raise MembersError(
            _("%(name)s không còn trong danh sách chi bộ (%(s)s).")
            % {"name": member, "s": member.get_status_display()}
        )
    if member.status == status:
        raise MembersError(_("Đảng viên đã ở tình trạng này."))
    if not reason.strip():
        raise MembersError(_("Cần ghi lý do hoặc số quyết định."))
    _check_move(member, status, on)
    if status != MemberStatus.SUSPENDED:
        _end_open_posts(member, on)
        Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        roles.member_left_cell(actor=actor, member=member, cell=member.cell, on=on)
    _set_status(actor=actor, member=member, status=status, on=on, reason=reason)
    record_audit(
        actor=actor,
        action="member.status",
        target=member,
        organisation=member.cell,
        summary=_("%(name)s: %(s)s") % {"name": member, "s": member.get_status_display()},
        changes={"reason": reason, "on": str(on)},
    )
    return member


@transaction.atomic
def recognise_official(*, actor, member, on, reason):
    """Recognise a probationary member as official from `on` (after the cell's vote)."""
    member = _locked(member)
    if member.status != MemberStatus.PROBATIONARY:
        raise MembersError(
            _("Chỉ công nhận chính thức cho đảng viên dự bị; tình trạng hiện nay: %(s)s.")
            % {"s": member.get_status_display()}
        )
    _check_move(member, MemberStatus.OFFICIAL, on)
    member.official_on = on
    member.save(update_fields=["official_on"])
    _set_status(actor=actor, member=member, status=MemberStatus.OFFICIAL, on=on, reason=reason)
    record_audit(
        actor=actor,
        action="member.official",
        target=member,
        organisation=member.cell,
        summary=_("Công nhận %(name)s là đảng viên chính thức") % {"name": member},
        changes={"reason": reason, "on": str(on)},
    )
    return member


@transaction.atomic
def reinstate_member(*, actor, member, on, reason=""):
    """Return an exempted, suspended or temporarily-away member to normal activity."""
    member = _locked(member)
    returnable = (MemberStatus.EXEMPTED, MemberStatus.SUSPENDED, MemberStatus.TEMPORARILY_AWAY)
    if member.status not in returnable:
        raise MembersError(_("Đảng viên đang sinh hoạt bình thường; không có gì để khôi phục."))
    _check_move(
        member, MemberStatus.OFFICIAL if member.official_on else MemberStatus.PROBATIONARY, on
    )
    if member.status == MemberStatus.TEMPORARILY_AWAY:
        Membership.objects.filter(
            member=member, kind=MembershipKind.TEMPORARY, ended_on__isnull=True
        ).update(ended_on=on)
    status = MemberStatus.OFFICIAL if member.official_on else MemberStatus.PROBATIONARY
    _set_status(actor=actor, member=member, status=status, on=on, reason=reason)
    record_audit(
        actor=actor,
        action="member.reinstate",
        target=member,
        organisation=member.cell,
        summary=_("Khôi phục sinh hoạt cho %(name)s") % {"name": member},
        changes={"reason": reason, "on": str(on)},
    )
    return member


@transaction.atomic
def transfer_member(*, actor, member, to_cell, on, temporary=False, until=None, reason="",
                    merging=False):  # fmt: skip
    """Move a member to another cell, keeping the history.

    Official transfer: closes the home membership, opens one in `to_cell`, and
    makes it the member's cell. Temporary transfer (3 months to under a year): the
    member stays on the home cell's roll as "temporarily away" and attends `to_cell`.
    When their cell merges into `to_cell` (`merging`), exempted, suspended and
    temporarily away members move too, keeping their status.
    """
    member = _locked(member)
    _check_cell(to_cell)
    if to_cell.pk == member.cell_id:
        raise MembersError(_("Đảng viên đang sinh hoạt ở chính chi bộ này."))
    movable = [MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY]
    if merging and not temporary:
        # Their cell is merging: everyone on its roll moves, keeping their status (one
        # away for a while stays away, and comes back to the successor).
        movable += [MemberStatus.EXEMPTED, MemberStatus.SUSPENDED, MemberStatus.TEMPORARILY_AWAY]
    if member.status not in movable:
        raise MembersError(
            _("Không thể chuyển sinh hoạt cho đảng viên có tình trạng %(s)s.")
            % {"s": member.get_status_display()}
        )
    from_cell = member.cell
    if temporary:
        _check_move(member, MemberStatus.TEMPORARILY_AWAY, on)
    else:
        _check_date(member, on)
    if temporary:
        if until is None or until <= on:
            raise MembersError(_("Chuyển sinh hoạt tạm thời cần ngày kết thúc sau ngày bắt đầu."))
        Membership.objects.create(
            member=member,
            cell=to_cell,
            kind=MembershipKind.TEMPORARY,
            started_on=on,
            ended_on=until,
            note=reason,
        )
        _set_status(
            actor=actor, member=member, status=MemberStatus.TEMPORARILY_AWAY, on=on, reason=reason
        )
        summary = _("Chuyển sinh hoạt tạm thời %(name)s từ %(from)s đến %(to)s")
    else:
        home = Membership.objects.filter(
            member=member, kind=MembershipKind.HOME, ended_on__isnull=True
        ).first()
        if home is not None:
            if on < home.started_on:
                raise MembersError(
                    _("Ngày chuyển không thể trước ngày bắt đầu sinh hoạt ở chi bộ hiện tại.")
                )
            home.ended_on = on
            home.save(update_fields=["ended_on"])
        _end_open_posts(member, on)
        Membership.objects.create(
            member=member, cell=to_cell, kind=MembershipKind.HOME, started_on=on, note=reason
        )
        member.cell = to_cell
        member.version += 1
        member.save(update_fields=["cell", "version", "updated_at"])
        roles.member_left_cell(actor=actor, member=member, cell=from_cell, on=on, to_cell=to_cell)
        summary = _("Chuyển sinh hoạt chính thức %(name)s từ %(from)s đến %(to)s")
    record_audit(
        actor=actor,
        action="member.transfer",
        target=member,
        organisation=from_cell,
        summary=summary % {"name": member, "from": from_cell, "to": to_cell},
        changes={"from": from_cell.name, "to": to_cell.name, "on": str(on), "reason": reason},
    )
    return member


@transaction.atomic
def appoint_position(*, actor, cell, member, role, started_on):
    """Give `member` a post in `cell` from `started_on`.

    A new secretary ends the previous secretary's term; a member who already holds
    another post in the cell (a committee member elected secretary) leaves it.
    """
    _check_cell(cell)
    if member.cell_id != cell.pk:
        raise MembersError(_("Chỉ đảng viên của chi bộ mới giữ chức vụ trong chi bộ."))
    if member.status != MemberStatus.OFFICIAL:
        raise MembersError(_("Chỉ đảng viên chính thức mới được bầu vào chi ủy."))
    if started_on > timezone.localdate():
        raise MembersError(_("Ngày bắt đầu không thể ở tương lai."))
    if member.official_on and started_on < member.official_on:
        raise MembersError(
            _("Ngày bắt đầu không thể trước ngày %(name)s là đảng viên chính thức (%(d)s).")
            % {"name": member, "d": member.official_on.strftime("%d/%m/%Y")}
        )
    current = Position.objects.filter(cell=cell, ended_on__isnull=True)
    if current.filter(member=member, role=role).exists():
        raise MembersError(_("Đảng viên này đang giữ chức vụ đó."))
    to_end = current.filter(member=member)
    if role == PositionRole.SECRETARY:
        to_end = to_end | current.filter(role=role)
    if to_end.filter(started_on__gt=started_on).exists():
        raise MembersError(_("Ngày bắt đầu không thể trước nhiệm kỳ của chức vụ đang giữ."))
    predecessors = list(to_end.exclude(member=member).select_related("member"))
    to_end.update(ended_on=started_on)
    position = Position.objects.create(cell=cell, member=member, role=role, started_on=started_on)
    for ended in predecessors:
        roles.post_ended(actor=actor, member=ended.member, cell=cell, on=started_on)
    if role == PositionRole.SECRETARY:
        roles.secretary_appointed(actor=actor, member=member, cell=cell)
    record_audit(
        actor=actor,
        action="position.appoint",
        target=position,
        organisation=cell,
        summary=_("%(name)s giữ chức %(role)s của %(cell)s")
        % {"name": member, "role": position.get_role_display(), "cell": cell},
    )
    return position


@transaction.atomic
def end_position(*, actor, position, ended_on):
    """Close a post's term on `ended_on`."""
    position = (
        Position.objects.select_for_update().select_related("member", "cell").get(pk=position.pk)
    )
    if position.ended_on is not None:
        raise MembersError(_("Nhiệm kỳ của chức vụ này đã kết thúc."))
    if ended_on < position.started_on:
        raise MembersError(_("Ngày kết thúc không thể trước ngày bắt đầu."))
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    roles.post_ended(actor=actor, member=position.member, cell=position.cell, on=ended_on)
    record_audit(
        actor=actor,
        action="position.end",
        target=position,
        organisation=position.cell,
        summary=_("Kết thúc chức %(role)s của %(name)s")
        % {"role": position.get_role_display(), "name": position.member},
    )
    return position
