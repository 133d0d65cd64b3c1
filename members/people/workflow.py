"""A member's status: the moves the Party allows, who may make each, and the guards that
say why one is refused. The pages and the member import both go through this table
(and the services in members.services that carry each move out)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.enums import MemberStatus

S = MemberStatus
MANAGE = "manage"  # the cell's secretary, or committee staff above it
ADMINISTER = "administer"  # committee staff above the cell: decisions of the committee
PROBATION_MONTHS = 12


@dataclass(frozen=True)
class Move:
    action: str  # the service carrying it out: recognise, exempt, reinstate, record, transfer
    permission: str
    label: str


RECOGNISE = Move("recognise", ADMINISTER, gettext_lazy("công nhận đảng viên chính thức"))
EXEMPT = Move("exempt", MANAGE, gettext_lazy("miễn công tác và sinh hoạt đảng"))
REINSTATE = Move("reinstate", MANAGE, gettext_lazy("khôi phục sinh hoạt"))
RECORD = Move(
    "record", ADMINISTER, gettext_lazy("ghi đình chỉ, chuyển đi, xóa tên, khai trừ, từ trần")
)
TRANSFER = Move("transfer", ADMINISTER, gettext_lazy("chuyển sinh hoạt tạm thời"))

ACTIVE = (S.PROBATIONARY, S.OFFICIAL)
# (from, to): the move. A pair not listed is never allowed.
MOVES = {
    (S.PROBATIONARY, S.OFFICIAL): RECOGNISE,
    **{(status, S.EXEMPTED): EXEMPT for status in ACTIVE},
    **{(status, S.TEMPORARILY_AWAY): TRANSFER for status in ACTIVE},
    **{(away, back): REINSTATE for away in (S.EXEMPTED, S.SUSPENDED, S.TEMPORARILY_AWAY)
       for back in ACTIVE},
    **{(status, gone): RECORD for status in S.on_roll() for gone in S.recordable()
       if status != gone},
}  # fmt: skip


def move(from_status, to_status):
    return MOVES.get((from_status, to_status))


def probation_ends(member):
    """The first day a probationary member may be recognised as official: twelve months
    after the admission ceremony."""
    admitted = member.admitted_on
    try:
        return admitted.replace(year=admitted.year + PROBATION_MONTHS // 12)
    except ValueError:  # admitted on 29 February
        return admitted + datetime.timedelta(days=365)


def reasons_against(member, to_status, on, *, last_change=None):
    """Why `member` cannot move to `to_status` on `on`; empty when it can. `last_change`
    is the date of their last recorded status change, if known."""
    found = move(member.status, to_status)
    if found is None:
        return [
            _("Không thể chuyển tình trạng từ “%(from)s” sang “%(to)s”.")
            % {"from": S(member.status).label, "to": S(to_status).label}
        ]
    reasons = []
    if on > timezone.localdate():
        reasons.append(_("Ngày không thể ở tương lai."))
    if on < member.admitted_on:
        reasons.append(
            _("Ngày không thể trước ngày vào Đảng (%(d)s).")
            % {"d": member.admitted_on.strftime("%d/%m/%Y")}
        )
    if last_change and on < last_change:
        reasons.append(
            _("Ngày không thể trước lần thay đổi tình trạng gần nhất (%(d)s).")
            % {"d": last_change.strftime("%d/%m/%Y")}
        )
    if found is RECOGNISE and on < probation_ends(member):
        reasons.append(
            _(
                "Chưa đủ 12 tháng dự bị: đảng viên vào Đảng ngày %(a)s, được công nhận chính "
                "thức từ ngày %(d)s."
            )
            % {"a": member.admitted_on.strftime("%d/%m/%Y"),
               "d": probation_ends(member).strftime("%d/%m/%Y")}
        )  # fmt: skip
    if found is REINSTATE and to_status != (S.OFFICIAL if member.official_on else S.PROBATIONARY):
        reasons.append(
            _("Khôi phục sinh hoạt trở lại tình trạng trước đó: %(s)s.")
            % {"s": (S.OFFICIAL if member.official_on else S.PROBATIONARY).label}
        )
    return reasons
