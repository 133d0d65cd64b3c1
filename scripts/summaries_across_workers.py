"""A change made through one app server process shows at once through every other.

    scripts/summaries_across_workers.py http://127.0.0.1:8766

Against a running `make serve` (several gunicorn workers, each with its own cache of
summaries) on the demo data: district staff open the organisation tree often enough
for every worker to cache it, rename a commune committee through the edit form, and
open the tree again and again: every answer, whichever worker gives it, must show the
new name. The old name is put back at the end. Exits non-zero on any stale answer.
"""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request
from html.parser import HTMLParser

USERNAME, PASSWORD = "district", "demo12345"
COMMITTEE = "Đảng bộ xã Thanh Thủy"
REQUESTS = 20  # against 2 × cores + 1 workers, each sees several


class FormFields(HTMLParser):
    """The named inputs and selects (with their chosen option) of the page's main form."""

    def __init__(self):
        super().__init__()
        self.fields, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def main(base):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def get(path):
        with opener.open(base + path, timeout=60) as response:
            return response.read().decode()

    def post(path, data):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(base + path, data=body, headers={"Referer": base + path})
        with opener.open(request, timeout=60) as response:
            return response.read().decode()

    login = get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    post("/accounts/login/", {"username": USERNAME, "password": PASSWORD,
                              "csrfmiddlewaretoken": token})  # fmt: skip
    tree = get("/orgs/")
    pk = re.search(rf'href="/orgs/(\d+)/">{COMMITTEE}</a>', tree).group(1)
    for _n in range(REQUESTS):
        assert COMMITTEE in get("/orgs/"), "the tree lost the committee before any change"

    def rename(old, new):
        parser = FormFields()
        parser.feed(get(f"/orgs/{pk}/edit/"))
        fields = {**parser.fields, "name": new}
        assert parser.fields.get("name") == old, parser.fields
        post(f"/orgs/{pk}/edit/", fields)

    renamed = f"{COMMITTEE} (đổi tên thử)"
    rename(COMMITTEE, renamed)
    try:
        stale = sum(renamed not in get("/orgs/") for _n in range(REQUESTS))
    finally:
        rename(renamed, COMMITTEE)
    restored = sum(f"{COMMITTEE}</a>" not in get("/orgs/") for _n in range(REQUESTS))
    if stale or restored:
        sys.exit(f"stale trees: {stale} of {REQUESTS} after the rename, "
                 f"{restored} of {REQUESTS} after renaming back")  # fmt: skip
    print(f"{REQUESTS} trees after the rename and {REQUESTS} after renaming back: all current")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
