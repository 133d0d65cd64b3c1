"""The job queue: Celery, with its settings in cellmeet.settings (CELERY_*).

Slow work leaves the request: email delivery, the signed documents after a signature,
minute books and the reminders run in worker processes (`celery -A cellmeet worker`),
on this machine or on others sharing the broker and the database.

The database is where every job's work is written down before it is queued (a
notification not yet emailed, a signed record without its files): a job only says "look
at this row now". A job that fails, a worker killed in the middle, or a broker that
restarts empty loses nothing: `sweep` (every few minutes, from the scheduler) queues
again whatever the database says is still to do, and every job checks and claims its
row first, so running one twice does the work once.
"""

import functools
import logging
import os

from celery import Celery
from django.db import transaction

log = logging.getLogger(__name__)

# A worker started as `celery -A cellmeet worker` reads the same settings as the site.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")
app = Celery("cellmeet")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The packages that hold jobs (each a `tasks` module).
app.autodiscover_tasks(["meetings.notices", "meetings.documents", "cellmeet"])


def enqueue(name, *args):
    """Queue the job `name` once the current transaction commits (at once outside one).

    A broker that cannot be reached is logged, not raised: the row the job is about is
    committed, and the next `sweep` queues it again.
    """
    transaction.on_commit(lambda: _send(name, args), robust=True)


@functools.cache
def _registered():
    """Every job, imported once (a worker imports them as it starts)."""
    app.loader.import_default_modules()
    return app.tasks


def _send(name, args):
    try:
        _registered()[name].apply_async(args)
    except Exception:  # noqa: BLE001 - the broker's error, whatever it is; sweep retries
        if app.conf.task_always_eager:
            raise
        log.exception("job %s%r not queued; the next sweep queues it", name, args)
