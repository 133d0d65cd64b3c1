"""Simulated users for the load test (scripts/load_test.py writes their accounts).

Secretaries open their home page, their cell's meetings and members, read a signed
minutes and type into the minutes editor (its autosave); district staff watch the
compliance dashboard and the rotation grid, browse the tree and search members.
"""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["CELLMEET_LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
PASSWORD = ACCOUNTS["password"]
SEARCHES = ["thi huong", "nguyen van", "seo", "hoang", "ly thi", "giang"]


class CellmeetUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    pool = []

    def on_start(self):
        self.account = self.pool.pop()
        self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.account["username"], "password": PASSWORD,
             "csrfmiddlewaretoken": self.client.cookies["csrftoken"]},
            name="log in",
        )  # fmt: skip
        if response.url.rstrip("/").endswith("/accounts/login"):
            response.failure(f"login refused for {self.account['username']}")

    def csrf(self):
        return {"X-CSRFToken": self.client.cookies["csrftoken"]}


class Secretary(CellmeetUser):
    fixed_count = 50
    pool = ACCOUNTS["secretaries"]

    @task(3)
    def home(self):
        self.client.get("/", name="secretary home")

    @task(2)
    def meetings(self):
        self.client.get(f"/orgs/{self.account['cell']}/meetings/", name="cell meetings")

    @task(2)
    def signed_minutes(self):
        self.client.get(f"/meetings/{self.account['signed']}/", name="meeting page")

    @task(1)
    def members(self):
        self.client.get(f"/orgs/{self.account['cell']}/members/", name="cell members")

    @task(4)
    def autosave(self):
        text = "Chi bộ thống nhất nghị quyết tháng 1. " * random.randint(5, 40)
        self.client.post(
            f"/meetings/{self.account['held']}/minutes/draft/",
            json.dumps({"version": self.account["version"], "data": {"conclusion": text}}),
            headers={**self.csrf(), "Content-Type": "application/json"},
            name="minutes autosave",
        )


class DistrictStaff(CellmeetUser):
    fixed_count = 5
    pool = ACCOUNTS["staff"]

    @task(2)
    def compliance(self):
        self.client.get(f"/orgs/{ACCOUNTS['district']}/compliance/?year=2018&quarter=4",
                        name="compliance dashboard")  # fmt: skip

    @task(1)
    def rotation(self):
        self.client.get(f"/orgs/{ACCOUNTS['district']}/rotation/?year=2018", name="rotation grid")

    @task(1)
    def tree(self):
        self.client.get("/orgs/", name="organisation tree")

    @task(2)
    def search(self):
        self.client.get(f"/orgs/{ACCOUNTS['district']}/members/",
                        params={"q": random.choice(SEARCHES)}, name="member search")  # fmt: skip
