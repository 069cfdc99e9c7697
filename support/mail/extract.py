"""Reads the invitation link and the credentials out of a received e-mail. Each reader insists on exactly
one candidate, and none of them ever opens a link (invitation links work only once)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal, overload

from support.mail.base import MailError, MailMessage
from support.secrets import MASK, Secret

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_BLOCK_TAGS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "td", "th", "section"})


class MailContentError(MailError):
    """The message does not contain exactly one of what was asked for."""


@dataclass(frozen=True)
class Link:
    url: str
    label: str  # the anchor text in the HTML part; empty for a link found in the text part


class _HtmlReader(HTMLParser):
    """Collects anchors (href and label) and a readable text rendering of an HTML part."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self._chunks: list[str] = []
        self._open_href: str | None = None
        self._label: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skipping += 1
        if tag in _BLOCK_TAGS:
            self._chunks.append("\n")
        if tag == "a":
            self._open_href = dict(attrs).get("href") or ""
            self._label = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skipping = max(0, self._skipping - 1)
        if tag in _BLOCK_TAGS:
            self._chunks.append("\n")
        if tag == "a" and self._open_href is not None:
            label = " ".join("".join(self._label).split())
            self.links.append(Link(url=self._open_href.strip(), label=label))
            self._open_href = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self._chunks.append(data)
        if self._open_href is not None:
            self._label.append(data)

    def text(self) -> str:
        return "".join(self._chunks)


def _read_html(markup: str) -> _HtmlReader:
    reader = _HtmlReader()
    reader.feed(markup)
    reader.close()
    return reader


def links(message: MailMessage) -> list[Link]:
    """Every http(s) link in the message: HTML anchors (with their labels) and bare URLs of the text part."""
    found = [link for link in _read_html(message.html).links if link.url.startswith(("http://", "https://"))]
    found += [Link(url=url.rstrip(".,;:!?"), label="") for url in _URL_IN_TEXT.findall(message.text)]
    return found


def invitation_link(message: MailMessage, label: str) -> str:
    """The one URL the message labels `label` ("Confirm your invitation"): an HTML anchor with that text, or the
    URL after "label:" in the text part. The same URL in both parts counts once."""
    wanted = _normalized(label)
    anchors = [html.unescape(link.url) for link in links(message) if link.label and _normalized(link.label) == wanted]
    source = message.text if message.text.strip() else ""
    in_text = [url.rstrip(".,;:!?") for value in _labelled_values(source, label) for url in _URL_IN_TEXT.findall(value)]
    candidates = list(dict.fromkeys(anchors + in_text))
    if len(candidates) != 1:
        shown = "\n".join(f"  - {url}" for url in candidates) or "  (none)"
        raise MailContentError(
            f"expected exactly one link labelled {label!r} in {message.subject!r} to "
            f"{', '.join(message.recipients)}, found {len(candidates)}:\n{shown}"
        )
    return candidates[0]


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _labelled_values(text: str, label: str) -> list[str]:
    # "Label: value" on one line, or the label alone with the value on the next non-empty line
    pattern = re.compile(rf"^[ \t]*{re.escape(label.rstrip(':').strip())}[ \t]*:?[ \t]*(.*)$", re.IGNORECASE)
    lines = text.splitlines()
    values = []
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        value = match.group(1).strip()
        if not value:
            value = next((later.strip() for later in lines[index + 1 :] if later.strip()), "")
        if value:
            values.append(value)
    return values


@overload
def credential(message: MailMessage, label: str, *, secret: Literal[True]) -> Secret: ...
@overload
def credential(message: MailMessage, label: str, *, secret: Literal[False]) -> str: ...
@overload
def credential(message: MailMessage, label: str, *, secret: None = None) -> str | Secret: ...


def credential(message: MailMessage, label: str, *, secret: bool | None = None) -> str | Secret:
    """The value after `label` (e.g. 'Username:' or 'Initial password:') in the text part, or in the HTML
    part when there is no text part. Exactly one distinct value must be found.

    `secret=None` treats labels that name a password as secret, so a password is never a plain str by
    accident; the value is then returned as `Secret` and never shown in an error."""
    is_secret = "password" in label.lower() if secret is None else secret
    source = message.text if message.text.strip() else _read_html(message.html).text()
    candidates = list(dict.fromkeys(_labelled_values(source, label)))
    if len(candidates) != 1:
        shown = "\n".join(f"  - {MASK if is_secret else value}" for value in candidates) or "  (none)"
        raise MailContentError(
            f"expected exactly one value labelled {label!r} in {message.subject!r} to "
            f"{', '.join(message.recipients)}, found {len(candidates)}:\n{shown}"
        )
    return Secret(candidates[0]) if is_secret else candidates[0]


def username(message: MailMessage, label: str) -> str:
    """The username the invitation gives (the user's e-mail address in this realm)."""
    return credential(message, label, secret=False)


def initial_password(message: MailMessage, labels: Sequence[str]) -> Secret:
    """The initial password the invitation gives, as a Secret: after the first of `labels` the message uses."""
    source = message.text if message.text.strip() else _read_html(message.html).text()
    used = next((label for label in labels if _labelled_values(source, label)), labels[0])
    return credential(message, used, secret=True)
