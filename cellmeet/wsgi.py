import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")

application = get_wsgi_application()

# Load the views before tuning the collector, so that they count as long-lived.
import cellmeet.urls  # noqa: E402, F401
from cellmeet.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()
