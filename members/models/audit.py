"""The audit trail: one append-only row per change, shown in the reader's language."""

import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import logtext
from members.models.organisation import Organisation
from members.querysets import TouchingQuerySet


class AuditEventQuerySet(TouchingQuerySet):
    """The trail is append-only: bulk edits and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly

    def delete(self):
        raise AuditTrailIsAppendOnly


class AuditTrailIsAppendOnly(Exception):
    def __init__(self):
        super().__init__("The audit trail is append-only: events are never edited or deleted.")


class AuditEvent(models.Model):
    """Who changed what, and when. Written by services; never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.PositiveBigIntegerField(null=True)
    summary = models.CharField(_("nội dung"), max_length=400)
    # The summary's source message and parameters (members.logtext), so that each
    # reader sees the line in their language; empty for lines written before.
    message = models.CharField(max_length=400, blank=True, default="")
    params = models.JSONField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()
    # The meeting page shows its log; events that change no data touch nothing.
    revision_path = "organisation"
    QUIET_ACTIONS = {"lockout", "user.password_change", "user.create", "user.update"}

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly

    @property
    def text(self):
        """The summary in the reader's language."""
        return logtext.shown(self.message, self.params, self.summary)

    @property
    def changes_no_data(self):
        return self.action in self.QUIET_ACTIONS

    @property
    def change_lines(self):
        """The recorded changes as "Field: old → new" lines for people to read."""
        try:
            fields = {f.name: f for f in apps.get_model(self.target_type)._meta.get_fields()}
        except (LookupError, ValueError):
            fields = {}
        labels = {
            "reason": pgettext_lazy("audit field", "lý do"),
            "on": pgettext_lazy("audit field", "ngày"),
            "from": pgettext_lazy("audit field", "từ"),
            "to": pgettext_lazy("audit field", "đến"),
            "merged": pgettext_lazy("audit field", "các đơn vị hợp nhất"),
        }
        lines = []
        for key, value in (self.changes or {}).items():
            field = fields.get(key)
            label = labels.get(key) or getattr(field, "verbose_name", key)
            choices = dict(getattr(field, "flatchoices", None) or [])
            if key == "merged" or (isinstance(value, list) and len(value) != 2):
                value = ", ".join(_readable(v) for v in value) if value else _readable(value)
            elif isinstance(value, list):
                old, new = (_readable(choices.get(v, v)) for v in value)
                value = f"{old} → {new}"
            else:
                value = _readable(choices.get(value, value))
            lines.append(f"{capfirst(label)}: {value}")
        return lines


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _readable(value):
    if value in (None, ""):
        return "∅"
    match = ISO_DATE.match(str(value))
    if match:
        year, month, day = match.groups()
        return f"{day}/{month}/{year}"
    return str(value)
