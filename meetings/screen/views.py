"""The meeting screen: one page for the meeting night, and the JSON it syncs with."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meetings import permissions, services
from meetings.enums import MeetingState, Presence, VoteKind
from meetings.meeting import services as meeting_services
from meetings.screen import operations as screen_operations
from meetings.screen import snapshot as screen_snapshot
from meetings.views import MeetingMixin

PAYLOAD_LIMIT = 2_000_000


class ScreenMixin(MeetingMixin):
    """The cell's managers, the minute-taker and the chair; others are refused (403)."""

    related = ("cell__parent", "chair", "minute_taker")

    def get_meeting(self):
        meeting = super().get_meeting()
        user = self.request.user
        if not (
            permissions.can_write_minutes(user, meeting) or permissions.can_sign(user, meeting)
        ):
            raise PermissionDenied
        return meeting

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_meeting()  # outside the scope it does not exist (404), whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)


class MeetingScreenView(ScreenMixin, TemplateView):
    template_name = "meetings/screen.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        return {
            **super().get_context_data(**kwargs),
            "state": screen_snapshot.screen_state(meeting, self.request.user),
            "me": getattr(self.request.user, "member", None),
            "can_sign": permissions.can_sign(self.request.user, meeting),
            "vote_kinds": VoteKind.choices,
            "words": screen_words(),
        }


def screen_words():
    """What the screen's script says, in the interface's language."""
    return {
        "presence": dict(Presence.choices),
        "late": _("Đến muộn"),
        "reason": _("Lý do vắng"),
        "born": _("sinh năm"),
        "totals": _(
            "Có mặt %(present)s/%(expected)s · được biểu quyết %(voters)s · "
            "tính trên %(base)s đảng viên"
        ),
        "pending": _("Đã lưu trên máy, chưa gửi (%(n)s)"),
        "sent": _("Đã gửi lúc %(at)s"),
        "all_sent": _("Mọi thay đổi đã gửi lên máy chủ."),
        "offline": _("Đang mất mạng: mọi thay đổi vẫn lưu trên máy và sẽ tự gửi khi có mạng."),
        "expired": _("Phiên đăng nhập đã hết. Dữ liệu vẫn trên máy này: đăng nhập lại"),
        "ready_offline": _("Sẵn sàng dùng khi mất mạng."),
        "suggestions": _("Gợi ý tên"),
        "nobody": _("— chưa chọn —"),
        "speaker": _("Người phát biểu (gõ vài chữ của tên)"),
        "opinion": _("Ý kiến"),
        "add_opinion": _("Thêm ý kiến"),
        "delete": _("Xóa"),
        "content": _("Diễn biến"),
        "guest": _("khách mời"),
        "needed": _(
            "Cần ít nhất %(n)s phiếu tán thành trên cơ sở %(base)s; "
            "có mặt được biểu quyết %(voters)s."
        ),
        "over": _("Tổng số phiếu nhiều hơn số đảng viên được biểu quyết có mặt (%(voters)s)."),
        "passed": _("thông qua"),
        "failed": _("không thông qua"),
        "refused": _("Không ghi được: %(message)s"),
        "conflict": _("Người khác đã sửa phần này cùng lúc. Bản trên máy chủ:"),
        "mine": _("Bản của bạn (đã giữ lại):"),
        "use_mine": _("Dùng bản của tôi"),
        "use_server": _("Giữ bản trên máy chủ"),
        "online_only": _("Cần có mạng để trình ký hoặc ký."),
        "unsent_first": _("Còn thay đổi chưa gửi: chờ gửi xong rồi trình ký."),
        "signed": _("Biên bản đã ký."),
        "frozen": _("Biên bản đã trình ký hoặc đã ký: chỉ xem."),
        "chosen": _("Đã chọn: %(name)s"),
    }


def _json_body(request):
    if len(request.body) > PAYLOAD_LIMIT:
        return None
    try:
        return json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


class MeetingOperationsView(ScreenMixin, View):
    """POST {"operations": [...]}: the answers, and the screen's state after them."""

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()  # outside the scope: 404 before anything is read
        payload = _json_body(request)
        operations = payload.get("operations") if isinstance(payload, dict) else None
        if not isinstance(operations, list):
            return HttpResponseBadRequest(_("Dữ liệu gửi lên không hợp lệ."))
        answers = screen_operations.apply_operations(
            user=request.user, meeting=meeting, operations=operations
        )
        return JsonResponse(
            {
                "answers": answers,
                "state": screen_snapshot.screen_state(meeting, request.user),
                "at": timezone.localtime().strftime("%H:%M"),
            }
        )


class MeetingScreenActionView(ScreenMixin, View):
    """Online-only steps from the screen: submit the minutes, sign them."""

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        payload = _json_body(request)
        if not isinstance(payload, dict):
            return HttpResponseBadRequest(_("Dữ liệu gửi lên không hợp lệ."))
        action, user = payload.get("action"), request.user
        try:
            if action == "submit":
                if not permissions.can_manage(user, meeting):
                    raise PermissionDenied
                services.change_state(actor=user, meeting=meeting, to=MeetingState.SUBMITTED)
                message = _("Đã trình ký biên bản.")
            elif action == "sign":
                if not permissions.can_sign(user, meeting):
                    raise PermissionDenied
                password = payload.get("password")
                if not isinstance(password, str) or not password:
                    raise services.MeetingError(_("Nhập mật khẩu của bạn để ký."))
                meeting_services.sign_minutes(meeting=meeting, user=user, password=password)
                message = _("Đã ký biên bản.")
            else:
                return HttpResponseBadRequest(_("Dữ liệu gửi lên không hợp lệ."))
        except services.MeetingError as exc:
            return JsonResponse({"ok": False, "message": str(exc)}, status=409)
        return JsonResponse(
            {"ok": True, "message": message, "state": screen_snapshot.screen_state(meeting, user)}
        )


def service_worker(request):
    """The service worker, served under /meetings/ so that it may keep the screens."""
    body = (settings.BASE_DIR / "static" / "js" / "screen-sw.js").read_text(encoding="utf-8")
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/meetings/"
    return response
