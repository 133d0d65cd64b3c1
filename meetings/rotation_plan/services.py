"""Planning and adjusting the rotation of the model meeting (side effects, audited)."""

import datetime

from django.db import transaction
from django.utils import timezone

from meetings.models import RotationSlot
from meetings.rotation import Slot, plan, quarter_index, violations, year_quarter
from meetings.selectors import existed_in, rotation_groups
from members.enums import OrgKind
from members.logtext import gettext_kept as _
from members.models import Organisation, tree_order
from members.revisions import touch
from members.services import record_audit


class RotationError(Exception):
    """A refused change; the message is for the user, already translated."""


def _cells_by_group(groups):
    cells = {}
    for cell in sorted(  # siblings in the order they were created: by id, not as text
        Organisation.objects.filter(parent__in=groups, kind__in=OrgKind.cell_kinds()).only(
            "pk", "parent_id", "path", "founded_on", "dissolved_on"
        ),
        key=tree_order,
    ):
        cells.setdefault(cell.parent_id, []).append(cell)
    return cells


def _active_at(cells, today):
    def active_at(index):
        year, quarter = year_quarter(index)
        start = datetime.date(year, quarter * 3 - 2, 1)
        after = datetime.date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
        # A quarter not over yet is hosted by a cell that still exists today: the
        # unheld quarter of a host dissolved within it is planned again.
        until = start if after <= today else max(start, today)
        return [
            c.pk
            for c in cells
            if (c.founded_on is None or c.founded_on <= start)
            and (c.dissolved_on is None or c.dissolved_on > until)
        ]

    return active_at


def _as_slot(row, today):
    fixed = row.manual or row.postponed or row.is_held or row.ends_on < today
    return Slot(quarter_index(row.year, row.quarter), row.host_id, not row.postponed, fixed)


def follow_tree(*, group, actor, **kwargs):
    """A cell was founded or dissolved under `group`: plan again, at once, the quarters of
    its years from this one on that are planned already and not held (members.signals).
    A dissolved host leaves its unheld quarters; a new cell hosts before any repeats."""
    today = timezone.localdate()
    years = (
        RotationSlot.objects.filter(group=group, year__gte=today.year)
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    for year in list(years):
        plan_rotation(actor=actor, org=group, year=year, groups=[group])


@transaction.atomic
def plan_rotation(*, actor, org, year, dry_run=False, groups=None):
    """Plan the four quarters of `year` for every group under `org` (or `groups` only).

    Keeps held, past, postponed and hand-swapped quarters; recomputes the rest by the
    rule, so running it again changes nothing. Writes slots (unless `dry_run`) and one
    audit row. Returns [(group, [RotationSlot × 4])].
    """
    today = timezone.localdate()
    groups = rotation_groups(org) if groups is None else groups
    cells = _cells_by_group(groups)
    rows = {}
    for row in RotationSlot.objects.filter(group__in=groups, year__lte=year).select_related(
        "meeting"
    ):
        rows.setdefault(row.group_id, {})[quarter_index(row.year, row.quarter)] = row
    indexes = [quarter_index(year, q) for q in range(1, 5)]
    result, to_create, to_update = [], [], []
    for group in groups:
        kept = rows.get(group.pk, {})
        if not existed_in(group, year) and not any(i in kept for i in indexes):
            continue  # not founded yet, or dissolved: no quarters to plan in this year
        if not group.is_active and not any(i in kept for i in indexes):
            continue  # a dissolved committee has no quarters to plan in this year
        existing = {i: _as_slot(r, today) for i, r in kept.items()}
        planned = plan(indexes, _active_at(cells.get(group.pk, []), today), existing)
        slots = []
        for index in indexes:
            row = kept.get(index)
            host = planned[index].host
            if row is None and not group.is_active:  # shown empty, never written
                row = RotationSlot(group=group, year=year, quarter=index % 4 + 1)
            elif row is None:
                row = RotationSlot(group=group, year=year, quarter=index % 4 + 1, host_id=host)
                to_create.append(row)
            elif row.host_id != host and not existing[index].fixed and group.is_active:
                row.host_id = host
                to_update.append(row)
            slots.append(row)
        result.append((group, slots))
    if not dry_run and (to_create or to_update):  # nothing changed: nothing to record
        RotationSlot.objects.bulk_create(to_create)
        RotationSlot.objects.bulk_update(to_update, ["host"])
        touch(*{row.group_id for row in [*to_create, *to_update]})  # bulk writes send no signals
        record_audit(
            actor=actor, action="rotation.plan", target=org, organisation=org,
            summary=_("Lập lịch sinh hoạt chi bộ điểm năm %(y)s: %(n)s nhóm, %(c)s quý mới, %(u)s quý đổi")
            % {"y": year, "n": len(groups), "c": len(to_create), "u": len(to_update)},
        )  # fmt: skip
    return result


def _group_slots(group):
    rows = RotationSlot.objects.filter(group=group).select_related("meeting")
    return {quarter_index(r.year, r.quarter): r for r in rows}


@transaction.atomic
def swap_slots(*, actor, first, second, reason):
    """Exchange the hosts of two quarters of one group, if the rule still holds."""
    if first.group_id != second.group_id:
        raise RotationError(_("Chỉ đổi được hai quý của cùng một đảng bộ."))
    if not reason.strip():
        raise RotationError(_("Cần ghi lý do."))
    today = timezone.localdate()
    for slot in (first, second):
        quarter = f"{slot.quarter}/{slot.year}"
        if slot.is_held:
            raise RotationError(_("Quý %(q)s đã họp: không thể đổi chi bộ điểm.") % {"q": quarter})
        if slot.ends_on < today:
            raise RotationError(_("Quý %(q)s đã qua: không thể đổi chi bộ điểm.") % {"q": quarter})
    rows = _group_slots(first.group)
    slots = {i: _as_slot(r, today) for i, r in rows.items()}
    a, b = quarter_index(first.year, first.quarter), quarter_index(second.year, second.quarter)
    slots[a], slots[b] = (
        Slot(a, second.host_id, slots[a].counts, True),
        Slot(b, first.host_id, slots[b].counts, True),
    )
    cells = _cells_by_group([first.group]).get(first.group_id, [])
    if violations(slots.values(), _active_at(cells, today)):
        raise RotationError(
            _("Đổi như vậy sẽ có chi bộ làm điểm hai lần trước khi mọi chi bộ đều đã làm điểm.")
        )
    first.host_id, second.host_id = second.host_id, first.host_id
    for slot in (first, second):
        slot.manual, slot.reason = True, reason
        slot.save(update_fields=["host", "manual", "reason", "updated_at"])
    record_audit(
        actor=actor, action="rotation.swap", target=first.group, organisation=first.group,
        summary=_("Đổi chi bộ điểm quý %(a)s và quý %(b)s") % {
            "a": f"{first.quarter}/{first.year}", "b": f"{second.quarter}/{second.year}"},
        changes={"reason": reason},
    )  # fmt: skip


@transaction.atomic
def postpone_slot(*, actor, slot, reason):
    """Postpone a quarter's model meeting: its host is planned again next quarter."""
    if not reason.strip():
        raise RotationError(_("Cần ghi lý do."))
    if slot.is_held:
        raise RotationError(
            _("Quý %(q)s đã họp: không thể hoãn.") % {"q": f"{slot.quarter}/{slot.year}"}
        )
    slot.postponed, slot.reason = True, reason
    slot.save(update_fields=["postponed", "reason", "updated_at"])
    record_audit(
        actor=actor, action="rotation.postpone", target=slot.group, organisation=slot.group,
        summary=_("Hoãn sinh hoạt chi bộ điểm quý %(q)s") % {"q": f"{slot.quarter}/{slot.year}"},
        changes={"reason": reason},
    )  # fmt: skip
