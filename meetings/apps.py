from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Sinh hoạt chi bộ")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from meetings.models import Meeting, Rating, RotationSlot

        # Cached summaries (compliance, rotation grid) follow these rows: members.revisions.
        for model, receiver in ((Meeting, _meeting_written), (RotationSlot, _slot_written),
                                (Rating, _rating_written)):  # fmt: skip
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"revisions.{model.__name__}")


def _meeting_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.cell_id)


def _slot_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.group_id, instance.host_id)


def _rating_written(sender, instance, **kwargs):
    from members.revisions import touch

    touch(instance.meeting.cell_id)
