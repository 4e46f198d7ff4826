"""Simulated users of the load test (scenario 6), run headless by benchmarks/load.py.

The plan (which account, which open and which referred cases) comes from the JSON file named in
BENCH_LOAD_PLAN, written by load.py from the bench database. Each simulated FM signs in once (on_start;
sign-in costs are measured separately by the sign-in storm) and then works through a realistic mix with a
short think time: her start page, one of her case pages, the review inbox, and now and then a transition
(`start_clearing` of one of her referred cases: the form, then the POST). One simulated user in eight is a
pAp searching clients. Only loopback traffic.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import deque

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = PLAN["password"]
FMS = PLAN["fms"]  # [{"username", "open": [ids], "referred": [ids]}]
REFERRED = {fm["username"]: deque(fm["referred"]) for fm in FMS}
_next_fm = itertools.count()
SEARCH_TERMS = ["Müller", "Schmidt", "Weber", "Koch", "Becker", "K0000123", "Anna", "Huber"]
_VERSION = re.compile(r'name="version" value="(\d+)"')
LOG: list[list] = []  # [start epoch s, response ms, name, ok] of every request, written at the end


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    LOG.append([time.time() - response_time / 1000, response_time, name, exception is None])


@events.quitting.add_listener
def _dump(environment, **kwargs):
    out = os.environ.get("BENCH_LOAD_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(LOG, f)


class _SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)
    username = ""

    def sign_in(self, username: str) -> None:
        self.client.get("/anmelden/", name="/anmelden/ [GET]")
        token = self._csrf()
        with self.client.post(
            "/anmelden/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": ""},
            allow_redirects=False,
            name="/anmelden/ [POST]",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {username} answered {response.status_code}")

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""


class Fallmanagerin(_SignedIn):
    weight = 7

    def on_start(self) -> None:
        fm = FMS[next(_next_fm) % len(FMS)]
        self.username = fm["username"]
        self.open_cases = fm["open"]
        self.sign_in(self.username)

    @task(4)
    def start_page(self) -> None:
        self.client.get("/", name="/ (FM-Startseite)")

    @task(4)
    def case_page(self) -> None:
        self.client.get(f"/faelle/{random.choice(self.open_cases)}/", name="/faelle/<id>/")  # noqa: S311

    @task(2)
    def review_inbox(self) -> None:
        self.client.get("/pruefungen/", name="/pruefungen/")

    @task(1)
    def transition(self) -> None:
        pool = REFERRED[self.username]
        if not pool:
            self.case_page()
            return
        case_id = pool.popleft()
        url = f"/faelle/{case_id}/schritt/start_clearing/"
        page = self.client.get(url, name="/faelle/<id>/schritt/start_clearing/ [GET]")
        match = _VERSION.search(page.text or "")
        with self.client.post(
            url,
            data={
                "version": match.group(1) if match else "1",
                "date": "",
                "csrfmiddlewaretoken": self._csrf(),
            },
            allow_redirects=False,
            name="/faelle/<id>/schritt/start_clearing/ [POST]",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"transition answered {response.status_code}")


class Ansprechpartnerin(_SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(PLAN["pap"])

    @task(3)
    def search(self) -> None:
        self.client.get(f"/kunden/?q={random.choice(SEARCH_TERMS)}", name="/kunden/?q=")  # noqa: S311

    @task(1)
    def start_page(self) -> None:
        self.client.get("/", name="/ (pAp-Startseite)")
