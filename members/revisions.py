"""Revisions of organisations: what cached summaries of a subtree are keyed on.

An organisation's `revision` counts the committed writes at or below it. Every write to
a unit's own records (its members, meetings, rotation slots, ratings, the unit itself,
and whatever else a service audits against it) calls `touch()` — the receivers below do
it for saves and deletes and for each audit event, services for rows written in bulk
without one — and once the transaction commits, the unit and each of its ancestors
is raised by one. A page about an organisation keys its cached summary on that
organisation's revision, read with the organisation itself: no query of its own, the
same cost for a commune as for the country.

Raised after the commit, not inside the transaction, so that writers in a province do
not queue on the province's row, one row per statement so that two of them cannot
deadlock. A page that reads the old revision while a write commits may cache the new
data under the old number, which nobody asks for again. A transaction that has touched
caches nothing: a rollback would leave its figures under a live number. Entries are
never deleted; old numbers are simply never asked for and expire.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from members.models import AuditEvent, Member, Membership, Organisation

# An upper bound on how long a summary is kept; the revision, not this, keeps it current
# (it bounds what a lost raise, the database failing right after a commit, could leave).
CACHE_SECONDS = 60 * 60

log = logging.getLogger(__name__)


def touch(*org_ids):
    """Raise the revision of these units and their ancestors once the transaction commits."""
    ids = {pk for pk in org_ids if pk is not None}
    if not ids:
        return
    registered = connection.in_atomic_block and any(
        func is _raise_revisions for _savepoints, func, _robust in connection.run_on_commit
    )
    pending = connection.__dict__.setdefault("cellmeet_touched", set())
    if not registered:
        pending.clear()  # what a rolled-back transaction left
    pending.update(ids)
    if not registered:
        transaction.on_commit(_raise_revisions, robust=True)


def _raise_revisions():
    ids = connection.__dict__.get("cellmeet_touched", set())
    connection.cellmeet_touched = set()
    try:
        paths = Organisation.objects.filter(pk__in=ids).values_list("path", flat=True)
        units = {int(pk) for path in paths for pk in path.strip("/").split("/") if pk}
        for pk in sorted(units):
            Organisation.objects.filter(pk=pk).update(revision=F("revision") + 1)
    except DatabaseError:
        log.exception("revisions of %s not raised: their cached summaries may lag", ids)


def _uncommitted_touch():
    """Whether this transaction wrote and has not committed yet."""
    return connection.in_atomic_block and bool(connection.__dict__.get("cellmeet_touched"))


def cached_summary(name, org, parts, compute):
    """`compute()`, or its value cached for `org`'s current revision and the language.

    `parts` are whatever else the value depends on (period, filters, today's date).
    """
    if _uncommitted_touch():
        return compute()
    key = _key(name, org, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cached_summaries(name, orgs, parts, compute):
    """{org pk: value} for each of `orgs`, cached for its own revision as `cached_summary`
    caches one. Those not cached are computed together: `compute(missing)` returns
    {org pk: value} for the organisations in `missing`.

    For a summary made of its branches' (a province's dashboard of its districts'): a
    write in one district leaves the others' as they were.
    """
    if _uncommitted_touch():
        return compute(list(orgs))
    keys = {org.pk: _key(name, org, parts) for org in orgs}
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [org for org in orgs if org.pk not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, CACHE_SECONDS)
        values.update(computed)
    return values


def _key(name, org, parts):
    return ":".join(["summary", name, str(org.pk), str(org.revision), get_language() or "",
                     *(str(part) for part in parts)])  # fmt: skip


def _member_saved(sender, instance, **kwargs):
    # A transfer moves a member between cells: both cells' counts change.
    touch(instance.cell_id, getattr(instance, "_loaded_cell_id", None))
    loaded_name = getattr(instance, "_loaded_full_name", None)
    if loaded_name is not None and loaded_name != instance.full_name:
        renamed(instance)


def renamed(member):
    """A member's new name shows on the pages of every cell they have been in (the tasks
    and committee sessions of its meetings), not only their present cell's."""
    touch(*Membership.objects.filter(member=member).values_list("cell_id", flat=True))


def _organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        touch(instance.pk)  # a new unit is a change of its parent's subtree too


def _audited(sender, instance, created, raw=False, **kwargs):
    # Every change a person makes through a service is audited against its unit: this
    # covers the writes no receiver of their own watches (attendance, agenda, votes,
    # tasks, notices, replies), including those made in bulk.
    if created and not raw:
        touch(instance.organisation_id)


def connect():
    post_save.connect(_audited, sender=AuditEvent, dispatch_uid="revisions.audited")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="revisions.member_saved")
    post_delete.connect(_member_saved, sender=Member, dispatch_uid="revisions.member_deleted")
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="revisions.organisation_saved"
    )
