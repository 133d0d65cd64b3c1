"""Two people, or one impatient one, at the same moment: eight parallel saves of the same
minutes and five parallel clicks on "send notice" end in exactly one effect and answers a
person can read, never a server error. On SQLite, the embedded default (`make run`), and
on PostgreSQL, each behind a gunicorn of several worker processes, as `make serve` runs.
"""

import datetime
import http.cookiejar
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection

from tests.net import free_port

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAVES, SENDS = 8, 5


def prepare():
    """A cell whose secretary is signed in, a meeting being minuted and one whose notice
    is ready to send; run in whichever process writes to the database under test."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from meetings import services
    from meetings.meeting import services as meeting_services
    from meetings.minutes import services as minutes_services
    from members.enums import RoleKind
    from members.models import Role
    from members.people import services as people_services
    from members.tree import services as tree_services
    from tests.factories import UserFactory

    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    district = tree_services.create_organisation(actor=None, parent=None, data={
        "name": "Đảng bộ huyện Thử", "code": "CC-D", "kind": "district"})  # fmt: skip
    commune = tree_services.create_organisation(actor=None, parent=district, data={
        "name": "Đảng bộ xã Thử", "code": "CC-X", "kind": "grassroots"})  # fmt: skip
    cell = tree_services.create_organisation(actor=None, parent=commune, data={
        "name": "Chi bộ thôn Thử", "code": "CC-A", "kind": "cell", "cell_type": "village"})  # fmt: skip
    people = [
        people_services.create_member(actor=None, cell=cell, data={
            "full_name": f"Đảng Viên Số {n}", "sex": "male",
            "date_of_birth": datetime.date(1970, 1, 1), "admitted_on": datetime.date(1995, 1, 1),
            "official_on": datetime.date(1996, 1, 1)})
        for n in range(4)
    ]  # fmt: skip
    user = UserFactory(username="bithu_cc")
    Role.objects.create(user=user, organisation=cell, kind=RoleKind.SECRETARY)
    held = meeting_services.plan_meeting(actor=user, cell=cell, kind="regular",
                                 planned_at=at(datetime.date(2018, 3, 5), 19), place="Nhà văn hóa")  # fmt: skip
    meeting_services.record_committee_session(actor=user, meeting=held, held_on=datetime.date(2018, 3, 1),
                                      attendees=[people[0]], agreed_content="Chương trình")  # fmt: skip
    services.change_state(actor=user, meeting=held, to="prepared")
    minutes_services.take_attendance(actor=user, meeting=held, marks={}, guests=[])
    services.change_state(actor=user, meeting=held, to="held")
    planned = meeting_services.plan_meeting(actor=user, cell=cell, kind="regular",
                                    planned_at=at(datetime.date(2018, 4, 5), 19), place="Nhà văn hóa")  # fmt: skip
    meeting_services.record_committee_session(actor=user, meeting=planned, held_on=datetime.date(2018, 4, 1),
                                      attendees=[people[0]], agreed_content="Chương trình")  # fmt: skip
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "members.auth.ThrottledModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "held": held.pk, "planned": planned.pk,
            "chair": people[0].pk, "taker": people[1].pk}  # fmt: skip


@contextmanager
def gunicorn(env):
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "4",
           "GUNICORN_ACCESS_LOG": "/dev/null"}  # fmt: skip
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "cellmeet/gunicorn.conf.py"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
                break
            except OSError:  # not listening yet, or too busy starting to answer in time
                time.sleep(0.25)
        else:
            raise AssertionError(process.stderr.read1().decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


class Form(HTMLParser):
    """The named fields of the page's forms, with their values as the browser sends them."""

    def __init__(self, html):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    def __init__(self, base, session):
        self.base = base
        jar = http.cookiejar.CookieJar()
        jar.set_cookie(http.cookiejar.Cookie(
            0, "sessionid", session, None, False, "127.0.0.1", False, False, "/", True,
            False, None, False, None, None, {}))  # fmt: skip
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def open(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Referer": self.base + path})  # fmt: skip
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode(errors="replace")


def at_once(count, action):
    """`action()` from `count` threads released together; their answers."""
    start = threading.Barrier(count)

    def run():
        start.wait()
        return action()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _n: run(), range(count)))


def effects(data):
    """What the database holds after the clicks; run where the database is reachable."""
    from meetings.models import Meeting, MeetingNotice, Notification

    return {
        "version": Meeting.objects.get(pk=data["held"]).version,
        "notices": MeetingNotice.objects.filter(meeting_id=data["planned"]).count(),
        "notifications": Notification.objects.filter(meeting_id=data["planned"]).count(),
    }


def check(base, data, read_effects):
    browser = Browser(base, data["session"])
    before = read_effects(data)
    # Eight saves of the same minutes, all opened at the same version.
    path = f"/meetings/{data['held']}/minutes/"
    status, _url, page = browser.open(path)
    assert status == 200, page[:500]
    form = Form(page).fields
    form.update({"chair": str(data["chair"]), "minute_taker": str(data["taker"]),
                 "opened_at": "19:30", "closed_at": "21:30", "conclusion": "Nghị quyết"})  # fmt: skip
    answers = at_once(SAVES, lambda: browser.open(path, form))
    assert all(code < 500 for code, _url, _page in answers), [a[0] for a in answers]
    stayed = [page for _code, url, page in answers if url.endswith(path)]
    assert len(stayed) == SAVES - 1, "exactly one save went on to the meeting's page"
    assert all("vừa được người khác lưu" in page for page in stayed)
    # Five clicks on "send notice".
    path = f"/meetings/{data['planned']}/notice/"
    form = Form(browser.open(path)[2]).fields
    answers = at_once(SENDS, lambda: browser.open(path, form))
    assert all(code < 500 for code, _url, _page in answers), [a[0] for a in answers]
    after = read_effects(data)
    assert after["version"] == before["version"] + 1
    assert (after["notices"], after["notifications"]) == (1, 4)


def test_sqlite(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}  # fmt: skip
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=REPO, env=env,
                   check=True, capture_output=True)  # fmt: skip
    made = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         "import json; from tests.test_concurrency import prepare; print(json.dumps(prepare()))"],
        cwd=REPO, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    data = json.loads(made.stdout.strip().splitlines()[-1])

    def read_effects(data):
        code = ("import json; from tests.test_concurrency import effects; "
                f"print(json.dumps(effects({data!r})))")  # fmt: skip
        done = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=REPO, env=env,
                              check=True, capture_output=True, text=True)  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])

    with gunicorn(env) as base:
        check(base, data, read_effects)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite here; CI runs it on PostgreSQL")
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
           f"{settings['NAME']}")  # fmt: skip
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url,
           "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}  # fmt: skip
    data = prepare()
    with gunicorn(env) as base:
        check(base, data, effects)
