"""Load test: 50 secretaries and 5 district staff for 60 s against `make serve`.

    make load        (LOAD_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/cellmeet_load)

Recreates the database, loads the demo district with three years of meetings, gives 50
secretaries a meeting in progress to type minutes into, starts the production
configuration (scripts/serve.sh: gunicorn, DEBUG off) on port 8100, logs the 55 users
in one after another (a login costs 0.4-0.8 s of CPU by design: PBKDF2), then runs locust
headless (scripts/locustfile.py) with their sessions, so that the measured minute is the
working day and not a login storm. Fails unless every request and login succeeded.
Results go to var/load/results.md (and locust's CSV files beside it).

Five more secretaries send meeting notices, each to about 100 members with an email
address, through a mail server on this machine that takes NOTICE_SMTP_DELAY seconds
(default 0.2) to accept each email: the emails go out from the job workers (make serve
starts them), and the notice page must not wait for them.
"""

import asyncio
import csv
import datetime
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load"
PORT = int(os.environ.get("LOAD_PORT", "8100"))
DURATION = int(os.environ.get("LOAD_SECONDS", "60"))
RAMP_UP = 5  # seconds in which the 60 users, already logged in, arrive
SENDERS = 5  # secretaries sending notices
NOTICES = 20  # prepared meetings each of them can send a notice for
RECIPIENTS = 100  # members with an email address in each sender's cell
SMTP_DELAY = float(os.environ.get("NOTICE_SMTP_DELAY", "0.2"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # this process only prepares data

import fresh_database  # noqa: E402


def prepare():
    """Demo data, and the accounts the simulated users log in with."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from cellmeet.demo.in_progress import meeting_in_progress
    from cellmeet.demo.logins import DEMO_PASSWORD
    from meetings.models import Meeting
    from members.enums import RoleKind
    from members.models import Organisation, Role

    call_command("migrate", verbosity=0)
    call_command("load_demo", years=3)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have (scripts/bench.py)
    User = get_user_model()
    district = Organisation.objects.get(code="VX")
    secretaries = []
    for user in User.objects.filter(username__endswith=".bithu").order_by("username")[:50]:
        cell = Role.objects.get(user=user, kind=RoleKind.SECRETARY).organisation
        signed = Meeting.objects.filter(cell=cell, state="signed").order_by("-planned_at").first()
        held = meeting_in_progress(secretary=user, cell=cell)
        secretaries.append({"username": user.username, "cell": cell.pk, "signed": signed.pk,
                            "held": held.pk, "version": held.version})  # fmt: skip
    senders = [notice_sender(user) for user in User.objects.filter(
        username__endswith=".bithu").order_by("username")[50:50 + SENDERS]]  # fmt: skip
    lead = User.objects.get(username="district")
    staff = [lead.username]
    for n in range(2, 6):
        clerk, created = User.objects.get_or_create(
            username=f"district{n}", defaults={"password": lead.password}
        )
        if created:
            Role.objects.create(user=clerk, organisation=district, kind=RoleKind.COMMITTEE_STAFF)
        staff.append(clerk.username)
    return {
        "password": DEMO_PASSWORD,
        "district": district.pk,
        "secretaries": secretaries,
        "senders": senders,
        "staff": [{"username": name} for name in staff],
    }


def notice_sender(user):
    """A secretary whose cell has RECIPIENTS members with an email address and NOTICES
    meetings prepared (committee agreed), each waiting for its notice."""
    from django.utils import timezone

    from meetings import services
    from meetings.meeting import services as meeting_services
    from members.enums import RoleKind
    from members.models import Member, Role
    from members.people import services as people

    cell = Role.objects.get(user=user, kind=RoleKind.SECRETARY).organisation
    on_roll = Member.objects.filter(cell=cell, status__in=["official", "probationary"])
    for n in range(max(0, RECIPIENTS - on_roll.count())):
        people.create_member(actor=user, cell=cell, data={
            "full_name": f"Hoàng Văn Thử {n}", "sex": "male", "ethnicity": "Kinh",
            "date_of_birth": datetime.date(1980, 1, 1), "admitted_on": datetime.date(2005, 1, 1),
            "official_on": datetime.date(2006, 1, 1)})  # fmt: skip
    for member in Member.objects.filter(cell=cell):
        member.email = f"dv{member.pk}@example.org"
        member.save(update_fields=["email"])
    secretary = user.member
    meetings = []
    for n in range(NOTICES):
        day = datetime.date(2030 + n // 12, n % 12 + 1, 10)
        meeting = meeting_services.plan_meeting(
            actor=user, cell=cell, kind="regular", place="Nhà văn hóa thôn",
            planned_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 30))))  # fmt: skip
        meeting_services.record_committee_session(
            actor=user, meeting=meeting, held_on=day - datetime.timedelta(days=3),
            attendees=[secretary], agreed_content="Chương trình sinh hoạt")  # fmt: skip
        services.change_state(actor=user, meeting=meeting, to="prepared")
        meetings.append(meeting.pk)
    return {"username": user.username, "meetings": meetings}


class SlowMailbox:
    """A mail server that takes SMTP_DELAY seconds to accept each email, and counts them."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(SMTP_DELAY)
        self.received += len(envelope.rcpt_tos)
        return "250 OK"


def wait_for(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not answer {url}")


def log_in(base, username, password):
    """A session for `username`: (cookies, seconds the login POST took)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/", timeout=30) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token.group(1)}).encode()  # fmt: skip
    started = time.perf_counter()
    with opener.open(f"{base}/accounts/login/", data=form, timeout=60) as response:
        landed = response.geturl()
    seconds = time.perf_counter() - started
    if landed.rstrip("/").endswith("/accounts/login"):
        raise SystemExit(f"login refused for {username}")
    return {cookie.name: cookie.value for cookie in jar}, seconds


def summary(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows


def report(rows, workers, logins):
    total = next(r for r in rows if r["Name"] == "Aggregated")
    logins = sorted(logins)
    lines = [
        "# cellmeet load test",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · 50 secretaries + 5 district staff for "
        f"{DURATION} s after a {RAMP_UP} s ramp-up, 1–3 s between actions · "
        f"`make serve` ({workers} gunicorn workers) on PostgreSQL, "
        f"{os.cpu_count()} cores shared with locust",
        "",
        f"Before the run the 55 users logged in one after another: median "
        f"{statistics.median(logins) * 1000:.0f} ms, slowest {logins[-1] * 1000:.0f} ms "
        "per login (PBKDF2, 1,000,000 iterations).",
        "",
        "| request | count | failures | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | "
                     f"{r['Median Response Time']} | {r['95%']} | "
                     f"{float(r['Max Response Time']):.0f} |")  # fmt: skip
    lines += ["", f"Throughput {float(total['Requests/s']):.1f} requests/s; "
              f"{total['Failure Count']} failures; p95 over all requests {total['95%']} ms."]  # fmt: skip
    return "\n".join(lines) + "\n", int(total["Failure Count"]), int(total["Request Count"])


def main():
    database = os.environ["DATABASE_URL"]
    if not database.startswith("postgres"):
        sys.exit("make load runs against PostgreSQL: set LOAD_DATABASE_URL.")
    fresh_database.main(database)
    print("Loading the demo district (three years of meetings)…", flush=True)
    accounts = prepare()
    OUT.mkdir(parents=True, exist_ok=True)
    accounts_file = OUT / "accounts.json"
    accounts_file.write_text(json.dumps(accounts, ensure_ascii=False))
    from aiosmtpd.controller import Controller

    mailbox = SlowMailbox()
    with socket.socket() as probe:  # a free port (the controller needs a fixed one)
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(PORT),
           "GUNICORN_ACCESS_LOG": str(OUT / "access.log"), "DJANGO_LOG_LEVEL": "WARNING",
           "CELLMEET_QUEUE_DIR": str(OUT / "queue"),
           "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "DJANGO_EMAIL_HOST": "127.0.0.1", "DJANGO_EMAIL_PORT": str(smtp_port)}  # fmt: skip
    env.pop("DJANGO_DEBUG", None)
    try:
        with open(OUT / "server.log", "w") as log:
            workers, logins = run_load(env, log)
    finally:
        smtp.stop()
    text, failures, count = report(summary(OUT / "locust"), workers, logins)
    with open(OUT / "locust_exceptions.csv", encoding="utf-8") as handle:
        # An exception inside a simulated user's task sends no request: count it too.
        errors = sum(int(row["Count"]) for row in csv.DictReader(handle))
    text += f"\nErrors in the simulated users' own code: {errors}.\n"
    text += (f"\nEmails accepted by the mail server ({SMTP_DELAY} s each) during the run, "
             f"from the job workers: {mailbox.received}.\n")  # fmt: skip
    (OUT / "results.md").write_text(text)
    print(text)
    if failures or errors or count == 0:
        sys.exit(f"{failures} failed requests of {count}, {errors} errors: see var/load/")


def run_load(env, log):
    accounts_file = OUT / "accounts.json"
    server = subprocess.Popen([str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_for(f"{base}/accounts/login/")
        workers = os.environ.get("GUNICORN_WORKERS", os.cpu_count() * 2 + 1)
        print("Server up; logging the users in…", flush=True)
        accounts = json.loads(accounts_file.read_text(encoding="utf-8"))
        logins = []
        for account in [*accounts["secretaries"], *accounts["senders"], *accounts["staff"]]:
            account["cookies"], seconds = log_in(base, account["username"], accounts["password"])
            logins.append(seconds)
        accounts_file.write_text(json.dumps(accounts, ensure_ascii=False))
        print(f"{RAMP_UP} s ramp-up and {DURATION} s of simulated users…", flush=True)
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"),
             "--headless", "--users", str(55 + SENDERS), "--spawn-rate", "12",
             "--run-time", f"{RAMP_UP + DURATION}s", "--reset-stats",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(OUT / "locust"),
             "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "CELLMEET_LOAD_ACCOUNTS": str(accounts_file)}, check=False,
        )  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return workers, logins


if __name__ == "__main__":
    main()
