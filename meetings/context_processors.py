from meetings.models import Notification


def notifications(request):
    """The navbar's unread count: one COUNT query, only for signed-in members."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        # Through the join, not `user.member`: one query whether or not they are a member.
        return Notification.objects.filter(recipient__user=user, read_at__isnull=True).count()

    return {"unread_notifications": _Lazy(unread)}


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
