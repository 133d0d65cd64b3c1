"""The daily reminders (`manage.py send_reminders`): replies due, minutes to sign,
meetings to plan."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.enums import MeetingState, NotificationKind
from meetings.models import Meeting, Notification, Reply
from meetings.notices.services import _LIVE_STATES, BEFORE, _notify, deliver, invited
from members.enums import PositionRole
from members.logtext import gettext_kept as _
from members.models import Organisation, Position


def send_reminders(*, today=None):
    """Create the reminders due `today` and email everything not yet emailed.

    Members who have not replied, two days before a notified meeting; the chair and
    minute-taker whose signature is missing, from the day after the meeting; the
    secretary of a cell with no meeting planned for the month, from the 20th. Each
    reminder is keyed, so running this again sends nobody the same one twice.
    Returns {"created": n, "sent": n, "failed": n}.
    """
    today = today or timezone.localdate()
    created = 0
    with transaction.atomic():
        created += _reply_reminders(today)
        created += _sign_reminders(today)
        created += _plan_reminders(today)
    sent, failed = deliver(Notification.objects.all())
    return {"created": created, "sent": sent, "failed": failed}


def _window(first_day, last_day):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


def _reply_reminders(today):
    created = 0
    start, end = _window(today, today + datetime.timedelta(days=2))
    meetings = Meeting.objects.filter(
        state__in=BEFORE, notice__isnull=False, planned_at__gte=start, planned_at__lt=end
    ).select_related("cell")
    for meeting in meetings:
        replied = set(Reply.objects.filter(meeting=meeting).values_list("member_id", flat=True))
        subject = _("Nhắc trả lời thông báo: %(title)s") % {"title": meeting.display_title}
        body = _(
            "Đồng chí chưa trả lời thông báo %(title)s (%(day)s, tại %(place)s). "
            "Đề nghị đồng chí cho biết có dự họp hay không."
        ) % {
            "title": meeting.display_title,
            "day": timezone.localtime(meeting.planned_at).strftime("%H:%M %d/%m/%Y"),
            "place": meeting.place,
        }
        for entry in invited(meeting):
            if entry.member.pk in replied:
                continue
            made = _notify(entry.member, meeting, NotificationKind.REPLY_REMINDER,
                           f"reply:{meeting.pk}", subject, body, meeting.get_absolute_url())  # fmt: skip
            created += made is not None
    return created


def _sign_reminders(today):
    created = 0
    _start, end = _window(today - datetime.timedelta(days=1), today - datetime.timedelta(days=1))
    meetings = Meeting.objects.filter(
        state__in=[MeetingState.HELD, MeetingState.SUBMITTED], planned_at__lt=end
    ).select_related("cell", "chair", "minute_taker")
    for meeting in meetings:
        signed = set(meeting.signatures.values_list("member_id", flat=True))
        subject = _("Nhắc ký biên bản: %(title)s") % {"title": meeting.display_title}
        body = _("Biên bản %(title)s chưa có chữ ký của đồng chí.") % {
            "title": meeting.display_title
        }
        for member in {m for m in (meeting.chair, meeting.minute_taker) if m is not None}:
            if member.pk in signed:
                continue
            made = _notify(member, meeting, NotificationKind.SIGN_REMINDER,
                           f"sign:{meeting.pk}", subject, body, meeting.get_absolute_url())  # fmt: skip
            created += made is not None
    return created


def _plan_reminders(today):
    if today.day < 20:
        return 0
    created = 0
    month = today.replace(day=1)
    planned = Meeting.objects.sittings().filter(period=month, state__in=_LIVE_STATES)
    cells = Organisation.objects.cells().active().exclude(pk__in=planned.values("cell_id"))
    secretaries = Position.objects.filter(
        cell__in=cells, role=PositionRole.SECRETARY, ended_on__isnull=True
    ).select_related("member", "cell")
    for position in secretaries:
        subject = _("Nhắc lên kế hoạch sinh hoạt tháng %(m)02d/%(y)s") % {
            "m": month.month,
            "y": month.year,
        }
        body = _("%(cell)s chưa có kế hoạch sinh hoạt tháng %(m)02d/%(y)s.") % {
            "cell": position.cell.name,
            "m": month.month,
            "y": month.year,
        }
        link = reverse("meetings:meeting_create", args=[position.cell_id])
        made = _notify(position.member, None, NotificationKind.PLAN_REMINDER,
                       f"plan:{position.cell_id}:{month:%Y-%m}", subject, body, link)  # fmt: skip
        created += made is not None
    return created
