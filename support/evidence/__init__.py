"""Evidence without secrets: screenshots with secret elements painted over, page HTML without them, Playwright traces
scrubbed of every secret (text in every encoding, QR codes, the frames of screens that showed one), session cookies
known as secrets."""
