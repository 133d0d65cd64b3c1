"""System checks of the data itself (`manage.py check --database default`)."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections

# A unit whose path is not its parent's followed by its own id: scoping would be wrong
# for it and everything under it.
BROKEN_PATHS = """
SELECT o.id, o.path FROM members_organisation o
LEFT JOIN members_organisation p ON p.id = o.parent_id
WHERE o.path <> COALESCE(p.path, '/') || CAST(o.id AS TEXT) || '/'
   OR o.depth <> COALESCE(p.depth + 1, 0)
ORDER BY o.id
"""


@register(Tags.database)
def check_tree_paths(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(BROKEN_PATHS)
                broken = cursor.fetchmany(20)
        except DatabaseError:  # not migrated yet: nothing to check
            continue
        if broken:
            listed = ", ".join(f"#{pk} “{path}”" for pk, path in broken)
            errors.append(
                Error(
                    f"Organisations whose path does not follow their parent's: {listed}.",
                    hint="The database triggers of migration members 0009 keep paths; "
                    "run `manage.py migrate members` and check that they exist.",
                    id="members.E001",
                )
            )
    return errors
