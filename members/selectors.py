"""Reads that encode who may see what. Every view fetches through one of these."""

from collections import defaultdict
from functools import partial, reduce
from operator import or_

from django.db import connection
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404
from django.utils import timezone

from members import revisions
from members.enums import MembershipKind, MemberStatus, OrgKind, PositionRole, RoleKind
from members.models import (
    AuditEvent,
    Member,
    Membership,
    Organisation,
    Position,
    Role,
    TreeChange,
    branch_below,
    tree_order,
)
from members.text import natural_key

_ROLES_CACHE = "_cellmeet_roles"


def roles_for_user(user):
    """The user's roles with their organisations, read once per request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, _ROLES_CACHE):
        roles = list(Role.objects.valid().filter(user=user).select_related("organisation"))
        setattr(user, _ROLES_CACHE, roles)
    return getattr(user, _ROLES_CACHE)


def own_member(user):
    """The user's own member record with its cell, or None; also what `user.member` returns
    for the rest of the request."""
    if not user.is_authenticated:
        return None
    member = Member.objects.select_related("cell").filter(user=user).first()
    Member._meta.get_field("user").remote_field.set_cached_value(user, member)
    return member


def scope_paths(user, kinds):
    return sorted({role.organisation.path for role in roles_for_user(user) if role.kind in kinds})


def path_filter(paths, field):
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def organisations_for_user(user, *, manage=False):
    """Organisations the user may read (or, with `manage`, change)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    kinds = RoleKind.managing() if manage else RoleKind.values
    return Organisation.objects.filter(path_filter(scope_paths(user, kinds), "path"))


def organisation_for_user(user, pk):
    """The organisation `pk` if the user may read it, else Http404.

    Staff and secretaries mostly open their own unit: it came with their roles, and is
    not read again.
    """
    for role in roles_for_user(user):
        if role.organisation_id == pk:
            return role.organisation
    org = organisations_for_user(user).filter(pk=pk).first()
    if org is None:
        org = Organisation.objects.filter(pk=pk).first()
        if org is None or not reads_as_successor(user, org):
            raise Http404
    return org


def reads_as_successor(user, org):
    """Does `org` hand its history to a unit the user may read? A unit merged into
    another, or a level whose work ended, is read by its successor's people, and so is
    what stayed under it. Asked only when the ordinary rule says no; read only."""
    if not user.is_authenticated:
        return False
    frontier = {int(pk) for pk in org.path.strip("/").split("/") if pk}
    seen = set()
    while frontier:
        seen |= frontier
        successors = [
            change.successor
            for change in TreeChange.objects.filter(
                org_id__in=frontier, kind=TreeChange.MERGE
            ).select_related("successor")
        ]
        paths = scope_paths(user, RoleKind.values)
        if any(s.path.startswith(path) for s in successors for path in paths):
            return True
        frontier = {s.pk for s in successors} - seen
    return False


def visible_ancestors(user, org):
    """The organisations above `org` that the user may read, top first (for breadcrumbs).

    Worked out from the path and the user's roles: no query when there are none.
    """
    parts = org.path.strip("/").split("/")[:-1]
    paths = {int(pk): "/" + "/".join(parts[: n + 1]) + "/" for n, pk in enumerate(parts)}
    if not user.is_superuser:
        scope = scope_paths(user, RoleKind.values)
        paths = {pk: p for pk, p in paths.items() if any(p.startswith(s) for s in scope)}
    if not paths:
        return []
    return list(Organisation.objects.filter(pk__in=paths).order_by("depth"))


def cells_for_user(user, *, manage=False):
    return organisations_for_user(user, manage=manage).cells()


def members_for_user(user, *, manage=False):
    """Members whose current cell the user may read (or manage)."""
    if not user.is_authenticated:
        return Member.objects.none()
    if user.is_superuser:
        return Member.objects.all()
    kinds = RoleKind.managing() if manage else RoleKind.values
    return Member.objects.filter(path_filter(scope_paths(user, kinds), "cell__path"))


def root_organisations_for_user(user):
    """The tops of the subtrees the user may read, without ones nested in another."""
    if user.is_superuser:
        return list(Organisation.objects.filter(parent__isnull=True))
    orgs = sorted({role.organisation for role in roles_for_user(user)}, key=lambda o: o.path)
    roots = []
    for org in orgs:
        if not any(org.path.startswith(root.path) for root in roots):
            roots.append(org)
    return roots


def subtree_with_counts(root, depth=None, cells_to=None):
    """The organisations under `root`, `depth` levels deep (all when None), with counts;
    cells only down to `cells_to` levels (all when None): a province has thousands.

    Each returned organisation carries `cell_count` (active cells at or below it),
    `status_counts` ({status: members whose current cell is at or below it}),
    `member_count` (members on the roll), `tree_children` (those returned) and
    `child_count` (all its direct children, returned or not). Five queries at most,
    whatever the size of the tree; the rows read grow with the cells, not with the
    members, and only in the branches written in since they were last counted.
    """
    orgs = Organisation.objects.subtree_of(root)
    if depth is not None:
        orgs = orgs.filter(depth__lte=root.depth + depth)
    if cells_to is not None:
        orgs = orgs.exclude(kind__in=OrgKind.cell_kinds(), depth__gt=root.depth + cells_to)
    orgs = sorted(orgs, key=tree_order)  # parents first, siblings in the order created
    by_id = {org.pk: org for org in orgs}
    for org in orgs:
        org.cell_count = 0
        org.status_counts = defaultdict(int)
        org.tree_children = []
    for org in orgs:
        if org.pk != root.pk and org.parent_id in by_id:
            by_id[org.parent_id].tree_children.append(org)
    for org in orgs:
        org.child_count = len(org.tree_children)
    if depth is not None or cells_to is not None:
        # Children not returned still count: at the last level, and cells left out.
        first_partial = root.depth + 1 + (cells_to if cells_to is not None else depth)
        below = Organisation.objects.subtree_of(root).filter(depth__gte=first_partial)
        if depth is not None:
            below = below.filter(depth__lte=root.depth + depth + 1)
        for parent_id, n in below.values_list("parent_id").annotate(n=Count("id")).order_by():
            if parent_id in by_id:
                by_id[parent_id].child_count = n

    # Each cell and its members are counted once, at the deepest returned organisation
    # at or above the cell, then the sums are carried up the returned tree. The counts
    # are kept per branch (each unit directly below `root`) for the branch's revision:
    # after a write in one district, a province's tree counts that district again.
    branches = [org for org in orgs if org.parent_id == root.pk]
    if root.is_cell or depth == 0 or cells_to == 0:  # counts that land on `root` itself
        branches = [root]
    limits = [root.depth + depth if depth is not None else "",
              root.depth + cells_to if cells_to is not None else ""]  # fmt: skip
    counted = revisions.cached_summaries(
        "tree-branch", branches, limits, partial(own_counts, root, by_id, branches)
    )
    for own in counted.values():
        for pk, (cell_count, status_counts) in own.items():
            if pk in by_id:  # not a unit no longer there
                _add_counts(by_id[pk], cell_count, status_counts)
    for org in reversed(orgs):  # in path order reversed, every child before its parent
        parent = by_id.get(org.parent_id) if org.pk != root.pk else None
        if parent is not None:
            _add_counts(parent, org.cell_count, org.status_counts)
    on_roll = MemberStatus.on_roll()
    for org in orgs:
        # Committees before cells, each group in name order.
        org.tree_children.sort(key=lambda o: (o.is_cell, natural_key(o.name)))
        org.member_count = sum(org.status_counts[s] for s in on_roll)
        org.official_count = org.status_counts[MemberStatus.OFFICIAL]
        org.probationary_count = org.status_counts[MemberStatus.PROBATIONARY]
        org.exempted_count = org.status_counts[MemberStatus.EXEMPTED]
        org.hidden_count = org.child_count - len(org.tree_children)
    return by_id[root.pk], orgs


def _add_counts(org, cell_count, status_counts):
    org.cell_count += cell_count
    for status, n in status_counts.items():
        org.status_counts[status] += n


def _deepest_returned(pk, parent_id, path, by_id):
    """The deepest organisation of `by_id` at or above the cell `pk` (None if none is).

    A province's 5,000 cells are looked up here on every count: the cell and its
    committee first, the path only for cells deeper than the tree goes."""
    if pk in by_id:
        return pk
    if parent_id in by_id:
        return parent_id
    ids = path.split("/")  # "/1/2/3/4/": ["", "1", "2", "3", "4", ""]; the cell, then its parent
    for position in range(len(ids) - 4, 0, -1):
        if int(ids[position]) in by_id:
            return int(ids[position])
    return None


def own_counts(root, by_id, branches, missing):
    """{branch pk: {org pk: (active cells, {status: members})}} for the `missing` branches:
    each cell and its members at the deepest organisation of `by_id` at or above it."""
    cells = Organisation.objects.cells()
    members = Member.objects.all()
    if len(missing) < len(branches):
        prefixes = [branch.path for branch in missing]
    else:  # every branch: the subtree (the whole database under the top of the tree)
        prefixes = [root.path] if root.parent_id is not None else []
    if prefixes:
        cells = cells.filter(path_filter(prefixes, "path"))
        members = members.filter(path_filter(prefixes, "cell__path"))
    own = {}  # org pk: [active cells, {status: members}]
    counts_of = {}  # cell pk: the member counts of the org it is counted at
    cell_rows = fetch_rows(cells.values_list("pk", "parent_id", "path", "dissolved_on"))
    for pk, parent_id, path, dissolved_on in cell_rows:
        org_pk = _deepest_returned(pk, parent_id, path, by_id)
        if org_pk is not None:
            counts = own.get(org_pk)
            if counts is None:
                counts = own[org_pk] = [0, defaultdict(int)]
            counts[0] += dissolved_on is None
            counts_of[pk] = counts[1]
    rows = members.values_list("cell_id", "status").annotate(n=Count("*")).order_by()
    for cell_id, status, n in fetch_rows(rows):
        counts = counts_of.get(cell_id)
        if counts is not None:
            counts[status] += n
    result = {branch.pk: {} for branch in missing}
    for org_pk, (cell_count, status_counts) in own.items():
        branch = branch_below(root, by_id[org_pk]) or root.pk
        if branch in result:
            result[branch][org_pk] = (cell_count, dict(status_counts))
    return result


def fetch_rows(values_list):
    """The rows of a `values_list()` queryset as tuples, fetched at once.

    For the thousands of rows of a province's cells and member counts: Django's way of
    reading them, in chunks and through a converter for every value, took longer than
    the query itself.
    """
    sql, params = values_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def summary_counts(org):
    """Active cells and members by status at or below `org`, in two queries."""
    statuses = dict(
        Member.objects.filter(cell__path__startswith=org.path)
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {
        "cells": Organisation.objects.subtree_of(org).cells().active().count(),
        "members": sum(statuses.get(s, 0) for s in MemberStatus.on_roll()),
        "official": statuses.get(MemberStatus.OFFICIAL, 0),
        "probationary": statuses.get(MemberStatus.PROBATIONARY, 0),
        "exempted": statuses.get(MemberStatus.EXEMPTED, 0),
        "away": statuses.get(MemberStatus.TEMPORARILY_AWAY, 0),
    }


def cell_type_counts(root):
    """{cell_type: active cells under root}."""
    rows = (
        Organisation.objects.subtree_of(root)
        .cells()
        .active()
        .values("cell_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["cell_type"]: row["n"] for row in rows}


ROLE_ORDER = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(PositionRole.values)),
    default=Value(99),
)


def current_positions(cell):
    """The cell's sitting committee: secretary, deputy, then committee members."""
    return (
        Position.objects.filter(cell=cell, ended_on__isnull=True)
        .select_related("member")
        .order_by(ROLE_ORDER, "member__sort_name")
    )


def hosted_members(cell, on=None):
    """Members of other cells attending `cell` temporarily on `on` (default today).

    They attend its meetings but count in their home cell's membership.
    """
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(
            cell=cell, kind=MembershipKind.TEMPORARY, started_on__lte=on, ended_on__gte=on
        )
        .select_related("member__cell")
        .order_by("member__sort_name")
    )


def audit_for(target_type, target_id):
    return AuditEvent.objects.filter(target_type=target_type, target_id=target_id).select_related(
        "actor"
    )


def audit_under(org):
    """The audit trail of everything at or below `org`, newest first."""
    return AuditEvent.objects.filter(organisation__path__startswith=org.path).select_related(
        "actor", "organisation"
    )
