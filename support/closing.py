"""A base for the library's clients that hold connections: `with Client(...) as client:` closes it."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosedOnExit:
    """Gives `close()` a `with` block; subclasses implement `close()`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
