"""Actions on members: creating and editing them, and each move of their status
(members.people.workflow). Each writes atomically and leaves an audit row."""

from django.db import transaction
from django.utils import timezone

from members import revisions
from members.access import roles
from members.enums import MembershipKind, MemberStatus
from members.logtext import gettext_kept as _
from members.models import Member, Membership, MemberStatusChange, Position
from members.people import workflow
from members.services import MembersError, _diff, _save_versioned, record_audit
from members.text import name_keys


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
    """Refuse a change of status the table of members.people.workflow does not allow on `on`."""
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
