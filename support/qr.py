"""Reading QR codes from images (zxing-cpp): the authenticator enrols from them, and the artifact scan looks in every
picture for one that carries a secret."""

from __future__ import annotations

import zxingcpp
from PIL import Image

_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def qr_codes(image: Image.Image) -> list[str]:
    """The text of every readable QR code in the image, each once, in the order zxing finds them."""
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("L")  # zxing reads 8-bit images; Keycloak's QR code is a 1-bit PNG
    results = zxingcpp.read_barcodes(image, formats=_QR_ONLY)
    return list(dict.fromkeys(result.text for result in results if getattr(result, "valid", True)))
