"""The rotation grid's rows, written in Python (cellmeet.tables).

A district's grid is 27 groups by four quarters. As a template loop each quarter
resolved about twenty variables and reversed three URLs, paid again by the first
visitor after every write in the district (figures in docs/performance.md).
"""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from cellmeet.tables import dmy, url_pattern

register = template.Library()


@register.simple_tag
def rotation_rows(rows):
    """One row per group: its hosts, each quarter's status, meeting and superior rating."""
    urls = {
        "slot": url_pattern("meetings:rotation_slot"),
        "meeting": url_pattern("meetings:meeting_detail"),
        "pdf": url_pattern("meetings:meeting_pdf"),
    }
    labels = {  # escaped here, but the rating once it is filled in
        "held": escape(gettext("Đã họp")),
        "overdue": escape(gettext("Quá hạn")),
        "postponed": escape(gettext("Hoãn")),
        "planned": escape(gettext("Kế hoạch")),
        "no host": escape(gettext("Chưa có chi bộ")),
        "minutes": escape(gettext("biên bản (PDF)")),
        "rating": gettext("Cấp trên: %(t)s điểm, %(b)s"),
    }
    today = timezone.localdate()
    lines = []
    for group, slots in rows:
        cells = "".join(_quarter(slot, urls, labels, today) for slot in slots)
        lines.append(
            f'<tr><th class="fw-normal"><a href="{group.get_absolute_url()}">'
            f"{escape(group.name)}</a></th>{cells}</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value is escaped where it is put in


def _quarter(slot, urls, labels, today):
    if slot is None:
        return "<td>—</td>"
    if slot.host_id:
        host = f'<a href="{urls["slot"].format(slot.pk)}">{escape(slot.host.name)}</a>'
    else:
        host = f'<span class="text-muted">{labels["no host"]}</span>'
    status = slot.status_on(today)
    meeting = ""
    if not slot.host_id and status in ("planned", "overdue"):
        return f"<td>{host}</td>"  # a group without cells: nothing to hold, nothing late
    if slot.meeting_id:
        held = dmy(timezone.localtime(slot.meeting.planned_at))
        meeting = f' <a href="{urls["meeting"].format(slot.meeting_id)}">{held}</a>'
        if slot.meeting.state == "signed":
            meeting += f' · <a href="{urls["pdf"].format(slot.meeting_id)}">{labels["minutes"]}</a>'
        if slot.superior_rating:
            rating = labels["rating"] % {
                "t": slot.superior_rating.total,
                "b": gettext(slot.superior_rating.band),
            }
            meeting += f'<div class="text-muted">{escape(rating)}</div>'
    return (
        f"<td>{host}<div>"
        f'<span class="badge rotation-{status}">{labels[status]}</span>'
        f"{meeting}</div></td>"
    )
