"""The QuerySet every tracked model's manager builds on (members.revisions)."""

from django.db import models


class TouchingQuerySet(models.QuerySet):
    """Bulk writes (update, delete, bulk_create, bulk_update) raise the revisions of the
    units whose rows they change, as single saves and deletes do through their signals:
    a summary cached for a unit never outlives a write under it, whoever makes it."""

    def update(self, **kwargs):
        from members import revisions

        if set(kwargs) <= revisions.SILENT_FIELDS:
            return super().update(**kwargs)
        units = revisions.units_of_query(self)
        count = super().update(**kwargs)
        revisions.touch(*units, *revisions.units_of_values(self.model, kwargs))
        return count

    def delete(self):
        from members import revisions

        units = revisions.units_of_query(self)
        result = super().delete()
        revisions.touch(*units)
        return result

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from members import revisions

        objs = super().bulk_create(objs, *args, **kwargs)
        revisions.touch(*revisions.units_of_rows(self.model, objs))
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        from members import revisions

        objs = list(objs)
        if set(fields) <= revisions.SILENT_FIELDS:
            return super().bulk_update(objs, fields, *args, **kwargs)
        units = revisions.units_of_query(self.filter(pk__in=[o.pk for o in objs]))
        count = super().bulk_update(objs, fields, *args, **kwargs)
        revisions.touch(*units, *revisions.units_of_rows(self.model, objs))
        return count
