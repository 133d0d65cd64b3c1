"""The meeting workflow (meetings.workflow) against its rules written out here again: the
moves allowed between states, and every reason a move is refused, word for word.

Meetings are built in memory, their rows given as a prefetch would leave them, so these
tests need no database (pytest-django would refuse a query here) and stay fast under
mutation testing (docs/testing.md). The services and pages that use these rules are
tested on a database in test_workflow.py and the page tests.
"""

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import workflow
from meetings.enums import MeetingState, Presence, SignerRole, VoteKind
from meetings.models import (
    AgendaItem,
    Attendance,
    CommitteeSession,
    Meeting,
    Opinion,
    Signature,
    Vote,
    WrittenOpinion,
)
from members.enums import MemberStatus
from tests.meetings.conftest import in_memory

S = MeetingState
CHAIR, TAKER, OTHER = 11, 12, 13
LABELS = {
    "planned": "Đã lên kế hoạch",
    "prepared": "Đã họp chi ủy chuẩn bị",
    "held": "Đang ghi biên bản",
    "submitted": "Chờ ký",
    "signed": "Đã ký",
    "cancelled": "Đã hủy",
    "postponed": "Hoãn",
}
# The moves the rules allow; any other is refused whatever the meeting holds.
LEGAL = {
    ("planned", "prepared"),
    ("prepared", "held"),
    ("held", "submitted"),
    ("submitted", "held"),
    ("submitted", "signed"),
    ("planned", "cancelled"),
    ("prepared", "cancelled"),
    ("planned", "postponed"),
    ("prepared", "postponed"),
    ("postponed", "planned"),
    ("postponed", "cancelled"),
}
NO_COMMITTEE = "Chưa ghi biên bản họp chi ủy chuẩn bị."
NO_AGENDA = "Chương trình sinh hoạt còn trống."
SIGNED_ALREADY = "Đã có người ký: không thể mở lại để sửa. Hãy lập biên bản bổ sung."


def present(member_id, name="", **fields):
    fields = {
        "status_on_day": MemberStatus.OFFICIAL,
        "official_on_day": True,
        "presence": Presence.PRESENT,
        **fields,
    }
    return Attendance(member_id=member_id, member_name=name, **fields)


def absent(member_id, name="", **fields):
    return present(member_id, name, presence=Presence.ABSENT_WITH_REASON, **fields)


def resolution(base=3, votes_for=3, votes_against=0, votes_abstain=0, subject="Nghị quyết"):
    return Vote(
        kind=VoteKind.RESOLUTION, subject=subject, base=base, votes_for=votes_for,
        votes_against=votes_against, votes_abstain=votes_abstain,
    )  # fmt: skip


def meeting(state=S.HELD, *, committee=True, **changes):
    """Minutes that lack nothing (three official members present, chair and minute-taker
    among them, one resolution voted by all), with `changes` to fields or rows."""
    rows = {
        "agenda": [AgendaItem(position=1, title="Khai mạc", content="Bí thư khai mạc.")],
        "attendance": [present(CHAIR, "Chủ Trì"), present(TAKER, "Thư Ký"), present(OTHER)],
        "opinions": [],
        "written_opinions": [],
        "votes": [resolution()],
        "signatures": [],
    }
    rows.update({name: changes.pop(name) for name in list(changes) if name in rows})
    fields = {
        "chair_id": CHAIR,
        "chair_name": "Chủ Trì",
        "minute_taker_id": TAKER,
        "minute_taker_name": "Thư Ký",
        "opened_at": datetime.datetime(2018, 3, 5, 19, 30, tzinfo=datetime.UTC),
        "closed_at": datetime.datetime(2018, 3, 5, 21, 0, tzinfo=datetime.UTC),
        "conclusion": "Chi bộ thống nhất.",
        **changes,
    }
    result = in_memory(Meeting(pk=1, state=state, **fields), **rows)
    if committee:
        result.committee = CommitteeSession()
    else:  # known to have none, as select_related would leave it
        result._state.fields_cache["committee"] = None
    return result


def signed_by(*roles):
    return [Signature(role=role) for role in roles]


@pytest.mark.parametrize("source, target", list(itertools.product(S.values, repeat=2)))
def test_every_state_pair(source, target):
    """Complete minutes, unsigned: only the legal moves pass (signing needs signatures)."""
    reasons = workflow.reasons_against(meeting(source), target)
    if (source, target) not in LEGAL:
        assert reasons == [f"Không thể chuyển từ “{LABELS[source]}” sang “{LABELS[target]}”."]
    elif target == S.SIGNED:
        assert reasons == ["Còn thiếu chữ ký: Chủ trì, Thư ký."]
    else:
        assert reasons == []


def test_the_transition_table_is_the_legal_moves():
    assert set(workflow.TRANSITIONS) == LEGAL
    assert LEGAL - {("submitted", "signed")} == workflow.MANUAL
    assert {"cancelled", "postponed"} == workflow.NEEDS_REASON


@pytest.mark.parametrize("source, target", [("planned", "prepared"), ("prepared", "held")])
def test_preparing_and_holding_need_the_committee_and_an_agenda(source, target):
    assert workflow.reasons_against(meeting(source, committee=False), target) == [NO_COMMITTEE]
    assert workflow.reasons_against(meeting(source, agenda=[]), target) == [NO_AGENDA]
    both = meeting(source, committee=False, agenda=[])
    assert workflow.reasons_against(both, target) == [NO_COMMITTEE, NO_AGENDA]


@pytest.mark.parametrize(
    "source, target",
    sorted(LEGAL - {("planned", "prepared"), ("prepared", "held")}),
)
def test_other_moves_do_not_ask_for_the_committee_or_an_agenda(source, target):
    bare = meeting(source, committee=False, agenda=[], signatures=signed_by(*SignerRole.values))
    reasons = workflow.reasons_against(bare, target)
    assert NO_COMMITTEE not in reasons
    assert NO_AGENDA not in reasons


def test_empty_minutes_list_everything_they_lack_in_order():
    empty = meeting(
        agenda=[AgendaItem(position=1, title="Khai mạc", content="")],
        attendance=[], votes=[], chair_id=None, minute_taker_id=None,
        opened_at=None, closed_at=None, conclusion="",
    )  # fmt: skip
    assert workflow.reasons_against(empty, S.SUBMITTED) == [
        "Chưa điểm danh.",
        "Chưa chọn người chủ trì.",
        "Chưa chọn thư ký.",
        "Chưa ghi giờ bắt đầu và kết thúc.",
        "Chưa ghi diễn biến 1 mục: 1. Khai mạc.",
        "Chưa ghi kết luận, nghị quyết.",
        "Chưa ghi kết quả biểu quyết thông qua nghị quyết, kết luận.",
    ]


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"chair_id": None}, "Chưa chọn người chủ trì."),
        ({"minute_taker_id": None}, "Chưa chọn thư ký."),
        ({"opened_at": None}, "Chưa ghi giờ bắt đầu và kết thúc."),
        ({"closed_at": None}, "Chưa ghi giờ bắt đầu và kết thúc."),
        ({"conclusion": " \n\t"}, "Chưa ghi kết luận, nghị quyết."),
        ({"votes": []}, "Chưa ghi kết quả biểu quyết thông qua nghị quyết, kết luận."),
    ],
)
def test_each_missing_part_of_the_minutes_is_named_alone(changes, reason):
    assert workflow.reasons_against(meeting(**changes), S.SUBMITTED) == [reason]


def test_a_vote_on_something_else_is_not_the_resolution():
    other = resolution()
    other.kind = VoteKind.ORDINARY
    assert workflow.reasons_against(meeting(votes=[other]), S.SUBMITTED) == [
        "Chưa ghi kết quả biểu quyết thông qua nghị quyết, kết luận."
    ]
    assert workflow.reasons_against(meeting(votes=[other, resolution()]), S.SUBMITTED) == []


def test_without_attendance_nothing_is_checked_against_it():
    assert workflow.reasons_against(meeting(attendance=[]), S.SUBMITTED) == ["Chưa điểm danh."]


def test_chair_and_minute_taker_must_be_two_people():
    same = meeting(minute_taker_id=CHAIR, minute_taker_name="Chủ Trì")
    assert workflow.reasons_against(same, S.SUBMITTED) == [
        "Chủ trì và thư ký phải là hai người khác nhau."
    ]
    neither = meeting(chair_id=None, minute_taker_id=None)
    assert workflow.reasons_against(neither, S.SUBMITTED) == [
        "Chưa chọn người chủ trì.",
        "Chưa chọn thư ký.",
    ]


def items(*contents):
    return [
        AgendaItem(position=n, title=f"Mục {n}", content=text)
        for n, text in enumerate(contents, start=1)
    ]


@pytest.mark.parametrize(
    "agenda, reason",
    [
        (items("Có", "  \n"), "Chưa ghi diễn biến 1 mục: 2. Mục 2."),
        (
            items("", "", "", "", ""),
            "Chưa ghi diễn biến 5 mục: 1. Mục 1; 2. Mục 2; 3. Mục 3; 4. Mục 4; 5. Mục 5.",
        ),
        (
            items("", "", "", "", "", ""),
            "Chưa ghi diễn biến 6 mục: 1. Mục 1; 2. Mục 2; 3. Mục 3; 4. Mục 4; 5. Mục 5 ….",
        ),
        (
            items("Có", "", "", "", "", "", "", "Có"),
            "Chưa ghi diễn biến 6 mục: 2. Mục 2; 3. Mục 3; 4. Mục 4; 5. Mục 5; 6. Mục 6 ….",
        ),
    ],
)
def test_agenda_items_without_content_are_named_five_at_most(agenda, reason):
    assert workflow.reasons_against(meeting(agenda=agenda), S.SUBMITTED) == [reason]


def test_chair_and_minute_taker_must_be_present():
    rows = [absent(CHAIR), absent(TAKER), present(OTHER)]
    votes = [resolution(base=3, votes_for=1)]
    assert workflow.reasons_against(meeting(attendance=rows, votes=votes), S.SUBMITTED) == [
        "Chủ trì Chủ Trì không có mặt theo điểm danh.",
        "Thư ký Thư Ký không có mặt theo điểm danh.",
    ]
    rows = [present(CHAIR), absent(TAKER), present(OTHER)]
    votes = [resolution(base=3, votes_for=2)]
    assert workflow.reasons_against(meeting(attendance=rows, votes=votes), S.SUBMITTED) == [
        "Thư ký Thư Ký không có mặt theo điểm danh."
    ]


def test_a_member_absent_under_every_other_presence_is_not_present():
    for presence in Presence.values:
        rows = [present(CHAIR), present(TAKER, presence=presence), present(OTHER)]
        votes = [resolution(base=3, votes_for=3 if presence == Presence.PRESENT else 2)]
        reasons = workflow.reasons_against(meeting(attendance=rows, votes=votes), S.SUBMITTED)
        expected = [] if presence == Presence.PRESENT else [
            "Thư ký Thư Ký không có mặt theo điểm danh."
        ]  # fmt: skip
        assert reasons == expected, presence


def opinion(pk, member_id, name):
    return Opinion(pk=pk, speaker_member_id=member_id, speaker_name=name, text="Ý kiến")


def test_opinions_of_absent_members_unless_sent_in_writing():
    rows = [present(CHAIR), present(TAKER), absent(20), absent(21), absent(22)]
    opinions = [
        opinion(1, 22, "Vi Văn Sáu"),
        opinion(2, 20, "Bàn Văn Ba"),
        opinion(3, 20, "Bàn Văn Ba"),
        opinion(4, 21, "Lò Thị Tư"),
        opinion(5, CHAIR, "Chủ Trì"),
        opinion(6, None, "Khách mời"),  # a guest: not on the attendance list
    ]
    votes = [resolution(base=5, votes_for=2)]
    minutes = meeting(attendance=rows, opinions=opinions, votes=votes)
    assert workflow.reasons_against(minutes, S.SUBMITTED) == [
        "Ý kiến của người không có mặt theo điểm danh: Bàn Văn Ba, Lò Thị Tư, Vi Văn Sáu."
    ]
    # Lò Thị Tư and one of Bàn Văn Ba's opinions were sent in writing before the meeting.
    written = [WrittenOpinion(opinion_id=4), WrittenOpinion(opinion_id=2)]
    minutes = meeting(attendance=rows, opinions=opinions, votes=votes, written_opinions=written)
    assert workflow.reasons_against(minutes, S.SUBMITTED) == [
        "Ý kiến của người không có mặt theo điểm danh: Bàn Văn Ba, Vi Văn Sáu."
    ]
    written.append(WrittenOpinion(opinion_id=3))
    written.append(WrittenOpinion(opinion_id=1))
    minutes = meeting(attendance=rows, opinions=opinions, votes=votes, written_opinions=written)
    assert workflow.reasons_against(minutes, S.SUBMITTED) == []


def test_a_written_opinion_of_a_member_present_changes_nothing():
    minutes = meeting(
        opinions=[opinion(1, OTHER, "Có Mặt")], written_opinions=[WrittenOpinion(opinion_id=1)]
    )
    assert workflow.reasons_against(minutes, S.SUBMITTED) == []


def changed(subject):
    return f"Điểm danh đã thay đổi sau khi ghi biểu quyết “{subject}”: hãy xóa và ghi lại."


@pytest.mark.parametrize(
    "vote, consistent",
    [
        (resolution(base=3, votes_for=3), True),
        (resolution(base=3, votes_for=1, votes_against=1, votes_abstain=1), True),
        (resolution(base=3, votes_for=0), True),
        (resolution(base=2, votes_for=2), False),
        (resolution(base=4, votes_for=3), False),
        (resolution(base=3, votes_for=4), False),
        (resolution(base=3, votes_for=2, votes_against=2), False),
        (resolution(base=3, votes_for=2, votes_abstain=2), False),
        (resolution(base=3, votes_for=1, votes_against=1, votes_abstain=2), False),
    ],
)
def test_votes_must_fit_the_attendance(vote, consistent):
    """Three official members present: the base is 3, and at most 3 votes are cast."""
    vote.subject = "Kết nạp"
    ordinary = resolution(subject="Việc khác")
    ordinary.kind = VoteKind.ORDINARY
    reasons = workflow.reasons_against(meeting(votes=[ordinary, vote]), S.SUBMITTED)
    assert reasons == ([] if consistent else [changed("Kết nạp")])


def test_every_inconsistent_vote_is_named():
    votes = [resolution(base=2, subject="Một"), resolution(subject="Hai"), resolution(4, 1, 0, 0)]
    votes[2].subject = "Ba"
    assert workflow.reasons_against(meeting(votes=votes), S.SUBMITTED) == [
        changed("Một"),
        changed("Ba"),
    ]


STATUSES = [MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPTED,
            MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    others=st.lists(
        st.tuples(
            st.sampled_from(STATUSES),
            st.booleans(),
            st.booleans(),
            st.sampled_from(Presence.values),
        ),
        max_size=6,
    ),
    base=st.integers(0, 9),
    cast=st.integers(0, 9),
)
def test_a_vote_fits_the_base_and_the_voters_present(others, base, cast):
    """Oracle: the base counts official members of the cell, less those temporarily away or
    suspended and the exempted who did not come; only official members present vote."""
    rows = [present(CHAIR), present(TAKER)]
    expected_base = expected_voters = 2
    for n, (status, official, hosted, presence) in enumerate(others, start=100):
        rows.append(
            Attendance(member_id=n, member_name="", status_on_day=status,
                       official_on_day=official, hosted=hosted, presence=presence)
        )  # fmt: skip
        counted = official and not hosted
        expected_base += counted and status not in (
            MemberStatus.TEMPORARILY_AWAY, MemberStatus.SUSPENDED
        ) and not (status == MemberStatus.EXEMPTED and presence != Presence.PRESENT)  # fmt: skip
        expected_voters += counted and presence == Presence.PRESENT and status in (
            MemberStatus.OFFICIAL, MemberStatus.EXEMPTED
        )  # fmt: skip
    vote = resolution(base=base, votes_for=cast)
    reasons = workflow.reasons_against(meeting(attendance=rows, votes=[vote]), S.SUBMITTED)
    fits = base == expected_base and cast <= expected_voters
    assert reasons == ([] if fits else [changed("Nghị quyết")])


@pytest.mark.parametrize(
    "roles, reasons",
    [
        ((), ["Còn thiếu chữ ký: Chủ trì, Thư ký."]),
        ((SignerRole.CHAIR,), ["Còn thiếu chữ ký: Thư ký."]),
        ((SignerRole.MINUTE_TAKER,), ["Còn thiếu chữ ký: Chủ trì."]),
        ((SignerRole.CHAIR, SignerRole.MINUTE_TAKER), []),
    ],
)
def test_signing_needs_both_signatures(roles, reasons):
    submitted = meeting(S.SUBMITTED, signatures=signed_by(*roles))
    assert workflow.reasons_against(submitted, S.SIGNED) == reasons


@pytest.mark.parametrize(
    "roles", [(SignerRole.CHAIR,), (SignerRole.MINUTE_TAKER,), tuple(SignerRole.values)]
)
def test_signed_minutes_cannot_be_reopened(roles):
    submitted = meeting(S.SUBMITTED, signatures=signed_by(*roles))
    assert workflow.reasons_against(submitted, S.HELD) == [SIGNED_ALREADY]


def test_reopening_does_not_check_the_minutes_again():
    lacking = meeting(S.SUBMITTED, attendance=[], votes=[], conclusion="")
    assert workflow.reasons_against(lacking, S.HELD) == []


ACTIONS = {
    "prepared": "Xác nhận đã chuẩn bị xong",
    "held": "Bắt đầu họp, ghi biên bản",
    "submitted": "Nộp biên bản để ký",
    "cancelled": "Hủy cuộc họp",
    "postponed": "Hoãn cuộc họp",
    "planned": "Lên lịch lại",
    "signed": "Ký biên bản",
}


@pytest.mark.parametrize("source, target", sorted(LEGAL))
def test_action_labels_say_what_the_button_does(source, target):
    reopen = "Mở lại để sửa biên bản"
    expected = reopen if (source, target) == ("submitted", "held") else ACTIONS[target]
    assert workflow.action_label(source, target) == expected


@pytest.mark.parametrize(
    "state, steps",
    [
        ("planned", [("prepared", []), ("postponed", []), ("cancelled", [])]),
        ("prepared", [("held", []), ("postponed", []), ("cancelled", [])]),
        ("held", [("submitted", [])]),
        ("submitted", [("held", [])]),
        ("postponed", [("planned", []), ("cancelled", [])]),
        ("signed", []),
        ("cancelled", []),
    ],
)
def test_next_steps_forward_first_with_their_labels(state, steps):
    reopen = "Mở lại để sửa biên bản"
    expected = [
        (to, reopen if (state, to) == ("submitted", "held") else ACTIONS[to], reasons)
        for to, reasons in steps
    ]
    assert workflow.next_steps(meeting(state)) == expected


def test_next_steps_carry_what_still_blocks_them():
    bare = meeting(S.PLANNED, committee=False, agenda=[])
    assert workflow.next_steps(bare) == [
        ("prepared", "Xác nhận đã chuẩn bị xong", [NO_COMMITTEE, NO_AGENDA]),
        ("postponed", "Hoãn cuộc họp", []),
        ("cancelled", "Hủy cuộc họp", []),
    ]
    signed = meeting(S.SUBMITTED, signatures=signed_by(SignerRole.CHAIR))
    assert workflow.next_steps(signed) == [("held", "Mở lại để sửa biên bản", [SIGNED_ALREADY])]


@pytest.mark.parametrize("state", S.values)
def test_what_can_still_be_edited(state):
    unsaved = Meeting(state=state)
    assert workflow.is_editable(unsaved) is (
        state in ("planned", "prepared", "held", "postponed")
    )  # fmt: skip
    assert workflow.minutes_editable(unsaved) is (state == "held")
