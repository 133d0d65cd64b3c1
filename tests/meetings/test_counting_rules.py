"""The counting rules (meetings.counting) against the Party's rules written out here again,
independently: exact thresholds, the 85 % boundary, the majority warning, and every
total the minutes state, on rows that include guests from other cells."""

from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings import counting
from meetings.enums import Presence, VoteKind
from members.enums import MemberStatus

SIMPLE = [VoteKind.RESOLUTION, VoteKind.ORDINARY]
TWO_THIRDS = [VoteKind.ADMISSION, VoteKind.RECOGNITION, VoteKind.EXPULSION]
ON_ROLL = [MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPTED,
           MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED]  # fmt: skip


@dataclass
class Row:
    status_on_day: str
    official_on_day: bool
    presence: str
    late: bool = False
    hosted: bool = False
    member_name: str = "Đảng viên"
    reason: str = ""


@pytest.mark.parametrize("base", range(0, 31))
def test_votes_needed_is_the_smallest_number_that_passes(base):
    """Simple majority: more than half of the base; 2/3 votes: at least two thirds."""
    for kind in SIMPLE:
        needed = next(v for v in range(base + 2) if 2 * v > base)
        assert counting.votes_needed(kind, base) == needed
        assert isinstance(counting.votes_needed(kind, base), int)
    for kind in TWO_THIRDS:
        needed = next(v for v in range(base + 2) if 3 * v >= 2 * base)
        assert counting.votes_needed(kind, base) == needed
        assert isinstance(counting.votes_needed(kind, base), int)


@pytest.mark.parametrize("base", range(0, 31))
def test_passes_exactly_from_the_votes_needed(base):
    for kind in SIMPLE + TWO_THIRDS:
        for votes in range(base + 1):
            if base == 0:
                assert counting.passes(kind, votes, base) is False  # nobody to count on
                continue
            expected = 2 * votes > base if kind in SIMPLE else 3 * votes >= 2 * base
            assert counting.passes(kind, votes, base) is expected, (kind, votes, base)


def test_passing_at_the_smallest_bases():
    assert counting.passes(VoteKind.RESOLUTION, 1, 1) is True
    assert counting.passes(VoteKind.RESOLUTION, 0, 1) is False
    assert counting.passes(VoteKind.ADMISSION, 1, 1) is True
    assert counting.passes(VoteKind.RESOLUTION, 1, 2) is False  # exactly half is not more
    assert counting.passes(VoteKind.ADMISSION, 2, 3) is True  # exactly two thirds is enough
    assert counting.passes(VoteKind.ADMISSION, 1, 0) is False
    assert counting.passes(VoteKind.RESOLUTION, 0, -1) is False


def _members(present, absent):
    return [Row(MemberStatus.OFFICIAL, True, Presence.PRESENT) for _ in range(present)] + [
        Row(MemberStatus.OFFICIAL, True, Presence.ABSENT_WITH_REASON) for _ in range(absent)
    ]


@pytest.mark.parametrize(
    ("present", "absent", "below"),
    [(17, 3, False), (16, 4, True), (20, 0, False), (85, 15, False), (84, 16, True)],
)
def test_the_quality_bar_is_85_percent_inclusive(present, absent, below):
    totals = counting.totals(_members(present, absent))
    assert totals.attendance_rate == Fraction(present, present + absent)
    assert totals.below_quality_bar is below
    assert totals.attendance_percent == round(100 * present / (present + absent), 1)


def test_no_one_required_has_no_rate_and_no_warning():
    totals = counting.totals([Row(MemberStatus.EXEMPTED, True, Presence.ABSENT_WITH_REASON)])
    assert totals.attendance_rate is None and totals.attendance_percent is None
    assert totals.below_quality_bar is False


@pytest.mark.parametrize(
    ("present", "absent", "reachable"), [(3, 3, False), (4, 3, True), (4, 4, False), (1, 0, True)]
)
def test_the_vote_form_warns_when_no_majority_can_be_reached(present, absent, reachable):
    """The official members present against the base: more than half, or the warning."""
    totals = counting.totals(_members(present, absent))
    assert totals.voters_present == present and totals.base == present + absent
    assert totals.majority_reachable is reachable


def test_every_total_the_minutes_state_with_guests_and_latecomers():
    rows = [
        Row(MemberStatus.OFFICIAL, True, Presence.PRESENT, late=True, member_name="A"),
        Row(MemberStatus.OFFICIAL, True, Presence.PRESENT, member_name="B"),
        Row(MemberStatus.PROBATIONARY, False, Presence.PRESENT, late=True, member_name="C"),
        Row(
            MemberStatus.OFFICIAL, True, Presence.ABSENT_WITH_REASON, member_name="D", reason="ốm"
        ),  # fmt: skip
        Row(MemberStatus.OFFICIAL, True, Presence.ABSENT_WITHOUT_REASON, member_name="E"),
        Row(MemberStatus.EXEMPTED, True, Presence.PRESENT, member_name="F"),
        Row(MemberStatus.EXEMPTED, True, Presence.EXEMPTED, member_name="G"),
        Row(MemberStatus.TEMPORARILY_AWAY, True, Presence.AWAY, member_name="H"),
        Row(MemberStatus.SUSPENDED, True, Presence.SUSPENDED, member_name="I"),
        # Two members of other cells attending here for a while: one came, one did not.
        Row(MemberStatus.OFFICIAL, True, Presence.PRESENT, hosted=True, late=True),
        Row(MemberStatus.OFFICIAL, True, Presence.ABSENT_WITH_REASON, hosted=True),
    ]
    t = counting.totals(rows)
    assert (t.on_roll, t.official, t.probationary) == (9, 8, 1)
    assert (t.exempted, t.away, t.suspended) == (2, 1, 1)
    assert (t.present, t.late, t.hosted_present) == (4, 2, 1)
    assert t.absent_with_reason == [("D", "ốm")] and t.absent_without_reason == ["E"]
    assert (t.required, t.present_required) == (5, 3)
    assert t.expected == 6  # the five who had to come, and F who came though exempted
    assert t.base == 5  # A, B, D, E (absent officials stay) and F (exempted, present)
    assert t.voters_present == 3  # A, B, F


row = st.builds(
    Row,
    status_on_day=st.sampled_from(ON_ROLL),
    official_on_day=st.booleans(),
    presence=st.sampled_from(list(Presence)),
    late=st.booleans(),
    hosted=st.booleans(),
)


@given(st.lists(row, max_size=40))
def test_totals_match_the_rules_written_out(rows):
    """DESIGN §5, counted here row by row without the module's helpers."""
    own = [r for r in rows if not r.hosted]
    present = [r for r in own if r.presence == Presence.PRESENT]
    not_required = {MemberStatus.EXEMPTED, MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED}
    required = [r for r in own if r.status_on_day not in not_required]
    base = [
        r for r in own
        if r.official_on_day
        and r.status_on_day not in (MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED)
        and not (r.status_on_day == MemberStatus.EXEMPTED and r.presence != Presence.PRESENT)
    ]  # fmt: skip
    voters = [
        r for r in present
        if r.official_on_day and r.status_on_day in (MemberStatus.OFFICIAL, MemberStatus.EXEMPTED)
    ]  # fmt: skip
    t = counting.totals(rows)
    assert t.on_roll == len(own)
    assert t.official == sum(r.official_on_day for r in own)
    assert t.probationary == len(own) - t.official
    for status, total in ((MemberStatus.EXEMPTED, t.exempted),
                          (MemberStatus.TEMPORARILY_AWAY, t.away),
                          (MemberStatus.SUSPENDED, t.suspended)):  # fmt: skip
        assert total == sum(r.status_on_day == status for r in own)
    assert t.present == len(present)
    assert t.late == sum(r.late for r in own)
    assert t.hosted_present == sum(r.hosted and r.presence == Presence.PRESENT for r in rows)
    assert t.required == len(required)
    assert t.present_required == sum(r.presence == Presence.PRESENT for r in required)
    assert t.base == len(base)
    assert t.voters_present == len(voters)
    assert t.majority_reachable == (2 * len(voters) > len(base))
    assert len(t.absent_with_reason) == sum(r.presence == Presence.ABSENT_WITH_REASON for r in own)
    assert len(t.absent_without_reason) == sum(
        r.presence == Presence.ABSENT_WITHOUT_REASON for r in own
    )
