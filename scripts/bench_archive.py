"""The year-end archive (print_minute_books) with 1 and with 2 job worker processes.

    make bench-archive          ARCHIVE_ORG=VX-TT ARCHIVE_YEAR=2018 by default

Loads the demo into the database if it is not there (`make bench-archive` uses a
PostgreSQL database of its own), then, for each number of workers: removes the
organisation's minute books and the signed documents of that year (so that every run
does the same work: each book's minutes are made from their records, then bound),
starts that many `celery worker --pool=solo` processes on a queue folder of its
own, runs `print_minute_books` and times it until the last file is written. Prints each
time and the speed-up.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")
QUEUE = Path(tempfile.mkdtemp(prefix="cellmeet-queue-"))
MEDIA = Path(tempfile.mkdtemp(prefix="cellmeet-media-"))
os.environ["CELLMEET_QUEUE_DIR"] = str(QUEUE)
os.environ["DJANGO_MEDIA_ROOT"] = str(MEDIA)
os.environ.pop("CELLMEET_JOBS_INLINE", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from meetings.models import Meeting, MinuteBook, MinutesDocument  # noqa: E402
from members.models import Organisation  # noqa: E402

ORG = os.environ.get("ARCHIVE_ORG", "VX-TT")
YEAR = int(os.environ.get("ARCHIVE_YEAR", "2018"))
CELERY = str(Path(sys.executable).parent / "celery")


def reset(root):
    cells = Organisation.objects.subtree_of(root).cells()
    MinuteBook.objects.filter(cell__in=cells).delete()
    meetings = Meeting.objects.filter(cell__in=cells, planned_at__year=YEAR)
    MinutesDocument.objects.filter(meeting__in=meetings).delete()
    return meetings.filter(state="signed").count()


def run(root, workers):
    signed = reset(root)
    connections.close_all()
    command = [CELERY, "-A", "cellmeet", "worker", "--pool=solo", "--without-mingle",
               "--without-gossip", "--without-heartbeat", "--loglevel=warning"]  # fmt: skip
    processes = [
        subprocess.Popen([*command, "-n", f"archive{n}@%h"], cwd=ROOT, env=os.environ.copy())
        for n in range(workers)
    ]
    try:
        time.sleep(8)  # the workers start (Django, fonts) before the clock does
        out = Path(tempfile.mkdtemp(prefix="cellmeet-archive-"))
        started = time.monotonic()
        call_command("print_minute_books", org=ORG, year=YEAR, out=str(out), stdout=io.StringIO())
        seconds = time.monotonic() - started
        files = len(list(out.glob("*.pdf")))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    return seconds, files, signed


def main():
    if not Organisation.objects.exists():
        call_command("migrate", verbosity=0)
        call_command("load_demo")
    root = Organisation.objects.named(ORG)
    if root is None:
        sys.exit(f"no organisation {ORG}")
    print(f"year-end archive of {root.name}, {YEAR}")
    results = {}
    for workers in (1, 2):
        seconds, files, signed = run(root, workers)
        results[workers] = seconds
        print(f"{workers} worker process(es): {files} books, {signed} signed minutes made and "
              f"bound, {seconds:.1f} s")  # fmt: skip
    print(f"speed-up with 2 workers: {results[1] / results[2]:.2f}x (target on 2 cores: >= 1.7x)")


if __name__ == "__main__":
    main()
