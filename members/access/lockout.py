"""Throttling password guesses: the lock on a username (or an address) after repeated
failures, its message, and the audit line when it starts. Used by the login backend
(members.auth) and by every other password check (signing, reopening)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from members.logtext import gettext_kept as _
from members.models import LoginAttempt, Role
from members.services import record_audit

ADDRESS_FACTOR = 10
KEEP_ATTEMPTS = datetime.timedelta(days=1)


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


def record_attempt(username, ip, succeeded):
    """Keep one password check (and forget those older than a day); audit the lock it
    starts, if it starts one."""
    now = timezone.now()
    LoginAttempt.objects.filter(created_at__lt=now - KEEP_ATTEMPTS).delete()
    LoginAttempt.objects.create(username=_key(username), ip=ip, succeeded=succeeded,
                                created_at=now)  # fmt: skip
    if not succeeded and locked_until(username, ip):
        _audit_lockout(username, ip)


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
