"""Vietnamese first, English selectable, and both catalogues complete."""

import re
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
