"""HTML is written in templates, where Django escapes it. The one table written in Python
(the member rows, members/templatetags/member_list.py) is held to its template by
tests/members/test_member_rows.py; nothing else marks a string safe."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("cellmeet", "members", "meetings")
FAST_PATH = "members/templatetags/member_list.py"
# Fixed markup holding no data, with the reason.
ALLOWED = {
    "meetings/documents/layout.py": "the layout process lays out one fixed line to load its fonts",
}
SAFE_CALLS = {"mark_safe", "format_html", "format_html_join", "SafeString"}
TAG = re.compile(r"<(div|span|td|tr|th|a|li|ul|p|table|select|option|nav|details)\b")


def sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path


def offences(name, path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            called = getattr(func, "id", None) or getattr(func, "attr", None)
            if called in SAFE_CALLS:
                yield f"{name}:{node.lineno}: {called}()"
        elif isinstance(node, ast.Constant) and TAG.search(str(node.value)):
            yield f"{name}:{node.lineno}: HTML in a string"


def test_no_html_is_built_in_python_but_the_member_rows():
    found = [
        o
        for name, path in sources()
        if name != FAST_PATH and name not in ALLOWED
        for o in offences(name, path)
    ]
    assert found == []


def test_the_check_finds_html_where_it_is():
    assert list(offences(FAST_PATH, ROOT / FAST_PATH))
