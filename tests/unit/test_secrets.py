"""Secrets never print themselves, and every secret seen is known to the masking and scanning helpers."""

from __future__ import annotations

import base64
import logging
import secrets as std_secrets

import pytest
from pydantic import BaseModel

from support.secrets import (
    MASK,
    Secret,
    SecretMaskingFilter,
    known_secret_bytes,
    known_secrets,
    mask_text,
    register_totp_secret,
)


def a_password() -> str:
    return f"Pw#{std_secrets.token_urlsafe(12)}"


def test_str_repr_and_format_are_masked() -> None:
    value = a_password()
    secret = Secret(value)
    assert str(secret) == MASK
    assert repr(secret) == "Secret(***)"
    assert f"{secret}" == MASK
    assert f"{secret!r}" == "Secret(***)"
    assert f"{secret:>6}" == "   ***"
    assert "%s" % secret == MASK  # noqa: UP031 - the old formatting path must be masked too
    assert "{}".format(secret) == MASK  # noqa: UP032
    assert value not in f"{secret} {secret!r} {secret!s}"


def test_reveal_gives_the_value_back() -> None:
    value = a_password()
    assert Secret(value).reveal() == value
    assert Secret(Secret(value)).reveal() == value


def test_containers_and_report_parameters_do_not_show_the_value() -> None:
    value = a_password()
    holder = {"username": "jane@example.org", "password": Secret(value)}
    assert value not in repr(holder)
    assert value not in str([holder])
    assert "Secret(***)" in repr(holder)


def test_allure_step_parameters_do_not_show_the_value() -> None:
    allure_utils = pytest.importorskip("allure_commons.utils")
    value = a_password()
    shown = allure_utils.represent({"password": Secret(value)}) + allure_utils.represent(Secret(value))
    assert value not in shown


def test_logging_masks_the_value(caplog: pytest.LogCaptureFixture) -> None:
    value = a_password()
    secret = Secret(value)
    with caplog.at_level(logging.INFO):
        logging.getLogger("uat.test").info("logging in with %s and %r", secret, secret)
    assert value not in caplog.text
    assert "logging in with *** and Secret(***)" in caplog.text


def test_equality_and_hash_follow_the_value() -> None:
    value = a_password()
    assert Secret(value) == Secret(value)
    assert Secret(value) != Secret(value + "x")
    assert len({Secret(value), Secret(value)}) == 1
    assert Secret(value) != value  # a Secret is not a str: comparing with one is a mistake


@pytest.mark.parametrize(
    "combine",
    [
        lambda s: "password: " + s,
        lambda s: s + "!",
        lambda s: s * 2,
        lambda s: "".join(s),
        lambda s: "".join([s]),
        lambda s: list(s),
    ],
    ids=["radd", "add", "mul", "join-chars", "join-list", "iterate"],
)
def test_a_secret_cannot_be_concatenated_into_a_string(combine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        combine(Secret(a_password()))


def test_every_wrapped_value_is_known_and_masked_in_text() -> None:
    value = a_password()
    Secret(value)
    assert value in known_secrets()
    assert value.encode() in known_secret_bytes()
    assert mask_text(f"mail body: password {value}.") == "mail body: password ***."


def test_masking_prefers_the_longest_secret() -> None:
    short, long_ = "Alpha#2026", "Alpha#2026-and-more"
    Secret(short)
    Secret(long_)
    assert mask_text(f"x {long_} y {short} z") == "x *** y *** z"


def test_very_short_values_are_not_registered() -> None:
    Secret("ab")
    assert "ab" not in known_secrets()
    assert mask_text("tab stab") == "tab stab"


def test_totp_keys_are_known_in_base32_grouped_and_raw_forms() -> None:
    raw = std_secrets.token_hex(10).encode()  # Keycloak's raw keys are printable text
    base32 = base64.b32encode(raw).decode().rstrip("=")
    register_totp_secret(base32)
    grouped = " ".join(base32[i : i + 4] for i in range(0, len(base32), 4))
    assert {base32, grouped, raw.decode()} <= known_secrets()
    assert raw in known_secret_bytes()
    assert mask_text(f'<input type="hidden" id="totpSecret" value="{raw.decode()}">') == (
        '<input type="hidden" id="totpSecret" value="***">'
    )


def test_binary_raw_totp_keys_are_known_as_bytes() -> None:
    raw = bytes(range(200, 220))
    register_totp_secret(base64.b32encode(raw).decode())
    assert raw in known_secret_bytes()


def test_masking_filter_hides_secrets_in_third_party_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    value = a_password()
    Secret(value)
    logger = logging.getLogger("imaplib.like")
    masking = SecretMaskingFilter()
    logger.addFilter(masking)
    try:
        with caplog.at_level(logging.DEBUG, logger="imaplib.like"):
            logger.debug("> LOGIN jane %s", value)
    finally:
        logger.removeFilter(masking)
    assert value not in caplog.text
    assert "> LOGIN jane ***" in caplog.text


def test_a_public_value_in_a_secret_s_place_is_masked_but_not_registered() -> None:
    """The e-mail address typed as a new password (to see the policy refuse it) is still the public username."""
    email = "jane.public@example.org"
    typed = Secret.public(email)
    assert typed.reveal() == email and str(typed) == MASK and repr(typed) == "Secret(***)"
    assert email not in known_secrets() and mask_text(f"user {email}") == f"user {email}"


def test_pydantic_models_accept_and_mask_secrets() -> None:
    class Login(BaseModel):
        password: Secret

    value = a_password()
    login = Login.model_validate({"password": value})
    assert login.password.reveal() == value
    assert login.model_dump() == {"password": MASK}
    assert value not in login.model_dump_json()
    assert value not in repr(login)
