"""The target's API description (OpenAPI 3), fetched as the profile says, as an operation inventory.

Sweeping checks take endpoints from here so that users need not list every route in the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from golive import expect
from golive.http import HttpClient
from golive.outcomes import CheckFailed, unverified
from golive.probes import openapi
from golive.profile import Profile

CredentialFor = Callable[[str], httpx.Auth]  # role -> its credential (golive.auth.Credential)


def parse_document(text: str) -> Any:
    """An OpenAPI document in JSON or YAML (JSON is YAML, so one parser reads both)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def operations(profile: Profile, http: HttpClient, credential: CredentialFor) -> list[openapi.Operation]:
    """Every operation of the document named by ``profile.openapi`` (a path on a service, or a file)."""
    spec = profile.openapi
    assert spec, "callers check profile.openapi first (required, or `if profile.openapi`)"
    if not spec.source.startswith("/"):
        document = parse_document(Path(spec.source).read_text(encoding="utf-8"))
        return _inventory(document, spec.exclude, where=spec.source)
    response = http.get(profile.service(spec.service).url(spec.source),
                        auth=credential(spec.role) if spec.role else None)
    expect.status(response, 200, "the OpenAPI document named in the profile is not served",
                  fix="fix openapi.source in the profile or serve the document to that role")
    try:
        document = parse_document(response.text)
    except yaml.YAMLError:
        document = None
    if not isinstance(document, dict):
        raise CheckFailed("the OpenAPI document named in the profile is neither JSON nor YAML",
                          expected="an OpenAPI 3 document", found=expect.snippet(response) or "an empty body",
                          where=expect.where(response))
    return _inventory(document, spec.exclude, where=expect.where(response))


def _inventory(document: Any, exclude: list[str], *, where: str) -> list[openapi.Operation]:
    """The operations, or unverified: a document golive cannot read proves nothing about the system."""
    if isinstance(document, dict) and str(document.get("swagger", "")).startswith("2"):
        unverified(f"the API description at {where} is Swagger {document['swagger']}; golive reads OpenAPI 3 "
                   "(point openapi.source at an OpenAPI 3 document, e.g. converted with swagger2openapi)")
    try:
        return [op for op in openapi.inventory(document) if op.path not in exclude]
    except ValueError as error:
        unverified(f"the API description at {where} is not OpenAPI 3: {error}")
        raise  # unverified() raised already


def example_path(operation: openapi.Operation) -> str:
    """The operation's path with each path parameter set to its example (or a harmless placeholder)."""
    path = operation.path
    for parameter in operation.params_in("path"):
        placeholder = "1" if parameter.type in ("integer", "number") else "golive1"
        path = path.replace("{" + parameter.name + "}", str(parameter.example or placeholder))
    return path
