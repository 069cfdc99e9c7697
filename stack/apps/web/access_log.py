"""The server's access log without what a URL may carry that is secret or not ours to repeat: no query string (an
OAuth code, a `state`, an `error_description` anyone can write) and no invitation token (a link that still works)."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_INVITATION_TOKEN = re.compile(r"^(/invitations/)[^/?]+")


def loggable_path(path_with_query: str) -> str:
    path = path_with_query.split("?", 1)[0]
    return _INVITATION_TOKEN.sub(r"\1…", path)


class _WithoutSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client address, method, path with query, HTTP version, status)
        if isinstance(record.args, tuple) and len(record.args) == 5 and isinstance(record.args[2], str):
            record.args = (*record.args[:2], loggable_path(record.args[2]), *record.args[3:])
        return True


def install_access_log_filter() -> None:
    """Once per process: the access logger's records lose query strings and invitation tokens."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, _WithoutSecrets) for existing in logger.filters):
        logger.addFilter(_WithoutSecrets())
