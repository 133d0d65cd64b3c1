"""The notices' jobs: emails and reminders (cellmeet/jobs.py)."""

from celery import shared_task
from django.conf import settings

from meetings.models import Notification
from meetings.notices import reminders, services


@shared_task(name="meetings.notices.deliver", bind=True)
def deliver(self, pks):
    """Email the notifications `pks` not emailed yet; those that failed are tried again
    later, a minute, then 2, 4, 8… (CELLMEET_EMAIL_MAX_ATTEMPTS tries in all), after
    which the secretary sees them as not delivered on the notice page."""
    services.deliver(Notification.objects.filter(pk__in=pks))
    left = list(Notification.objects.filter(pk__in=pks).deliverable().values_list("pk", flat=True))
    if left and not self.request.is_eager:
        raise self.retry(args=[left], countdown=60 * 2**self.request.retries,
                         max_retries=settings.CELLMEET_EMAIL_MAX_ATTEMPTS)  # fmt: skip


@shared_task(name="meetings.notices.send_reminders")
def send_reminders():
    """The reminders due today, and every email still to send (hourly, from the scheduler)."""
    return reminders.send_reminders()
