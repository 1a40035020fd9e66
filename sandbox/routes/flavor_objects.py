"""Objects users own, and the self-service profile update, on the consolidated and RealServ flavors.

The consolidated shop's customers own their orders; RealServ's customers own their delivery
addresses (IdentityService). Each customer account gets one seeded object at start-up. Reads,
changes and deletes load the object by id AND owner, so another customer gets 404; the profile
update (PATCH <me>) takes only the fields a user may set about themselves.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.settings import Settings

#: what a user may change about themselves; everything else in a PATCH is ignored
SELF_SERVICE_FIELDS = ("name", "phone")


@dataclass(frozen=True)
class OwnedKind:
    name: str  # "orders", "addresses"
    list_path: str
    owner_role: str
    editable: tuple[str, ...]  # fields the owner may PATCH
    seed: Callable[[str], dict[str, Any]]


def _order(owner: str) -> dict[str, Any]:
    return {"status": "placed", "amount": 129_900, "currency": "INR", "note": ""}


def _address(owner: str) -> dict[str, Any]:
    return {"label": "site", "line1": "12 MG Road", "city": "Bengaluru", "pincode": "560001", "note": ""}


#: the owned objects of each flavor (the paths are under the service prefix)
FLAVOR_OBJECTS: dict[str, OwnedKind] = {
    "consolidated": OwnedKind("orders", "/api/orders", "customer", ("note",), _order),
    "realserv": OwnedKind("addresses", "/api/addresses", "customer", ("note", "label"), _address),
}


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object body: 400 when it does not parse, 422 when it is not an object."""
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(400, "malformed JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(422, "expected a JSON object")
    return body


def build_router(settings: Settings, tokens: FlavorTokens, *, me_path: str, prefix: str = "") -> APIRouter:
    kind = FLAVOR_OBJECTS[settings.flavor]
    faults = settings.faults
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: {kind.name}"])
    lock = threading.Lock()
    objects: dict[str, dict[str, Any]] = {}
    profiles: dict[str, dict[str, Any]] = {}
    for user in settings.users:
        profiles[user.email] = {"email": user.email, "role": user.role, "name": "", "phone": ""}
        if user.role == kind.owner_role:
            object_id = f"{kind.name[:3]}_{secrets.token_hex(6)}"
            objects[object_id] = {"id": object_id, "owner": user.email, **kind.seed(user.email)}
    owner_guard = Depends(tokens.guard(kind.owner_role))
    item_path = kind.list_path + "/{object_id}"

    def load(object_id: str, account: Account) -> dict[str, Any]:
        found = objects.get(object_id)
        # by id AND owner: someone else's object does not exist for this caller
        if found is None or (found["owner"] != account.email
                             and not faults.active("flavor_objects_loaded_by_id_only")):
            raise HTTPException(404, f"no such {kind.name[:-1]}")
        return found

    @router.get(kind.list_path, dependencies=[owner_guard])
    def list_own(request: Request) -> list[dict[str, Any]]:
        account: Account = request.state.account
        with lock:
            return [dict(item) for item in objects.values() if item["owner"] == account.email]

    @router.get(item_path, dependencies=[owner_guard])
    def read(object_id: str, request: Request) -> dict[str, Any]:
        with lock:
            return dict(load(object_id, request.state.account))

    @router.patch(item_path, dependencies=[owner_guard])
    async def change(object_id: str, request: Request) -> dict[str, Any]:
        body = await json_object(request)
        with lock:
            found = load(object_id, request.state.account)
            found.update({key: str(value)[:200] for key, value in body.items() if key in kind.editable})
            return dict(found)

    @router.delete(item_path, dependencies=[owner_guard], status_code=204)
    def delete(object_id: str, request: Request) -> Response:
        with lock:
            load(object_id, request.state.account)
            del objects[object_id]
        # no body at all: a 204 that carries "null" leaves bytes on a kept-alive connection
        return Response(status_code=204)

    @router.patch(me_path, dependencies=[Depends(tokens.guard())])
    async def update_me(request: Request) -> dict[str, Any]:
        body = await json_object(request)
        account: Account = request.state.account
        allowed = SELF_SERVICE_FIELDS
        if faults.active("flavor_profile_update_mass_assignment"):
            allowed = (*SELF_SERVICE_FIELDS, "role")  # the DTO was bound straight onto the user entity
        with lock:
            profile = profiles.setdefault(account.email, {"email": account.email, "role": account.role,
                                                          "name": "", "phone": ""})
            profile.update({key: value for key, value in body.items() if key in allowed})
            return dict(profile)

    return router


def node_object_routers(settings: Settings) -> list[APIRouter]:
    if settings.flavor not in FLAVOR_OBJECTS or settings.flavor == "realserv":
        return []
    # the same issuer, audience, key id and secret as flavor_paths.node_api: its tokens pass here
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=Accounts(settings.users).roles)
    return [build_router(settings, tokens, me_path="/api/me")]
