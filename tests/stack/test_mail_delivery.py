"""Keycloak's own SMTP settings deliver real mail: read back from Mailpit's API, or from GreenMail over IMAP."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from imap_tools import AND, MailBoxUnencrypted

pytestmark = pytest.mark.stack

DEADLINE_S = 30


@pytest.fixture
def user_with_email(realm_user: Callable[..., dict]) -> dict:
    return realm_user("mail")


def _from_mailpit(base_url: str, recipient: str) -> list[dict]:
    found = httpx.get(f"{base_url}/api/v1/search", params={"query": f'to:"{recipient}"'}).raise_for_status()
    return [m for m in found.json()["messages"] if any(t["Address"] == recipient for t in m["To"])]


def _from_imap(greenmail: dict, recipient: str) -> list:
    with MailBoxUnencrypted(greenmail["imap_host"], greenmail["imap_port"]).login(recipient, "any") as box:
        return list(box.fetch(AND(to=recipient), mark_seen=False))


def test_execute_actions_email_arrives(keycloak_admin: httpx.Client, stack_info: dict, user_with_email: dict) -> None:
    sent = keycloak_admin.put(f"/users/{user_with_email['id']}/execute-actions-email", json=["UPDATE_PASSWORD"])
    assert sent.status_code == 204, sent.text
    recipient = user_with_email["email"]
    deadline = time.monotonic() + DEADLINE_S
    messages: list = []
    while not messages and time.monotonic() < deadline:
        if stack_info["mail_backend"] == "imap":
            messages = _from_imap(stack_info["greenmail"], recipient)
        else:
            messages = _from_mailpit(stack_info["mailpit"]["url"], recipient)
        if not messages:
            time.sleep(0.2)  # poll interval of a deadline-bound loop
    assert len(messages) == 1, f"no mail for {recipient} in {DEADLINE_S} s via {stack_info['mail_backend']}"
    subject = messages[0].subject if stack_info["mail_backend"] == "imap" else messages[0]["Subject"]
    assert subject  # Keycloak's "Update Your Account" in the user's locale
