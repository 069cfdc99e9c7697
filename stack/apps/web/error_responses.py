"""Turns refusals into responses: an HTML error page for browsers, JSON for the APIs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from stack.apps.i18n import Message
from stack.apps.web.refusals import ApiError, Forbidden, NotFound, RateLimited
from stack.apps.web.templating import render, say


def _render_error(request: Request, status: int, title: Message, message: Message, kind: str) -> Response:
    context = {"title": title, "message": message, "kind": kind}
    return render(request, "error.html", context, status_code=status)


def _json(request: Request, error: ApiError) -> Response:
    return error.response(lambda text: say(request, text))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/famhp-connect/api/"))


def install_error_handlers(app: FastAPI) -> None:
    async def forbidden(request: Request, error: Exception) -> Response:
        assert isinstance(error, Forbidden)
        if _wants_json(request):
            return _json(request, ApiError(403, "forbidden", error.message))
        return _render_error(request, 403, error.title, error.message, "forbidden")

    async def not_found(request: Request, error: Exception) -> Response:
        assert isinstance(error, NotFound)
        if _wants_json(request):
            return _json(request, ApiError(404, "not_found", error.message))
        return _render_error(request, 404, Message("error.page_not_found"), error.message, "not-found")

    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return _json(request, error)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if _wants_json(request):
            return _json(request, ApiError(error.status_code, "http_error", str(error.detail)))
        if error.status_code == 404:
            return _render_error(
                request, 404, Message("error.page_not_found"), Message("error.no_such_page"), "not-found"
            )
        refused = Message("error.request_refused")
        return _render_error(request, error.status_code, refused, Message("error.refused_request"), "error")

    async def validation_error(request: Request, error: Exception) -> Response:
        # only path/query parameters reach FastAPI's validation; forms are validated by hand
        if _wants_json(request):
            return _json(request, ApiError(422, "validation_failed", "The request is not valid."))
        refused = Message("error.request_refused")
        return _render_error(request, 400, refused, Message("error.invalid_request"), "error")

    async def rate_limited(request: Request, error: Exception) -> Response:
        assert isinstance(error, RateLimited)
        headers = {"Retry-After": str(error.retry_after)}
        if _wants_json(request):
            response = _json(request, ApiError(429, "rate_limited", str(error)))
        else:
            title, message = (
                Message("error.too_many_requests"),
                Message("error.rate_limited", seconds=error.retry_after),
            )
            response = _render_error(request, 429, title, message, "rate-limited")
        response.headers.update(headers)
        return response

    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(RateLimited, rate_limited)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
