"""The minutes as they are taken: agenda, attendance, the text, opinions and votes."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from meetings import counting
from meetings.enums import MeetingState, Presence
from meetings.models import AgendaItem, Attendance, Directive, Guest, MinutesDraft, Opinion, Vote
from meetings.selectors import roster
from meetings.services import MeetingError, StaleMinutes, _audit, _locked, _require
from members.enums import MemberStatus, PositionRole
from members.logtext import gettext_kept as _
from members.models import Position
from members.selectors import ROLE_ORDER


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
