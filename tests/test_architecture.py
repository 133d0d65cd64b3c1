"""The code keeps its layers: imports flow one way, and the architecture guide lists
every page."""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[1]

# Each module's layer: a module imports from its own layer and the ones before it, never
# from a later one (docs/architecture.md). Within a layer, cycles are the module's own.
# A module's layer is its file name's ("meetings/rotation_plan/services.py": services);
# the packages below decide for every module inside them ("meetings/models/notices.py":
# models), and a package's own name decides for a module named after nothing in LAYERS
# ("cellmeet/demo/places.py": demo).
LAYERS = [
    # 0. names and pure rules: no database
    {"enums", "text", "logtext", "counting", "rotation", "signals", "inputs", "runtime",
     "formats", "periods"},
    # 1. models, their querysets, and the revisions every write raises
    {"models", "querysets", "revisions"},
    # 2. reading and rules over the database, caches, document layout
    {"selectors", "permissions", "workflow", "history", "tree_then", "figures", "content",
     "pdf", "layout", "checks", "jobs"},
    # 3. writing: services, each audited
    {"services", "attachments", "reminders", "ratings", "operations", "snapshot", "roles",
     "rows", "writing", "files", "exports", "book", "books", "attention", "demo", "lockout"},
    # 4. presentation helpers: forms, template tags, tables, the auth backend
    {"forms", "tables", "context_processors", "auth", "templatetags"},
    # 5. entry points: views, URLs, admin, middleware, commands
    {"views", "part_views", "tasks", "urls", "admin", "middleware", "errors", "management", "apps",
     "settings", "wsgi", "asgi", "conf"},
]  # fmt: skip
# Packages whose every module has the package's layer, whatever its file name.
PACKAGES = {"models": 1, "templatetags": 4, "management": 5, "demo": 3}
APPS = ("cellmeet", "members", "meetings")


def layer_of(dotted):
    """The layer of a module named like "meetings.rotation_plan.services"."""
    parts = dotted.split(".")[1:]
    for part in parts:
        if part in PACKAGES:
            return PACKAGES[part]
    for part in reversed(parts):
        for rank, names in enumerate(LAYERS):
            if part in names:
                return rank
    return None


def modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "__init__.py":
                continue
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield dotted, path


def _is_module(dotted):
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in APPS:
                # "from meetings.minutes import services": the module imported is
                # meetings.minutes.services, not the package
                for alias in node.names:
                    inner = f"{node.module}.{alias.name}"
                    yield (inner if _is_module(inner) else node.module), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in APPS:
                    yield alias.name, node.lineno


def test_every_module_has_a_layer():
    assert [dotted for dotted, _ in modules() if layer_of(dotted) is None] == []


def test_imports_flow_one_way():
    """enums → models → selectors and rules → services → forms → views: a module that
    imports from a later layer fails, with the line."""
    wrong = []
    for dotted, path in modules():
        own = layer_of(dotted)
        for imported, line in imports(path):
            theirs = layer_of(imported)
            if theirs is not None and theirs > own:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({dotted}, layer {own}) "
                             f"imports {imported} (layer {theirs})")  # fmt: skip
    assert wrong == []


def _names(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_the_architecture_guide_lists_every_page():
    """docs/architecture.md maps each URL to its module, view and template
    (`python scripts/url_map.py` prints the table again)."""
    guide = (ROOT / "docs" / "architecture.md").read_text()
    assert [name for name in _names(get_resolver()) if f"`{name}`" not in guide] == []
