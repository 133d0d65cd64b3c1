"""Reads of the tree's history, scoped like every read (members.selectors): the tree on
a past day, a unit's reorganisations, and the roles its predecessors' people held."""

from dataclasses import dataclass, field

from django.db.models import Q

from members.models import Organisation, Role, TreeChange
from members.permissions import can_read
from members.selectors import path_filter, reads_as_successor
from members.text import natural_key


@dataclass
class UnitThen:
    """A unit as the tree held it on a past day (see `tree_as_of`)."""

    org: Organisation
    name: str = ""  # its name then
    children: list = field(default_factory=list)
    cells: int = 0  # cells below it then


def tree_as_of(root, day):
    """The units under `root` on `day`, as nested UnitThen: each unit under the parent
    it had then and with the name it had (moves and renames recorded after `day`
    undone), without units founded after it or dissolved by then. Reads the units under `root` now and those moved out since (two
    queries, three with any moves)."""
    moves, names = {}, {}
    for org_id, kind, old_parent_id, old_name in (
        TreeChange.objects.filter(kind__in=[TreeChange.MOVE, TreeChange.RENAME], on__gt=day)
        .order_by("-on", "-pk")
        .values_list("org_id", "kind", "old_parent_id", "old_name")
    ):  # the earliest change after `day` is read last, and wins
        if kind == TreeChange.MOVE:
            moves[org_id] = old_parent_id
        else:
            names[org_id] = old_name
    units = {o.pk: o for o in Organisation.objects.subtree_of(root)}
    away = [pk for pk in moves if pk not in units]
    if away:  # moved out since: with what stayed under them
        paths = Organisation.objects.filter(pk__in=away).values_list("path", flat=True)
        units |= {o.pk: o for o in Organisation.objects.filter(path_filter(paths, "path"))}

    def parent_then(org):
        return moves.get(org.pk, org.parent_id)

    def existed(org):
        return (org.founded_on is None or org.founded_on <= day) and (
            org.dissolved_on is None or org.dissolved_on > day
        )

    nodes = {
        pk: UnitThen(org, names.get(pk, org.name)) for pk, org in units.items() if existed(org)
    }
    for pk, node in sorted(nodes.items(), key=lambda item: natural_key(item[1].name)):
        parent = parent_then(node.org)
        if pk != root.pk and parent in nodes:
            nodes[parent].children.append(node)
    top = nodes.get(root.pk)
    if top is None:
        return None

    def count(node):
        node.children.sort(key=lambda n: n.org.is_cell)  # committees first, then cells
        node.cells = sum(count(child) for child in node.children)
        return node.cells + node.org.is_cell

    count(top)
    return top


def trees_as_of(user, org, day):
    """`org`'s tree on `day`; for a unit formed after it, its predecessors' trees (those
    the user may read)."""
    top = tree_as_of(org, day)
    if top is not None:
        return [top]
    trees = []
    for change in TreeChange.objects.filter(kind=TreeChange.MERGE, successor=org).select_related(
        "org"
    ):
        if can_read(user, change.org) or reads_as_successor(user, change.org):
            trees += trees_as_of(user, change.org, day)
    return trees


def roles_to_carry(org):
    """Roles that ended when units were merged into `org`, whose holders have no role
    on `org` yet: offered to be given again there."""
    merged = TreeChange.objects.filter(kind=TreeChange.MERGE, successor=org).values_list(
        "org_id", "on"
    )
    ended = Q(pk__in=[])
    for org_id, on in merged:
        ended |= Q(organisation_id=org_id, ended_on=on)
    holders = Role.objects.valid().filter(organisation=org).values("user_id")
    return list(
        Role.objects.filter(ended)
        .exclude(user_id__in=holders)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__username")
    )


def lineage(org):
    """The changes of the tree that made `org` what it is, oldest first: its moves, the
    units merged into it, and its own merge into a successor."""
    return list(
        TreeChange.objects.filter(Q(org=org) | Q(successor=org))
        .select_related("org", "old_parent", "new_parent", "successor")
        .order_by("on", "pk")
    )
