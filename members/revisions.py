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
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils.translation import get_language

from members.models import Member, Membership, Organisation

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


# -- what raises revisions -------------------------------------------------------------
#
# Every model of cellmeet declares `revision_path`: the lookup from one of its rows to
# the unit whose revision (and its ancestors') a write of that row must raise, such as
# "cell" or "meeting__cell"; "self" for a unit itself; None, with the reason beside it,
# for rows that feed no cached summary. Saves and deletes are caught here, bulk writes
# by members.querysets.TouchingQuerySet; tests/test_revisions.py fails for a model that
# declares nothing, or whose manager would write in bulk unseen.

# Fields whose change is no change of data (the revisions themselves).
SILENT_FIELDS = {"revision"}


def tracked_models():
    from django.apps import apps

    return [
        model
        for app in ("members", "meetings")
        for model in apps.get_app_config(app).get_models()
        if getattr(model, "revision_path", None) is not None
    ]


def _hops(path):
    *through, last = path.split("__")
    return through, last


def paths(model):
    """The model's revision paths ("cell", or several: a rotation slot's group and host)."""
    path = model.revision_path
    return path if isinstance(path, tuple) else (path,)


def units_of(instance):
    """The units a write of this row changes, the ones it was in when read included."""
    units = set(getattr(instance, "_revision_origin", ()))
    for path in paths(type(instance)):
        if path == "self":
            units |= {instance.pk, instance.parent_id}
            continue
        through, last = _hops(path)
        value = instance
        for name in through:
            value = getattr(value, name, None)
            if value is None:
                break
        else:
            units.add(value.__dict__.get(f"{last}_id"))
    units.discard(None)
    return units or _every_root_if_global(instance)


def _every_root_if_global(instance):
    # A row for every unit (a rating template of no organisation) touches every tree.
    if "organisation" in paths(type(instance)) and instance.__dict__.get("organisation_id") is None:
        return set(Organisation.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    return set()


def units_of_rows(model, rows):
    """The units of rows about to be written in bulk (bulk_create, bulk_update)."""
    units = set()
    for path in paths(model):
        if path == "self":
            units |= {pk for row in rows for pk in (row.pk, row.parent_id)}
            continue
        through, last = _hops(path)
        if not through:
            units |= {row.__dict__.get(f"{last}_id") for row in rows}
            continue
        first = model._meta.get_field(through[0])
        ids = {row.__dict__.get(first.attname) for row in rows} - {None}
        rest = "__".join([*through[1:], last])
        units |= set(first.related_model._base_manager.filter(pk__in=ids)
                     .values_list(rest, flat=True).distinct())  # fmt: skip
    units.discard(None)
    return units


def units_of_query(queryset):
    """The units of the rows a bulk update or delete is about to change."""
    fields = [f for path in paths(queryset.model)
              for f in (("pk", "parent") if path == "self" else (path,))]  # fmt: skip
    rows = queryset.order_by().values_list(*fields).distinct()
    return {pk for row in rows for pk in row if pk is not None}


def units_of_values(model, values):
    """The units rows move to when a bulk update sets their unit (`cell=…`)."""
    units = set()
    for path in paths(model):
        through, last = _hops("parent" if path == "self" else path)
        first = through[0] if through else last
        new = values.get(first, values.get(f"{first}_id"))
        if new is None:
            continue
        new = getattr(new, "pk", new)
        if not through:
            units.add(new)
            continue
        field = model._meta.get_field(first)
        rest = "__".join([*through[1:], last])
        units |= set(field.related_model._base_manager.filter(pk=new).values_list(rest, flat=True))
    return units


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= SILENT_FIELDS):
        return
    if getattr(instance, "changes_no_data", False):  # a lockout, a password change
        return
    touch(*units_of(instance))


def _deleted(sender, instance, **kwargs):
    touch(*units_of(instance))


def _remember_origin(sender, instance, **kwargs):
    # A row moved to another unit (a member transferred, a meeting put under another cell,
    # a unit under another parent) changes the unit it leaves too.
    origin = []
    for path in paths(sender):
        through, last = _hops("parent" if path == "self" else path)
        if not through:
            origin.append(instance.__dict__.get(f"{last}_id"))
    instance._revision_origin = origin


def _member_renamed(sender, instance, raw=False, **kwargs):
    loaded_name = getattr(instance, "_loaded_full_name", None)
    if not raw and loaded_name is not None and loaded_name != instance.full_name:
        renamed(instance)


def renamed(member):
    """A member's new name shows on the pages of every cell they have been in (the tasks
    and committee sessions of its meetings), not only their present cell's."""
    touch(*Membership.objects.filter(member=member).values_list("cell_id", flat=True))


def _attendees_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        touch(*units_of(instance))


def connect():
    from meetings.models import CommitteeSession

    for model in tracked_models():
        uid = model._meta.label_lower
        post_save.connect(_saved, sender=model, dispatch_uid=f"revisions.saved.{uid}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"revisions.deleted.{uid}")
        post_init.connect(_remember_origin, sender=model, dispatch_uid=f"revisions.origin.{uid}")
    post_save.connect(_member_renamed, sender=Member, dispatch_uid="revisions.member_renamed")
    m2m_changed.connect(_attendees_changed, sender=CommitteeSession.attendees.through,
                        dispatch_uid="revisions.attendees")  # fmt: skip
