"""The job queue with real workers: `celery worker` processes on the test database and
the machine's Redis, a real SMTP server, real PDFs. A worker killed in the middle of a
job leaves it to another, and the work is done once."""

import asyncio
import contextlib
import datetime
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from cellmeet import celery_app
from cellmeet.tasks import sweep
from meetings.enums import DocumentKind
from meetings.meeting import services as meeting_services
from meetings.models import MinutesDocument, Notification
from meetings.notices import services as notices_services
from members.models import Member
from tests.meetings.conftest import submitted_meeting
from tests.net import free_port

REPO = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).parent / "celery")
REDIS = ("127.0.0.1", 6379)
VISIBILITY = 3  # seconds before a job taken by a dead worker goes to another


def redis_up():
    with contextlib.suppress(OSError), socket.create_connection(REDIS, timeout=1):
        return True
    return False


pytestmark = [
    # Committed rows, for the workers to see; the rows the migrations seed (the rating
    # templates) are put back after each test for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="workers share the test database: PostgreSQL's, not SQLite's in-memory one",
    ),  # fmt: skip
    pytest.mark.skipif(
        not redis_up() and not os.environ.get("CELLMEET_REQUIRE_REDIS"),
        reason="no Redis on 127.0.0.1:6379",
    ),  # fmt: skip
]


class Mailbox:
    """An SMTP server's handler: what arrived, one entry per recipient. With `hold`, the
    first message waits until its sender is gone (a worker killed while sending) and is
    not accepted: a mail server delivers only what it confirmed."""

    def __init__(self, hold=False):
        self.received = []
        self.hold = hold
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.hold:
            self.hold = False
            self.holding.set()
            for _ in range(600):
                await asyncio.sleep(0.05)
                if server.transport is None or server.transport.is_closing():
                    return "451 sender gone"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.extend((rcpt, message) for rcpt in envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def broker(worker_id):
    """The machine's Redis as the broker: a database of its own for each test process
    (13 down), emptied. Returns its URL."""
    import redis

    db = 13 - (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=db)
    client.flushdb()
    url = f"redis://{REDIS[0]}:{REDIS[1]}/{db}"
    _point_at(url, {"visibility_timeout": VISIBILITY})
    yield url
    _point_at(None, None)
    client.flushdb()


def _point_at(url, options):
    conf = celery_app.conf
    if url is None:
        conf.task_always_eager = True
        return
    conf.update(task_always_eager=False, broker_url=url, broker_transport_options=options)
    # The next job opens a connection to `url` (kombu keeps one pool per address).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Workers:
    """`celery worker` processes on the test database, started and killed by name."""

    def __init__(self, broker, mailbox, media):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELLMEET_BROKER_URL": broker,
            "CELLMEET_JOB_VISIBILITY_SECONDS": str(VISIBILITY),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(mailbox.port if mailbox else 25),
            "DJANGO_EMAIL_TIMEOUT": "30",
            "DJANGO_MEDIA_ROOT": str(media),
            "CELLMEET_BASE_URL": "https://cellmeet.example",
        }
        self.running = {}

    def start(self, name, pool=("--pool=solo",)):
        """A worker; `pool=()` leaves the pool to the settings (as `make run` does)."""
        log = open(Path(self.env["DJANGO_MEDIA_ROOT"]).parent / f"{name}.log", "w")  # noqa: SIM115
        self.running[name] = subprocess.Popen(
            [CELERY, "-A", "cellmeet", "worker", *pool, "--without-mingle",
             "--without-gossip", "--without-heartbeat", "-n", f"{name}@%h", "-l", "info"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self.running[name]

    def kill(self, name):
        process = self.running.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self):
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running = {}

    def log(self, name):
        return (Path(self.env["DJANGO_MEDIA_ROOT"]).parent / f"{name}.log").read_text()


@pytest.fixture
def workers(broker, mailbox, settings):
    team = Workers(broker, mailbox, settings.MEDIA_ROOT)
    yield team
    team.stop()


def wait_for(check, seconds=60, what="the job"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not done in {seconds} s")


def prepared_with_emails(people):
    from tests.meetings.conftest import at

    for n, member in enumerate(Member.objects.filter(cell=people["cell"]).order_by("pk")):
        member.email = f"dv{n}@example.org"
        member.save(update_fields=["email"])
    actor = people["secretary_user"]
    meeting = meeting_services.plan_meeting(actor=actor, cell=people["cell"], kind="regular",
                                            planned_at=at(datetime.date(2018, 5, 7), 19),
                                            place="Nhà văn hóa thôn")  # fmt: skip
    meeting_services.record_committee_session(actor=actor, meeting=meeting,
                                              held_on=datetime.date(2018, 5, 2),
                                              attendees=[people["secretary"]],
                                              agreed_content="Chương trình")  # fmt: skip
    from meetings import services

    services.change_state(actor=actor, meeting=meeting, to="prepared")
    meeting.refresh_from_db()
    return meeting


def test_a_notice_is_emailed_by_a_worker_after_the_request(cell_people, workers, mailbox):
    meeting = prepared_with_emails(cell_people)
    sent = notices_services.send_notice(actor=cell_people["secretary_user"], meeting=meeting)
    assert sent > 0 and mailbox.received == []  # queued: nothing sent inside the request
    workers.start("a")
    wait_for(lambda: len(mailbox.received) == sent, what="the notice's emails")
    assert not Notification.objects.filter(meeting=meeting).unsent().exists()
    assert sorted(rcpt for rcpt, _ in mailbox.received) == sorted(
        Notification.objects.filter(meeting=meeting).values_list("email", flat=True)
    )


def test_a_worker_killed_while_emailing_leaves_the_job_to_another(cell_people, workers,
                                                                   mailbox):  # fmt: skip
    mailbox.hold = True  # the first message hangs until its sender dies
    meeting = prepared_with_emails(cell_people)
    sent = notices_services.send_notice(actor=cell_people["secretary_user"], meeting=meeting)
    workers.start("a")
    assert mailbox.holding.wait(60), workers.log("a")
    workers.kill("a")  # in the middle of the job, the first email on the wire
    time.sleep(VISIBILITY + 0.5)
    workers.start("b")
    wait_for(lambda: len(mailbox.received) == sent, what="the emails, by the second worker")
    time.sleep(1)  # nothing more arrives: each recipient got one email
    recipients = [rcpt for rcpt, _ in mailbox.received]
    assert len(recipients) == len(set(recipients)) == sent
    assert "meetings.notices.deliver" in workers.log("b")


def sign_both(people, meeting):
    meeting_services.sign_minutes(meeting=meeting, user=people["taker_user"],
                                  password="pw-for-tests-1")  # fmt: skip
    meeting_services.sign_minutes(meeting=meeting, user=people["secretary_user"],
                                  password="pw-for-tests-1")  # fmt: skip


def test_the_signed_documents_are_made_by_a_worker_once(cell_people, workers, settings):
    meeting = submitted_meeting(cell_people, datetime.date(2018, 3, 5))
    sign_both(cell_people, meeting)
    assert not MinutesDocument.objects.filter(meeting=meeting).exists()  # after the answer
    workers.start("a", pool=())  # the settings' pool: its jobs may fork the layout process
    wait_for(lambda: MinutesDocument.objects.filter(meeting=meeting).count() == 2,
             what="the signed documents")  # fmt: skip
    sweep.apply()  # a second run of the same job finds them made
    time.sleep(2)
    kinds = sorted(MinutesDocument.objects.filter(meeting=meeting).values_list("kind", flat=True))
    assert kinds == sorted(DocumentKind.values)
    stored = list((Path(settings.MEDIA_ROOT) / "minutes").rglob("*.pdf"))
    assert len(stored) == 2 and all(path.read_bytes().startswith(b"%PDF") for path in stored)


def test_a_worker_killed_while_making_documents_leaves_them_to_another(cell_people, workers,
                                                                        settings):  # fmt: skip
    meeting = submitted_meeting(cell_people, datetime.date(2018, 3, 5))
    sign_both(cell_people, meeting)
    workers.start("a")
    wait_for(lambda: "meetings.documents.issue" in workers.log("a") and
             "received" in workers.log("a"), what="the first worker taking the job")  # fmt: skip
    workers.kill("a")
    time.sleep(VISIBILITY + 0.5)
    workers.start("b")
    wait_for(lambda: MinutesDocument.objects.filter(meeting=meeting).count() == 2,
             what="the documents, by the second worker")  # fmt: skip
    time.sleep(1)
    assert MinutesDocument.objects.filter(meeting=meeting).count() == 2
    assert "meetings.documents.issue" in workers.log("b")


def test_a_minute_book_asked_for_in_the_page_is_bound_by_a_worker(cell_people, workers, client):
    from django.urls import reverse

    from meetings.models import BookState, MinuteBook
    from tests.meetings.conftest import signed_meeting

    for day in (datetime.date(2018, 3, 5), datetime.date(2018, 4, 5)):
        signed_meeting(cell_people, day)
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:minute_book", args=[cell_people["cell"].pk])
    page = client.get(url, {"year": 2018, "download": 1}).content.decode()
    assert "Đang đóng sổ biên bản" in page  # queued: the page follows the job
    workers.start("a")
    wait_for(lambda: MinuteBook.objects.filter(state=BookState.READY).exists(),
             what="the minute book")  # fmt: skip
    ready = client.get(url, {"year": 2018, "download": 1, "waited": 1}).content.decode()
    assert "Sổ đã đóng xong: 2 biên bản" in ready
    response = client.get(url, {"year": 2018, "download": 1})
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "meetings.documents.bind_book" in workers.log("a")


def test_the_reminders_job_reminds_the_signers_once(cell_people, workers, mailbox):
    from cellmeet import jobs
    from meetings import services
    from tests.meetings.conftest import complete_minutes, meeting_held_on

    Member.objects.filter(cell=cell_people["cell"]).update(email="dv@example.org")
    day = timezone.localdate() - datetime.timedelta(days=2)
    meeting = complete_minutes(meeting_held_on(cell_people, day), cell_people)
    services.change_state(actor=cell_people["secretary_user"], meeting=meeting, to="submitted")
    workers.start("a")
    jobs.enqueue("meetings.notices.send_reminders")  # as the scheduler does every hour
    wait_for(lambda: len(mailbox.received) == 2, what="the signers' reminders")
    jobs.enqueue("meetings.notices.send_reminders")  # the next hour: nobody twice
    time.sleep(5)
    assert len(mailbox.received) == 2
    subjects = [" ".join(str(m["Subject"]).split()) for _r, m in mailbox.received]
    assert subjects == [f"Nhắc ký biên bản: {meeting.display_title}"] * 2, subjects


def test_the_scheduler_runs_jobs_that_exist():
    """Every scheduled entry names a registered job (a typo would run nothing, silently)."""
    from django.conf import settings

    celery_app.loader.import_default_modules()
    names = set(celery_app.tasks)
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= names
