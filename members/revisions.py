"""Revisions of organisations: what cached summaries of a subtree are keyed on.

Every write to a unit's own records (its members, meetings, rotation slots, ratings,
the unit itself) raises that unit's `revision` by one, in the writer's transaction:
the receivers below do it for saves and deletes, `touch()` where rows are written in
bulk. The stamp of a subtree is the number of its units and the sum of their
revisions. Units are never moved or deleted, so the sum only grows: a summary cached
under one stamp is never served once a write inside the subtree has committed, and a
write's own transaction sees the new stamp at once. Nothing is deleted from the cache;
stale entries are simply never asked for again and expire.
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from members.models import Member, Organisation

# An upper bound on how long a summary is kept; the stamp, not this, keeps it current.
CACHE_SECONDS = 6 * 60 * 60


def touch(*org_ids):
    """Raise the revision of these units (no-op for None), in the current transaction."""
    ids = {pk for pk in org_ids if pk is not None}
    if ids:
        Organisation.objects.filter(pk__in=ids).update(revision=F("revision") + 1)
        if connection.in_atomic_block:
            connection.cellmeet_touched = True
            transaction.on_commit(_committed)


def _committed():
    connection.cellmeet_touched = False


def _uncommitted_touch():
    """Whether this transaction raised a revision it has not committed: a stamp read now
    could come back after a rollback with other data behind it, so nothing is cached."""
    if not connection.in_atomic_block:
        connection.cellmeet_touched = False
    return getattr(connection, "cellmeet_touched", False)


def subtree_stamp(org):
    """'count.sum' of the revisions of `org` and every unit below it: one indexed query."""
    totals = Organisation.objects.filter(path__startswith=org.path).aggregate(
        n=Count("pk"), total=Sum("revision")
    )
    return f"{totals['n']}.{totals['total'] or 0}"


def cached_summary(name, org, parts, compute):
    """`compute()`, or its value cached for this subtree's current stamp and language.

    `parts` are whatever else the value depends on (period, filters, today's date).
    """
    if _uncommitted_touch():
        return compute()
    key = ":".join(["summary", name, str(org.pk), subtree_stamp(org), get_language() or "",
                    *(str(part) for part in parts)])  # fmt: skip
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _member_saved(sender, instance, **kwargs):
    # A transfer moves a member between cells: both cells' counts change.
    touch(instance.cell_id, getattr(instance, "_loaded_cell_id", None))


def _organisation_saved(sender, instance, created, **kwargs):
    if not created and not kwargs.get("raw"):
        touch(instance.pk)
    # A new unit counts in its subtree's stamp by itself (revision 1, one more unit).


def connect():
    post_save.connect(_member_saved, sender=Member, dispatch_uid="revisions.member_saved")
    post_delete.connect(_member_saved, sender=Member, dispatch_uid="revisions.member_deleted")
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="revisions.organisation_saved"
    )
