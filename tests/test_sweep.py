"""The sweep queues again what the database says is still to do (cellmeet/tasks.py): jobs
run inline here, so what it queued is done when it returns."""

import datetime

from django.core import mail
from django.utils import timezone

from cellmeet.tasks import sweep
from meetings.models import MinutesDocument, Notification, SignedRecord
from tests.meetings.conftest import signed_meeting


def notification(member, minutes_ago, attempts=0):
    n = Notification.objects.create(
        recipient=member, kind="notice", key=f"k{member.pk}-{minutes_ago}-{attempts}",
        subject="Thông báo", body="Nội dung", link="/", email=f"dv{member.pk}@example.org",
        email_attempts=attempts,
    )  # fmt: skip
    Notification.objects.filter(pk=n.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return n


def swept(capture):
    """The number of jobs the sweep queued, once they have run (at the commit)."""
    with capture(execute=True):
        return sweep.apply().get()


def test_an_email_whose_job_was_lost_is_sent_by_the_sweep(
    cell_people, settings, django_capture_on_commit_callbacks
):
    settings.CELLMEET_EMAIL_MAX_ATTEMPTS = 3
    member = cell_people["taker"]
    lost = notification(member, minutes_ago=10)
    fresh = notification(member, minutes_ago=0)  # its own job may still be on its way
    spent = notification(member, minutes_ago=10, attempts=3)  # tried as often as allowed
    assert swept(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[lost.email]]
    assert Notification.objects.get(pk=lost.pk).emailed_at is not None
    assert set(Notification.objects.unsent().values_list("pk", flat=True)) == {fresh.pk, spent.pk}


def test_signed_documents_whose_job_was_lost_are_made_by_the_sweep(
    cell_people, django_capture_on_commit_callbacks
):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    MinutesDocument.objects.filter(meeting=meeting).delete()  # as if the job never ran
    record = SignedRecord.objects.get(meeting=meeting)
    SignedRecord.objects.filter(pk=record.pk).update(
        signed_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert swept(django_capture_on_commit_callbacks) == 0  # older: made when first asked for
    SignedRecord.objects.filter(pk=record.pk).update(
        signed_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert swept(django_capture_on_commit_callbacks) == 1
    assert MinutesDocument.objects.filter(meeting=meeting).count() == 2
    assert swept(django_capture_on_commit_callbacks) == 0  # nothing left to do
