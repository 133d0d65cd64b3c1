"""Minute books asked for in the pages: bound by a job (cellmeet/jobs.py), stored, and
served as stored to every later reader until a signature in the period changes it."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from cellmeet import jobs
from meetings.documents import book, layout
from meetings.documents import services as documents
from meetings.enums import MeetingState
from meetings.models import BookState, MinuteBook, SignedRecord

# A book being bound says so at least this often; silent longer, its worker is gone and
# another job may take it over.
HEARTBEAT = datetime.timedelta(minutes=2)


def signed_in(cell, start, end):
    """The signed records of the cell's minutes from `start` to `end`, in key order."""
    return SignedRecord.objects.filter(
        meeting__cell=cell, meeting__state=MeetingState.SIGNED,
        meeting__planned_at__date__gte=start, meeting__planned_at__date__lte=end,
    ).order_by("pk")  # fmt: skip


def fingerprint(cell, start, end):
    """What the book of the period binds: its signed records and their content hashes."""
    rows = signed_in(cell, start, end).values_list("pk", "content_hash")
    return hashlib.sha256("|".join(f"{pk}:{digest}" for pk, digest in rows).encode()).hexdigest()


def ask(cell, start, end, *, actor, retry=False):
    """The book of the period as its signed minutes stand: stored, being bound, failed
    (queued again with `retry`), or queued now. None when no minutes of the period is
    signed."""
    if not signed_in(cell, start, end).exists():
        return None
    found, created = MinuteBook.objects.get_or_create(
        cell=cell, start=start, end=end, fingerprint=fingerprint(cell, start, end),
        defaults={"requested_by": actor},
    )  # fmt: skip
    if retry and not created and found.state == BookState.FAILED:
        MinuteBook.objects.filter(pk=found.pk, state=BookState.FAILED).update(
            state=BookState.QUEUED, error="", updated_at=timezone.now()
        )
        created = True
    if created:
        jobs.enqueue("meetings.documents.bind_book", found.pk)
    found.refresh_from_db()
    return found


def _claim(pk):
    """Take the book `pk` to bind: queued, or bound by a worker silent for too long.
    False when it is done or another worker is binding it."""
    stale = timezone.now() - HEARTBEAT
    return bool(
        MinuteBook.objects.filter(pk=pk)
        .filter(Q(state=BookState.QUEUED) | Q(state=BookState.BINDING, updated_at__lt=stale))
        .update(state=BookState.BINDING, done=0, updated_at=timezone.now())
    )


def bind(pk):
    """Bind and store the book `pk` (the job). Safe to run twice: the second run finds
    it taken or done. Books of the same period bound from older signatures are removed."""
    if not _claim(pk):
        return
    entry = MinuteBook.objects.select_related("cell").get(pk=pk)

    def progress(done, total):
        MinuteBook.objects.filter(pk=pk).update(done=done, total=total, updated_at=timezone.now())

    try:
        body, count = book.minute_book(entry.cell, entry.start, entry.end,
                                       actor=entry.requested_by, progress=progress)  # fmt: skip
    except (documents.DocumentError, layout.RenderError) as exc:
        MinuteBook.objects.filter(pk=pk).update(state=BookState.FAILED, error=str(exc)[:300])
        return
    name = default_storage.save(
        f"books/{entry.cell.code}/{entry.start:%Y%m%d}-{entry.end:%Y%m%d}-{entry.fingerprint[:12]}.pdf",
        ContentFile(body or b""),
    )
    MinuteBook.objects.filter(pk=pk).update(
        state=BookState.READY, file=name, done=count, total=count, updated_at=timezone.now()
    )
    for old in MinuteBook.objects.filter(cell=entry.cell, start=entry.start, end=entry.end).exclude(
        pk=pk
    ):
        if old.file:
            default_storage.delete(old.file.name)
        old.delete()


def waiting():
    """Books whose job may be lost: queued a while ago, or bound by a silent worker."""
    stale = timezone.now() - HEARTBEAT
    return MinuteBook.objects.filter(
        Q(state=BookState.QUEUED, created_at__lt=stale)
        | Q(state=BookState.BINDING, updated_at__lt=stale)
    )
