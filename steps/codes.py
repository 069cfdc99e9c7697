"""A one-time code that is certainly wrong: the right one with its last digit moved on."""


def wrong_code(right_code: str) -> str:
    return f"{(int(right_code) + 1) % 10 ** len(right_code):0{len(right_code)}d}"
