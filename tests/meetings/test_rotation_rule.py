"""Property-based tests of the rotation rule over random cell sets and histories."""

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.rotation import Slot, choose_host, plan, violations


@st.composite
def histories(draw):
    """A group's life over some quarters: cells join and leave, staff swap and postpone."""
    quarters = draw(st.integers(min_value=4, max_value=40))
    founders = draw(st.integers(min_value=1, max_value=8))
    life = {cell: [0, quarters] for cell in range(founders)}
    for _event in range(draw(st.integers(min_value=0, max_value=8))):
        when = draw(st.integers(min_value=1, max_value=quarters - 1))
        if draw(st.booleans()):
            life[len(life)] = [when, quarters]  # a new cell joins
        else:
            cell = draw(st.sampled_from(sorted(life)))
            life[cell][1] = max(life[cell][0] + 1, min(life[cell][1], when))  # dissolved
    swaps = draw(st.lists(st.integers(min_value=0, max_value=quarters - 2), max_size=4))
    postponed = draw(st.lists(st.integers(min_value=0, max_value=quarters - 1), max_size=3))
    return quarters, life, swaps, set(postponed)


def active_at_for(life):
    def active_at(index):
        return [cell for cell, (start, end) in sorted(life.items()) if start <= index < end]

    return active_at


@settings(max_examples=300, deadline=None)
@given(histories())
def test_no_cell_hosts_twice_before_every_active_cell_has(history):
    quarters, life, swaps, postponed = history
    active_at = active_at_for(life)
    existing = {}
    # Plan quarter by quarter as staff would, postponing some and swapping some by hand.
    for index in range(quarters):
        slot = plan([index], active_at, existing)[index]
        if index in postponed:
            slot = Slot(index, slot.host, counts=False, fixed=True)
        existing[index] = Slot(slot.index, slot.host, slot.counts, fixed=True)
    for index in swaps:
        a, b = existing[index], existing[index + 1]
        trial = dict(existing)
        trial[index] = Slot(index, b.host, a.counts, True)
        trial[index + 1] = Slot(index + 1, a.host, b.counts, True)
        if not violations(trial.values(), active_at):  # the service refuses the others
            existing = trial
    assert violations(existing.values(), active_at) == []
    for index, slot in existing.items():
        if slot.host is not None:
            assert slot.host in active_at(index)  # dissolved cells leave, new ones join


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(min_value=0, max_value=39))
def test_held_quarters_never_change_and_planning_is_idempotent(history, held_until):
    quarters, life, _swaps, _postponed = history
    active_at = active_at_for(life)
    first = plan(range(quarters), active_at, {})
    held = {i: Slot(i, s.host, fixed=True) for i, s in first.items() if i <= held_until}
    # A cell joins after the fact: later quarters may change, held ones may not.
    life[len(life)] = [min(held_until + 1, quarters - 1), quarters]
    again = plan(range(quarters), active_at, held)
    assert all(again[i].host == held[i].host for i in held)
    assert plan(range(quarters), active_at, held) == again
    assert violations(again.values(), active_at) == []


def test_never_hosted_cells_come_first_in_the_group_order():
    history = [Slot(0, 2), Slot(1, 0)]
    assert choose_host([0, 1, 2, 3], history) == 1
    assert choose_host([0, 2], history) == 2  # 2 hosted longest ago
    assert choose_host([], history) is None
