"""The rule of the rotating model meeting, as pure functions over quarters.

Quarters are numbered absolutely (year * 4 + quarter - 1) so that the cycle runs on
across years and committee terms. A host "counts" unless its slot was postponed.

The rule: the next host is a cell that has never hosted (in the group's order), else
the cell whose last hosting is the oldest. So no cell hosts twice before every cell
active in between has hosted; new cells join the cycle at once, dissolved ones leave.
"""

from dataclasses import dataclass


def quarter_index(year, quarter):
    return year * 4 + quarter - 1


def year_quarter(index):
    return index // 4, index % 4 + 1


@dataclass(frozen=True)
class Slot:
    index: int
    host: int | None
    counts: bool = True  # False for a postponed slot: its host still owes the meeting
    fixed: bool = False  # held, past, swapped by hand or postponed: never recomputed


def choose_host(active, history):
    """The next host among `active` (cell ids, in the group's order) given `history`."""
    if not active:
        return None
    last = {}
    for slot in history:
        if slot.counts and slot.host is not None:
            last[slot.host] = slot.index
    order = {cell: n for n, cell in enumerate(active)}

    def turn(cell):  # never hosted first, in the group's order; then the longest ago
        return (True, last[cell], order[cell]) if cell in last else (False, order[cell])

    return min(active, key=turn)


def plan(indexes, active_at, existing):
    """Hosts for the quarters `indexes`, keeping fixed slots as they are.

    `active_at(index)` gives the active cells (ordered) in that quarter; `existing`
    maps quarter index to Slot for every slot already recorded (before and within
    the range). Returns {index: Slot}. Deterministic: the same inputs give the same plan.
    """
    first = min(indexes)
    history = sorted((s for i, s in existing.items() if i < first), key=lambda s: s.index)
    planned = {}
    for index in sorted(indexes):
        slot = existing.get(index)
        if slot is None or not slot.fixed:
            slot = Slot(index, choose_host(active_at(index), history))
        planned[index] = slot
        history.append(slot)
    return planned


def violations(slots, active_at):
    """Hostings that break the rule, as (cell, first, second, cells skipped).

    A cell may host again only after every cell active throughout the interval has
    hosted in between; and only an active cell hosts (then first == second, none skipped).
    """
    counted = sorted((s for s in slots if s.counts and s.host is not None), key=lambda s: s.index)
    found = [
        (s.host, s.index, s.index, [])
        for s in sorted(slots, key=lambda s: s.index)
        if s.host is not None and s.host not in active_at(s.index)
    ]
    previous = {}
    for slot in counted:
        if slot.host in previous:
            start = previous[slot.host]
            throughout = set(active_at(start))
            for index in range(start, slot.index + 1):
                throughout &= set(active_at(index))
            # The cell's own two hostings bound the interval: it is among those who hosted.
            hosted = {s.host for s in counted if start <= s.index <= slot.index}
            skipped = throughout - hosted
            if skipped:
                found.append((slot.host, start, slot.index, sorted(skipped)))
        previous[slot.host] = slot.index
    return found
