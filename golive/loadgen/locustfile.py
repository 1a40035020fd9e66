"""The Locust scenario golive runs: users spread their requests over the profile's key endpoints.

Runs inside the ``locust`` subprocess only; the endpoints arrive as a JSON list of absolute URLs in
``GOLIVE_LOAD_URLS`` (so this file needs nothing of golive).
"""

import json
import os
import random

from locust import HttpUser, between, task

URLS = json.loads(os.environ["GOLIVE_LOAD_URLS"])
THINK_TIME_S = (float(os.environ.get("GOLIVE_LOAD_THINK_MIN_S", "0.05")), float(os.environ.get("GOLIVE_LOAD_THINK_MAX_S", "0.15")))


class KeyEndpointUser(HttpUser):
    wait_time = between(*THINK_TIME_S)

    def on_start(self) -> None:
        # every user walks all endpoints in turn, from its own starting point: even coverage even in short runs
        self.next_index = random.randrange(len(URLS))

    @task
    def visit_key_endpoint(self) -> None:
        url = URLS[self.next_index % len(URLS)]
        self.next_index += 1
        # one stats row per endpoint, named by its URL without the query string
        self.client.get(url, name=url.split("?", 1)[0], headers={"User-Agent": "golive-load/0.1"})
