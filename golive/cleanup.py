"""Replaying the ledger: undos go only to the env that recorded them, as the roles that created the
data (logged in again, never a stored token), and sweeps find by run tag what a crash left unnamed.

Used by the ``compensate`` fixture at teardown and by ``golive cleanup`` after a crash. Before
anything is sent, every entry is checked against the env: recorded by it, aimed at one of its
profile's services (scheme, host and port) or at its own bucket. Anything else is refused and
reported; no credential ever leaves for a URL the env does not name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from golive.ledger import (
    PAYMENT_SERVICE,
    SETTLE_PAYMENT_LINK,
    STORAGE_SERVICE,
    Ledger,
    Pending,
    Sweep,
    Undo,
    origin,
    run_undos,
    s3_target,
)

#: role -> a bearer token for it (a fresh login)
TokenFor = Callable[[str], dict[str, str]]  # role -> its credential as headers
#: ``(method, url, headers, json)`` -> the answer's status and JSON body (None when not JSON)
Send = Callable[[str, str, dict[str, str], Any], tuple[int, Any]]


@dataclass(frozen=True)
class Target:
    """What an env may be sent undos to: its services by name, and its object store."""

    env: str
    services: dict[str, str]  # name -> base URL
    buckets: frozenset[str] = frozenset()

    def service_of(self, url: str) -> str:
        """The name of the env's service ``url`` belongs to ("" when none)."""
        if url.startswith("s3://"):
            return STORAGE_SERVICE if s3_target(url)[0] in self.buckets else ""
        return next((name for name, base in self.services.items() if origin(base) == origin(url)), "")

    def refusal(self, env: str, service: str, url: str) -> str | None:
        """Why an undo recorded by ``env`` for ``service`` may not be sent to ``url`` (None: it may)."""
        if env != self.env:
            return f"recorded by env {env or '(none)'!r}, not {self.env!r}"
        if url.startswith("s3://"):
            bucket = s3_target(url)[0]
            return None if bucket in self.buckets else f"bucket {bucket!r} is not one of env {self.env!r}'s buckets"
        if service not in self.services:
            return f"service {service or '(none)'!r} is not a service of env {self.env!r}"
        if origin(self.services[service]) != origin(url):
            scheme, host, port = origin(self.services[service])
            return f"{url} is not on service {service} of env {self.env!r} ({scheme}://{host}:{port})"
        return None


@dataclass
class Replayer:
    """Sends undos for one env. ``delete_s3(bucket, key)`` removes every version of a key."""

    target: Target
    send_http: Send
    # role -> the role's credential as headers (a re-login: golive.auth.Credential.headers())
    credential_headers: TokenFor
    delete_s3: Callable[[str, str], int] | None = None
    # subject -> the signed link the target issues for it now (undos of signed links)
    link_for: Callable[[str], str] | None = None
    # payment link URL -> its settlement at Razorpay (refund if paid, else cancel), as an HTTP status
    settle_link: Callable[[str], int] | None = None
    # a payment-link listing URL -> the links it lists (read with the env's Razorpay key)
    list_links: Callable[[str], list[Any]] | None = None

    def refusals(self, pending: list[Pending]) -> dict[str, str]:
        """Intent id -> why its undo may not be sent (one line naming it)."""
        lines = {}
        for item in pending:
            for url in self._urls(item):
                reason = self.target.refusal(item.env, item.service, url)
                if reason:
                    lines[item.intent_id] = f"{item.description}: refused, {reason}"
                    break
        return lines

    def _urls(self, item: Pending) -> list[str]:
        if item.undo is not None and item.undo.subject is not None:  # checked again once the link is issued
            return [self.target.services.get(item.service, "")]
        if item.undo is not None:
            return [item.undo.url]
        if item.sweep is not None:
            return [item.sweep.list_url, item.sweep.undo_url.replace("{id}", "x")]
        return []

    def _send(self, undo: Undo) -> int:
        if undo.subject is not None:
            if self.link_for is None:
                raise RuntimeError("the env's profile issues no signed links to undo this with")
            undo = replace(undo, url=self.link_for(undo.subject).rstrip("/") + undo.url, subject=None)
        reason = self.target.refusal(undo.env, undo.service, undo.url)
        if reason:  # checked again right before sending: nothing reaches a URL outside the env
            raise PermissionError(reason)
        if undo.url.startswith("s3://"):
            if self.delete_s3 is None:
                raise RuntimeError("the env has no storage section to delete the object with")
            bucket, key, _ = s3_target(undo.url)
            return self.delete_s3(bucket, key)
        if undo.method == SETTLE_PAYMENT_LINK:
            if self.settle_link is None:
                raise RuntimeError("the env's profile names no Razorpay account to settle the payment link with")
            return self.settle_link(undo.url)
        headers = self.credential_headers(undo.role) if undo.role else {}
        return self.send_http(undo.method, undo.url, headers, undo.json)[0]

    def expand(self, item: Pending) -> list[Undo]:
        """The undos of what ``item``'s sweep lists under its run tag."""
        sweep = item.sweep
        assert sweep is not None
        reason = self.target.refusal(item.env, item.service, sweep.list_url)
        if reason:
            raise PermissionError(reason)
        if sweep.undo_method == SETTLE_PAYMENT_LINK:  # payment links are listed with the env's Razorpay key
            if self.list_links is None:
                raise RuntimeError("the env's profile names no Razorpay account to list payment links with")
            rows: Any = self.list_links(sweep.list_url)
        else:
            headers = self.credential_headers(sweep.role) if sweep.role else {}
            status, body = self.send_http("GET", sweep.list_url, headers, None)
            if status != 200:
                raise RuntimeError(f"GET {sweep.list_url} answered HTTP {status}, expected 200")
            rows = body.get("items", []) if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise RuntimeError(f"GET {sweep.list_url} did not answer a list")
        return [self._undo_of(item, sweep, str(row[sweep.id_field]))
                for row in rows if isinstance(row, dict) and row.get(sweep.id_field) and sweep.matches(row)]

    @staticmethod
    def _undo_of(item: Pending, sweep: Sweep, found_id: str) -> Undo:
        return Undo(f"{item.description} (found by tag {item.tag}: {found_id})", sweep.undo_method,
                    sweep.undo_url.replace("{id}", found_id), sweep.role, None, sweep.ok, "", item.tag,
                    item.env, item.service, id=f"{item.intent_id}:{found_id}")

    def run(self, ledger: Ledger, pending: list[Pending], *, masked: str | None = None) -> list[str]:
        """Undo every pending create (refused ones are reported, not sent); the problems, one line each."""
        refused = self.refusals(pending)
        problems = list(refused.values())
        for item in pending:
            if item.intent_id in refused:
                continue
            if item.undo is not None:
                problems += run_undos(ledger, [replace(item.undo, id=item.intent_id)], self._send, masked=masked)
            elif item.sweep is not None:
                try:
                    undos = self.expand(item)
                except Exception as error:  # an unreachable list must not stop the other undos
                    problems.append(f"{item.description}: cannot look for it by tag {item.tag} ({error})")
                    continue
                failed = run_undos(ledger, undos, self._send, masked=masked)
                problems += failed
                if not failed:
                    ledger.settled(item.intent_id, done=True, outcome=f"swept: {len(undos)} found by tag")
            else:
                problems.append(f"{item.description}: may exist on {item.service} of env {item.env} with tag "
                                f"{item.tag}, and nothing lists it by tag; look for it by hand")
        return problems


def json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def target_of(env: str, profile: Any) -> Target:
    """The services and bucket of ``env``'s profile: the only places its undos may go."""
    storage = profile.storage or None
    services = {service.name: str(service.base_url) for service in profile.services}
    razorpay = (profile.integrations or None) and (profile.integrations.razorpay or None)
    if razorpay:  # payment links a person may pay are settled at the env's own Razorpay account
        services[PAYMENT_SERVICE] = str(razorpay.base_url)
    return Target(env, services, frozenset({storage.bucket}) if storage else frozenset())


def delete_every_version(s3: Any, bucket: str, key: str) -> int:
    """Remove ``key`` for good: each of its versions and delete markers (a plain delete on a
    versioned bucket only hides it). 204 when done, 404 when there was nothing to remove."""
    listing = s3.list_object_versions(Bucket=bucket, Prefix=key)
    versions = [entry for group in ("Versions", "DeleteMarkers") for entry in listing.get(group, [])
                if entry["Key"] == key]
    for entry in versions:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
    return 204 if versions else 404
