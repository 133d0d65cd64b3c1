"""Stop PostgreSQL under a running cellmeet and check what users see, then start it again.

    .venv/bin/python scripts/db_outage.py      (run by .ci/run; about 30 s)

Starts a private PostgreSQL cluster in a temporary directory on a free port (never the
shared server: every pg_ctl call names the private data directory), migrates cellmeet
into it, creates a cell with members and a committee user, and starts the app with
`runserver --noreload --nothreading`, DJANGO_DEBUG=0 and DJANGO_CONN_MAX_AGE=60. Then:

1. restarts PostgreSQL while the app is idle: the next page still answers, because
   the health check replaces the dead persistent connection;
2. stops PostgreSQL (immediate mode, like a crash) while a member import of
   IMPORT_ROWS rows is being written: that request and every page answer 503 with
   the Vietnamese outage page, no traceback;
3. starts PostgreSQL again: the same app process serves the pages, none of the
   interrupted import's rows exist although its transaction had written some, and
   the same import then goes through whole.

Single-threaded runserver, because the threaded one closes its connections after
every request and so would never keep a persistent connection to test. Static files
keep unhashed names (a settings module in the temporary directory changes only that),
so no 30-second collectstatic is needed. Exits 1 with the reason on any failure and
always stops the app and removes the cluster.
"""

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from outage_harness import IMPORT_ROWS, PASSWORD, App, Browser, Cluster, Failed

# Stop the server once the import's transaction has written this many members.
ROWS_BEFORE_STOP = 300
OUTAGE_TITLE = "Cơ sở dữ liệu tạm thời không truy cập được"
OUTAGE_TEXT = "Không có dữ liệu nào bị ghi dở"
IMPORTED_NAME = "Nguyễn Văn Nhập"  # as SEED writes them

SEED = """
import csv, datetime, os
from django.contrib.auth import get_user_model
from members.enums import CellType, OrgKind, RoleKind
from members.imports import HEADERS
from members.models import Role
from members.people import services as people_services
from members.tree import services as tree_services

founded = datetime.date(2000, 1, 1)
committee = tree_services.create_organisation(actor=None, parent=None, data=dict(
    name="Đảng bộ xã Thử Sự Cố", code="OUTAGE", kind=OrgKind.GRASSROOTS_COMMITTEE,
    founded_on=founded))
cell = tree_services.create_organisation(actor=None, parent=committee, data=dict(
    name="Chi bộ thôn Thử Sự Cố", code="OUTAGE-1", kind=OrgKind.CELL,
    cell_type=CellType.VILLAGE, founded_on=founded))
for n in range(5):
    people_services.create_member(actor=None, cell=cell, data=dict(
        full_name=f"Hoàng Thị Có Sẵn {n}", sex="female", date_of_birth=datetime.date(1975, 1, 1),
        ethnicity="Tày", admitted_on=datetime.date(2000, 5, 19),
        official_on=datetime.date(2001, 5, 19)))
user = get_user_model().objects.create_user("outage.staff", password=os.environ["OUTAGE_PASSWORD"])
Role.objects.create(user=user, organisation=committee, kind=RoleKind.COMMITTEE_STAFF)
with open(os.environ["OUTAGE_CSV"], "w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(HEADERS)
    for n in range(int(os.environ["OUTAGE_ROWS"])):
        writer.writerow([f"Nguyễn Văn Nhập {n}", "Nam", "01/02/1980", "Kinh", "", "", "", "",
                         "03/04/2005", "03/04/2006", cell.code, "Chính thức"])
print(committee.pk, cell.pk)
"""


def check(condition, message):
    if not condition:
        raise Failed(message)
    print(f"  ok  {message}")


def is_outage_page(status, page, headers):
    return (
        status == 503
        and OUTAGE_TITLE in page
        and OUTAGE_TEXT in page
        and "Traceback" not in page
        and headers.get("Retry-After") == "120"
    )


def run(cluster, app):
    started = time.monotonic()
    cluster.create()
    print(f"Private PostgreSQL on 127.0.0.1:{cluster.port} in {cluster.data}")
    app.manage("migrate", "--verbosity", "0")
    # The last line is the seed's; the shell may print a line about its imports first.
    committee_pk, cell_pk = app.manage("shell", "-c", SEED).splitlines()[-1].split()
    print(f"Migrated, seeded a cell with 5 members ({time.monotonic() - started:.1f} s)")
    app.start()
    pid = app.process.pid
    print(f"App: runserver pid {pid} at {app.base_url}, DEBUG off, CONN_MAX_AGE=60")

    browser = Browser(app.base_url)
    check(browser.login("outage.staff", PASSWORD), "logs in over HTTP with the CSRF token")
    pages = ["/", f"/orgs/{cell_pk}/members/"]
    status, page, _ = browser.request(pages[1])
    check(status == 200 and "Hoàng Thị Có Sẵn 0" in page, "the member list answers 200")

    print("1. PostgreSQL restarts while the app is idle")
    browser.request("/")
    before = cluster.app_backends()
    browser.request("/")
    check(
        len(before) == 1 and cluster.app_backends() == before,
        f"the app keeps one persistent connection (backend {before})",
    )
    cluster.stop()
    cluster.start()
    status, page, _ = browser.request("/")
    after = cluster.app_backends()
    check(status == 200, "the first page after the restart answers 200 (health check reconnects)")
    check(after and after != before, f"on a new connection (backend {after})")

    print(f"2. PostgreSQL stops (immediate) during an import of {IMPORT_ROWS} members")
    # Sequences are not transactional: they show the rows an open transaction has written.
    ((sequence,),) = cluster.query("SELECT pg_get_serial_sequence('members_member', 'id')")
    ((first_id,),) = cluster.query(f"SELECT nextval('{sequence}')")
    outcome = {}

    def post_import():
        outcome["response"] = browser.post_file(
            f"/orgs/{committee_pk}/members/import/", "file", "ds.csv", app.csv.read_bytes()
        )

    importer = threading.Thread(target=post_import)
    importer.start()
    deadline = time.monotonic() + 60
    written = 0
    while importer.is_alive() and time.monotonic() < deadline and written < ROWS_BEFORE_STOP:
        time.sleep(0.02)
        ((last_id,),) = cluster.query(f"SELECT last_value FROM {sequence}")
        written = last_id - first_id
    check(
        importer.is_alive() and written >= ROWS_BEFORE_STOP,
        f"the import is in flight, {written} members written in its open transaction",
    )
    cluster.stop("immediate")
    importer.join(60)
    check(not importer.is_alive(), "the interrupted import request gets an answer")
    check(
        is_outage_page(*outcome["response"]),
        "it is the 503 outage page in Vietnamese with Retry-After, no traceback",
    )
    for path in pages:
        check(is_outage_page(*browser.request(path)), f"GET {path} answers the 503 outage page")
    status, page, headers = browser.post_form(
        f"/orgs/{cell_pk}/members/new/", {"full_name": "Lò Văn Trong Lúc Hỏng", "sex": "male"}
    )
    check(is_outage_page(status, page, headers), "a form POST answers the 503 outage page")
    check(app.alive, "the app is still running")

    print("3. PostgreSQL starts again; the app is not restarted")
    cluster.start()
    for path in pages:
        status, page, _ = browser.request(path)
        check(status == 200 and OUTAGE_TITLE not in page, f"GET {path} answers 200 again")
    check(app.alive and app.process.pid == pid, f"served by the same app process (pid {pid})")
    counts = cluster.query(
        f"SELECT (SELECT count(*) FROM members_member WHERE full_name LIKE '{IMPORTED_NAME} %'),"
        " (SELECT count(*) FROM members_member),"
        " (SELECT count(*) FROM members_membership),"
        " (SELECT count(*) FROM members_auditevent WHERE action = 'member.import')"
    )[0]
    check(
        counts == (0, 5, 5, 0),
        "nothing of the interrupted import was kept: 0 of its members, memberships or audit "
        f"rows (members, all members, memberships, import audits = {counts})",
    )
    import_started = time.monotonic()
    status, page, _ = browser.post_file(
        f"/orgs/{committee_pk}/members/import/", "file", "ds.csv", app.csv.read_bytes()
    )
    seconds = time.monotonic() - import_started
    (imported,) = cluster.query(
        f"SELECT count(*) FROM members_member WHERE full_name LIKE '{IMPORTED_NAME} %'"
    )[0]
    check(
        status == 200 and imported == IMPORT_ROWS,
        f"the same import now goes through whole ({imported} members in {seconds:.1f} s)",
    )
    print(f"Database outage checks passed in {time.monotonic() - started:.1f} s")


def main():
    base = Path(tempfile.mkdtemp(prefix="cellmeet-outage-"))
    base.chmod(0o711)  # the postgres user must reach its data directory inside
    cluster = Cluster(base)
    app = App(base, cluster.port)
    try:
        run(cluster, app)
        return 0
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        if app.log.exists():
            print("--- app log (last lines) ---", file=sys.stderr)
            print(app.log.read_text()[-4000:], file=sys.stderr)
        return 1
    finally:
        app.stop()
        if cluster.running:
            try:
                cluster.stop()
            except Failed as exc:
                print(f"could not stop the private cluster: {exc}", file=sys.stderr)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
