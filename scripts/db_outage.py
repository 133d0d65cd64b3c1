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

import http.cookiejar
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
IMPORT_ROWS = 3000
# Stop the server once the import's transaction has written this many members.
ROWS_BEFORE_STOP = 300
PASSWORD = secrets.token_urlsafe(12)
OUTAGE_TITLE = "Cơ sở dữ liệu tạm thời không truy cập được"
OUTAGE_TEXT = "Không có dữ liệu nào bị ghi dở"
IMPORTED_NAME = "Nguyễn Văn Nhập"  # as SEED writes them
MONITOR = "db_outage monitor"

SETTINGS = """from cellmeet.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""

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


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)
    print(f"  ok  {message}")


def free_port(low):
    """A free port from `low` on, starting at a random offset so parallel runs differ."""
    offset = random.randrange(1000)
    for port in [*range(low + offset, low + 1000), *range(low, low + offset)]:
        with socket.socket() as sock:
            # As servers do, so that a port left in TIME_WAIT by the last run counts as free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise Failed(f"no free port from {low}")


class Cluster:
    """A throwaway PostgreSQL cluster owned by the postgres OS user (we may be root)."""

    def __init__(self, base):
        self.dir = base / "pg"
        self.data = self.dir / "data"
        self.port = free_port(55432)
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args):
        result = subprocess.run([*self.as_owner, *args], capture_output=True, text=True)
        if result.returncode:
            raise Failed(f"{Path(args[0]).name} failed: {result.stderr.strip()}")

    def create(self):
        self.dir.mkdir()
        if self.as_owner:
            shutil.chown(self.dir, "postgres", "postgres")
        options = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]
        self._run(PG_BIN / "initdb", "-D", self.data, *options)
        self.start()
        address = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        self._run(PG_BIN / "createdb", *address, "cellmeet")

    @property
    def running(self):
        return (self.data / "postmaster.pid").exists()

    def start(self):
        server = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        log = self.dir / "server.log"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", log, "-o", server, "-w", "start")

    def stop(self, mode="immediate"):
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def connect(self):
        connection = psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname="cellmeet",
            application_name=MONITOR,
        )
        connection.autocommit = True
        return connection

    def query(self, sql):
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()

    def app_backends(self):
        rows = self.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'cellmeet' "
            f"AND backend_type = 'client backend' AND application_name <> '{MONITOR}'"
        )
        return sorted(pid for (pid,) in rows)


class Browser:
    """urllib with a cookie jar: logs in like a person and sends the CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, path, data=None, content_type=None, timeout=30):
        headers = {"X-CSRFToken": self.cookie("csrftoken")} if data is not None else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields).encode()
        return self.request(path, body, "application/x-www-form-urlencoded")

    def post_file(self, path, field, filename, content, timeout=120):
        boundary = secrets.token_hex(16)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(path, body, f"multipart/form-data; boundary={boundary}", timeout)

    def login(self, username, password):
        self.request("/accounts/login/")  # sets the CSRF cookie
        status, page, _headers = self.post_form(
            "/accounts/login/", {"username": username, "password": password}
        )
        return status == 200 and "outage.staff" in page


class App:
    """cellmeet against the private cluster, as in production except for static files."""

    def __init__(self, base, db_port):
        self.port = free_port(18400)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.csv = base / "import.csv"
        self.log = base / "app.log"
        self.process = None
        (base / "outage_settings.py").write_text(SETTINGS)
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{db_port}/cellmeet",
            "DJANGO_SETTINGS_MODULE": "outage_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(base), os.environ.get("PYTHONPATH")])),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CELLMEET_BASE_URL": self.base_url,
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_CONN_MAX_AGE": "60",
            "DJANGO_MEDIA_ROOT": str(base / "media"),
            "OUTAGE_PASSWORD": PASSWORD,
            "OUTAGE_CSV": str(self.csv),
            "OUTAGE_ROWS": str(IMPORT_ROWS),
        }

    def manage(self, *args):
        command = [sys.executable, "manage.py", *args]
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True)
        if result.returncode:
            raise Failed(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start(self):
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*command, f"127.0.0.1:{self.port}"], cwd=ROOT, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.base_url}/accounts/login/"):
                    return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise Failed("the app did not start")

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


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
