"""Vietnamese first, English selectable, and both catalogues complete."""

import datetime
import re
import unicodedata
from html import unescape
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
SOURCES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("members/**/*.py"),
           *ROOT.glob("meetings/**/*.py"), *ROOT.glob("cellmeet/**/*.py")]  # fmt: skip
# {% translate "..." %} and _("...") / pgettext_lazy("ctx", "...") literals
PATTERNS = [
    re.compile(r'{%\s*translate\s+"([^"]+)"'),
    re.compile(r"{%\s*translate\s+'([^']+)'"),
    re.compile(r'(?<![\w.])_\(\s*((?:"[^"]*"\s*)+)[,)]'),
    re.compile(r'pgettext_lazy\(\s*"[^"]+",\s*((?:"[^"]*"\s*)+)\)'),
]
LITERAL = re.compile(r'"([^"]*)"')


def source_strings():
    found = set()
    for path in SOURCES:
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for match in pattern.findall(text):
                # Adjacent literals ("a " "b") are one string, as Python reads them.
                parts = LITERAL.findall(match)
                found.add("".join(parts) if parts else match)
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_is_complete(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    # makemessages writes a literal % in a template string as %%.
    msgids = {entry.msgid.replace("%%", "%") for entry in catalogue}
    missing = source_strings() - msgids
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"
    for entry in catalogue.translated_entries():
        placeholders = re.compile(r"%\(\w+\)s|{{ ?\w+ ?}}")
        assert sorted(placeholders.findall(entry.msgid)) == sorted(
            placeholders.findall(entry.msgstr or entry.msgstr_plural.get(0, ""))
        ), entry.msgid


def test_login_page_is_vietnamese_even_for_an_english_browser(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page.content.decode()
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập" in text and '<html lang="vi">' in text


def test_user_can_switch_to_english_and_back(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get(reverse("login")).content.decode()
    assert "Log in" in text and "Đăng nhập" not in text
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()


def test_django_messages_are_vietnamese_too(client, db):
    page = client.post(reverse("login"), {"username": "khong-co", "password": "sai"})
    assert "tên đăng nhập" in page.content.decode().lower()


VIETNAMESE = re.compile(
    r"\w*[ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]\w*", re.I
)


def _generated_vietnamese(html, typed):
    """Words with Vietnamese letters on a page, once the text people typed (names,
    places, the minutes' content) is taken out."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = unicodedata.normalize("NFC", unescape(re.sub(r"<[^>]+>", " ", html)))
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(unicodedata.normalize("NFC", value), " ")
    return sorted(set(VIETNAMESE.findall(text)))


def test_english_pages_show_no_generated_vietnamese(client, cell_people, tree, rating_templates):
    """A signed model meeting with its ratings and log, the organisation's log, the
    member's page, the staff home page, the dashboard and the grid, read in English:
    what is left in Vietnamese is only what people typed, and proper names."""
    from meetings.models import AgendaItem
    from meetings.rotation_plan import ratings
    from meetings.rotation_plan import services as rotation_services
    from members.models import AuditEvent, Member, Organisation
    from tests.factories import make_user
    from tests.meetings.conftest import signed_meeting
    from tests.meetings.rotation_plan.test_rotation_plan import held_model_meeting

    staff = make_user(tree["district"], username="clerk_en")
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    model = held_model_meeting(staff, tree["a"], datetime.date(2018, 2, 5))
    ratings.rate_meeting(
        actor=staff, meeting=model, role="superior",
        scores={"preparation": 18, "attendance": 9, "conduct": 40, "principles": 14,
                "reports": 9},
    )  # fmt: skip
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2018)
    typed = {
        *Organisation.objects.values_list("name", flat=True),
        *Member.objects.values_list("full_name", flat=True),
        *AgendaItem.objects.values_list("title", flat=True),
        *AgendaItem.objects.values_list("content", flat=True),
        meeting.place,
        meeting.conclusion,
        "Thông qua nghị quyết",
        "Chương trình",
        "Nhà văn hóa thôn",
        "Thanh Thủy",
        "Thanh Sơn",
        "Nghệ An",
        "Tiếng Việt",  # the language's own name in the menu
        *Member.objects.values_list("ethnicity", flat=True),
    }
    typed.discard("")
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pages = {
        "meeting": reverse("meetings:meeting_detail", args=[meeting.pk]),
        "model meeting": reverse("meetings:meeting_detail", args=[model.pk]),
        "home": reverse("home"),
        "dashboard": reverse("meetings:compliance", args=[tree["district"].pk])
        + "?year=2018&quarter=1&group="
        + str(tree["x"].pk),
        "grid": reverse("meetings:rotation", args=[tree["district"].pk]) + "?year=2018",
        "log": reverse("members:audit_log", args=[tree["a"].pk]),
        "member": cell_people["secretary"].get_absolute_url(),
        "verify": reverse("meetings:verify_code", args=[meeting.record.minutes_code]),
    }
    assert AuditEvent.objects.filter(organisation=tree["a"]).exclude(message="").exists()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert _generated_vietnamese(response.content.decode(), typed) == [], name


def test_admin_labels_are_translated(admin_client, cell_people):
    """Fields without a label showed Django's English default ("Cell name", "Version",
    "Period", "Chair name") on Vietnamese pages."""
    from tests.meetings.conftest import held_meeting

    meeting = held_meeting.__wrapped__(cell_people)
    for url in (
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:members_organisation_change", args=[cell_people["cell"].pk]),
        reverse("admin:members_member_change", args=[cell_people["secretary"].pk]),
    ):
        labels = re.findall(r"<label[^>]*>([^<]+)<", admin_client.get(url).content.decode())
        english = [label for label in labels if re.fullmatch(r"[A-Za-z ]+:?", label.strip())]
        assert english == [], url
