"""FAMHP Connect API (``/api/v1``), authenticated by an organisation's API key in the ``X-API-Key`` header. Two
ways to ask who is calling: ``/whoami`` and ``/organisation`` (another shape, as another deployment may offer).

Rate-limited (429 with Retry-After): calls per key, and refused calls per client address, which stops someone
guessing keys; once an address is over its limit for refused calls, no key is even looked up."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from stack.apps.services.api_callers import Caller
from stack.apps.services.container import services
from stack.apps.web.refusals import ApiError

router = APIRouter(prefix="/api/v1")
HEADER = "X-API-Key"


@router.get("/whoami")
async def whoami(request: Request) -> JSONResponse:
    caller = await _caller(request)
    return JSONResponse(
        {
            "organization": {"id": caller.organization_id, "name": caller.organization_name},
            "key": {"name": caller.name, "prefix": caller.prefix},
        }
    )


@router.get("/organisation")
async def organisation(request: Request) -> JSONResponse:
    caller = await _caller(request)
    return JSONResponse({"name": caller.organization_name, "apiKey": {"name": caller.name, "prefix": caller.prefix}})


async def _caller(request: Request) -> Caller:
    """From memory when the key was seen before; else the database look-up runs in the thread pool, never on the
    event loop. "Last used" is noted in memory and written by a thread of its own."""
    limits = services(request).rate_limits
    client = request.client.host if request.client else "unknown"
    limits.api_failures.check(client)
    secret = request.headers.get(HEADER, "").strip()
    if not secret:
        limits.api_failures.hit(client)
        raise ApiError(401, "missing_api_key", f"Send the API key in the {HEADER} header.")
    callers = services(request).api_callers
    caller = callers.known(secret) or await run_in_threadpool(callers.look_up, secret)
    if caller is None:
        limits.api_failures.hit(client)
        # one answer for unknown and revoked keys: a caller learns nothing about other keys
        raise ApiError(401, "invalid_api_key", "The API key is unknown or has been revoked.")
    limits.api_key.hit(caller.key_id)
    callers.used(caller)
    return caller
