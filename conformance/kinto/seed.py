"""Seed a fresh Kinto through its own HTTP API: the throwaway accounts of kinto.env, and a bucket,
collection and record owned by the first user (for golive's object-level checks).

Run by the conformance tier once the server is ready, with the env file's values and
GOLIVE_TARGET_URL in the environment.
"""

from __future__ import annotations

import os
import sys

import httpx

url = os.environ["GOLIVE_TARGET_URL"] + "/v1"
accounts = {
    os.environ["APP_ADMIN_USERNAME"]: os.environ["APP_ADMIN_PASSWORD"],
    os.environ["APP_USER_USERNAME"]: os.environ["APP_USER_PASSWORD"],
    os.environ["APP_USER2_USERNAME"]: os.environ["APP_USER2_PASSWORD"],
}
admin = (os.environ["APP_ADMIN_USERNAME"], os.environ["APP_ADMIN_PASSWORD"])
user1 = (os.environ["APP_USER_USERNAME"], os.environ["APP_USER_PASSWORD"])
bucket = os.environ["APP_USER_BUCKET"]


def expect(response: httpx.Response, *statuses: int) -> dict:
    if response.status_code not in statuses:
        sys.exit(f"seed: {response.request.method} {response.request.url} answered {response.status_code}: "
                 f"{response.text[:300]}")
    return response.json()


with httpx.Client(timeout=10) as client:
    for username, password in accounts.items():
        # account_create_principals = system.Everyone: anyone signs up; each account is its own writer
        expect(client.put(f"{url}/accounts/{username}", json={"data": {"password": password}}), 201)
    # bucket_create_principals = account:admin: the admin creates user 1's bucket and hands it over
    expect(client.put(f"{url}/buckets/{bucket}", auth=admin,
                      json={"permissions": {"write": [f"account:{user1[0]}"]}}), 201)
    expect(client.put(f"{url}/buckets/{bucket}/collections/notes", auth=user1, json={}), 201)
    expect(client.post(f"{url}/buckets/{bucket}/collections/notes/records", auth=user1,
                       json={"data": {"title": "seeded by the conformance tier"}}), 201)
