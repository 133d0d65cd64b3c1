"""Who may use the application and where: roles, and the login attempts that throttle
password guessing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import RoleKind
from members.models.organisation import Organisation, _choice_check


class RoleQuerySet(models.QuerySet):
    def valid(self, day=None):
        """Roles that give access on `day` (today): not ended, or ended after it."""
        day = day or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class Role(models.Model):
    """What a user may do, and where: the organisation whose subtree the role covers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cellmeet_roles"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("vai trò"), max_length=20, choices=RoleKind.choices)
    # A role ends when the fact it hung on does (a transfer, an ended term, a dissolved
    # unit), or when staff end it; it is kept, as the record of who could see what.
    ended_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()
    revision_path = None  # access is read afresh on every request, never kept

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            _choice_check("kind", RoleKind, "role_kind_valid"),
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"],
                condition=Q(ended_on__isnull=True),
                name="role_unique_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} — {self.organisation}"


class LoginAttempt(models.Model):
    """One password check, kept to throttle guessing (see members.auth)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    revision_path = None  # counts password checks; shown in no summary

    class Meta:
        indexes = [
            models.Index(fields=["username", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self):
        return f"{self.username} {self.created_at:%Y-%m-%d %H:%M} {self.succeeded}"
