"""After a meeting: addenda to signed minutes, tasks and the dissemination of the resolution."""

from django.db import transaction
from django.utils import timezone

from meetings.enums import AgendaSection, MeetingKind, MeetingState
from meetings.models import AgendaItem, Dissemination, Meeting, Task
from meetings.services import MeetingError, _audit
from members.logtext import gettext_kept as _


@transaction.atomic
def create_addendum(*, actor, meeting):
    """Open a correction to signed minutes: a new meeting record linked to the original."""
    if meeting.state != MeetingState.SIGNED:
        raise MeetingError(_("Chỉ lập biên bản bổ sung cho biên bản đã ký."))
    addendum = Meeting.objects.create(
        cell=meeting.cell, kind=MeetingKind.ADDENDUM, amends=meeting, planned_at=timezone.now(),
        place=meeting.place, cell_name=meeting.cell.name,
        title=_("Biên bản bổ sung cho %(m)s") % {"m": meeting.display_title},
    )  # fmt: skip
    AgendaItem.objects.create(meeting=addendum, position=1, section=AgendaSection.OTHER,
                              title=_("Nội dung đính chính, bổ sung"))  # fmt: skip
    _audit(actor, meeting, "addendum", _("Lập biên bản bổ sung"))
    return addendum


def add_task(*, actor, meeting, assignee, description, due_on):
    if meeting.state not in (MeetingState.HELD, MeetingState.SUBMITTED, MeetingState.SIGNED):
        raise MeetingError(_("Nhiệm vụ được giao tại cuộc họp."))
    if assignee.cell_id != meeting.cell_id:
        raise MeetingError(_("Người thực hiện phải là đảng viên của chi bộ."))
    task = Task.objects.create(
        meeting=meeting, assignee=assignee, description=description, due_on=due_on
    )
    _audit(
        actor,
        meeting,
        "task",
        _("Giao nhiệm vụ cho %(name)s: %(t)s") % {"name": assignee, "t": description},
    )
    return task


def update_task(*, actor, task, status, note=""):
    """Change a task's status and append a dated progress note."""
    task.status = status
    if note.strip():
        stamp = timezone.localdate().strftime("%d/%m/%Y")
        task.progress = f"{task.progress}\n{stamp}: {note.strip()}".strip()
    task.save(update_fields=["status", "progress", "updated_at"])
    _audit(
        actor,
        task.meeting,
        "task",
        _("Cập nhật nhiệm vụ “%(t)s”: %(s)s")
        % {"t": task.description, "s": task.get_status_display()},
    )
    return task


def add_dissemination(*, actor, meeting, audience, on, method):
    if meeting.state not in (MeetingState.SUBMITTED, MeetingState.SIGNED):
        raise MeetingError(_("Phổ biến nghị quyết sau khi biên bản đã hoàn thành."))
    if on < meeting.meeting_date:
        raise MeetingError(_("Ngày phổ biến không thể trước ngày sinh hoạt."))
    item = Dissemination.objects.create(meeting=meeting, audience=audience, on=on, method=method)
    _audit(actor, meeting, "dissemination", _("Phổ biến nghị quyết tới %(a)s") % {"a": audience})
    return item
