"""Who counts, and when a resolution passes (DESIGN §5). Pure functions over attendance."""

from dataclasses import dataclass, field
from fractions import Fraction

from meetings.enums import Presence, VoteKind
from members.enums import MemberStatus

QUALITY_ATTENDANCE = Fraction(85, 100)
# Members on the roll who are not expected at the meeting.
NOT_REQUIRED = (MemberStatus.EXEMPTED, MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED)


@dataclass
class Totals:
    """The members' situation as the minutes state it."""

    on_roll: int = 0
    official: int = 0
    probationary: int = 0
    exempted: int = 0
    away: int = 0
    suspended: int = 0
    present: int = 0
    late: int = 0
    hosted_present: int = 0
    absent_with_reason: list = field(default_factory=list)  # (name, reason)
    absent_without_reason: list = field(default_factory=list)  # names
    required: int = 0  # members who had to attend (not exempted, away or suspended)
    present_required: int = 0
    base: int = 0
    voters_present: int = 0

    @property
    def expected(self):
        """Who was to be there: those who had to attend, and exempted members who came."""
        return self.required + self.present - self.present_required

    @property
    def attendance_rate(self):
        if not self.required:
            return None
        return Fraction(self.present_required, self.required)

    @property
    def attendance_percent(self):
        rate = self.attendance_rate
        return None if rate is None else round(float(rate) * 100, 1)

    @property
    def below_quality_bar(self):
        rate = self.attendance_rate
        return rate is not None and rate < QUALITY_ATTENDANCE

    @property
    def majority_reachable(self):
        """Can the official members present reach more than half of the base?"""
        return 2 * self.voters_present > self.base


def is_voter(row):
    """Only official members who are present vote; guests and probationary members never."""
    return (
        row.official_on_day
        and not row.hosted
        and row.presence == Presence.PRESENT
        and row.status_on_day in (MemberStatus.OFFICIAL, MemberStatus.EXEMPTED)
    )


def in_base(row):
    """Base = official members − temporarily away − exempted and absent − suspended."""
    if row.hosted or not row.official_on_day:
        return False
    if row.status_on_day in (MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED):
        return False
    return not (row.status_on_day == MemberStatus.EXEMPTED and row.presence != Presence.PRESENT)


def totals(rows):
    t = Totals()
    for row in rows:
        if row.hosted:
            t.hosted_present += row.presence == Presence.PRESENT
            continue
        t.on_roll += 1
        status = row.status_on_day
        if status == MemberStatus.EXEMPTED:
            t.exempted += 1
        elif status == MemberStatus.TEMPORARILY_AWAY:
            t.away += 1
        elif status == MemberStatus.SUSPENDED:
            t.suspended += 1
        if row.official_on_day:
            t.official += 1
        else:
            t.probationary += 1
        present = row.presence == Presence.PRESENT
        t.present += present
        t.late += row.late
        must_attend = status not in NOT_REQUIRED
        if must_attend:
            t.required += 1
            t.present_required += present
        if row.presence == Presence.ABSENT_WITH_REASON:
            t.absent_with_reason.append((row.member_name, row.reason))
        elif row.presence == Presence.ABSENT_WITHOUT_REASON:
            t.absent_without_reason.append(row.member_name)
        t.base += in_base(row)
        t.voters_present += is_voter(row)
    return t


def passes(kind, votes_for, base):
    """More than half of the base; two thirds for admission, recognition and expulsion."""
    if base <= 0:
        return False
    if kind in VoteKind.two_thirds():
        return 3 * votes_for >= 2 * base
    return 2 * votes_for > base


def votes_needed(kind, base):
    """The smallest number of yes-votes that passes."""
    if kind in VoteKind.two_thirds():
        return -(-2 * base // 3)
    return base // 2 + 1
