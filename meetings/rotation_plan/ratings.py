"""Rating model meetings and keeping observers' lessons (side effects, audited)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from meetings import permissions
from meetings.enums import MeetingKind, MeetingState, RaterRole, RatingKind
from meetings.models import Lesson, Rating, RatingTemplate
from members.logtext import gettext_kept as _
from members.services import record_audit

DEFAULT_TEMPLATE = "thang-100"
# The labels of the rating templates cellmeet ships (meetings 0002): data, stored in
# Vietnamese, translated when shown (meetings.templatetags.labels).
SHIPPED_LABELS = (
    gettext_noop("Thang điểm 100 (như Nghệ An)"),
    gettext_noop("Công tác chuẩn bị"),
    gettext_noop("Tỷ lệ đảng viên dự sinh hoạt"),
    gettext_noop("Tiến hành sinh hoạt"),
    gettext_noop("Thực hiện nguyên tắc sinh hoạt đảng"),
    gettext_noop("Báo cáo, kết luận, nghị quyết"),
    gettext_noop("Tốt"),
    gettext_noop("Khá"),
    gettext_noop("Trung bình"),
    gettext_noop("Yếu"),
    gettext_noop("Tiêu chí chất lượng sinh hoạt chi bộ (Hướng dẫn 12-HD/BTCTW)"),
    gettext_noop("Tỷ lệ đảng viên dự sinh hoạt trên 85%"),
    gettext_noop("Không có đảng viên vắng mặt không có lý do"),
    gettext_noop("Chi ủy (bí thư, phó bí thư) họp chuẩn bị trước"),
    gettext_noop("Nội dung sinh hoạt đầy đủ, đúng trình tự"),
    gettext_noop("Nhiều đảng viên tham gia phát biểu ý kiến"),
    gettext_noop("Biên bản ghi đầy đủ, đúng thể thức"),
    gettext_noop("Nghị quyết được tổ chức thực hiện có kết quả"),
    gettext_noop("Đạt yêu cầu"),
    gettext_noop("Chưa đạt yêu cầu"),
)
RATABLE = (MeetingState.HELD, MeetingState.SUBMITTED, MeetingState.SIGNED)


class RatingError(Exception):
    """A refused rating; the message is for the user, already translated."""


def template_for(cell):
    """The template chosen by the nearest organisation above `cell`, else the default."""
    ancestors = [int(part) for part in cell.path.strip("/").split("/") if part]
    chosen = list(
        RatingTemplate.objects.filter(organisation_id__in=ancestors).select_related("organisation")
    )
    if chosen:
        return max(chosen, key=lambda t: (t.organisation.depth, t.version))
    return (
        RatingTemplate.objects.filter(organisation__isnull=True, code=DEFAULT_TEMPLATE)
        .order_by("-version")
        .first()
    )


def _check_meeting(meeting):
    if meeting.kind != MeetingKind.MODEL:
        raise RatingError(_("Chỉ đánh giá cuộc sinh hoạt chi bộ điểm."))
    if meeting.state not in RATABLE:
        raise RatingError(_("Chỉ đánh giá sau khi cuộc họp đã diễn ra."))


@transaction.atomic
def rate_meeting(*, actor, meeting, role, scores):
    """Record (or revise) the host's or the superior's rating; total and band computed."""
    _check_meeting(meeting)
    if not permissions.can_rate(actor, meeting, role):
        raise RatingError(_("Bạn không có quyền đánh giá với tư cách này."))
    existing = Rating.objects.filter(meeting=meeting, role=role).select_related("template").first()
    template = existing.template if existing else template_for(meeting.cell)
    clean = {}
    for criterion in template.criteria:
        value = scores.get(criterion["key"], 0)
        if not isinstance(value, int) or not 0 <= value <= criterion["points"]:
            raise RatingError(
                _("“%(c)s”: điểm từ 0 đến %(n)s.")
                % {"c": criterion["label"], "n": criterion["points"]}
            )
        clean[criterion["key"]] = value
    total = sum(clean.values())
    rating, _created = Rating.objects.update_or_create(
        meeting=meeting,
        role=role,
        defaults={
            "template": template,
            "scores": clean,
            "total": total,
            "band": template.band_for(total),
            "rated_by": actor,
            "rater_name": actor.get_full_name() or actor.get_username(),
        },
    )
    record_audit(
        actor=actor, action="meeting.rating", target=meeting, organisation=meeting.cell,
        summary=_("%(who)s: %(t)s/%(m)s điểm — %(b)s")
        % {"who": RaterRole(role).label, "t": total, "m": template.max_total, "b": rating.band},
    )  # fmt: skip
    return rating


def add_lesson(*, actor, meeting, text):
    """Keep what an observer learned from a model meeting."""
    _check_meeting(meeting)
    text = text.strip()
    if not text:
        raise RatingError(_("Cần ghi nội dung."))
    return Lesson.objects.create(
        meeting=meeting, author=actor, author_name=actor.get_full_name() or actor.get_username(),
        text=text[:4000],
    )  # fmt: skip


def is_checklist(template):
    return template.kind == RatingKind.CHECKLIST
