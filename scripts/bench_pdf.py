"""Time the documents on the demo data: one minutes, and one cell's 12-meeting book.

    make bench-pdf        (or: DJANGO_DEBUG=1 .venv/bin/python scripts/bench_pdf.py)

Loads the demo into the configured database if it is not there, renders each document
several times after one warm-up, and prints the median, the worst run and the process's
peak memory. Targets on a 2-core machine: minutes <= 0.3 s, book <= 3 s, <= 250 MB.
"""

import datetime
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from meetings import documents, pdf  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from members.models import Organisation  # noqa: E402


def timed(label, action, runs):
    action()  # warm-up: fonts and templates load once per process
    seconds = []
    for _run in range(runs):
        started = time.perf_counter()
        body = action()
        seconds.append(time.perf_counter() - started)
    pages = len(
        PdfReader(__import__("io").BytesIO(body[0] if isinstance(body, tuple) else body)).pages
    )
    print(f"{label:<34} {pages:>3} pages  median {statistics.median(seconds):.3f} s  "
          f"max {max(seconds):.3f} s  ({runs} runs)")  # fmt: skip
    return statistics.median(seconds)


def main():
    if not Organisation.objects.filter(code="VX-TT-THANHSON").exists():
        call_command("migrate", verbosity=0)
        call_command("load_demo")
    cell = Organisation.objects.get(code="VX-TT-THANHSON")
    meeting = Meeting.objects.filter(cell=cell, state="signed").order_by("planned_at").first()
    digest = documents.signed_hash(meeting)
    minutes = timed(
        "minutes (Thanh Sơn, 2018)",
        lambda: pdf.render_minutes(meeting, number=1, code="BENCHMARK0", digest=digest),
        runs=10,
    )
    year = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    book = timed(
        "minute book (Thanh Sơn, 12 meetings)", lambda: documents.minute_book(cell, *year), runs=3
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (process)              {peak:.0f} MB")
    ok = minutes <= 0.3 and book <= 3 and peak <= 250
    print("targets met" if ok else "TARGETS MISSED (minutes <= 0.3 s, book <= 3 s, <= 250 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
