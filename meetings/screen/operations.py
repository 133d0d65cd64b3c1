"""The meeting screen's writes: operations queued on a device, applied once, in order.

Each operation carries an id the device made; the server applies it through the same
services as the per-form pages (state guards, validation, audit), keeps its answer under
that id, and gives the same answer when the device sends it again. A change to the text
of the minutes names the text it was made on (`base`): if the server's text has changed
since, from another device, the change is not applied over it but returned as a
conflict, and the device shows both texts for merging.
"""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cellmeet.inputs import parse_time
from meetings import counting, permissions, services
from meetings.enums import MeetingState, Presence, VoteKind
from meetings.minutes import services as minutes_services
from meetings.models import ClientOperation, FrozenError, Guest, Meeting, Opinion, Vote
from members.logtext import gettext_kept as _
from members.models import Member

# Operations a device may send at once; a longer queue is sent in several requests.
BATCH = 200
TEXT_LIMIT = 100_000


class Refused(services.MeetingError):
    pass


def _text(data, key, limit=TEXT_LIMIT):
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
    if "\x00" in value:
        raise Refused(_("Nội dung có ký tự không hợp lệ (ký tự NUL)."))
    return value


def _int(data, key):
    value = data.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 100_000:
        raise Refused(_("Số liệu không hợp lệ."))
    return value


def _open_attendance(meeting):
    services._require(meeting, {MeetingState.PREPARED, MeetingState.HELD},
                      _("Điểm danh khi cuộc họp diễn ra (sau khi họp chi ủy chuẩn bị)."))  # fmt: skip


# -- operations: each (user, meeting, data, earlier) -> result dict ----------------------


def _start(user, meeting, data, earlier):
    if meeting.state != MeetingState.HELD:
        services.change_state(actor=user, meeting=meeting, to=MeetingState.HELD)
    return {}


@transaction.atomic
def _attendance(user, meeting, data, earlier):
    marks = data.get("marks")
    if not isinstance(marks, dict) or len(marks) > 1000:
        raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
    meeting = services._locked(meeting)
    _open_attendance(meeting)
    parsed = {}
    for key, mark in marks.items():
        if not str(key).isdigit() or not isinstance(mark, dict):
            raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
        presence = mark.get("presence")
        if presence not in Presence.values:
            raise Refused(_("Hãy chọn tình trạng dự họp cho từng đảng viên."))
        parsed[int(key)] = (presence, _text(mark, "reason", 200), bool(mark.get("late")))
    existing = {a.member_id: (a.presence, a.reason, a.late) for a in meeting.attendance.all()}
    minutes_services.mark_roster(meeting, {**existing, **parsed})
    t = counting.totals(meeting.attendance.select_related("member"))
    services._audit(user, meeting, "attendance",
                    _("Điểm danh: có mặt %(p)s/%(n)s") % {"p": t.present, "n": t.expected})  # fmt: skip
    return {}


@transaction.atomic
def _guest(user, meeting, data, earlier):
    meeting = services._locked(meeting)
    _open_attendance(meeting)
    name = _text(data, "name", 120).strip()
    if not name:
        raise Refused(_("Cần ghi họ và tên khách mời."))
    guest = Guest.objects.create(meeting=meeting, name=name,
                                 position=_text(data, "position", 120).strip(),
                                 unit=_text(data, "unit", 200).strip())  # fmt: skip
    services._audit(user, meeting, "attendance", _("Thêm khách mời %(name)s") % {"name": name})
    return {"guest": guest.pk}


def _current_minutes(meeting):
    local = timezone.localtime
    values = {
        "chair": str(meeting.chair_id or ""),
        "minute_taker": str(meeting.minute_taker_id or ""),
        "opened_at": local(meeting.opened_at).strftime("%H:%M") if meeting.opened_at else "",
        "closed_at": local(meeting.closed_at).strftime("%H:%M") if meeting.closed_at else "",
        "conclusion": meeting.conclusion,
    }
    for item in meeting.agenda.all():
        values[f"item_{item.pk}"] = item.content
    return values


def _same(a, b):
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


@transaction.atomic
def _minutes(user, meeting, data, earlier):
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
    meeting = services._locked(meeting)
    services._require(meeting, {MeetingState.HELD},
                      _("Chỉ ghi biên bản khi cuộc họp đang diễn ra."))  # fmt: skip
    current = _current_minutes(meeting)
    applied, conflicts = dict(current), {}
    for name, change in fields.items():
        if name not in current or not isinstance(change, dict):
            raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
        base, value = _text(change, "base"), _text(change, "value")
        if _same(current[name], value):
            continue
        if _same(current[name], base):
            applied[name] = value
        else:
            conflicts[name] = {"server": current[name], "mine": value}
    if applied != current:
        minutes_services.save_minutes(actor=user, meeting=meeting, version=meeting.version,
                              data=_minutes_data(meeting, applied))  # fmt: skip
    if conflicts:
        return {"conflicts": conflicts}
    return {}


def _minutes_data(meeting, values):
    # Whether they were present is the service's rule; here, only people of this meeting.
    known = Member.objects.filter(Q(attendances__meeting=meeting) | Q(cell_id=meeting.cell_id))
    people = {}
    for role in ("chair", "minute_taker"):
        key = values[role]
        person = known.filter(pk=int(key)).first() if key.isdigit() else None
        if key and person is None:
            raise Refused(_("Chủ trì và thư ký phải là người có mặt theo điểm danh."))
        people[role] = person
    times = {}
    for name in ("opened_at", "closed_at"):
        text = values[name]
        times[name] = parse_time(text) if text else None
        if text and times[name] is None:
            raise Refused(_("Giờ chưa đúng: gõ như 19:30, 1930 hoặc 19h30."))
    items = {int(name[5:]): text for name, text in values.items() if name.startswith("item_")}
    return {**people, **times, "conclusion": values["conclusion"], "items": items}


def _speaker(meeting, value, earlier):
    """ "m12" a member, "g7" a guest, "op:<id>" a guest added by an earlier operation."""
    value = str(value or "")
    if value.startswith("op:"):
        result = earlier(value[3:])
        value = f"g{result.get('guest')}" if result and result.get("guest") else ""
    if value[:1] in ("m", "g") and value[1:].isdigit():
        if value[0] == "m":
            member = Member.objects.filter(pk=int(value[1:]), attendances__meeting=meeting).first()
            if member is not None:
                return {"speaker_member": member}
        else:
            guest = Guest.objects.filter(pk=int(value[1:]), meeting=meeting).first()
            if guest is not None:
                return {"speaker_guest": guest}
    raise Refused(_("Chọn một người phát biểu: đảng viên dự họp hoặc khách mời."))


def _opinion(user, meeting, data, earlier):
    item = meeting.agenda.filter(pk=data.get("item") if str(data.get("item")).isdigit() else 0)
    item = item.first()
    if item is None:
        raise Refused(_("Mục chương trình không thuộc cuộc họp này."))
    text = _text(data, "text").strip()
    if not text:
        raise Refused(_("Ý kiến còn trống."))
    opinion = minutes_services.add_opinion(actor=user, meeting=meeting, item=item, text=text,
                                   **_speaker(meeting, data.get("speaker"), earlier))  # fmt: skip
    return {"opinion": opinion.pk}


def _own_part(model, meeting, value, earlier, key):
    value = str(value or "")
    if value.startswith("op:"):
        result = earlier(value[3:]) or {}
        value = str(result.get(key, ""))
    if not value.isdigit():
        return None
    return model.objects.filter(pk=int(value), meeting=meeting).first()


def _opinion_delete(user, meeting, data, earlier):
    opinion = _own_part(Opinion, meeting, data.get("opinion"), earlier, "opinion")
    if opinion is not None:
        minutes_services.delete_opinion(actor=user, opinion=opinion)
    return {}


def _vote(user, meeting, data, earlier):
    kind = data.get("kind") or VoteKind.RESOLUTION
    if kind not in VoteKind.values:
        raise Refused(_("Dữ liệu gửi lên không hợp lệ."))
    subject = _text(data, "subject", 300).strip()
    if not subject:
        raise Refused(_("Cần ghi nội dung biểu quyết."))
    vote = minutes_services.record_vote(actor=user, meeting=meeting, kind=kind, subject=subject,
                                votes_for=_int(data, "for"), votes_against=_int(data, "against"),
                                votes_abstain=_int(data, "abstain"))  # fmt: skip
    return {"vote": vote.pk}


def _vote_delete(user, meeting, data, earlier):
    vote = _own_part(Vote, meeting, data.get("vote"), earlier, "vote")
    if vote is not None:
        minutes_services.delete_vote(actor=user, vote=vote)
    return {}


# kind: (operation, who may send it)
OPERATIONS = {
    "start": (_start, permissions.can_manage),
    "attendance": (_attendance, permissions.can_manage),
    "guest": (_guest, permissions.can_manage),
    "minutes": (_minutes, permissions.can_write_minutes),
    "opinion": (_opinion, permissions.can_write_minutes),
    "opinion_delete": (_opinion_delete, permissions.can_write_minutes),
    "vote": (_vote, permissions.can_write_minutes),
    "vote_delete": (_vote_delete, permissions.can_write_minutes),
}


def _op_id(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def apply_operations(*, user, meeting, operations):
    """Apply `operations` in order; one answer each: {"id", "status", ...}. An answer is
    "done" (with what it made), "refused" (with the reason, for the user) or "conflict"
    (with both texts). An operation already applied gets its first answer again."""
    answers = []

    def earlier(op_id):
        op_id = _op_id(op_id)
        row = ClientOperation.objects.filter(pk=op_id, meeting=meeting).first() if op_id else None
        return row.result if row is not None else None

    for op in operations[:BATCH]:
        op = op if isinstance(op, dict) else {}
        op_id, kind, data = _op_id(op.get("id")), op.get("kind"), op.get("data") or {}
        if op_id is None or kind not in OPERATIONS or not isinstance(data, dict):
            answers.append({"id": str(op.get("id")), "status": "refused",
                            "message": _("Dữ liệu gửi lên không hợp lệ.")})  # fmt: skip
            continue
        answers.append({"id": str(op_id), **_apply_once(user, meeting, op_id, kind, data, earlier)})
    return answers


def _apply_once(user, meeting, op_id, kind, data, earlier):
    done = ClientOperation.objects.filter(pk=op_id).first()
    if done is not None:
        if done.user_id != user.pk or done.meeting_id != meeting.pk:
            return {"status": "refused", "message": _("Dữ liệu gửi lên không hợp lệ.")}
        return done.result
    operation, allowed = OPERATIONS[kind]
    fresh = Meeting.objects.select_related("cell").get(pk=meeting.pk)
    try:
        with transaction.atomic():
            if not allowed(user, fresh):
                raise Refused(_("Bạn không có quyền ghi nội dung này."))
            made = operation(user, fresh, data, earlier)
            status = "conflict" if made.get("conflicts") else "done"
            result = {"status": status, **made}
            ClientOperation.objects.create(id=op_id, meeting=fresh, user=user, kind=kind,
                                           result=result)  # fmt: skip
            return result
    except (services.MeetingError, FrozenError) as exc:
        result = {"status": "refused", "message": str(exc.args[0]) if exc.args else str(exc)}
    except IntegrityError:
        # The same operation from another request of the same device, at the same moment.
        done = ClientOperation.objects.filter(pk=op_id).first()
        if done is not None:
            return done.result
        result = {"status": "refused", "message": _("Dữ liệu gửi lên không hợp lệ.")}
    try:
        with transaction.atomic():
            ClientOperation.objects.create(id=op_id, meeting=fresh, user=user, kind=kind,
                                           result=result)  # fmt: skip
    except IntegrityError:
        pass
    return result
