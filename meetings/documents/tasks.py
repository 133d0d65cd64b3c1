"""The documents' jobs: the signed PDFs after a signature (cellmeet/jobs.py)."""

from celery import shared_task

from meetings.documents import books, services


@shared_task(name="meetings.documents.issue")
def issue(record_pk):
    """Make and store the signed documents of the record `record_pk` not made yet: run
    twice, the second run finds them made (one row per document, never overwritten)."""
    services.issue_after_commit(record_pk)


@shared_task(name="meetings.documents.bind_book")
def bind_book(pk):
    """Bind and store the minute book `pk` (meetings.documents.books.bind)."""
    books.bind(pk)
