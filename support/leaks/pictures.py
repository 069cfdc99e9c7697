"""Secrets drawn as pixels: recognising an image among any bytes, reading the QR codes in it (support.qr, the
authenticator's own decoder), the `data:` images inside HTML and JSON, and a blank picture to put in place of one."""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable

from PIL import Image, UnidentifiedImageError

from support.qr import qr_codes

MASK_COLOR = (31, 45, 61)  # #1f2d3d, the colour screenshots are masked with
# a data: URI of a raster image (Keycloak writes a space after "base64,"); SVG is text and is searched as such
DATA_IMAGE = re.compile(rb"data:image/(?:png|jpe?g|gif|webp|bmp);base64,\s*([A-Za-z0-9+/]+={0,2})", re.IGNORECASE)
_FORMATS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF", b"BM": "BMP"}
_MAX_PIXELS = 40_000_000  # a full-page screenshot of a long page; more is no screenshot of ours


def image_format(data: bytes) -> str | None:
    """'PNG', 'JPEG', 'GIF', 'WEBP' or 'BMP' when the bytes are an image of that format, else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for magic, name in _FORMATS.items():
        if data.startswith(magic):
            return name if name != "BMP" or len(data) > 26 else None
    return None


def open_image(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > _MAX_PIXELS:
            return None
        image.load()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    return image


def qr_texts(data: bytes) -> list[str]:
    """The text of every QR code in the image (none when the bytes are no readable image)."""
    image = open_image(data)
    return qr_codes(image) if image is not None else []


def blank_like(data: bytes) -> bytes:
    """A picture of the same format and size in one colour: a trace's viewer still shows a frame, without pixels."""
    image = open_image(data)
    size = image.size if image is not None else (1, 1)
    kind = image_format(data) or "PNG"
    out = io.BytesIO()
    Image.new("RGB", size, MASK_COLOR).save(out, format="JPEG" if kind == "JPEG" else "PNG")
    return out.getvalue()


BLANK_PNG_BASE64 = base64.b64encode(blank_like(b"")).decode("ascii")


def data_images(text: bytes) -> list[tuple[int, int, bytes]]:
    """(start, end, decoded image) of each data: image; the span covers the base64 payload only."""
    found = []
    for match in DATA_IMAGE.finditer(text):
        try:
            decoded = base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError):
            continue
        found.append((match.start(1), match.end(1), decoded))
    return found


def blank_data_images(text: bytes, shows_secret: Callable[[bytes], bool]) -> tuple[bytes, int]:
    """The text with every data: image that shows a secret replaced by a blank one; how many were replaced."""
    out, position, blanked = bytearray(), 0, 0
    for start, end, image in data_images(text):
        if shows_secret(image):
            out += text[position:start] + BLANK_PNG_BASE64.encode("ascii")
            position = end
            blanked += 1
    if not blanked:
        return text, 0
    out += text[position:]
    return bytes(out), blanked
