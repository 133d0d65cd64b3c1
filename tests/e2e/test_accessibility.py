"""Readable in sunlight and by keyboard: axe-core's WCAG 2.1 AA rules over the main pages,
on a phone and on a desktop, with no critical or serious finding."""

import datetime
from pathlib import Path

import axe_playwright_python
import pytest
from django.urls import reverse

from tests.e2e.browsing import log_in
from tests.e2e.conftest import PHONE
from tests.meetings.conftest import meeting_held_on, signed_meeting, submitted_meeting

pytestmark = pytest.mark.e2e

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WIDTHS = {"phone": PHONE, "desktop": {"viewport": {"width": 1366, "height": 900}}}


def findings(page):
    """axe-core's critical and serious violations on the page as it is shown."""
    # Run through the DevTools protocol: the page's own CSP allows no inline script.
    page.evaluate(AXE)
    result = page.evaluate("(rules) => axe.run(document, rules)", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in v["nodes"][:4]
        )  # fmt: skip
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def report(problems):
    lines = [f"{name}: {finding}" for name, found in problems.items() for finding in found]
    assert not lines, "\n".join(lines)


@pytest.fixture
def meetings(cell_people):
    signed = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    submitted = submitted_meeting(cell_people, datetime.date(2018, 4, 5))
    held = meeting_held_on(cell_people, datetime.date(2018, 5, 5))
    return {"signed": signed, "submitted": submitted, "held": held}


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_the_main_pages_pass_wcag_21_aa(open_page, cell_people, meetings, width):
    page = open_page(**WIDTHS[width])
    page.goto("/accounts/login/")
    problems = {"login": findings(page)}
    log_in(page, cell_people["secretary_user"].username)
    cell = cell_people["cell"]
    signed, submitted = meetings["signed"], meetings["submitted"]
    pages = {
        "home": reverse("home"),
        "tree": reverse("members:organisation_tree"),
        "cell": cell.get_absolute_url(),
        "members": reverse("members:member_list", args=[cell.pk]),
        "member": cell_people["taker"].get_absolute_url(),
        "meetings": reverse("meetings:meeting_list", args=[cell.pk]),
        "meeting": reverse("meetings:meeting_detail", args=[signed.pk]),
        "submitted": reverse("meetings:meeting_detail", args=[submitted.pk]),
        "held": reverse("meetings:meeting_detail", args=[meetings["held"].pk]),
        "attendance": reverse("meetings:meeting_attendance", args=[meetings["held"].pk]),
        "frozen attendance": reverse("meetings:meeting_attendance", args=[submitted.pk]),
        "minutes": reverse("meetings:meeting_minutes", args=[meetings["held"].pk]),
        "screen": reverse("meetings:screen", args=[meetings["held"].pk]),
        "frozen screen": reverse("meetings:screen", args=[submitted.pk]),
        "sign": reverse("meetings:meeting_sign", args=[submitted.pk]),
        "verify": reverse("meetings:meeting_verify", args=[signed.pk]),
        "plan": reverse("meetings:meeting_create", args=[cell.pk]),
        "notifications": reverse("meetings:notifications"),
        "password": reverse("password_change"),
    }
    for name, url in pages.items():
        page.goto(url)
        if "screen" in name:  # drawn by its script from the device's copy
            page.wait_for_selector("#screen[data-ready='1']", state="attached")
        problems[name] = findings(page)
    report(problems)
    skip = page.locator("a.skip-link")
    assert skip.count() == 1 and skip.get_attribute("href") == "#main"


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_committee_pages_pass_wcag_21_aa(open_page, tree, personas, width):
    page = open_page(**WIDTHS[width])
    log_in(page, personas["staff_x"].username)
    problems = {}
    for name, url in {
        "home": reverse("home"),
        "committee": tree["x"].get_absolute_url(),
        "compliance": reverse("meetings:compliance", args=[tree["x"].pk]),
        "rotation": reverse("meetings:rotation", args=[tree["x"].pk]),
        "minute_book": reverse("meetings:minute_book", args=[tree["a"].pk]),
    }.items():
        page.goto(url)
        problems[name] = findings(page)
    report(problems)
