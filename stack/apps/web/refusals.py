"""Refusals the pages, the JSON APIs and the services raise; error_responses.py turns them into responses."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class Forbidden(Exception):
    """The signed-in user may not do this (missing role, foreign organisation, bad CSRF token)."""

    def __init__(self, message: str, title: str = "Access denied") -> None:
        self.message = message
        self.title = title
        super().__init__(message)


class NotFound(Exception):
    """The thing asked for does not exist (or is not visible to this user)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ApiError(Exception):
    """A JSON API refusal: ``{"error": code, "message": ...}`` with optional per-field messages."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        super().__init__(message)

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


class RateLimited(Exception):
    """Too many requests (HTTP 429); ``retry_after`` is the number of seconds until the next one is allowed."""

    def __init__(self, what: str, retry_after: int) -> None:
        self.what = what
        self.retry_after = retry_after
        super().__init__(f"Too many {what}. Try again in {retry_after} seconds.")


class ValidationFailed(Exception):
    """Input broke a rule; ``fields`` maps each form field to the message shown next to it."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
