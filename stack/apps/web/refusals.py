"""Refusals the pages, the JSON APIs and the services raise; error_responses.py turns them into responses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import JSONResponse

from stack.apps.i18n import Message

Text = str | Message


class Forbidden(Exception):
    """The signed-in user may not do this (missing role, foreign organisation, bad CSRF token)."""

    def __init__(self, message: Message, title: Message | None = None) -> None:
        self.message = message
        self.title = title or Message("error.access_denied")
        super().__init__(message.key)


class NotFound(Exception):
    """The thing asked for does not exist (or is not visible to this user)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.key)


class ApiError(Exception):
    """A JSON API refusal: ``{"error": code, "message": ...}`` with optional per-field messages."""

    def __init__(self, status: int, code: str, message: Text, fields: Mapping[str, Text] | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        super().__init__(message if isinstance(message, str) else message.key)

    def response(self, say: Callable[[Text], str]) -> JSONResponse:
        """The JSON answer, its texts said by `say` (in the request's language)."""
        body: dict[str, Any] = {"error": self.code, "message": say(self.message)}
        if self.fields:
            body["fields"] = {name: say(text) for name, text in self.fields.items()}
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


class RateLimited(Exception):
    """Too many requests (HTTP 429); ``retry_after`` is the number of seconds until the next one is allowed."""

    def __init__(self, what: str, retry_after: int) -> None:
        self.what = what
        self.retry_after = retry_after
        super().__init__(f"Too many {what}. Try again in {retry_after} seconds.")


class ValidationFailed(Exception):
    """Input broke a rule; ``fields`` maps each form field to the message shown next to it (in the reader's
    language)."""

    def __init__(self, fields: dict[str, Message]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{name}: {message.key}" for name, message in fields.items()))
