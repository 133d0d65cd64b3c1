"""The tree as it stood on a past day, for the dashboards of a period before a
reorganisation (meetings.compliance): which groups were under a unit, and which group
each cell moved away since counted under."""

from django.db.models import Case, F, IntegerField, Value, When

from meetings.selectors import rotation_groups
from members.enums import OrgKind
from members.models import Organisation, TreeChange, tree_order


def as_now(key, parent):
    """A cell's group as the tree stands now: its parent."""
    return F(parent)


class TreeThen:
    """The tree under `org` as it stood on `day`, for the dashboard of a period before a
    reorganisation: which groups were under `org`, and which group each cell moved away
    since was counted under. Read from the moves recorded after `day` (one query), and,
    only when there are any, the committees (a second)."""

    def __init__(self, org, day):
        self.org = org
        self.moves = {}  # unit id: (its parent on `day`, is a cell, its parent now)
        for org_id, old_parent_id, kind, parent_id in (
            TreeChange.objects.filter(kind=TreeChange.MOVE, on__gt=day)
            .order_by("-on", "-pk")
            .values_list("org_id", "old_parent_id", "org__kind", "org__parent_id")
        ):  # the earliest move after `day` is read last, and wins
            self.moves[org_id] = (old_parent_id, kind in OrgKind.cell_kinds(), parent_id)
        now = rotation_groups(org)
        if not self.moves:
            self.groups = now
            self.committees = {}
            return
        self.committees = {
            c.pk: c
            for c in Organisation.objects.exclude(
                kind__in=[*OrgKind.cell_kinds(), OrgKind.PARTY_GROUP]
            )
        }
        self.groups = self._groups_under(org, now)
        if org.founded_on and org.founded_on > day:
            # A unit formed later: its predecessors' groups of the time.
            for change in TreeChange.objects.filter(kind=TreeChange.MERGE, successor=org):
                before = self.committees.get(change.org_id)
                if before is not None:
                    self.groups += self._groups_under(before, rotation_groups(before))
            self.groups = sorted(set(self.groups), key=tree_order)

    def _groups_under(self, top, now):
        had_cells = top in now or any(
            cell and old == top.pk for old, cell, _parent in self.moves.values()
        )
        candidates = {c.pk: c for c in now} | {
            pk: c for pk, c in self.committees.items() if self._under(c, top)
        }
        if had_cells:
            candidates[top.pk] = top
        return sorted(
            (c for pk, c in candidates.items() if pk == top.pk or self._under(c, top)),
            key=tree_order,
        )

    def _parent_then(self, pk, parent_id):
        move = self.moves.get(pk)
        return move[0] if move else parent_id

    def _under(self, committee, top):
        """Was `committee` below `top` on the day?"""
        seen = set()
        pk = self._parent_then(committee.pk, committee.parent_id)
        while pk is not None and pk not in seen:
            if pk == top.pk:
                return True
            seen.add(pk)
            above = self.committees.get(pk)
            if above is None:
                return False
            pk = self._parent_then(pk, above.parent_id)
        return False

    def _moved_cells(self, groups):
        """{cell id: its group then, or 0 if that group is not among `groups`}."""
        ids = {g.pk for g in groups}
        return {
            pk: (old if old in ids else 0)
            for pk, (old, cell, _parent) in self.moves.items()
            if cell
        }

    def scope(self, groups):
        """The units whose cells may count: the groups, and where cells that were in them
        sit now."""
        ids = {g.pk for g in groups}
        extra = {
            parent for pk, (old, cell, parent) in self.moves.items() if cell and old in ids
        } - ids
        return [*groups, *(self.committees[pk] for pk in extra if pk in self.committees)]

    def expression(self, groups):
        """A function of a cell's key and parent fields: its group then, as an expression."""
        by_group = {}
        for pk, group in self._moved_cells(groups).items():
            by_group.setdefault(group, []).append(pk)

        def expression(key, parent):
            if not by_group:
                return F(parent)
            whens = [
                When(**{f"{key}__in": cells}, then=Value(group))
                for group, cells in by_group.items()
            ]
            return Case(*whens, default=F(parent), output_field=IntegerField())

        return expression
