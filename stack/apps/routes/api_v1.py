"""FAMHP Connect API (``/api/v1``), authenticated by an organisation's API key in the ``X-API-Key`` header. Two
ways to ask who is calling: ``/whoami`` and ``/organisation`` (another shape, as another deployment may offer).

Rate-limited (429 with Retry-After): calls per key, and refused calls per client address, which stops someone
guessing keys; once an address is over its limit for refused calls, no key is even looked up."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from stack.apps.models import ApiKey
from stack.apps.services import api_keys
from stack.apps.services.container import services
from stack.apps.web.refusals import ApiError

router = APIRouter(prefix="/api/v1")
HEADER = "X-API-Key"


@router.get("/whoami")
async def whoami(request: Request) -> JSONResponse:
    key = _caller(request)
    return JSONResponse(
        {
            "organization": {"id": key.organization_id, "name": key.organization_name},
            "key": {"name": key.name, "prefix": key.prefix},
        }
    )


@router.get("/organisation")
async def organisation(request: Request) -> JSONResponse:
    key = _caller(request)
    return JSONResponse({"name": key.organization_name, "apiKey": {"name": key.name, "prefix": key.prefix}})


def _caller(request: Request) -> ApiKey:
    limits = services(request).rate_limits
    client = request.client.host if request.client else "unknown"
    limits.api_failures.check(client)
    secret = request.headers.get(HEADER, "").strip()
    if not secret:
        limits.api_failures.hit(client)
        raise ApiError(401, "missing_api_key", f"Send the API key in the {HEADER} header.")
    with services(request).db() as db:
        key = api_keys.authenticate(db, secret)
        if key is None:
            limits.api_failures.hit(client)
            # one answer for unknown and revoked keys: a caller learns nothing about other keys
            raise ApiError(401, "invalid_api_key", "The API key is unknown or has been revoked.")
        db.expunge(key)  # read after the session closes
    limits.api_key.hit(key.id)
    return key
