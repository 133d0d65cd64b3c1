from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Sinh hoạt chi bộ")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from meetings.models import Dissemination, Lesson, Meeting, Rating, RotationSlot, Task

        # Cached summaries (compliance, rotation grid, signed meeting pages) follow these
        # rows: members.revisions. Writes a service audits are followed through the audit
        # event; these are also written without one (lessons) or outside a service.
        for model, receiver in ((Meeting, _meeting_written), (RotationSlot, _slot_written),
                                (Rating, _part_written), (Lesson, _part_written),
                                (Task, _part_written), (Dissemination, _part_written)):  # fmt: skip
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"revisions.{model.__name__}")


def _meeting_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.cell_id)


def _slot_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.group_id, instance.host_id)


def _part_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.meeting.cell_id)
