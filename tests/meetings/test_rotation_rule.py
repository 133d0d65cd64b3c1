"""Property-based tests of the rotation rule over random cell sets and histories."""

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.rotation import Slot, choose_host, plan, quarter_index, violations, year_quarter


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


def oracle_breaches(slots, active_at):
    """The rule written out again, by brute force: each counted hosting is by a cell
    active that quarter, and between two hostings of one cell every other cell active
    throughout hosted (counted) at least once."""
    counted = sorted((s for s in slots if s.counts and s.host is not None), key=lambda s: s.index)
    breaches = [s for s in slots if s.host is not None and s.host not in active_at(s.index)]
    for n, first in enumerate(counted):
        second = next((s for s in counted[n + 1 :] if s.host == first.host), None)
        if second is None:
            continue
        between = {s.host for s in counted if first.index < s.index < second.index}
        for cell in active_at(first.index):
            always = all(cell in active_at(i) for i in range(first.index, second.index + 1))
            if always and cell != first.host and cell not in between:
                breaches.append((first.host, first.index, second.index, cell))
    return breaches


@settings(max_examples=300, deadline=None)
@given(histories())
def test_plans_and_the_rule_check_agree_with_the_rule_written_out(history):
    """What `plan` makes keeps the rule by the oracle above, and `violations` finds a
    breach exactly when the oracle does, on plans and on hand-swapped ones."""
    quarters, life, swaps, postponed = history
    active_at = active_at_for(life)
    planned = plan(range(quarters), active_at, {})
    slots = [Slot(i, s.host, counts=i not in postponed, fixed=True) for i, s in planned.items()]
    assert oracle_breaches(list(planned.values()), active_at) == []
    for index in swaps:
        a, b = slots[index], slots[index + 1]
        slots[index], slots[index + 1] = (Slot(index, b.host, a.counts, True),
                                          Slot(index + 1, a.host, b.counts, True))  # fmt: skip
        assert bool(violations(slots, active_at)) == bool(oracle_breaches(slots, active_at))


def test_a_recorded_but_unfixed_first_quarter_is_planned_again():
    """A future year planned before a cell joined: its first quarter was recorded but
    not held, so planning again may give it to the newcomer, who never hosted."""
    before = {0: Slot(0, 0, fixed=True), 1: Slot(1, 1, fixed=True), 2: Slot(2, 0)}
    cells = {0: [0, 1], 1: [0, 1], 2: [0, 1, 2], 3: [0, 1, 2]}
    again = plan([2, 3], cells.__getitem__, before)
    assert again[2].host == 2 and again[3].host == 0
    assert plan([2], cells.__getitem__, {**before, 2: Slot(2, 0, fixed=True)})[2].host == 0


def test_a_postponed_host_still_owes_its_meeting():
    assert choose_host([0, 1], [Slot(0, 0, counts=False), Slot(1, 1)]) == 0
    assert choose_host([0, 1], [Slot(0, 0), Slot(1, 1)]) == 0
    assert choose_host([0, 1], [Slot(0, 1), Slot(1, 0)]) == 1
    assert choose_host([0, 1], [Slot(0, None)]) == 0


def test_a_breach_names_the_cell_the_quarters_and_who_was_skipped():
    slots = [Slot(0, 0), Slot(1, 1), Slot(2, 0)]
    assert violations(slots, lambda index: [0, 1, 2]) == [(0, 0, 2, [2])]
    assert violations([Slot(0, 5)], lambda index: [0, 1]) == [(5, 0, 0, [])]  # not active


def test_quarters_are_numbered_across_years():
    assert quarter_index(2018, 1) == 8072 and quarter_index(2018, 4) == 8075
    assert quarter_index(2019, 1) == quarter_index(2018, 4) + 1
    assert year_quarter(8075) == (2018, 4) and year_quarter(8076) == (2019, 1)
    for index in range(8000, 8020):
        assert quarter_index(*year_quarter(index)) == index
