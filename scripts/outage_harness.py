"""What the outage drill (scripts/db_outage.py) runs against: a private PostgreSQL
cluster on a free port, cellmeet served by gunicorn on that cluster, and a browser-like
client that keeps its session."""

import http.cookiejar
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
IMPORT_ROWS = 3000
PASSWORD = secrets.token_urlsafe(12)
MONITOR = "db_outage monitor"

SETTINGS = """from cellmeet.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


class Failed(Exception):
    pass


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
