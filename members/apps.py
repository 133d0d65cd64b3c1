from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Tổ chức và đảng viên")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from members import checks, revisions  # noqa: F401 - checks register themselves

        user_logged_out.connect(_say_goodbye, dispatch_uid="members.logged_out")
        revisions.connect()


def _say_goodbye(sender, request, user, **kwargs):
    from django.contrib import messages

    messages.info(request, _("Bạn đã đăng xuất."), fail_silently=True)
