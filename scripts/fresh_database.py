"""Drop and recreate the PostgreSQL database named by a URL (for benchmarks and load tests).

python scripts/fresh_database.py postgres://postgres@127.0.0.1:5432/cellmeet_bench
python scripts/fresh_database.py --if-missing postgres://…   (create it only if absent)
"""

import sys
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql


def main(url, if_missing=False):
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"not a PostgreSQL database URL: {url}")
    admin = psycopg2.connect(
        dbname="postgres", user=parts.username, password=parts.password,
        host=parts.hostname, port=parts.port or 5432,
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if if_missing and cursor.fetchone():
            print(f"database {name} kept")
            return
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    print(f"fresh database {name}")


if __name__ == "__main__":
    # --if-missing: create the database only if it is not there (keep its data)
    main(sys.argv[-1], if_missing="--if-missing" in sys.argv[1:-1])
