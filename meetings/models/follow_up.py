"""What a meeting leaves to do: its tasks and the disseminations of its resolution."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.enums import TaskStatus
from meetings.models.meeting import Meeting, _choices
from members.models import Member
from members.querysets import TouchingQuerySet


class Task(models.Model):
    """A task from a meeting's resolution; followed up after signing, so it never freezes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        Member, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="tasks"
    )
    description = models.CharField(_("nhiệm vụ"), max_length=300)
    due_on = models.DateField(_("hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    progress = models.TextField(_("tiến độ"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_on", "id"]
        constraints = [_choices("status", TaskStatus, "task_status_valid")]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self):
        return self.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS) and (
            self.due_on < timezone.localdate()
        )


class Dissemination(models.Model):
    """The resolution passed on to the Fatherland Front, mass organisations or residents."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="disseminations")
    audience = models.CharField(_("đối tượng"), max_length=200)
    on = models.DateField(_("ngày"))
    method = models.CharField(_("hình thức"), max_length=200)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("phổ biến nghị quyết")
        verbose_name_plural = _("phổ biến nghị quyết")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.audience} ({self.on})"
