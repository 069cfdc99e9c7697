"""Many byte strings found (or replaced) in one pass: every form of every secret, searched with Aho-Corasick
(pyahocorasick) rather than once per form, since a full run holds hundreds of megabytes and thousands of forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

try:
    import ahocorasick
except ImportError:  # still correct without it, one regular-expression pass (minutes instead of seconds on a full run)
    ahocorasick = None


@dataclass(frozen=True)
class Needle:
    """One form of one secret: the bytes, the encoding that made them, and what the caller knows of the secret."""

    data: bytes
    encoding: str
    secret: Any = None


class Needles:
    """A set of needles, longest first: where two overlap, the longer one (a secret that contains another) wins."""

    def __init__(self, needles: Iterable[Needle]) -> None:
        unique: dict[bytes, Needle] = {}
        for needle in needles:
            if needle.data:
                unique.setdefault(needle.data, needle)
        self.items = sorted(unique.values(), key=lambda needle: len(needle.data), reverse=True)
        self._automaton: Any = None
        self._pattern: re.Pattern[bytes] | None = None
        if not self.items:
            return
        if ahocorasick is not None:
            automaton = ahocorasick.Automaton()
            for index, needle in enumerate(self.items):
                automaton.add_word(needle.data.decode("latin-1"), index)  # latin-1 maps each byte to one char
            automaton.make_automaton()
            self._automaton = automaton
        else:
            self._pattern = re.compile(b"|".join(re.escape(needle.data) for needle in self.items))

    def __len__(self) -> int:
        return len(self.items)

    def occurrences(self, data: bytes) -> list[tuple[Needle, int, int]]:
        """(needle, first offset, count) of every needle in the data, overlapping ones included, longest first."""
        first: dict[int, int] = {}
        counts: dict[int, int] = {}
        if self._automaton is not None:
            for end, index in self._automaton.iter(data.decode("latin-1")):
                counts[index] = counts.get(index, 0) + 1
                first.setdefault(index, end - len(self.items[index].data) + 1)
        elif self._pattern is not None:
            for index, needle in enumerate(self.items):
                offset = data.find(needle.data)
                if offset >= 0:
                    first[index], counts[index] = offset, data.count(needle.data)
        return [(self.items[index], first[index], counts[index]) for index in sorted(first)]

    def replace(self, data: bytes, mask: bytes) -> tuple[bytes, int]:
        """The data with every needle replaced by the mask (leftmost, then longest), and how many were replaced."""
        spans: list[tuple[int, int]] = []
        if self._automaton is not None:
            for end, index in self._automaton.iter_long(data.decode("latin-1")):
                spans.append((end - len(self.items[index].data) + 1, end + 1))
        elif self._pattern is not None:
            spans = [match.span() for match in self._pattern.finditer(data)]
        if not spans:
            return data, 0
        out, position = bytearray(), 0
        for start, end in spans:
            out += data[position:start] + mask
            position = end
        out += data[position:]
        return bytes(out), len(spans)
