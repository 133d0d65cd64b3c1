"""Simulated users for the load test (scripts/load_test.py writes their accounts and
logs them in beforehand: each user starts with its own session).

Secretaries open their home page, their cell's meetings and members, read a signed
minutes and type into the minutes editor (its autosave); district staff watch the
compliance dashboard and the rotation grid, browse the tree and search members; five
more secretaries send meeting notices to about 100 members each (the emails go out from
the job workers, through a slow mail server).
"""

import json
import os
import random
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["CELLMEET_LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
SEARCHES = ["thi huong", "nguyen van", "seo", "hoang", "ly thi", "giang"]


class CellmeetUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    pool = []

    def on_start(self):
        self.account = self.pool.pop()
        # As the server set them (host-only cookies of this host), so that none is doubled.
        host = urlsplit(self.host).hostname
        for name, value in self.account["cookies"].items():
            self.client.cookies.set(name, value, domain=host, path="/")

    def csrf(self):
        return {"X-CSRFToken": self.account["cookies"]["csrftoken"]}

    def request(self, method, url, name, **kwargs):
        """A request that fails if it lands on the login page (a lost session)."""
        with self.client.request(method, url, name=name, catch_response=True,
                                 **kwargs) as response:  # fmt: skip
            if "/accounts/login/" in response.url:
                response.failure("sent to the login page")


class Secretary(CellmeetUser):
    fixed_count = 50
    pool = ACCOUNTS["secretaries"]

    @task(3)
    def home(self):
        self.request("GET", "/", "secretary home")

    @task(2)
    def meetings(self):
        self.request("GET", f"/orgs/{self.account['cell']}/meetings/", "cell meetings")

    @task(2)
    def signed_minutes(self):
        self.request("GET", f"/meetings/{self.account['signed']}/", "meeting page")

    @task(1)
    def members(self):
        self.request("GET", f"/orgs/{self.account['cell']}/members/", "cell members")

    @task(4)
    def autosave(self):
        text = "Chi bộ thống nhất nghị quyết tháng 1. " * random.randint(5, 40)
        self.request(
            "POST",
            f"/meetings/{self.account['held']}/minutes/draft/",
            "minutes autosave",
            data=json.dumps({"version": self.account["version"], "data": {"conclusion": text}}),
            headers={**self.csrf(), "Content-Type": "application/json"},
        )


class DistrictStaff(CellmeetUser):
    fixed_count = 5
    pool = ACCOUNTS["staff"]

    @task(2)
    def compliance(self):
        self.request(
            "GET",
            f"/orgs/{ACCOUNTS['district']}/compliance/?year=2018&quarter=4",
            "compliance dashboard",
        )

    @task(1)
    def rotation(self):
        self.request("GET", f"/orgs/{ACCOUNTS['district']}/rotation/?year=2018", "rotation grid")

    @task(1)
    def tree(self):
        self.request("GET", "/orgs/", "organisation tree")

    @task(2)
    def search(self):
        self.request(
            "GET",
            f"/orgs/{ACCOUNTS['district']}/members/",
            "member search",
            params={"q": random.choice(SEARCHES)},
        )


class NoticeSender(CellmeetUser):
    fixed_count = 5
    pool = ACCOUNTS["senders"]
    wait_time = between(2, 4)

    def on_start(self):
        super().on_start()
        self.waiting = list(self.account["meetings"])

    @task
    def send_notice(self):
        if not self.waiting:
            self.request("GET", "/", "secretary home")
            return
        url = f"/meetings/{self.waiting.pop(0)}/notice/"
        self.request("GET", url, "notice page")
        self.request("POST", url, "notice sent (100 recipients)",
                     data={"message": "Đề nghị các đồng chí dự họp đầy đủ."},
                     headers=self.csrf())  # fmt: skip
