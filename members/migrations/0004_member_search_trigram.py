"""A trigram index for member search on PostgreSQL.

Search matches a diacritic-free fragment anywhere in the name (`search_name LIKE
'%fragment%'`), which a B-tree cannot serve. pg_trgm's GIN index can. SQLite, the
embedded default, keeps the plain scan: it serves one district at most.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
    "ON members_member USING gin (search_name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS members_member_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0003_login_attempts")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
