"""Accounts and posts: saving an account, a changed password, appointing to a position
and ending it. Each writes atomically and leaves an audit row."""

from django.db import transaction
from django.utils import timezone

from members.access import roles
from members.enums import MemberStatus, PositionRole
from members.logtext import gettext_kept as _
from members.models import Position
from members.people.services import _check_cell
from members.services import MembersError, record_audit


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
