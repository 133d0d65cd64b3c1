"""Reorganising the tree, as of a date: move a unit with its subtree under another
superior; merge units into a successor; split a unit. Each is one audited action that staff above both
sides carry out, previewed before it is applied.

What was recorded stays where it was: meetings, minutes, signatures and their signing
records keep the unit and the names they had (signed documents print from their record),
and the members' transfers keep their history. Open work follows the units: a cell's
meetings move with it; a merged cell's members transfer to the successor cell on the
date, its unheld meetings are cancelled; the rotation's unheld quarters of this year and
later are planned again for the committees of the new shape; roles on merged units end.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meetings import services
from meetings.enums import MeetingState
from meetings.models import Meeting, RotationSlot
from meetings.rotation_plan import services as rotation_services
from members import revisions
from members import services as member_services
from members.enums import MembershipKind, OrgKind
from members.logtext import gettext_kept as _
from members.models import Member, Membership, Organisation, Role, TreeChange, tree_order
from members.people import services as people_services
from members.tree import services as tree_services

OPEN = [MeetingState.PLANNED, MeetingState.PREPARED, MeetingState.POSTPONED]
UNSIGNED = [MeetingState.HELD, MeetingState.SUBMITTED]


class ReorganisationError(member_services.MembersError):
    pass


def _check_target(org, new_parent):
    if not org.is_active:
        raise ReorganisationError(_("%(name)s đã giải thể.") % {"name": org.name})
    if not new_parent.is_active:
        raise ReorganisationError(_("%(name)s đã giải thể.") % {"name": new_parent.name})
    if new_parent.path.startswith(org.path):
        raise ReorganisationError(
            _("Không thể đặt %(org)s dưới chính nó hoặc một tổ chức trực thuộc nó.")
            % {"org": org.name}
        )
    if org.kind not in OrgKind.allowed_children(new_parent.kind):
        raise ReorganisationError(
            _("%(kind)s không thể trực thuộc %(parent)s.")
            % {"kind": org.get_kind_display(), "parent": new_parent.name}
        )


def _check_date(on, *orgs):
    if on > timezone.localdate():
        raise ReorganisationError(_("Ngày có hiệu lực không thể ở tương lai."))
    for org in orgs:
        if org.founded_on and on < org.founded_on:
            raise ReorganisationError(
                _("Ngày có hiệu lực trước ngày thành lập %(name)s (%(date)s).")
                % {"name": org.name, "date": org.founded_on.strftime("%d/%m/%Y")}
            )


def _subtree(orgs):
    ids = set()
    for org in orgs:
        ids |= set(Organisation.objects.subtree_of(org).values_list("pk", flat=True))
    return ids


def preview(*, orgs, new_parent=None, successor=None):
    """What a move under `new_parent`, or a merge into `successor`, would change."""
    ids = _subtree(orgs)
    cells = Organisation.objects.filter(pk__in=ids).cells().active()
    meetings = Meeting.objects.filter(cell__in=cells)
    slots = RotationSlot.objects.filter(
        group_id__in=ids, year__gte=timezone.localdate().year, meeting__isnull=True
    )
    return {
        "orgs": orgs,
        "new_parent": new_parent,
        "successor": successor,
        "units": len(ids),
        "cells": cells.count(),
        "members": Member.objects.filter(cell__in=cells).on_roll().count(),
        "roles": Role.objects.valid().filter(organisation_id__in=ids).count(),
        "ending_roles": Role.objects.valid().filter(organisation__in=orgs).count()
        if successor is not None
        else 0,
        "open_meetings": meetings.filter(state__in=OPEN).count(),
        "unsigned_meetings": meetings.filter(state__in=UNSIGNED).count(),
        "unheld_slots": slots.count(),
    }


def _replan(actor, committees):
    """Plan again the unheld quarters of this year and later, where a plan exists."""
    year = timezone.localdate().year
    for committee in committees:
        if committee is None or not committee.is_active:
            continue
        planned = RotationSlot.objects.filter(
            group__in=rotation_services.rotation_groups(committee), year__gte=year
        ).values_list("year", flat=True)
        for planned_year in sorted(set(planned)):
            rotation_services.plan_rotation(actor=actor, org=committee, year=planned_year)


def _top(orgs):
    """The nearest unit above all of `orgs` (their common ancestor)."""
    paths = [o.path.strip("/").split("/") for o in orgs]
    common = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Organisation.objects.filter(pk=int(common[-1])).first() if common else None


@transaction.atomic
def move(*, actor, org, new_parent, on, reason=""):
    """Move `org` with its subtree under `new_parent` as of `on`; audited."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    new_parent = Organisation.objects.select_for_update().get(pk=new_parent.pk)
    if org.parent_id is None:
        raise ReorganisationError(_("Không thể chuyển tổ chức cấp cao nhất."))
    if org.parent_id == new_parent.pk:
        raise ReorganisationError(
            _("%(org)s đã trực thuộc %(parent)s.") % {"org": org.name, "parent": new_parent.name}
        )
    _check_target(org, new_parent)
    _check_date(on, org, new_parent)
    old_parent = org.parent
    ids = _subtree([org])
    org.parent = new_parent
    org.version += 1
    org.save(update_fields=["parent", "version"])  # the database carries the paths down
    org.refresh_from_db(fields=["path", "depth"])
    TreeChange.objects.create(org=org, kind=TreeChange.MOVE, on=on, old_parent=old_parent,
                              new_parent=new_parent, reason=reason)  # fmt: skip
    revisions.touch(old_parent.pk, *ids)
    member_services.record_audit(
        actor=actor, action="organisation.move", target=org, organisation=org,
        summary=_("Chuyển %(org)s từ %(old)s sang trực thuộc %(new)s, từ ngày %(on)s")
        % {"org": org.name, "old": old_parent.name, "new": new_parent.name,
           "on": on.strftime("%d/%m/%Y")},
        changes={"parent": [old_parent.name, new_parent.name], "on": str(on), "reason": reason},
    )  # fmt: skip
    _replan(actor, [_top([old_parent, new_parent])])
    return org


@transaction.atomic
def merge(*, actor, orgs, successor, on, reason=""):
    """Merge `orgs` into `successor` as of `on`: their units move under it, the members
    of a merged cell transfer to it (a cell), and the merged units are dissolved; audited."""
    successor = Organisation.objects.select_for_update().get(pk=successor.pk)
    orgs = list(Organisation.objects.select_for_update().filter(pk__in=[o.pk for o in orgs]))
    if not orgs or any(o.pk == successor.pk for o in orgs):
        raise ReorganisationError(_("Chọn các tổ chức hợp nhất, khác tổ chức kế thừa."))
    if not successor.is_active:
        raise ReorganisationError(_("%(name)s đã giải thể.") % {"name": successor.name})
    for org in orgs:
        if not org.is_active:
            raise ReorganisationError(_("%(name)s đã giải thể.") % {"name": org.name})
        if successor.path.startswith(org.path):
            raise ReorganisationError(
                _("Không thể hợp nhất %(org)s vào một tổ chức trực thuộc nó.") % {"org": org.name}
            )
        if org.is_cell != successor.is_cell:
            raise ReorganisationError(_("Chỉ hợp nhất chi bộ với chi bộ, đảng bộ với đảng bộ."))
    _check_date(on, successor, *orgs)
    top = _top([*orgs, successor])
    for org in sorted(orgs, key=tree_order):
        children = Organisation.objects.filter(parent=org).active()
        for child in sorted(children, key=tree_order):
            _check_target(child, successor)
            move(actor=actor, org=child, new_parent=successor, on=on, reason=reason)
        if org.is_cell:
            _merge_cell(actor, org, successor, on, reason)
        TreeChange.objects.create(org=org, kind=TreeChange.MERGE, on=on,
                                  old_parent=org.parent, successor=successor, reason=reason)  # fmt: skip
        _drop_unheld_quarters(org)
        tree_services.dissolve_organisation(
            actor=actor, org=org, on=on,
            reason=_("Hợp nhất vào %(name)s. %(reason)s") % {"name": successor.name, "reason": reason},
        )  # fmt: skip
    member_services.record_audit(
        actor=actor, action="organisation.merge", target=successor, organisation=successor,
        summary=_("Hợp nhất %(orgs)s vào %(successor)s, từ ngày %(on)s")
        % {"orgs": ", ".join(o.name for o in orgs), "successor": successor.name,
           "on": on.strftime("%d/%m/%Y")},
        changes={"merged": [o.name for o in orgs], "on": str(on), "reason": reason},
    )  # fmt: skip
    _replan(actor, [top])
    return successor


def check_split(*, org, code, on):
    """Refusals of a split that depend on neither the parts nor a lock (the preview)."""
    if not org.is_active:
        raise ReorganisationError(_("%(name)s đã giải thể.") % {"name": org.name})
    if org.parent_id is None:
        raise ReorganisationError(_("Không thể tách tổ chức cấp cao nhất."))
    _check_date(on, org)
    if not code.strip():
        raise ReorganisationError(_("Hãy đặt tên và mã cho tổ chức mới."))
    if Organisation.objects.filter(code=code.strip()).exists():
        raise ReorganisationError(_("Mã %(code)s đã có tổ chức dùng.") % {"code": code.strip()})


@transaction.atomic
def split(*, actor, org, name, code, on, units=(), members=(), reason=""):
    """Split `org` as of `on`: a new unit beside it (same superior, kind and type),
    founded on `on`, takes the chosen `units` below it (for a committee) or `members`
    on its roll (for a cell), who transfer with their history; audited. `org` goes on."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    name, code = name.strip(), code.strip()
    if not name:
        raise ReorganisationError(_("Hãy đặt tên và mã cho tổ chức mới."))
    check_split(org=org, code=code, on=on)
    units = [u for u in units if u.parent_id == org.pk and u.is_active]
    members = [m for m in members if m.cell_id == org.pk]
    if not units and not members:
        raise ReorganisationError(
            _("Chọn các tổ chức trực thuộc hoặc đảng viên chuyển sang tổ chức mới.")
        )
    new = tree_services.create_organisation(
        actor=actor, parent=org.parent,
        data={"name": name, "code": code, "kind": org.kind, "cell_type": org.cell_type,
              "founded_on": on},
    )  # fmt: skip
    for unit in sorted(units, key=tree_order):
        move(actor=actor, org=unit, new_parent=new, on=on, reason=reason)
    note = _("Tách chi bộ") + (f": {reason}" if reason else "")
    for member in members:
        people_services.transfer_member(actor=actor, member=member, to_cell=new, on=on,
                                        reason=note, merging=True)  # fmt: skip
    TreeChange.objects.create(org=org, kind=TreeChange.SPLIT, on=on, old_parent=org.parent,
                              successor=new, reason=reason)  # fmt: skip
    member_services.record_audit(
        actor=actor, action="organisation.split", target=org, organisation=org,
        summary=_("Tách %(new)s từ %(org)s, từ ngày %(on)s")
        % {"new": new.name, "org": org.name, "on": on.strftime("%d/%m/%Y")},
        changes={"on": str(on), "reason": reason},
    )  # fmt: skip
    _replan(actor, [org.parent])
    return new


def _drop_unheld_quarters(group):
    """A merged committee hosts no more model meetings: its quarters not yet begun go."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    RotationSlot.objects.filter(group=group, meeting__isnull=True).filter(
        Q(year__gt=today.year) | Q(year=today.year, quarter__gt=quarter)
    ).delete()


def _merge_cell(actor, cell, successor, on, reason):
    note = _("Hợp nhất chi bộ") + (f": {reason}" if reason else "")
    for meeting in Meeting.objects.filter(cell=cell, state__in=OPEN):
        services.change_state(actor=actor, meeting=meeting, to=MeetingState.CANCELLED,
                              reason=_("Chi bộ hợp nhất vào %(name)s") % {"name": successor.name})  # fmt: skip
    if Meeting.objects.filter(cell=cell, state__in=UNSIGNED).exists():
        raise ReorganisationError(
            _("%(name)s còn biên bản chưa ký: hãy hoàn tất việc ký trước khi hợp nhất.")
            % {"name": cell.name}
        )
    for member in Member.objects.filter(cell=cell).on_roll():
        # Everyone on the roll moves with their cell, keeping their status: exempted,
        # suspended, and away for a while (their stay elsewhere goes on).
        people_services.transfer_member(actor=actor, member=member, to_cell=successor, on=on,
                                        reason=note, merging=True)  # fmt: skip
    # Members from elsewhere attending here for a while attend the successor until their
    # stay ends.
    for stay in Membership.objects.filter(
        cell=cell, kind=MembershipKind.TEMPORARY, started_on__lte=on, ended_on__gt=on
    ).select_related("member"):
        Membership.objects.create(member=stay.member, cell=successor, kind=MembershipKind.TEMPORARY,
                                  started_on=on, ended_on=stay.ended_on, note=note)  # fmt: skip
        stay.ended_on = on
        stay.save(update_fields=["ended_on"])
