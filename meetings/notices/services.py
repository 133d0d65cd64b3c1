"""Before the meeting: the notice, members' replies and written opinions, and the in-app
notifications with their emails."""

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cellmeet import jobs
from meetings.enums import AgendaSection, MeetingKind, MeetingState, NotificationKind, Presence
from meetings.minutes.services import guest_positions
from meetings.models import MeetingNotice, Notification, Opinion, Reply, WrittenOpinion
from meetings.selectors import roster
from meetings.services import MeetingError, _audit, _locked, _require
from members.enums import MemberStatus, PositionRole
from members.logtext import gettext_kept as _
from members.models import Position

log = logging.getLogger(__name__)

BEFORE = {MeetingState.PLANNED, MeetingState.PREPARED}
NOT_INVITED = {MemberStatus.TEMPORARILY_AWAY}


# -- the notice --------------------------------------------------------------------


def invited(meeting):
    """The roster entries the notice goes to: everyone but those meeting elsewhere."""
    return [
        e for e in roster(meeting.cell, meeting.meeting_date) if e.status_on_day not in NOT_INVITED
    ]


def notice_refusals(meeting):
    """Why the notice cannot be sent now (empty when it can)."""
    reasons = []
    if meeting.state not in BEFORE:
        reasons.append(_("Chỉ gửi thông báo trước cuộc họp."))
    elif not hasattr(meeting, "committee"):
        reasons.append(_("Chi ủy cần thống nhất chương trình trước khi gửi thông báo."))
    if MeetingNotice.objects.filter(meeting=meeting).exists():
        reasons.append(_("Thông báo đã được gửi."))
    return reasons


def notice_text(meeting, message=""):
    local = timezone.localtime(meeting.planned_at)
    lines = [
        _("%(cell)s thông báo: %(title)s.")
        % {"cell": meeting.cell.name, "title": meeting.display_title},
        _("Thời gian: %(time)s ngày %(day)s.")
        % {"time": local.strftime("%H:%M"), "day": local.strftime("%d/%m/%Y")},
        _("Địa điểm: %(place)s.") % {"place": meeting.place},
    ]
    items = list(meeting.agenda.all())
    if items:
        lines += ["", _("Chương trình:")] + [f"{i.position}. {i.title}" for i in items]
    documents = list(meeting.attachments.all())
    if documents:
        lines += ["", _("Tài liệu cần đọc trước:")] + [f"- {d}" for d in documents]
    if message.strip():
        lines += ["", message.strip()]
    lines += ["", _("Đề nghị đồng chí trả lời có dự họp hay không trên ứng dụng.")]
    return "\n".join(lines)


def send_notice(*, actor, meeting, message=""):
    """Send the meeting's notice to every invited member: in the app, and by email after
    the transaction where they have an address. Audited; one notice per meeting."""
    with transaction.atomic():
        meeting = _locked(meeting)
        reasons = notice_refusals(meeting)
        if reasons:
            raise MeetingError(" ".join(reasons))
        MeetingNotice.objects.create(
            meeting=meeting, sent_at=timezone.now(), sent_by=actor, message=message.strip()
        )
        subject = _("Thông báo: %(title)s") % {"title": meeting.display_title}
        body = notice_text(meeting, message)
        link = meeting.get_absolute_url()
        recipients = [entry.member for entry in invited(meeting)]
        if meeting.kind == MeetingKind.MODEL:
            # The other cells' secretaries and deputies come to learn; guests never vote.
            recipients += [post.member for post in guest_positions(meeting)]
        key = f"notice:{meeting.pk}"
        created = _notify_all(recipients, meeting, NotificationKind.NOTICE, key, subject,
                              body, link)  # fmt: skip
        _audit(actor, meeting, "notice", _("Gửi thông báo sinh hoạt"))
        ids = [n.pk for n in created]
        jobs.enqueue("meetings.notices.deliver", ids)
    return len(ids)


def _notify(member, meeting, kind, key, subject, body, link, *, by_email=True):
    """One notification, unless this member already had the one with this key; emailed
    too where the member has an address, unless `by_email` is False."""
    notification, made = Notification.objects.get_or_create(
        recipient=member,
        key=key,
        defaults={
            "meeting": meeting,
            "kind": kind,
            "subject": subject[:200],
            "body": body,
            "link": link,
            "email": member.email if by_email else "",
        },
    )
    return notification if made else None


def _notify_all(members, meeting, kind, key, subject, body, link):
    """`_notify` for many members in two queries (a notice goes to a hundred): those who
    already had the notification with this key are left out. The caller holds the
    meeting's lock, so no one else writes these keys meanwhile."""
    had = set(Notification.objects.filter(key=key, recipient__in=members).values_list(
        "recipient_id", flat=True))  # fmt: skip
    new, seen = [], set(had)
    for member in members:
        if member.pk in seen:
            continue
        seen.add(member.pk)
        new.append(Notification(recipient=member, key=key, meeting=meeting, kind=kind,
                                subject=subject[:200], body=body, link=link,
                                email=member.email))  # fmt: skip
    return Notification.objects.bulk_create(new)


# -- email -------------------------------------------------------------------------


def deliver(notifications):
    """Email each notification not yet emailed, over one connection; a failure is
    recorded on the notification (the secretary sees it) and retried by the next run.

    Each row is claimed under a lock (skipped when another run holds it), so two runs
    at once never send the same email twice. Returns (sent, failed).
    """
    pending = list(notifications.deliverable().values_list("pk", flat=True))
    if not pending:
        return 0, 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - whatever the mail server or network did
        log.warning("mail server unreachable: %s", exc)
        Notification.objects.filter(pk__in=pending).update(
            email_error=_error_text(exc), email_attempts=F("email_attempts") + 1
        )
        return 0, len(pending)
    sent = failed = 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for pk in pending:
                ok = _deliver_one(pk, connection)
                if ok is not None:
                    sent, failed = sent + ok, failed + (not ok)
    finally:
        with contextlib.suppress(Exception):  # closing a connection that already broke
            connection.close()
    return sent, failed


def _deliver_one(pk, connection):
    """True if sent, False if it failed, None if another run has it or already sent it."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .deliverable()
            .select_related("recipient")
            .filter(pk=pk)
            .first()
        )
        if n is None:
            return None
        context = {
            "notification": n,
            "url": f"{settings.CELLMEET_BASE_URL}{n.link}",
            "name": n.recipient.full_name,
        }
        message = EmailMultiAlternatives(
            subject=n.subject,
            body=render_to_string("meetings/email/notification.txt", context),
            to=[n.email],
            connection=connection,
        )
        message.attach_alternative(
            render_to_string("meetings/email/notification.html", context), "text/html"
        )
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any failure of the mail server
            log.warning("email to %s failed: %s", n.email, exc)
            n.email_error = _error_text(exc)
            n.email_attempts += 1
            n.save(update_fields=["email_error", "email_attempts"])
            return False
        n.emailed_at, n.email_error = timezone.now(), ""
        n.email_attempts += 1
        n.save(update_fields=["emailed_at", "email_error", "email_attempts"])
        return True


def _error_text(exc):
    return (str(exc) or exc.__class__.__name__)[:300]


def mark_read(*, user, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


# -- replies and written opinions --------------------------------------------------


def _invited_member(user, meeting):
    if not MeetingNotice.objects.filter(meeting=meeting).exists():
        raise MeetingError(_("Bí thư chưa gửi thông báo: chưa có gì để trả lời."))
    member = getattr(user, "member", None)
    if member is None or member.pk not in {e.member.pk for e in invited(meeting)}:
        raise MeetingError(_("Đồng chí không có tên trong danh sách dự họp."))
    return member


@transaction.atomic
def reply_to_notice(*, user, meeting, attending, reason=""):
    """Record (or change) the member's answer to the notice; audited."""
    meeting = _locked(meeting)
    _require(meeting, BEFORE, _("Chỉ trả lời thông báo trước cuộc họp."))
    member = _invited_member(user, meeting)
    reason = "" if attending else reason.strip()
    if not attending and not reason:
        raise MeetingError(_("Cần ghi lý do vắng."))
    reply = Reply.objects.filter(meeting=meeting, member=member).first() or Reply(
        meeting=meeting, member=member
    )
    reply.attending, reply.reason = attending, reason
    reply.save()
    summary = (_("%(name)s sẽ dự họp") if attending else _("%(name)s báo vắng: %(reason)s")) % {
        "name": member.full_name,
        "reason": reason,
    }
    _audit(user, meeting, "reply", summary)
    answer = "yes" if attending else f"no:{reason}"
    _tell_secretary(meeting, f"reply:{meeting.pk}:{member.pk}:{answer}"[:120], summary)
    return reply


def _tell_secretary(meeting, key, text):
    """Tell whoever sent the notice (or the cell's secretaries) of a reply or an opinion,
    in the app only: once per key."""
    notice = MeetingNotice.objects.select_related("sent_by__member").get(meeting=meeting)
    sender = getattr(notice.sent_by, "member", None)
    readers = [sender] if sender is not None else [
        p.member for p in Position.objects.filter(
            cell=meeting.cell, role=PositionRole.SECRETARY, ended_on__isnull=True
        ).select_related("member")
    ]  # fmt: skip
    subject = _("Trả lời thông báo: %(title)s") % {"title": meeting.display_title}
    link = reverse("meetings:meeting_notice", args=[meeting.pk])
    for reader in readers:
        _notify(reader, meeting, NotificationKind.REPLY, key, subject, text, link, by_email=False)


def prefilled_presence(meeting):
    """{member id: (presence, reason)} from the replies: an absence given ahead is 'with reason'."""
    return {
        r.member_id: (Presence.ABSENT_WITH_REASON, r.reason)
        for r in Reply.objects.filter(meeting=meeting, attending=False)
    }


@transaction.atomic
def send_written_opinion(*, user, meeting, text):
    meeting = _locked(meeting)
    _require(meeting, BEFORE, _("Chỉ gửi ý kiến bằng văn bản trước cuộc họp."))
    member = _invited_member(user, meeting)
    written = WrittenOpinion.objects.create(
        meeting=meeting, member=member, author_name=member.full_name, text=text.strip()
    )
    _audit(user, meeting, "written_opinion",
           _("%(name)s gửi ý kiến bằng văn bản") % {"name": member.full_name})  # fmt: skip
    _tell_secretary(meeting, f"opinion:{written.pk}",
                    _("%(name)s gửi ý kiến bằng văn bản: %(text)s")
                    % {"name": member.full_name, "text": written.text})  # fmt: skip
    return written


@transaction.atomic
def bring_into_minutes(*, actor, written):
    """Add the written opinion to the discussion item of the minutes, with its author's name."""
    meeting = _locked(written.meeting)
    _require(meeting, {MeetingState.HELD}, _("Chỉ đưa ý kiến vào biên bản khi đang ghi biên bản."))
    # Re-read under the meeting's lock: a second click must not add it twice.
    written = WrittenOpinion.objects.get(pk=written.pk)
    if written.opinion_id:
        raise MeetingError(_("Ý kiến này đã được đưa vào biên bản."))
    item = (
        meeting.agenda.filter(section=AgendaSection.DISCUSSION).first()
        or meeting.agenda.order_by("-position").first()
    )
    if item is None:
        raise MeetingError(_("Biên bản chưa có mục chương trình nào."))
    opinion = Opinion.objects.create(
        meeting=meeting,
        item=item,
        speaker_member=written.member,
        speaker_name=written.author_name,
        text=_("(Ý kiến bằng văn bản) %(text)s") % {"text": written.text},
    )
    written.opinion = opinion
    written.save(update_fields=["opinion"])
    _audit(actor, meeting, "opinion",
           _("Đưa ý kiến bằng văn bản của %(name)s vào biên bản") % {"name": written.author_name})  # fmt: skip
    return opinion


_LIVE_STATES = [s for s in MeetingState.values if s != MeetingState.CANCELLED]


def for_meeting_page(meeting, user):
    """What the meeting page shows about the notice, to a manager or an invited member."""
    member = getattr(user, "member", None)
    is_invited = (
        member is not None
        and meeting.state in BEFORE
        and member.pk in {e.member.pk for e in invited(meeting)}
    )
    notice = MeetingNotice.objects.filter(meeting=meeting).first()
    # Asked to reply once the notice is out, and not by the one who sent it.
    is_invited = is_invited and notice is not None and notice.sent_by_id != user.pk
    return {
        "notice": notice,
        "attachments": list(meeting.attachments.all()),
        "invited": is_invited,
        "my_reply": Reply.objects.filter(meeting=meeting, member=member).first()
        if is_invited
        else None,
        "open": meeting.state in BEFORE,
    }
