"""Playwright traces without secrets. Playwright has no redaction: a trace keeps typed values, DOM snapshots, form
posts, response bodies, cookies and a screencast of every screen. A trace is kept only after `scrub_trace`:

- text (events, network log, resources): every known secret in every encoding, and every secret-shaped value,
  replaced by *** (support.secrets.mask_bytes); every cookie the network log recorded is registered as a secret first;
- pictures: every data: image and every image file that holds a QR code is blanked;
- screencast frames: every frame taken while a screen showed a secret is blanked. Which screens did is read from the
  trace's own DOM snapshots (a secret in visible text or attributes, or a QR code; a password typed into a password
  field shows as dots and does not count), from the last snapshot of the screen before to the first of the screen
  after, plus one frame for the paint that lags behind."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.evidence.cookies import register_trace_cookies
from support.leaks.detectors import find_shapes
from support.leaks.pictures import blank_data_images, blank_like, data_images, image_format, open_image, qr_texts
from support.secrets import current_detectors, mask_bytes, secret_needles

_CONCEALED_INPUTS = ("password", "hidden")
_INPUT_VALUE_ATTRIBUTES = ("value", "__playwright_value_")


@dataclass
class TraceScrub:
    """What the scrub changed in one trace."""

    replaced: int = 0  # secret occurrences in text
    pictures: int = 0  # data: images and image files with a QR code
    frames: int = 0  # screencast frames blanked
    frames_total: int = 0
    secret_screens: int = 0  # documents that showed a secret

    def describe(self) -> str:
        screens = f"{self.secret_screens} screen{'s' if self.secret_screens != 1 else ''} showed a secret"
        return (
            f"{self.replaced} secret occurrences masked, {self.pictures} QR pictures and {self.frames} of "
            f"{self.frames_total} screencast frames blanked ({screens})"
        )


def scrub_trace(trace_zip: Path) -> TraceScrub:
    """Rewrite a Playwright trace without secrets (see the module's description); returns what was changed."""
    with zipfile.ZipFile(trace_zip) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    for info, data in members:
        if info.filename.endswith(".network"):
            register_trace_cookies(data)
    report = TraceScrub()
    qr = _QrCache()
    on_secret_screens: set[str] = set()
    for info, data in members:
        if info.filename.endswith(".trace"):
            on_secret_screens |= _frames_on_secret_screens(data, qr, report)
    scrubbed = trace_zip.with_suffix(".scrubbed.zip")
    try:
        with zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in members:
                target.writestr(info, _scrub_member(info.filename, data, on_secret_screens, qr, report))
        scrubbed.replace(trace_zip)
    finally:
        scrubbed.unlink(missing_ok=True)
    return report


def _scrub_member(name: str, data: bytes, on_secret_screens: set[str], qr: _QrCache, report: TraceScrub) -> bytes:
    if image_format(data):
        frame = name in on_secret_screens
        if frame or qr.shows_code(data):
            report.frames += frame
            report.pictures += not frame
            return qr.blank(data)
        return data
    data, blanked = blank_data_images(data, qr.shows_code)
    data, replaced = mask_bytes(data)
    report.pictures += blanked
    report.replaced += replaced
    return data


class _QrCache:
    """Whether a picture holds a QR code, each distinct picture decoded once; a blank picture of each size made once."""

    def __init__(self) -> None:
        self._seen: dict[bytes, bool] = {}
        self._blanks: dict[tuple[int, int, str], bytes] = {}

    def blank(self, image: bytes) -> bytes:
        opened = open_image(image)
        key = (*(opened.size if opened is not None else (1, 1)), image_format(image) or "")
        if key not in self._blanks:
            self._blanks[key] = blank_like(image)
        return self._blanks[key]

    def shows_code(self, image: bytes) -> bool:
        key = hashlib.sha1(image).digest()
        if key not in self._seen:
            self._seen[key] = bool(qr_texts(image))
        return self._seen[key]


# ---- which frames showed a secret --------------------------------------------------------------------------------
@dataclass
class _Screen:
    """One document shown in a page's main frame, from its first to its last DOM snapshot."""

    url: str
    first: float
    last: float
    shows_secret: bool = False


@dataclass
class _Page:
    screens: list[_Screen] = field(default_factory=list)
    frames: list[tuple[float, str]] = field(default_factory=list)  # (timestamp, member name)


def _frames_on_secret_screens(events: bytes, qr: _QrCache, report: TraceScrub) -> set[str]:
    pages: dict[str, _Page] = {}
    for event in _events(events):
        kind = event.get("type")
        if kind == "frame-snapshot" and isinstance(event.get("snapshot"), dict):
            _add_snapshot(pages.setdefault(str(event["snapshot"].get("pageId")), _Page()), event["snapshot"], qr)
        elif kind == "screencast-frame":
            member = event.get("file") or (f"resources/{event['sha1']}" if event.get("sha1") else None)
            if member:
                pages.setdefault(str(event.get("pageId")), _Page()).frames.append((float(event["timestamp"]), member))
    blank: set[str] = set()
    for page in pages.values():
        report.frames_total += len(page.frames)
        for start, end in _secret_windows(page.screens):
            report.secret_screens += 1
            later = sorted(frame for frame in page.frames if frame[0] > start)
            inside = [member for timestamp, member in later if timestamp <= end]
            after = [member for timestamp, member in later if timestamp > end][:1]  # the paint lags behind
            blank.update(inside + after)
    return blank


def _events(events: bytes) -> Iterator[dict[str, Any]]:
    for line in events.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event


def _add_snapshot(page: _Page, snapshot: dict[str, Any], qr: _QrCache) -> None:
    timestamp = float(snapshot.get("timestamp") or 0.0)
    url = str(snapshot.get("frameUrl", ""))
    html = snapshot.get("html")
    current = page.screens[-1] if page.screens else None
    if snapshot.get("isMainFrame", True) and (current is None or url != current.url or not _refers_back(html)):
        current = _Screen(url, timestamp, timestamp)  # a new document: a full snapshot, or another address
        page.screens.append(current)
    elif current is None:
        return
    current.last = max(current.last, timestamp)
    current.shows_secret = current.shows_secret or _shows_secret(html, qr)


def _secret_windows(screens: list[_Screen]) -> Iterator[tuple[float, float]]:
    """(after, until) for each screen that showed a secret: from the last snapshot of the screen before it to the
    first snapshot of the screen after it (the screencast may show it anywhere in between)."""
    for index, screen in enumerate(screens):
        if screen.shows_secret:
            start = screens[index - 1].last if index > 0 else float("-inf")
            end = screens[index + 1].first if index + 1 < len(screens) else float("inf")
            yield start, end


def _refers_back(node: Any) -> bool:
    """Whether a snapshot reuses nodes of an earlier one (`[[snapshots ago, node index]]`): the same document."""
    if not isinstance(node, list) or not node:
        return False
    if len(node) == 1 and isinstance(node[0], list) and all(isinstance(item, int) for item in node[0]):
        return True
    return any(_refers_back(child) for child in node if isinstance(child, list))


def _shows_secret(html: Any, qr: _QrCache) -> bool:
    texts: list[str] = []
    images: list[str] = []
    _visible(html, texts, images)
    visible = "\n".join(texts).encode("utf-8")
    if secret_needles().occurrences(visible) or find_shapes(visible, current_detectors()):
        return True
    return any(qr.shows_code(image) for uri in images for _, _, image in data_images(uri.encode("ascii", "ignore")))


def _visible(node: Any, texts: list[str], images: list[str]) -> None:
    """The text and attribute values a snapshot shows (a password or hidden field's value is not shown)."""
    if isinstance(node, str):
        texts.append(node)
        return
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        return  # a reference to an earlier snapshot's node, or nothing
    attributes = node[1] if len(node) > 1 and isinstance(node[1], dict) else {}
    concealed = node[0].upper() == "INPUT" and str(attributes.get("type", "")).lower() in _CONCEALED_INPUTS
    for name, value in attributes.items():
        if not isinstance(value, str) or (concealed and name in _INPUT_VALUE_ATTRIBUTES):
            continue
        (images if value.lstrip().lower().startswith("data:image/") else texts).append(value)
    for child in node[2 if len(node) > 1 and isinstance(node[1], dict) else 1 :]:
        _visible(child, texts, images)
