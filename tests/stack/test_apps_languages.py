"""The reference apps in four languages: a page answers in the browser's language unless the user chose another
with the selector; the invitee's language (form and JSON API) becomes their account's locale and the e-mail's."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import UserFactory, access_token, managed_users, wait_until

pytestmark = [pytest.mark.stack]

ACME = "Acme Pharma NV"
SIGNED_OUT = "/portal/signed-out"


@pytest.fixture
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    yield from managed_users(keycloak_admin, stack_info)


def _heading(html: str) -> str:
    found = re.search(r"<h1>([^<]+)</h1>", html)
    assert found, html[:300]
    return found.group(1)


@pytest.mark.parametrize(
    ("accept_language", "lang", "heading"),
    [
        ("nl-BE,nl;q=0.9,en;q=0.5", "nl", "U bent afgemeld"),
        ("fr-BE", "fr", "Vous êtes déconnecté"),
        ("de-BE,de;q=0.8", "de", "Sie sind abgemeldet"),
        ("es-ES", "en", "You are signed out"),  # a language the apps do not speak: English
    ],
)
def test_a_page_answers_in_the_browsers_language(
    stack_info: dict, accept_language: str, lang: str, heading: str
) -> None:
    page = httpx.get(f"{stack_info['apps']['base_url']}{SIGNED_OUT}", headers={"Accept-Language": accept_language})
    assert f'<html lang="{lang}">' in page.text
    assert _heading(page.text) == heading


def test_the_users_choice_beats_the_browsers_language_and_returns_to_the_same_page(stack_info: dict) -> None:
    base = stack_info["apps"]["base_url"]
    with httpx.Client(base_url=base, headers={"Accept-Language": "nl-BE"}, timeout=10) as browser:
        chosen = browser.get("/language/fr", params={"next": SIGNED_OUT})
        assert chosen.status_code == 303 and chosen.headers["Location"] == SIGNED_OUT
        assert _heading(browser.get(SIGNED_OUT).text) == "Vous êtes déconnecté"
        # never back to another site
        assert browser.get("/language/de", params={"next": "//evil.example/"}).headers["Location"] == "/"
        assert browser.get("/language/es").status_code == 404


def test_the_invitees_language_is_their_accounts_and_the_mails(
    stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> None:
    manager = users.create({"famhp-connect": ["IAM_USER_MANAGER"]}, [ACME], tag="inviter")
    token = access_token(stack_info, "famhp-connect", manager, one_time_codes)
    url = f"{stack_info['apps']['base_url']}/famhp-connect/api/invitations"
    email = f"invitee-{uuid.uuid4().hex[:12]}@example.test"
    body = {"email": email, "firstName": "Noor", "lastName": "Janssens", "organizationId": users.organization_id(ACME)}
    headers = {"Authorization": f"Bearer {token}"}

    refused = httpx.post(url, json={**body, "roles": [], "language": "es"}, headers=headers, timeout=30)
    assert refused.status_code == 422 and "language" in refused.json()["fields"]

    created = httpx.post(
        url, json={**body, "roles": ["IAM_USER_MANAGER"], "language": "nl"}, headers=headers, timeout=30
    )
    assert created.status_code == 201, created.text
    users.adopt(created.json()["userId"])
    assert users.user(created.json()["userId"])["attributes"]["locale"] == ["nl"]
    mail = wait_until(lambda: _mail_to(stack_info["mailpit"]["url"], email), 30, f"an e-mail to {email}")
    assert mail["Subject"] == "Bevestig uw uitnodiging"
    assert "Gebruikersnaam: " in mail["Text"] and "Initieel wachtwoord: " in mail["Text"]


def _mail_to(mailpit_url: str, to: str) -> dict | None:
    found = httpx.get(f"{mailpit_url}/api/v1/search", params={"query": f'to:"{to}"'}, timeout=10).json()["messages"]
    if not found:
        return None
    message: dict = httpx.get(f"{mailpit_url}/api/v1/message/{found[0]['ID']}", timeout=10).json()
    return message
