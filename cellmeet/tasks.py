"""The jobs that keep the queue honest (cellmeet/jobs.py)."""

import datetime

from celery import shared_task
from django.db.models import Count
from django.utils import timezone

from cellmeet.jobs import enqueue
from meetings.documents import books
from meetings.enums import DocumentKind
from meetings.models import Notification, SignedRecord

# Younger than this, a row's job may still be on its way: leave it to that job.
SETTLE = datetime.timedelta(minutes=2)
# Older than this, a signed record's files are made when first asked for (a download, the
# minute book, `issue_documents`), as for records signed before the queue or restored.
LOOK_BACK = datetime.timedelta(days=2)
BATCH = 100


@shared_task(name="cellmeet.sweep")
def sweep():
    """Queue again what the database says is still to do: emails not sent (below their
    limit of tries) and signed records without their files (but those whose making
    failed: the meeting page offers to try again), signed in the last two days, and
    minute books queued or bound by a worker gone silent. Every few minutes, from the
    scheduler.
    Returns the number of jobs queued."""
    before = timezone.now() - SETTLE
    emails = list(
        Notification.objects.deliverable()
        .filter(created_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(emails), BATCH):
        enqueue("meetings.notices.deliver", emails[start : start + BATCH])
    records = list(
        SignedRecord.objects.filter(
            issue_error="", signed_at__lt=before, signed_at__gte=before - LOOK_BACK
        )
        .annotate(made=Count("meeting__documents"))
        .filter(made__lt=len(DocumentKind.values))
        .values_list("pk", flat=True)
    )
    for pk in records:
        enqueue("meetings.documents.issue", pk)
    waiting = list(books.waiting().values_list("pk", flat=True))
    for pk in waiting:
        enqueue("meetings.documents.bind_book", pk)
    return len(records) + len(waiting) + (len(emails) + BATCH - 1) // BATCH
