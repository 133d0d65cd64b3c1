"""A meeting's course: planning, the committee's preparation, and signing the minutes."""

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone

from cellmeet import jobs
from meetings import content, workflow
from meetings.content import content_hash
from meetings.documents import services as documents
from meetings.enums import AgendaSection, MeetingKind, MeetingState, SignerRole
from meetings.models import AgendaItem, CommitteeSession, Meeting, RotationSlot, Signature
from meetings.services import MeetingError, _audit, _locked, _require, _transition
from members.access.lockout import locked_until, lockout_message
from members.enums import CellType
from members.logtext import gettext_kept as _
from members.models import Position
from members.selectors import ROLE_ORDER


def standard_agenda(cell):
    """The programme of DESIGN §4, with the village head's report for village cells."""
    items = [
        (
            AgendaSection.OPENING,
            _("Khai mạc, nêu mục đích, giới thiệu đại biểu; thông qua chương trình; cử thư ký"),
        ),
        (AgendaSection.SITUATION, _("Báo cáo tình hình đảng viên dự sinh hoạt")),
        (AgendaSection.CURRENT_AFFAIRS, _("Thông tin thời sự trong nước và quốc tế")),
        (AgendaSection.DIRECTIVES, _("Phổ biến, quán triệt văn bản của cấp trên")),
        (AgendaSection.EVALUATION, _("Đánh giá kết quả thực hiện nhiệm vụ tháng trước")),
    ]
    if cell.cell_type == CellType.VILLAGE:
        items.append(
            (
                AgendaSection.VILLAGE_REPORT,
                _("Trưởng thôn, giám đốc hợp tác xã báo cáo kết quả thực hiện nghị quyết"),
            )
        )
    items += [
        (AgendaSection.PLAN, _("Phương hướng, nhiệm vụ tháng tới")),
        (AgendaSection.DISCUSSION, _("Thảo luận")),
        (AgendaSection.CRITIQUE, _("Biểu dương, phê bình đảng viên")),
        (AgendaSection.CONCLUSION, _("Chủ trì kết luận; biểu quyết thông qua nghị quyết; phân công nhiệm vụ")),
    ]  # fmt: skip
    return items


@transaction.atomic
def plan_meeting(*, actor, cell, kind, planned_at, place, title=""):
    """Plan a meeting with the standard agenda; at most one regular meeting a month."""
    if not cell.is_cell or not cell.is_active:
        raise MeetingError(_("Chỉ chi bộ đang hoạt động mới lập kế hoạch sinh hoạt."))
    meeting = Meeting(cell=cell, kind=kind, planned_at=planned_at, place=place, title=title,
                      cell_name=cell.name)  # fmt: skip
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        raise MeetingError(
            _("Tháng %(m)s chi bộ đã có cuộc sinh hoạt thường kỳ.")
            % {"m": timezone.localtime(planned_at).strftime("%m/%Y")}
        ) from exc
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, section=section, title=title)
        for n, (section, title) in enumerate(standard_agenda(cell), start=1)
    )
    if kind == MeetingKind.MODEL:
        _link_rotation_slot(meeting)
    _audit(actor, meeting, "plan", _("Lập kế hoạch %(m)s") % {"m": meeting.display_title})
    return meeting


def _link_rotation_slot(meeting):
    """A model meeting planned by the quarter's host cell fills its slot in the rotation."""
    day = meeting.meeting_date
    RotationSlot.objects.filter(
        group_id=meeting.cell.parent_id,
        year=day.year,
        quarter=(day.month - 1) // 3 + 1,
        host_id=meeting.cell_id,
        meeting__isnull=True,
    ).update(meeting=meeting)


@transaction.atomic
def update_plan(*, actor, meeting, kind, planned_at, place, title=""):
    meeting = _locked(meeting)
    _require(
        meeting,
        {MeetingState.PLANNED, MeetingState.PREPARED, MeetingState.POSTPONED},
        _("Chỉ sửa kế hoạch trước khi họp."),
    )
    before = {"planned_at": meeting.planned_at, "place": meeting.place, "kind": meeting.kind}
    meeting.kind, meeting.planned_at, meeting.place, meeting.title = kind, planned_at, place, title
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        raise MeetingError(_("Tháng này chi bộ đã có cuộc sinh hoạt thường kỳ.")) from exc
    _audit(
        actor, meeting, "plan", _("Sửa kế hoạch sinh hoạt"), {k: str(v) for k, v in before.items()}
    )
    return meeting


@transaction.atomic
def record_committee_session(*, actor, meeting, held_on, attendees, agreed_content,
                             assignments="", draft_resolution=""):  # fmt: skip
    """Record the cell committee's preparatory session (or secretary and deputy's)."""
    meeting = _locked(meeting)
    _require(
        meeting,
        {MeetingState.PLANNED, MeetingState.PREPARED},
        _("Họp chi ủy chuẩn bị được ghi trước khi sinh hoạt."),
    )
    if held_on > meeting.meeting_date:
        raise MeetingError(_("Họp chi ủy phải trước ngày sinh hoạt chi bộ."))
    session, _created = CommitteeSession.objects.update_or_create(
        meeting=meeting,
        defaults={
            "held_on": held_on,
            "agreed_content": agreed_content,
            "assignments": assignments,
            "draft_resolution": draft_resolution,
        },
    )
    session.attendees.set(attendees)
    _audit(
        actor,
        meeting,
        "committee",
        _("Ghi họp chi ủy ngày %(d)s") % {"d": held_on.strftime("%d/%m/%Y")},
    )
    return session


def committee_members(cell, day):
    """Who sits on the cell committee on `day` (secretary and deputy where there is none)."""
    return [
        p.member
        for p in Position.objects.filter(cell=cell, started_on__lte=day)
        .exclude(ended_on__lt=day)
        .select_related("member")
        .order_by(ROLE_ORDER)
    ]


def _position_label(member, cell, day):
    post = (
        Position.objects.filter(member=member, cell=cell, started_on__lte=day)
        .exclude(ended_on__lt=day)
        .first()
    )
    if post is not None:
        return post.get_role_display()
    return _("Đảng viên")


def sign_minutes(*, meeting, user, password):
    """Sign the submitted minutes as chair or minute-taker, whichever the user is.

    Checks the password again, copies the signer's name and position, stores the
    content hash; the second signature moves the meeting to signed (frozen).
    The password is checked before the transaction, so that a wrong one is counted
    towards the lockout (members.access.lockout) rather than rolled back with the refusal.
    """
    if until := locked_until(user.get_username()):
        raise MeetingError(lockout_message(until))
    if authenticate(username=user.get_username(), password=password) is None:
        raise MeetingError(_("Mật khẩu không đúng."))
    return _sign(meeting=meeting, user=user)


@transaction.atomic
def _sign(*, meeting, user):
    meeting = _locked(meeting)
    if meeting.state != MeetingState.SUBMITTED:
        raise MeetingError(_("Chỉ ký biên bản đã nộp chờ ký."))
    member = getattr(user, "member", None)
    roles = []
    if member is not None and meeting.chair_id == member.pk:
        roles.append(SignerRole.CHAIR)
    if member is not None and meeting.minute_taker_id == member.pk:
        roles.append(SignerRole.MINUTE_TAKER)
    if not roles:
        raise MeetingError(_("Chỉ người chủ trì và thư ký của cuộc họp mới ký biên bản."))
    earlier = list(meeting.signatures.all())
    roles = [r for r in roles if r not in {s.role for s in earlier}]
    if not roles:
        raise MeetingError(_("Bạn đã ký biên bản này."))
    # Both sign one hash: the second signer's is computed as the first signer's was, and
    # must come out the same.
    version = content.signed_version(earlier) if earlier else content.VERSION
    digest = content_hash(meeting, version=version)
    if any(s.content_hash != digest for s in earlier):
        raise MeetingError(
            _(
                "Nội dung biên bản không còn như khi đồng chí %(name)s ký, nên không thể ký. "
                "Hãy báo cấp ủy cấp trên kiểm tra toàn vẹn biên bản."
            )
            % {"name": earlier[0].signer_name}
        )
    position = _position_label(member, meeting.cell, meeting.meeting_date)
    for role in roles:
        Signature.objects.create(
            meeting=meeting, role=role, member=member, user=user, signer_name=member.full_name,
            signer_position=position, signed_at=timezone.now(), content_hash=digest,
            content_version=version,
        )  # fmt: skip
        _audit(user, meeting, "sign",
               _("%(name)s ký với tư cách %(role)s") % {"name": member, "role": SignerRole(role).label})  # fmt: skip
    if not workflow.reasons_against(meeting, MeetingState.SIGNED):
        meeting = _transition(meeting=meeting, to=MeetingState.SIGNED, actor=user)
        record = documents.seal(meeting)
        # The files are made once the signature has committed, outside the lock: making
        # them can take seconds, and a failure must not undo a signature.
        jobs.enqueue("meetings.documents.issue", record.pk)
    return meeting
