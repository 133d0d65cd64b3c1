"""Roles: who may see and do what, where. Granted by committee staff (in the admin), and
ended by the facts they hang on: a member's roles on a cell end when they leave its
roll, a secretary's when their term ends, every role on a unit when it is dissolved.
Every grant and end is audited; an ended role is kept, with its date.
"""

from django.db import transaction
from django.utils import timezone

from members import services
from members.enums import MemberStatus, OrgKind, PositionRole, RoleKind
from members.logtext import gettext_kept as _
from members.models import Position, Role

CELL_KINDS = {RoleKind.SECRETARY, RoleKind.MEMBER}


@transaction.atomic
def grant_role(*, actor, user, organisation, kind):
    """Give `user` a role of `kind` on `organisation` from today; audited."""
    if not organisation.is_active:
        raise services.MembersError(_("Không thể giao vai trò ở tổ chức đã giải thể."))
    if kind in CELL_KINDS and organisation.kind not in OrgKind.cell_kinds():
        raise services.MembersError(
            _("Vai trò “%(kind)s” chỉ giao ở chi bộ.") % {"kind": RoleKind(kind).label}
        )
    if Role.objects.valid().filter(user=user, organisation=organisation, kind=kind).exists():
        raise services.MembersError(_("Người dùng này đã có vai trò đó ở tổ chức này."))
    role = Role.objects.create(user=user, organisation=organisation, kind=kind)
    services.record_audit(
        actor=actor,
        action="role.grant",
        target=role,
        organisation=organisation,
        summary=_("Giao vai trò %(kind)s ở %(org)s cho %(user)s")
        % {"kind": role.get_kind_display(), "org": organisation, "user": user.get_username()},
    )
    return role


@transaction.atomic
def end_role(*, actor, role, on=None, reason=""):
    """End `role` on `on` (today): from then on it gives no access. Audited."""
    role = Role.objects.select_for_update().select_related("user", "organisation").get(pk=role.pk)
    on = on or timezone.localdate()
    if role.ended_on is not None and role.ended_on <= on:
        return role
    role.ended_on = on
    role.save(update_fields=["ended_on"])
    summary = _("Kết thúc vai trò %(kind)s ở %(org)s của %(user)s") % {
        "kind": role.get_kind_display(), "org": role.organisation,
        "user": role.user.get_username(),
    }  # fmt: skip
    services.record_audit(
        actor=actor,
        action="role.end",
        target=role,
        organisation=role.organisation,
        summary=f"{summary} ({reason})" if reason else summary,
    )
    return role


def _end_all(actor, roles, on, reason):
    for role in roles.valid(on):
        end_role(actor=actor, role=role, on=on, reason=reason)


def member_left_cell(*, actor, member, cell, on, to_cell=None):
    """`member` left `cell`'s roll on `on`: their user's roles on it end; if they move to
    `to_cell`, they read it as a member from then."""
    if member.user_id is None:
        return
    roles = Role.objects.filter(user_id=member.user_id, organisation=cell, kind__in=CELL_KINDS)
    held = roles.valid(on).exists()
    _end_all(actor, roles, on, _("rời chi bộ"))
    if held and to_cell is not None:
        _ensure_member_role(actor, member, to_cell)


def post_ended(*, actor, member, cell, on):
    """`member`'s posts in `cell` ended on `on`: without a secretary's or deputy's post
    left, their management of the cell ends; a member of its roll still reads it."""
    if member.user_id is None:
        return
    still = Position.objects.filter(
        member=member, cell=cell, role__in=[PositionRole.SECRETARY, PositionRole.DEPUTY]
    ).exclude(ended_on__lte=on)
    if still.exists():
        return
    roles = Role.objects.filter(user_id=member.user_id, organisation=cell, kind=RoleKind.SECRETARY)
    if not roles.valid(on).exists():
        return
    _end_all(actor, roles, on, _("hết nhiệm kỳ"))
    if member.cell_id == cell.pk and member.status in MemberStatus.on_roll():
        _ensure_member_role(actor, member, cell)


def secretary_appointed(*, actor, member, cell):
    """A member with an account who is made secretary manages their cell."""
    user = member.user
    if user is None:
        return
    if (
        not Role.objects.valid()
        .filter(user=user, organisation=cell, kind=RoleKind.SECRETARY)
        .exists()
    ):
        grant_role(actor=actor, user=user, organisation=cell, kind=RoleKind.SECRETARY)


def unit_dissolved(*, actor, org, on):
    _end_all(actor, Role.objects.filter(organisation=org), on, _("tổ chức giải thể"))


def _ensure_member_role(actor, member, cell):
    if not Role.objects.valid().filter(user_id=member.user_id, organisation=cell).exists():
        grant_role(actor=actor, user=member.user, organisation=cell, kind=RoleKind.MEMBER)
