from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Thường kỳ")
    THEMATIC = "thematic", _("Chuyên đề")
    COMBINED = "combined", _("Thường kỳ kết hợp chuyên đề")
    EXTRAORDINARY = "extraordinary", _("Bất thường")
    MODEL = "model", _("Sinh hoạt chi bộ điểm")
    ADDENDUM = "addendum", _("Biên bản bổ sung")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Đã lên kế hoạch")
    PREPARED = "prepared", _("Đã họp chi ủy chuẩn bị")
    HELD = "held", _("Đang ghi biên bản")
    SUBMITTED = "submitted", _("Chờ ký")
    SIGNED = "signed", _("Đã ký")
    CANCELLED = "cancelled", _("Đã hủy")
    POSTPONED = "postponed", _("Hoãn")


class Presence(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    ABSENT_WITH_REASON = "absent_reason", _("Vắng có lý do")
    ABSENT_WITHOUT_REASON = "absent_no_reason", _("Vắng không lý do")
    EXEMPTED = "exempted", _("Miễn sinh hoạt")
    AWAY = "away", _("Sinh hoạt tạm thời nơi khác")
    SUSPENDED = "suspended", _("Đình chỉ sinh hoạt")


class VoteKind(models.TextChoices):
    RESOLUTION = "resolution", _("Thông qua nghị quyết, kết luận")
    ORDINARY = "ordinary", _("Vấn đề khác")
    ADMISSION = "admission", _("Kết nạp đảng viên")
    RECOGNITION = "recognition", _("Công nhận đảng viên chính thức")
    EXPULSION = "expulsion", _("Khai trừ đảng viên")

    @classmethod
    def two_thirds(cls):
        return [cls.ADMISSION, cls.RECOGNITION, cls.EXPULSION]


class SignerRole(models.TextChoices):
    CHAIR = "chair", _("Chủ trì")
    MINUTE_TAKER = "minute_taker", _("Thư ký")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")
    DROPPED = "dropped", _("Không thực hiện")


class AgendaSection(models.TextChoices):
    OPENING = "opening", _("Khai mạc")
    SITUATION = "situation", _("Tình hình đảng viên")
    CURRENT_AFFAIRS = "current_affairs", _("Thông tin thời sự")
    DIRECTIVES = "directives", _("Phổ biến văn bản cấp trên")
    EVALUATION = "evaluation", _("Đánh giá thực hiện nhiệm vụ tháng trước")
    VILLAGE_REPORT = "village_report", _("Báo cáo của trưởng thôn, giám đốc HTX")
    PLAN = "plan", _("Phương hướng, nhiệm vụ tháng tới")
    DISCUSSION = "discussion", _("Thảo luận")
    CRITIQUE = "critique", _("Biểu dương, phê bình")
    CONCLUSION = "conclusion", _("Kết luận, biểu quyết")
    OTHER = "other", _("Nội dung khác")


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("Biên bản")
    RESOLUTION = "resolution", _("Nghị quyết")


class RatingKind(models.TextChoices):
    CHECKLIST = "checklist", _("Danh mục tiêu chí (đạt / chưa đạt)")
    POINTS = "points", _("Chấm điểm")


class RaterRole(models.TextChoices):
    HOST = "host", _("Chi bộ tự đánh giá")
    SUPERIOR = "superior", _("Cấp ủy cấp trên đánh giá")


class NotificationKind(models.TextChoices):
    NOTICE = "notice", _("Thông báo sinh hoạt")
    REPLY_REMINDER = "reply_reminder", _("Nhắc trả lời thông báo")
    SIGN_REMINDER = "sign_reminder", _("Nhắc ký biên bản")
    PLAN_REMINDER = "plan_reminder", _("Nhắc lên kế hoạch sinh hoạt")
    REPLY = "reply", _("Trả lời, ý kiến của đảng viên")
