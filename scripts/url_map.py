"""Print every page's URL, its view and the module and template that hold its code, as
the Markdown table of docs/architecture.md (`python scripts/url_map.py`)."""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402


def patterns(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name, entry.callback


def rows():
    for url, name, callback in patterns(get_resolver()):
        view = getattr(callback, "view_class", callback)
        template = getattr(view, "template_name", None) or ""
        yield f"/{url}", name, view.__module__, view.__qualname__, template


if __name__ == "__main__":
    print("| URL | name | module | view | template |")
    print("|---|---|---|---|---|")
    for url, name, module, view, template in rows():
        print(
            f"| `{url}` | `{name}` | `{module}` | `{view}` | {f'`{template}`' if template else '—'} |"
        )
