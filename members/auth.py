"""Password checks that slow down guessing.

Every password check — the login form and the re-entered password that signs the
minutes — goes through `ThrottledModelBackend`. After `CELLMEET_LOGIN_MAX_FAILURES`
wrong passwords for one username within `CELLMEET_LOGIN_LOCKOUT_MINUTES`, that
username is locked for the same time, even with the right password; one address
that fails ten times as often is locked too. Attempts are kept in the database, so
every app server behind the proxy sees the same count.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from members.access.lockout import locked_until, record_attempt


def client_address(request):
    """The caller's address: the proxy's last X-Forwarded-For hop when one is trusted."""
    if request is None:
        return None
    if settings.CELLMEET_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


# What other apps read with the signed-in user, in the same query: {attribute: a function
# returning the expression, given the user's key as OuterRef("pk")}. The meetings app adds
# the unread notifications (`unread_notifications`, the badge every page's menu shows).
user_annotations = {}


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused while locked and counted every time."""

    def get_user(self, user_id):
        """The signed-in user of a request, with what the apps asked to read along with it
        (`user_annotations`): one round trip less on every page."""
        annotations = {name: make() for name, make in user_annotations.items()}
        user = get_user_model()._default_manager.annotate(**annotations).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_address(request)
        if locked_until(username, ip):
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        record_attempt(username, ip, succeeded=user is not None)
        return user
