from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Sinh hoạt chi bộ")
    # Cached summaries follow every model's rows through members.revisions: each model
    # declares `revision_path`.

    def ready(self):
        from meetings.rotation_plan import services as rotation_services
        from meetings.selectors import unread_of_user
        from members import auth, signals

        auth.user_annotations["unread_notifications"] = unread_of_user
        signals.cells_changed.connect(rotation_services.follow_tree, dispatch_uid="rotation")
