"""The organisation tree's paths kept by the database itself.

Every organisation's `path` is its parent's path followed by its own id ("/1/8/32/"),
and `depth` its number of ancestors. Scoping rests on them: a role on a unit covers the
units whose path starts with its path, so a unit with an empty path would cover all.
Until now only the service set them. These triggers set them on every insert and on
every change of `parent_id`, `path` or `depth`, whoever writes (the admin, the shell, a
bulk update), carry a new prefix down the subtree, and refuse a parent that would make
a cycle. The paths already stored are recomputed once, top down.
"""

from django.db import migrations

POSTGRESQL = """
CREATE OR REPLACE FUNCTION members_organisation_path() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    parent_path text;
    parent_depth integer;
BEGIN
    IF pg_trigger_depth() > 1 THEN  -- rows rewritten below by the subtree trigger
        RETURN NEW;
    END IF;
    IF NEW.parent_id IS NULL THEN
        NEW.path := '/' || NEW.id || '/';
        NEW.depth := 0;
        RETURN NEW;
    END IF;
    SELECT path, depth INTO parent_path, parent_depth
        FROM members_organisation WHERE id = NEW.parent_id;
    IF parent_path LIKE '%/' || NEW.id || '/%' THEN
        RAISE EXCEPTION 'organisation % cannot be placed under its own descendant %',
            NEW.id, NEW.parent_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    NEW.path := parent_path || NEW.id || '/';
    NEW.depth := parent_depth + 1;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION members_organisation_subtree() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 OR OLD.path = '' OR OLD.path = NEW.path THEN
        RETURN NULL;
    END IF;
    UPDATE members_organisation
        SET path = NEW.path || substr(path, length(OLD.path) + 1),
            depth = depth + NEW.depth - OLD.depth
        WHERE path LIKE OLD.path || '%' AND id <> NEW.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS members_organisation_path ON members_organisation;
CREATE TRIGGER members_organisation_path
    BEFORE INSERT OR UPDATE OF parent_id, path, depth ON members_organisation
    FOR EACH ROW EXECUTE FUNCTION members_organisation_path();

DROP TRIGGER IF EXISTS members_organisation_subtree ON members_organisation;
CREATE TRIGGER members_organisation_subtree
    AFTER UPDATE OF parent_id, path, depth ON members_organisation
    FOR EACH ROW EXECUTE FUNCTION members_organisation_subtree();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS members_organisation_subtree ON members_organisation;
DROP TRIGGER IF EXISTS members_organisation_path ON members_organisation;
DROP FUNCTION IF EXISTS members_organisation_subtree();
DROP FUNCTION IF EXISTS members_organisation_path();
"""

# SQLite cannot change NEW in a trigger: the row is rewritten after it is written. With
# recursive triggers off (SQLite's default), the rewrites fire no trigger again.
SQLITE_PARENT_PATH = (
    "COALESCE((SELECT p.path FROM members_organisation p WHERE p.id = NEW.parent_id), '/')"
    " || NEW.id || '/'"
)
SQLITE_PARENT_DEPTH = (
    "COALESCE((SELECT p.depth + 1 FROM members_organisation p WHERE p.id = NEW.parent_id), 0)"
)
SQLITE = [
    "DROP TRIGGER IF EXISTS members_organisation_path_insert",
    f"""CREATE TRIGGER members_organisation_path_insert
    AFTER INSERT ON members_organisation
    BEGIN
        UPDATE members_organisation SET path = {SQLITE_PARENT_PATH},
            depth = {SQLITE_PARENT_DEPTH} WHERE id = NEW.id;
    END""",
    "DROP TRIGGER IF EXISTS members_organisation_path_update",
    f"""CREATE TRIGGER members_organisation_path_update
    AFTER UPDATE OF parent_id, path, depth ON members_organisation
    BEGIN
        SELECT RAISE(ABORT, 'an organisation cannot be placed under its own descendant')
            WHERE NEW.parent_id IS NOT NULL AND (SELECT p.path FROM members_organisation p
                WHERE p.id = NEW.parent_id) LIKE '%/' || NEW.id || '/%';
        UPDATE members_organisation
            SET path = {SQLITE_PARENT_PATH} || substr(path, length(OLD.path) + 1),
                depth = {SQLITE_PARENT_DEPTH} + depth - OLD.depth
            WHERE OLD.path <> '' AND path LIKE OLD.path || '%' AND id <> NEW.id;
        UPDATE members_organisation SET path = {SQLITE_PARENT_PATH},
            depth = {SQLITE_PARENT_DEPTH} WHERE id = NEW.id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS members_organisation_path_update",
    "DROP TRIGGER IF EXISTS members_organisation_path_insert",
]


def create_triggers(apps, schema_editor):
    statements = [POSTGRESQL] if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement, params=None)  # no parameters: "%" is literal
    # The paths stored so far, recomputed top down (each from its parent's, new or old).
    Organisation = apps.get_model("members", "Organisation")
    known = {}
    pending = list(Organisation.objects.order_by("depth", "pk").values_list("pk", "parent_id"))
    while pending:
        later = []
        for pk, parent_id in pending:
            if parent_id is not None and parent_id not in known:
                later.append((pk, parent_id))
                continue
            prefix, depth = known.get(parent_id, ("/", -1))
            known[pk] = (f"{prefix}{pk}/", depth + 1)
        if len(later) == len(pending):
            raise RuntimeError(f"organisations in a cycle: {later}")
        pending = later
    for pk, (path, depth) in known.items():
        Organisation.objects.filter(pk=pk).exclude(path=path, depth=depth).update(
            path=path, depth=depth
        )


def drop_triggers(apps, schema_editor):
    statements = (
        [POSTGRESQL_DROP] if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("members", "0008_role_ended_on")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
