"""The meeting's state table and the guards that explain why a move is refused.

The guards read a meeting's rows through `.all()` and `.exists()` only, so that rows
already prefetched (or held in memory, as in tests/meetings/test_workflow_rules.py) cost
no query.
"""

from django.utils.translation import gettext as _

from meetings import counting
from meetings.enums import MeetingState, Presence, SignerRole, VoteKind

S = MeetingState


def _committee_recorded(meeting):
    if not hasattr(meeting, "committee"):
        return [_("Chưa ghi biên bản họp chi ủy chuẩn bị.")]
    return []


def _agenda_ready(meeting):
    return [] if meeting.agenda.exists() else [_("Chương trình sinh hoạt còn trống.")]


def _minutes_complete(meeting):
    reasons = []
    if not meeting.attendance.exists():
        reasons.append(_("Chưa điểm danh."))
    if not meeting.chair_id:
        reasons.append(_("Chưa chọn người chủ trì."))
    if not meeting.minute_taker_id:
        reasons.append(_("Chưa chọn thư ký."))
    if meeting.chair_id and meeting.chair_id == meeting.minute_taker_id:
        reasons.append(_("Chủ trì và thư ký phải là hai người khác nhau."))
    if not (meeting.opened_at and meeting.closed_at):
        reasons.append(_("Chưa ghi giờ bắt đầu và kết thúc."))
    empty = [
        f"{item.position}. {item.title}"
        for item in meeting.agenda.all()
        if not item.content.strip()
    ]
    if empty:
        shown = "; ".join(empty[:5]) + (" …" if len(empty) > 5 else "")
        reasons.append(
            _("Chưa ghi diễn biến %(n)s mục: %(items)s.") % {"n": len(empty), "items": shown}
        )
    if not meeting.conclusion.strip():
        reasons.append(_("Chưa ghi kết luận, nghị quyết."))
    if not any(vote.kind == VoteKind.RESOLUTION for vote in meeting.votes.all()):
        reasons.append(_("Chưa ghi kết quả biểu quyết thông qua nghị quyết, kết luận."))
    return reasons + _consistent_with_attendance(meeting)


def _consistent_with_attendance(meeting):
    """Attendance may be corrected after the fact; what depends on it must still hold."""
    rows = list(meeting.attendance.all())
    if not rows:
        return []
    present = {row.member_id for row in rows if row.presence == Presence.PRESENT}
    reasons = []
    for label, member_id, name in (
        (_("Chủ trì"), meeting.chair_id, meeting.chair_name),
        (_("Thư ký"), meeting.minute_taker_id, meeting.minute_taker_name),
    ):
        if member_id and member_id not in present:
            reasons.append(
                _("%(role)s %(name)s không có mặt theo điểm danh.") % {"role": label, "name": name}
            )
    absent = [
        o
        for o in meeting.opinions.all()
        if o.speaker_member_id and o.speaker_member_id not in present
    ]
    if absent:
        # An absent member's written opinion, sent before the meeting, is theirs to give.
        written = {w.opinion_id for w in meeting.written_opinions.all()}
        absent = [o for o in absent if o.pk not in written]
    absent_speakers = sorted({o.speaker_name for o in absent})
    if absent_speakers:
        reasons.append(
            _("Ý kiến của người không có mặt theo điểm danh: %(names)s.")
            % {"names": ", ".join(absent_speakers)}
        )
    totals = counting.totals(rows)
    for vote in meeting.votes.all():
        cast = vote.votes_for + vote.votes_against + vote.votes_abstain
        if vote.base != totals.base or cast > totals.voters_present:
            reasons.append(
                _("Điểm danh đã thay đổi sau khi ghi biểu quyết “%(s)s”: hãy xóa và ghi lại.")
                % {"s": vote.subject}
            )
    return reasons


def _no_signatures(meeting):
    if meeting.signatures.exists():
        return [_("Đã có người ký: không thể mở lại để sửa. Hãy lập biên bản bổ sung.")]
    return []


def _both_signed(meeting):
    roles = {signature.role for signature in meeting.signatures.all()}
    missing = [label for value, label in SignerRole.choices if value not in roles]
    return (
        [_("Còn thiếu chữ ký: %(who)s.") % {"who": ", ".join(map(str, missing))}] if missing else []
    )


# (from, to): guards. A move not listed here is never allowed.
TRANSITIONS = {
    (S.PLANNED, S.PREPARED): [_committee_recorded, _agenda_ready],
    (S.PREPARED, S.HELD): [_committee_recorded, _agenda_ready],
    (S.HELD, S.SUBMITTED): [_minutes_complete],
    (S.SUBMITTED, S.HELD): [_no_signatures],
    (S.SUBMITTED, S.SIGNED): [_both_signed],
    (S.PLANNED, S.CANCELLED): [],
    (S.PREPARED, S.CANCELLED): [],
    (S.PLANNED, S.POSTPONED): [],
    (S.PREPARED, S.POSTPONED): [],
    (S.POSTPONED, S.PLANNED): [],
    (S.POSTPONED, S.CANCELLED): [],
}
# Moves a person asks for on the meeting page; signing happens through signatures.
MANUAL = {key for key in TRANSITIONS if key[1] != S.SIGNED}
NEEDS_REASON = {S.CANCELLED, S.POSTPONED}


def reasons_against(meeting, to_state):
    """Why `meeting` cannot move to `to_state` now; an empty list means it can."""
    key = (meeting.state, to_state)
    if key not in TRANSITIONS:
        return [
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
            % {"from": S(meeting.state).label, "to": S(to_state).label}
        ]
    reasons = []
    for guard in TRANSITIONS[key]:
        reasons.extend(guard(meeting))
    return reasons


def action_label(from_state, to_state):
    """What the button for a move says: a verb, not the name of the next state."""
    labels = {
        S.PREPARED: _("Xác nhận đã chuẩn bị xong"),
        S.HELD: _("Mở lại để sửa biên bản")
        if from_state == S.SUBMITTED
        else _("Bắt đầu họp, ghi biên bản"),
        S.SUBMITTED: _("Nộp biên bản để ký"),
        S.CANCELLED: _("Hủy cuộc họp"),
        S.POSTPONED: _("Hoãn cuộc họp"),
        S.PLANNED: _("Lên lịch lại"),
        S.SIGNED: _("Ký biên bản"),
    }
    return labels[to_state]


# Forward moves first; cancelling and postponing last.
_STEP_ORDER = [S.PREPARED, S.HELD, S.SUBMITTED, S.PLANNED, S.POSTPONED, S.CANCELLED]


def next_steps(meeting):
    """Manual moves from the current state: (state, button label, reasons still blocking)."""
    targets = [to for (source, to) in MANUAL if source == meeting.state]
    return [
        (to, action_label(meeting.state, to), reasons_against(meeting, to))
        for to in sorted(targets, key=_STEP_ORDER.index)
    ]


def is_editable(meeting):
    """Preparation and attendance can change until the minutes are submitted."""
    return meeting.state in (S.PLANNED, S.PREPARED, S.HELD, S.POSTPONED)


def minutes_editable(meeting):
    return meeting.state == S.HELD
