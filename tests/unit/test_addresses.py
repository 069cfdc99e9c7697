"""One fresh, valid, lower-case address per scenario from the configured template."""

from __future__ import annotations

import re

import pytest

from support.mail.addresses import slug, unique_address

VALID = re.compile(r"^[a-z0-9.+_-]+@[a-z0-9.-]+\.[a-z]+$")


def test_addresses_are_unique_valid_and_lower_case() -> None:
    addresses = [unique_address("QA+{tag}@Example.org", "Activate the account (QR)") for _ in range(2000)]
    assert len(set(addresses)) == len(addresses)
    for address in addresses:
        assert VALID.match(address), address
        assert address == address.lower()
        assert address.startswith("qa+activate-the-account-qr-")
        assert address.endswith("@example.org")


def test_the_tag_may_be_anything_a_scenario_is_called() -> None:
    address = unique_address("{tag}@famhp-uat.test", "Ünïcode & spaces / slashes: ok?")
    assert VALID.match(address), address


def test_long_tags_keep_the_local_part_within_64_characters() -> None:
    template = "a-rather-long-shared-mailbox-name+{tag}@example.org"
    address = unique_address(template, "word " * 40)
    assert len(address.split("@")[0]) <= 64
    assert VALID.match(address), address


def test_slug_cuts_at_a_word_boundary() -> None:
    assert slug("Revoke an API key and call the API with it", 24) == "revoke-an-api-key-and"
    assert slug("!!!") == "scenario"


@pytest.mark.parametrize("template", ["qa@example.org", "{tag}+{tag}@example.org"])
def test_a_template_needs_exactly_one_tag(template: str) -> None:
    with pytest.raises(ValueError, match=r"must contain \{tag\} exactly once"):
        unique_address(template, "x")


def test_a_template_that_gives_no_address_is_refused() -> None:
    with pytest.raises(ValueError, match="does not give a valid address"):
        unique_address("qa {tag} at example", "x")
