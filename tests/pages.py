"""Checks that every HTML page of the project must pass."""

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json"}


class _PageScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_inline_script = False
        self.post_form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"event attribute {name} on <{tag}>")
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        if tag == "style":
            self.problems.append("inline <style> element")
        inline = tag == "script" and not attrs.get("src")
        if inline and attrs.get("type") not in DATA_SCRIPT_TYPES:
            self.problems.append("inline <script>")
        for name in ("href", "src", "action"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} of <{tag}>")
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.post_form = {"action": attrs.get("action", ""), "token": False}
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.post_form:
            self.post_form["token"] = True

    def handle_endtag(self, tag):
        if tag == "form" and self.post_form is not None:
            if not self.post_form["token"]:
                self.problems.append(
                    f"POST form to {self.post_form['action']!r} without CSRF token"
                )
            self.post_form = None


def page_problems(response):
    """What in this page breaks the CSP (nothing inline) or CSRF (a token in every POST form)."""
    problems = []
    header = response.get("Content-Security-Policy", "")
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )
    for directive in ("script-src", "style-src"):
        if policy.get(directive) != "'self'":
            problems.append(f"{directive} is {policy.get(directive)!r} in {header!r}")
    scanner = _PageScanner()
    scanner.feed(response.content.decode())
    return problems + scanner.problems
