"""The meeting screen on the demo data: what its first load weighs, and how long a device's
queue of 100 operations takes to sync.

    make bench-screen     (or: DJANGO_DEBUG=1 .venv/bin/python scripts/bench_screen.py)

Loads the demo into the configured database if it is not there. Plans tonight's meeting
of Chi bộ thôn Thanh Sơn (committee session, the standard agenda, prepared), then sends
one request holding 100 operations as a device would after a night offline: start,
attendance, two guests, chair, minute-taker, times, the text of every item, the
conclusion, a vote, and named opinions for the rest. Each run is rolled back; the median
and the worst of 5 runs are printed. Targets: first load <= 150 KB compressed, the
screen's own script <= 50 KB, the sync of 100 operations < 2 s.
"""

import datetime
import gzip
import json
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from meetings import services  # noqa: E402
from meetings.meeting import services as meeting_services  # noqa: E402
from meetings.models import Meeting, Opinion  # noqa: E402
from members.enums import PositionRole  # noqa: E402
from members.models import Organisation, Position, Role  # noqa: E402

RUNS = 5
CELL = "VX-TT-THANHSON"


class Rollback(Exception):
    pass


def tonight(cell, user):
    today = timezone.localdate()
    # The demo has this month's meeting planned already; else plan tonight's.
    meeting = Meeting.objects.filter(
        cell=cell, period=today.replace(day=1), state="planned"
    ).first() or meeting_services.plan_meeting(
        actor=user, cell=cell, kind="regular", place="Nhà văn hóa thôn",
        planned_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(19, 30))),
    )  # fmt: skip
    secretary = Position.objects.filter(cell=cell, role=PositionRole.SECRETARY).latest("started_on")
    meeting_services.record_committee_session(actor=user, meeting=meeting,
                                      held_on=today - datetime.timedelta(days=3),
                                      attendees=[secretary.member], agreed_content="Chương trình")  # fmt: skip
    services.change_state(actor=user, meeting=meeting, to="prepared")
    return meeting, secretary.member


def operations(meeting, secretary):
    def op(op_kind, **data):
        return {"id": str(uuid.uuid4()), "kind": op_kind, "data": data}

    members = list(meeting.cell.members.filter(status__in=["official", "probationary"])[:40])
    taker = next(m for m in members if m.pk != secretary.pk)
    marks = {str(m.pk): {"presence": "present", "reason": "", "late": False} for m in members}
    items = list(meeting.agenda.all())
    ops = [op("start"), op("attendance", marks=marks),
           op("guest", name="Hoàng Văn Páo", position="Phó Bí thư Đảng ủy", unit="Đảng ủy xã"),
           op("guest", name="Lý Thị Mai", position="Trưởng thôn", unit="Thôn Thanh Sơn")]  # fmt: skip
    fields = {"chair": str(secretary.pk), "minute_taker": str(taker.pk), "opened_at": "1930"}
    ops += [op("minutes", fields={k: {"base": "", "value": v}}) for k, v in fields.items()]
    for item in items:
        text = f"Chi bộ thảo luận: {item.title}. " * 8
        ops.append(op("minutes", fields={f"item_{item.pk}": {"base": "", "value": text}}))
    ops.append(op("minutes", fields={"conclusion": {"base": "", "value": "Chi bộ thống nhất."}}))
    ops.append(op("vote", kind="resolution", subject="Thông qua nghị quyết",
                  **{"for": 3, "against": 0, "abstain": 0}))  # fmt: skip
    ops.append(op("minutes", fields={"closed_at": {"base": "", "value": "21h15"}}))
    speakers = [m for m in members if m.pk != secretary.pk]
    n = 0
    while len(ops) < 100:
        speaker = speakers[n % len(speakers)]
        item = items[n % len(items)]
        ops.append(op("opinion", item=item.pk, speaker=f"m{speaker.pk}",
                      text=f"{speaker.full_name} nhất trí, đề nghị bổ sung ý số {n + 1}."))  # fmt: skip
        n += 1
    return ops


def sync_once(cell, user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        with transaction.atomic():
            meeting, secretary = tonight(cell, user)
            ops = operations(meeting, secretary)
            url = reverse("meetings:screen_operations", args=[meeting.pk])
            body = json.dumps({"operations": ops})
            started = time.perf_counter()
            response = client.post(url, body, content_type="application/json")
            elapsed = time.perf_counter() - started
            answers = response.json()["answers"]
            refused = [a for a in answers if a["status"] != "done"]
            assert not refused, refused
            assert Opinion.objects.filter(meeting=meeting).count() == sum(
                o["kind"] == "opinion" for o in ops
            )
            raise Rollback(elapsed)
    except Rollback as done:
        return done.args[0], len(ops)


def first_load(cell, user):
    """The screen's page and every asset it names, gzip-compressed as whitenoise serves
    them; and its own script's size."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        with transaction.atomic():
            meeting, _secretary = tonight(cell, user)
            page = client.get(reverse("meetings:screen", args=[meeting.pk])).content
            raise Rollback(page)
    except Rollback as done:
        page = done.args[0]
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', page)
    total = len(gzip.compress(page))
    for asset in assets:
        path = Path(settings.BASE_DIR) / "static" / asset.decode()[len("/static/") :]
        if not path.exists():
            path = Path(finders.find(asset.decode()[len("/static/") :]))
        total += len(gzip.compress(path.read_bytes()))
    own = (Path(settings.BASE_DIR) / "static" / "js" / "screen.js").stat().st_size
    remote = re.findall(rb'(?:href|src)="(https?://[^"]+)"', page)
    return total, own, len(assets), remote


def main():
    if not Organisation.objects.filter(code=CELL).exists():
        print("loading the demo district …", flush=True)
        call_command("load_demo")
    cell = Organisation.objects.get(code=CELL)
    user = Role.objects.valid().filter(organisation=cell, kind="secretary").first().user
    total, own, count, remote = first_load(cell, user)
    print(f"first load: {total / 1024:.1f} KB compressed in {count + 1} files; "
          f"screen.js {own / 1024:.1f} KB; remote files: {len(remote)}")  # fmt: skip
    sync_once(cell, user)  # warm-up
    times = []
    for _ in range(RUNS):
        elapsed, count = sync_once(cell, user)
        times.append(elapsed)
    print(f"sync of {count} operations: median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s over {RUNS} runs ({settings.DATABASES['default']['ENGINE']})")  # fmt: skip


if __name__ == "__main__":
    main()
