"""Rows written straight into a table, for the demo's years of history.

The ORM's cost per object is most of the time of a bulk load of a million rows, so the
demo builds plain objects, takes their ids from the table's own sequence, and writes
them as rows: COPY on PostgreSQL, multi-row INSERTs on SQLite. Nothing here is used by
the pages.
"""

import io
import json

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


def reserve_ids(model, count):
    """`count` fresh primary keys for `model`, safe beside other writers on PostgreSQL."""
    if not count:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(start, start + count))


def give_ids(model, objects):
    """Number `objects` (model instances or plain rows) before they are written."""
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk  # on a model instance, its id
        obj.id = pk
    return objects


def _reader(field, instances):
    """A function from an object to the value stored in `field`'s column; `instances`
    if the objects are model instances rather than plain rows (whose attributes are read
    from their dict: a missing attribute is the field's default, without an exception)."""
    name, attname = field.name, field.attname
    default = field.get_default()
    if field.is_relation:
        target_id = field.target_field.attname
        if instances:

            def related(obj):
                value = getattr(obj, attname)
                if value is None:
                    target = field.get_cached_value(obj, None)
                    value = getattr(target, target_id) if target is not None else None
                return value

            return related

        def related_row(obj):
            values = obj.__dict__
            value = values.get(attname)
            if value is None:
                target = values.get(name)
                value = getattr(target, target_id) if target is not None else None
            return value

        return related_row
    if isinstance(field, models.DateTimeField):
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value

        def moment(obj):
            value = getattr(obj, attname, None)
            if value is None and (field.auto_now or field.auto_now_add):
                value = now
            return adapt(value) if value is not None else None

        return moment
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, attname, default), cls=field.encoder)
    if instances:
        return lambda obj: getattr(obj, attname)
    return lambda obj: obj.__dict__.get(attname, default)


def write(model, objects, *, batch=1000):
    """`objects`, already numbered, into `model`'s table as plain rows."""
    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    instances = isinstance(objects[0], models.Model)
    readers = [_reader(f, instances) for f in fields]
    if instances:
        rows = [[read(obj) for read in readers] for obj in objects]
    else:
        # A plain row's plain fields straight from its dict (dict.get run by map, in C:
        # most of the time of a million rows), the others through their readers.
        names = [f.attname for f in fields]
        defaults = [f.get_default() for f in fields]
        special = [
            (n, readers[n])
            for n, f in enumerate(fields)
            if f.is_relation or isinstance(f, models.DateTimeField | models.JSONField)
        ]
        rows = []
        for obj in objects:
            row = list(map(obj.__dict__.get, names, defaults))
            for n, read in special:
                row[n] = read(obj)
            rows.append(row)
    insert(model, [f.column for f in fields], rows, batch=batch)


def _copy_text(value):
    """`value` in COPY's text format: \\N for NULL, backslash escapes."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def insert(model, columns, rows, batch=1000):
    """Plain rows into a table: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        buffer = io.StringIO("\n".join("\t".join(map(_copy_text, row)) for row in rows) + "\n")
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
        return
    batch = max(1, min(batch, 30000 // len(columns)))  # SQLite's limit on parameters
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # not the debug wrapper: logging a million rows is most of the time
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608 - table and column names from the models; values are parameters
                [value for row in chunk for value in row],
            )
