"""Server error pages. A database outage gets its own page: 503, try again shortly."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# "A few minutes": long enough for a database restart, short enough to be worth waiting.
RETRY_AFTER_SECONDS = 120


def is_outage(exc):
    """Whether `exc` means the database cannot be reached (or dropped the connection).

    psycopg2 raises a bare DatabaseError for failures that carry no SQLSTATE, such as
    some lost connections. Integrity and programming errors are DatabaseErrors too, but
    they are bugs or conflicts that retrying will not cure: they keep the 500 page.
    """
    return isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError


def server_error(request):
    """handler500: the outage page when the database is unreachable, else Django's 500.html.

    Renders without the request, like Django's own handler: no context processors, so
    the page itself never touches the database (the session and user live there).
    """
    if is_outage(sys.exc_info()[1]):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
