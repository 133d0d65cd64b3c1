from django.db import connection

from meetings.models import Notification
from members.models import Member


def notifications(request):
    """The navbar's unread count, only for signed-in members: read with the user when the
    session loaded them (members.auth), else one COUNT query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted = getattr(user, "unread_notifications", None)
    if counted is not None:
        return {"unread_notifications": counted}
    return {"unread_notifications": _Lazy(lambda: unread_count(user.pk))}


def unread_count(user_id):
    """Unread notifications of the user's member record (0 if they have none).

    What `Notification.objects.filter(recipient__user=user, read_at__isnull=True)
    .count()` asks, written out: every page runs it, and building it through the ORM
    costs twice as long as the database takes to answer.
    """
    sql = (
        f"SELECT COUNT(*) FROM {Notification._meta.db_table} n "  # noqa: S608 - table names from the models, the user id a parameter
        f"JOIN {Member._meta.db_table} m ON n.recipient_id = m.id "
        "WHERE m.user_id = %s AND n.read_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchone()[0]


class _Lazy:
    """Evaluated once, when a template first reads it."""

    def __init__(self, compute):
        self._compute = compute

    def __int__(self):
        if not hasattr(self, "_value"):
            self._value = self._compute()
        return self._value

    def __bool__(self):
        return int(self) > 0

    def __str__(self):
        return str(int(self))
