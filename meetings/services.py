"""Actions on meetings. `_transition` is the only code that assigns `Meeting.state`."""

import datetime
from functools import partial

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from meetings import content, counting, documents, workflow
from meetings.content import content_hash
from meetings.enums import AgendaSection, MeetingKind, MeetingState, Presence, SignerRole
from meetings.models import (
    AgendaItem,
    Attendance,
    CommitteeSession,
    Directive,
    Dissemination,
    FrozenError,
    Guest,
    Meeting,
    MinutesDraft,
    Opinion,
    RotationSlot,
    Signature,
    Task,
    Vote,
)
from meetings.selectors import roster
from members.enums import CellType, MemberStatus, PositionRole
from members.lockout import locked_until, lockout_message
from members.logtext import gettext_kept as _
from members.models import Position
from members.selectors import ROLE_ORDER
from members.services import record_audit


class MeetingError(Exception):
    """A refused action; the message is for the user, already translated."""


class StaleMinutes(MeetingError):
    """Someone else saved the minutes after this editor was opened."""


def _audit(actor, meeting, action, summary, changes=None):
    record_audit(
        actor=actor,
        action=f"meeting.{action}",
        target=meeting,
        organisation=meeting.cell,
        summary=summary,
        changes=changes,
    )


def _locked(meeting):
    return Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)


def _require(meeting, allowed, message):
    if meeting.state == MeetingState.SIGNED:
        raise MeetingError(str(FrozenError().args[0]))
    if meeting.state not in allowed:
        raise MeetingError(message)


def _transition(*, meeting, to, actor, reason=""):
    """Move `meeting` to state `to` if the state table allows it now; audited."""
    with transaction.atomic():
        meeting = _locked(meeting)
        reasons = workflow.reasons_against(meeting, to)
        if to in workflow.NEEDS_REASON and not reason.strip():
            reasons.append(_("Cần ghi lý do."))
        if reasons:
            raise MeetingError(" ".join(reasons))
        before = meeting.state
        if to == MeetingState.SUBMITTED:
            _copy_names(meeting)
        meeting.state = to
        meeting.state_reason = reason
        fields = ["state", "state_reason"]
        if to == MeetingState.SIGNED:
            fields += _fix_totals(meeting)
        meeting.save(update_fields=fields)
        _audit(
            actor,
            meeting,
            "state",
            _("Chuyển trạng thái: %(from)s → %(to)s")
            % {"from": MeetingState(before).label, "to": MeetingState(to).label},
            {"reason": reason} if reason else None,
        )
    return meeting


def _fix_totals(meeting):
    """Store the attendance totals the dashboards read; returns the fields set."""
    totals = counting.totals(meeting.attendance.all())
    meeting.required_count = totals.required
    meeting.present_count = totals.present_required
    meeting.unexcused_count = len(totals.absent_without_reason)
    meeting.prepared = CommitteeSession.objects.filter(meeting=meeting).exists()
    return ["required_count", "present_count", "unexcused_count", "prepared"]


def _copy_names(meeting):
    """Fix the names the minutes will carry, as they are when the minutes are submitted."""
    meeting.cell_name = meeting.cell.name
    meeting.chair_name = meeting.chair.full_name if meeting.chair_id else ""
    meeting.minute_taker_name = meeting.minute_taker.full_name if meeting.minute_taker_id else ""
    meeting.save(update_fields=["cell_name", "chair_name", "minute_taker_name"])
    for row in meeting.attendance.select_related("member"):
        if row.member_name != row.member.full_name:
            row.member_name = row.member.full_name
            row.save(update_fields=["member_name"])
    for opinion in meeting.opinions.select_related("speaker_member", "speaker_guest"):
        name = (
            opinion.speaker_member.full_name
            if opinion.speaker_member_id
            else opinion.speaker_guest.name
        )
        if opinion.speaker_name != name:
            opinion.speaker_name = name
            opinion.save(update_fields=["speaker_name"])


def change_state(*, actor, meeting, to, reason=""):
    """A move a person asks for (prepare, hold, submit, reopen, cancel, postpone, replan)."""
    if to == MeetingState.SIGNED:
        raise MeetingError(_("Biên bản chỉ chuyển sang “Đã ký” khi có đủ chữ ký."))
    return _transition(meeting=meeting, to=to, actor=actor, reason=reason)


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


@transaction.atomic
def save_agenda(*, actor, meeting, items, directives):
    """Replace the agenda and the directives list.

    `items` are dicts with title, section and (for kept items) the AgendaItem; their
    order is the new order. Content written for a kept item stays with it.
    """
    meeting = _locked(meeting)
    _require(meeting, {MeetingState.PLANNED, MeetingState.PREPARED, MeetingState.HELD},
             _("Chương trình chỉ sửa được trước khi nộp biên bản."))  # fmt: skip
    if not items:
        raise MeetingError(_("Chương trình cần ít nhất một mục."))
    keep = {item["instance"].pk for item in items if item.get("instance")}
    if Opinion.objects.filter(meeting=meeting).exclude(item_id__in=keep).exists():
        raise MeetingError(_("Không thể xóa mục đã có ý kiến phát biểu."))
    AgendaItem.objects.filter(meeting=meeting).exclude(pk__in=keep).delete()
    for position, item in enumerate(items, start=1):
        instance = item.get("instance") or AgendaItem(meeting=meeting)
        instance.position, instance.title, instance.section = (
            position,
            item["title"],
            item["section"],
        )
        instance.save()
    Directive.objects.filter(meeting=meeting).delete()
    Directive.objects.bulk_create(
        Directive(meeting=meeting, reference=d["reference"], title=d["title"]) for d in directives
    )
    _audit(
        actor, meeting, "agenda", _("Sửa chương trình sinh hoạt (%(n)s mục)") % {"n": len(items)}
    )


def model_meeting_guests(meeting):
    """Who is invited to a model meeting: the committee member in charge of the cell, and
    the secretaries and deputies of the committee's other cells, who come to learn the
    sequence of steps. Guests never vote."""
    posts = guest_positions(meeting)
    guests = []
    if meeting.cell.liaison:
        name, _sep, position = meeting.cell.liaison.partition(",")
        unit = meeting.cell.parent.name if meeting.cell.parent_id else ""
        guests.append({"name": name.strip(), "position": position.strip(), "unit": unit})
    return guests + [
        {"name": p.member.full_name, "position": p.get_role_display(), "unit": p.cell.name}
        for p in posts
    ]


def guest_positions(meeting):
    """The posts whose holders a model meeting invites: the other cells' secretaries and
    deputies of the same committee, on the meeting day."""
    day = meeting.meeting_date
    return (
        Position.objects.filter(
            cell__parent_id=meeting.cell.parent_id,
            role__in=[PositionRole.SECRETARY, PositionRole.DEPUTY],
            started_on__lte=day,
            cell__dissolved_on__isnull=True,
        )
        .exclude(cell_id=meeting.cell_id)
        .exclude(ended_on__lt=day)
        .select_related("member", "cell")
        .order_by("cell__path", ROLE_ORDER)
    )


def default_presence(entry):
    if entry.status_on_day == MemberStatus.SUSPENDED:
        return Presence.SUSPENDED
    if entry.status_on_day == MemberStatus.TEMPORARILY_AWAY:
        return Presence.AWAY
    if entry.status_on_day == MemberStatus.EXEMPTED:
        return Presence.EXEMPTED
    return Presence.PRESENT


def mark_roster(meeting, marks):
    """Write the attendance rows of `meeting`'s roster from `marks` (the meeting is locked
    and open for attendance); members not marked keep their default."""
    entries = roster(meeting.cell, meeting.meeting_date)
    existing = {a.member_id: a for a in meeting.attendance.all()}
    ids = {e.member.pk for e in entries}
    stale = [mid for mid in existing if mid not in ids]
    if stale:
        Attendance.objects.filter(meeting=meeting, member_id__in=stale).delete()
    for entry in entries:
        presence, reason, late = marks.get(entry.member.pk, (default_presence(entry), "", False))
        if (presence == Presence.SUSPENDED) != (entry.status_on_day == MemberStatus.SUSPENDED):
            # Suspended from party activities: never at the meeting, and nobody else is.
            presence, reason, late = default_presence(entry), "", False
        if presence == Presence.ABSENT_WITH_REASON and not reason.strip():
            raise MeetingError(
                _("Cần ghi lý do vắng của %(name)s.") % {"name": entry.member.full_name}
            )
        row = existing.get(entry.member.pk) or Attendance(meeting=meeting, member=entry.member)
        row.member_name = entry.member.full_name
        row.status_on_day, row.official_on_day, row.hosted = (
            entry.status_on_day,
            entry.official_on_day,
            entry.hosted,
        )
        row.presence, row.reason = presence, reason.strip() if presence != Presence.PRESENT else ""
        row.late = bool(late) and presence == Presence.PRESENT
        row.save()


@transaction.atomic
def take_attendance(*, actor, meeting, marks, guests):
    """Record attendance for the cell's roster on the meeting day, and the guests.

    `marks` maps member id to (presence, reason, late). Members not marked keep
    their default (present, or exempted / away by their status that day).
    """
    meeting = _locked(meeting)
    _require(meeting, {MeetingState.PREPARED, MeetingState.HELD},
             _("Điểm danh khi cuộc họp diễn ra (sau khi họp chi ủy chuẩn bị)."))  # fmt: skip
    mark_roster(meeting, marks)
    kept = [g["instance"].pk for g in guests if g.get("instance")]
    if (
        Opinion.objects.filter(meeting=meeting, speaker_guest__isnull=False)
        .exclude(speaker_guest_id__in=kept)
        .exists()
    ):
        raise MeetingError(_("Không thể xóa khách mời đã có ý kiến phát biểu."))
    Guest.objects.filter(meeting=meeting).exclude(pk__in=kept).delete()
    for g in guests:
        guest = g.get("instance") or Guest(meeting=meeting)
        guest.name, guest.position, guest.unit = g["name"], g["position"], g["unit"]
        guest.save()
    t = counting.totals(meeting.attendance.select_related("member"))
    _audit(actor, meeting, "attendance",
           _("Điểm danh: có mặt %(p)s/%(n)s") % {"p": t.present, "n": t.expected})  # fmt: skip
    return t


def _parse_time(day, value):
    if not value:
        return None
    naive = datetime.datetime.combine(day, value)
    return timezone.make_aware(naive)


@transaction.atomic
def save_minutes(*, actor, meeting, version, data):
    """Save the minutes if nobody saved them since `version`; clears the saver's draft.

    `data` holds chair, minute_taker (members), opened_at and closed_at (times on the
    meeting day), conclusion, and `items` {agenda item id: content}.
    """
    meeting = _locked(meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ ghi biên bản khi cuộc họp đang diễn ra."))
    if meeting.version != version:
        raise StaleMinutes(
            _(
                "Biên bản vừa được người khác lưu sau khi bạn mở trang. Nội dung bạn gõ vẫn "
                "còn nguyên bên dưới, cạnh bản đã lưu: hãy đối chiếu, gộp lại rồi lưu."
            )
        )
    day = meeting.meeting_date
    opened = _parse_time(day, data.get("opened_at"))
    closed = _parse_time(day, data.get("closed_at"))
    if opened and closed and closed <= opened:
        raise MeetingError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    chair, taker = data.get("chair"), data.get("minute_taker")
    if chair and taker and chair == taker:
        raise MeetingError(_("Chủ trì và thư ký phải là hai người khác nhau."))
    present = set(
        meeting.attendance.filter(presence=Presence.PRESENT).values_list("member_id", flat=True)
    )
    for role, person in ((_("Chủ trì"), chair), (_("Thư ký"), taker)):
        if person is not None and present and person.pk not in present:
            raise MeetingError(
                _("%(role)s %(name)s không có mặt theo điểm danh.") % {"role": role, "name": person}
            )
    meeting.chair, meeting.minute_taker = chair, taker
    meeting.chair_name = chair.full_name if chair else ""
    meeting.minute_taker_name = taker.full_name if taker else ""
    meeting.opened_at, meeting.closed_at = opened, closed
    meeting.conclusion = data.get("conclusion", "")
    meeting.version = F("version") + 1
    meeting.save(
        update_fields=["chair", "minute_taker", "chair_name", "minute_taker_name", "opened_at",
                       "closed_at", "conclusion", "version"]
    )  # fmt: skip
    meeting.refresh_from_db(fields=["version"])
    for item in meeting.agenda.all():
        content = data.get("items", {}).get(item.pk)
        if content is not None and content != item.content:
            item.content = content
            item.save(update_fields=["content"])
    MinutesDraft.objects.filter(meeting=meeting, user=actor).delete()
    _audit(actor, meeting, "minutes", _("Lưu biên bản (lần %(v)s)") % {"v": meeting.version})
    return meeting


def save_draft(*, user, meeting, version, data):
    """Keep what the user is typing; called by the editor every few seconds."""
    if meeting.state != MeetingState.HELD:
        raise MeetingError(_("Biên bản không còn mở để ghi."))
    # Every few seconds per editor: one UPDATE once the draft exists (update_or_create
    # would lock and read it first, inside a savepoint).
    values = {"data": data, "based_on_version": version, "saved_at": timezone.now()}
    drafts = MinutesDraft.objects.filter(meeting=meeting, user=user)
    if drafts.update(**values):
        return
    try:
        with transaction.atomic():
            MinutesDraft.objects.create(meeting=meeting, user=user, **values)
    except IntegrityError:  # the same user's other tab created it meanwhile
        drafts.update(**values)


@transaction.atomic
def add_opinion(*, actor, meeting, item, text, speaker_member=None, speaker_guest=None):
    meeting = _locked(meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ ghi ý kiến khi cuộc họp đang diễn ra."))
    if item.meeting_id != meeting.pk:
        raise MeetingError(_("Mục chương trình không thuộc cuộc họp này."))
    if (speaker_member is None) == (speaker_guest is None):
        raise MeetingError(_("Chọn một người phát biểu: đảng viên dự họp hoặc khách mời."))
    if (
        speaker_member is not None
        and not meeting.attendance.filter(member=speaker_member, presence=Presence.PRESENT).exists()
    ):
        raise MeetingError(_("Người phát biểu phải có mặt theo điểm danh."))
    if speaker_guest is not None and speaker_guest.meeting_id != meeting.pk:
        raise MeetingError(_("Khách mời không thuộc cuộc họp này."))
    opinion = Opinion.objects.create(
        speaker_name=speaker_member.full_name if speaker_member else speaker_guest.name,
        meeting=meeting, item=item, text=text.strip(),
        speaker_member=speaker_member, speaker_guest=speaker_guest,
    )  # fmt: skip
    _audit(actor, meeting, "opinion", _("Ghi ý kiến của %(name)s") % {"name": opinion.speaker_name})
    return opinion


@transaction.atomic
def delete_opinion(*, actor, opinion):
    meeting = _locked(opinion.meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ sửa ý kiến khi cuộc họp đang diễn ra."))
    name = opinion.speaker_name
    opinion.delete()
    _audit(actor, meeting, "opinion", _("Xóa ý kiến của %(name)s") % {"name": name})


def vote_check(meeting):
    """The counts a vote is checked against: totals from attendance."""
    return counting.totals(meeting.attendance.select_related("member"))


@transaction.atomic
def record_vote(*, actor, meeting, kind, subject, votes_for, votes_against, votes_abstain):
    """Record a vote. The base comes from attendance and `passed` is computed, never typed."""
    meeting = _locked(meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ biểu quyết khi cuộc họp đang diễn ra."))
    t = vote_check(meeting)
    if not meeting.attendance.exists():
        raise MeetingError(_("Cần điểm danh trước khi biểu quyết."))
    cast = votes_for + votes_against + votes_abstain
    if cast > t.voters_present:
        raise MeetingError(
            _(
                "Tổng số phiếu (%(cast)s) nhiều hơn số đảng viên chính thức có mặt được "
                "biểu quyết (%(n)s). Đảng viên dự bị và khách mời không biểu quyết."
            )
            % {"cast": cast, "n": t.voters_present}
        )
    vote = Vote.objects.create(
        meeting=meeting, kind=kind, subject=subject.strip(), votes_for=votes_for,
        votes_against=votes_against, votes_abstain=votes_abstain, base=t.base,
        passed=counting.passes(kind, votes_for, t.base),
    )  # fmt: skip
    _audit(actor, meeting, "vote",
           _("Biểu quyết “%(s)s”: %(f)s/%(b)s tán thành — %(r)s")
           % {"s": vote.subject, "f": votes_for, "b": t.base,
              "r": _("thông qua") if vote.passed else _("không thông qua")})  # fmt: skip
    return vote


@transaction.atomic
def delete_vote(*, actor, vote):
    meeting = _locked(vote.meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ sửa biểu quyết khi cuộc họp đang diễn ra."))
    subject = vote.subject
    vote.delete()
    _audit(actor, meeting, "vote", _("Xóa kết quả biểu quyết “%(s)s”") % {"s": subject})


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
    towards the lockout (members.lockout) rather than rolled back with the refusal.
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
        transaction.on_commit(partial(documents.issue_after_commit, record.pk), robust=True)
    return meeting


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
