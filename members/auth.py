"""Password checks that slow down guessing.

Every password check — the login form and the re-entered password that signs the
minutes — goes through `ThrottledModelBackend`. After `CELLMEET_LOGIN_MAX_FAILURES`
wrong passwords for one username within `CELLMEET_LOGIN_LOCKOUT_MINUTES`, that
username is locked for the same time, even with the right password; one address
that fails ten times as often is locked too. Attempts are kept in the database, so
every app server behind the proxy sees the same count.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.logtext import gettext_kept as _
from members.models import LoginAttempt, Role
from members.services import record_audit

ADDRESS_FACTOR = 10
KEEP_ATTEMPTS = datetime.timedelta(days=1)


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


def _window():
    return datetime.timedelta(minutes=settings.CELLMEET_LOGIN_LOCKOUT_MINUTES)


def _locked_until(attempts, limit):
    """When the lock from these recent attempts ends, or None if there is none."""
    failures = list(
        attempts.filter(succeeded=False)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(failures) < limit:
        return None
    return failures[0] + _window()


def locked_until(username, ip=None):
    """The end of the lock on this username (or address), or None when not locked."""
    now = timezone.now()
    since = now - _window()
    limit = settings.CELLMEET_LOGIN_MAX_FAILURES
    recent = LoginAttempt.objects.filter(created_at__gte=since)
    # Attempts are stored lower-cased and cut to the longest possible username; an
    # exact match keeps hostile input out of LIKE patterns.
    by_name = recent.filter(username=_key(username))
    last_success = by_name.filter(succeeded=True).aggregate(at=Max("created_at"))["at"]
    if last_success:
        by_name = by_name.filter(created_at__gt=last_success)
    ends = [_locked_until(by_name, limit)]
    if ip:
        ends.append(_locked_until(recent.filter(ip=ip), limit * ADDRESS_FACTOR))
    ends = [end for end in ends if end and end > now]
    return max(ends) if ends else None


def _key(username):
    return (username or "")[:150].lower()


def lockout_message(until):
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return _(
        "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau %(minutes)s "
        "phút, hoặc liên hệ cán bộ cấp ủy."
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused while locked and counted every time."""

    def get_user(self, user_id):
        """The signed-in user of a request, with the number of their unread notifications
        (`unread_notifications`, the badge every page's menu shows) read in the same
        query: one round trip less on every page."""
        notifications = apps.get_model("meetings", "Notification")._default_manager
        unread = (
            notifications.filter(recipient__user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient__user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            get_user_model()
            ._default_manager.annotate(unread_notifications=Coalesce(Subquery(unread), 0))
            .filter(pk=user_id)
            .first()
        )
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
        now = timezone.now()
        LoginAttempt.objects.filter(created_at__lt=now - KEEP_ATTEMPTS).delete()
        LoginAttempt.objects.create(
            username=_key(username), ip=ip, succeeded=user is not None, created_at=now
        )
        if user is None and locked_until(username, ip):
            _audit_lockout(username, ip)
        return user


def _audit_lockout(username, ip):
    user = get_user_model().objects.filter(username=username[:150]).first()
    role = (
        Role.objects.valid().filter(user=user).select_related("organisation").first()
        if user
        else None
    )
    record_audit(
        actor=None,
        action="lockout",
        target=user or LoginAttempt.objects.filter(username=_key(username)).latest("created_at"),
        organisation=role.organisation if role else None,
        summary=_("Tạm khóa đăng nhập của %(username)s sau nhiều lần nhập sai mật khẩu (từ %(ip)s)")
        % {"username": username[:150], "ip": ip or "?"},
    )
