"""Time the documents on the demo data: one minutes, one cell's 12-meeting book, and a
minutes holding one 100,000-character token.

    make bench-pdf        (or: DJANGO_DEBUG=1 .venv/bin/python scripts/bench_pdf.py)

Loads the demo into the configured database if it is not there, renders each document
several times after one warm-up, and prints the median, the worst run and the peak
memory of the process and of the layout process it starts (meetings.documents.pdf.Layouter). The book is timed twice:
the first time it is asked for, when its signed documents are made from their records
(once), and then as every later reader gets it, bound from the stored documents.
Targets on a 2-core machine: minutes <= 0.3 s, book <= 1 s, long token < 5 s, <= 250 MB.
"""

import copy
import datetime
import io
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

from meetings.content import load_parts  # noqa: E402
from meetings.documents import book, layout, pdf  # noqa: E402
from meetings.documents import services as documents  # noqa: E402
from meetings.models import Meeting, MinutesDocument, SignedRecord  # noqa: E402
from members.models import Organisation  # noqa: E402


def layout_memory(layouter):
    """Peak resident memory of a layout process, in MB (Linux)."""
    status = Path(f"/proc/{layouter.process.pid}/status").read_text()
    return (
        int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        / 1024
    )


def pages(body):
    return len(PdfReader(io.BytesIO(body[0] if isinstance(body, tuple) else body)).pages)


def timed(label, action, runs, warm_up=True):
    if warm_up:
        action()  # fonts and templates load once per process
    seconds = []
    for _run in range(runs):
        started = time.perf_counter()
        body = action()
        seconds.append(time.perf_counter() - started)
    print(f"{label:<46} {pages(body):>3} pages  median {statistics.median(seconds):.3f} s  "
          f"max {max(seconds):.3f} s  ({runs} run{'s' if runs > 1 else ''})")  # fmt: skip
    return statistics.median(seconds)


def main():
    if not Organisation.objects.filter(code="VX-TT-THANHSON").exists():
        call_command("migrate", verbosity=0)
        call_command("load_demo")
    cell = Organisation.objects.get(code="VX-TT-THANHSON")
    year = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    signed = Meeting.objects.filter(cell=cell, state="signed", planned_at__date__range=year)
    record = SignedRecord.objects.filter(meeting__in=signed).order_by("meeting__planned_at")[0]
    minutes = timed(
        "minutes (Thanh Sơn, 2018)", lambda: documents.render_signed(record, "minutes"), runs=10
    )
    first_book = None
    if not MinutesDocument.objects.filter(meeting__in=signed, kind="minutes").exists():
        first_book = timed("minute book, first time (12 minutes made)",
                           lambda: book.minute_book(cell, *year), runs=1, warm_up=False)  # fmt: skip
    bound = timed("minute book (Thanh Sơn, 12 meetings, stored)",
                  lambda: book.minute_book(cell, *year), runs=5)  # fmt: skip
    meeting = record.meeting
    long = copy.copy(meeting)
    long.conclusion = "Đ" + "x" * 100_000
    parts = load_parts(meeting)
    token = timed(
        "minutes with a 100,000-character token",
        lambda: pdf.render_document("minutes", meeting=long, parts=parts,
                                    snapshot=record.snapshot, draft=True),
        runs=3,
    )  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    layout_peak = max(map(layout_memory, list(layout._idle.queue)), default=0)
    print(f"peak memory: process {peak:.0f} MB, layout process {layout_peak:.0f} MB")
    if first_book is None:
        print("(the book's documents were already stored: its first time is not measured)")
    ok = minutes <= 0.3 and bound <= 1 and token < 5 and max(peak, layout_peak) <= 250
    print("targets met" if ok else
          "TARGETS MISSED (minutes <= 0.3 s, book <= 1 s, long token < 5 s, <= 250 MB)")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
