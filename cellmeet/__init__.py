# The job queue's app, loaded with Django so that every job is registered on it.
from cellmeet.jobs import app as celery_app

__all__ = ["celery_app"]
