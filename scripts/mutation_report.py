"""After `mutmut run`: count the mutants of each rule module by outcome and fail when one
survived (or was never tested). Run by `make mutation`."""

import subprocess
import sys
from collections import Counter, defaultdict

# Mutants that cannot change any result, with the reason (docs/testing.md). Their numbers
# follow the code: after a change to the line, check them again with `mutmut show`.
EQUIVALENT = {
    "meetings.rotation.x_violations__mutmut_36": "the interval's first slot is the cell's "
    "own earlier hosting; counting it among those who hosted or not, its last slot (the "
    "cell again) is counted",
    "meetings.rotation.x_violations__mutmut_37": "the same at the other end: the interval's "
    "last slot is the cell's own, and its first slot counts it already",
    "meetings.content.x_canonical_text__mutmut_2": "json.dumps reads ensure_ascii as true "
    "or false only: None, like False, writes the Vietnamese letters as they are",
}


def main():
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    outcomes = defaultdict(Counter)
    bad = []
    for line in out.splitlines():
        name, _, outcome = line.strip().rpartition(": ")
        if not name.startswith("meetings."):
            continue
        module = name.split(".x")[0].split(".xǁ")[0]
        if outcome == "survived" and name in EQUIVALENT:
            outcome = "equivalent"
        outcomes[module][outcome] += 1
        if outcome not in ("killed", "timeout", "equivalent"):
            bad.append(f"{name}: {outcome}")
    for module, counts in sorted(outcomes.items()):
        total = sum(counts.values())
        killed = counts["killed"] + counts["timeout"]
        print(f"{module}: {killed} of {total} mutants killed, {counts['equivalent']} "
              f"equivalent ({dict(counts)})")  # fmt: skip
    if bad:
        print("\nNot killed (a test to add, or an equivalent mutant to write out of the code):")
        print("\n".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
