"""The invitation link and the credentials are read from the e-mail only when exactly one candidate exists;
passwords come back as Secrets and never appear in errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.mail.base import MailMessage
from support.mail.extract import (
    MailContentError,
    credential,
    initial_password,
    invitation_link,
    links,
    username,
)
from support.secrets import Secret, mask_text
from tests.unit.profile_facts import PASSWORD_LABELS

LINK_LABEL = "Confirm your invitation"

LINK = "http://localhost:8000/invitations/tok_3f9a?lang=en&src=mail"

INVITATION_TEXT = f"""Dear Jane Doe,

You have been invited to the IAM External Portal.
Confirm your invitation: {LINK}

Username: jane+x1@famhp-uat.test
Initial password: Init#Pass2026xyz

This link expires in 72 hours.
"""

INVITATION_HTML = f"""<html><head><style>p {{ color: red }}</style></head><body>
<p>Dear Jane Doe,</p>
<p><a href="{LINK.replace("&", "&amp;")}" class="button">Confirm your invitation</a></p>
<table><tr><td>Username:</td><td>jane+x1@famhp-uat.test</td></tr>
<tr><td>Initial password:</td><td><code>Init#Pass2026xyz</code></td></tr></table>
</body></html>"""


def message(text: str = INVITATION_TEXT, html: str = INVITATION_HTML) -> MailMessage:
    return MailMessage(
        subject="Confirm your invitation",
        sender="noreply@famhp.test",
        recipients=("jane+x1@famhp-uat.test",),
        text=text,
        html=html,
        received_at=datetime.now(UTC),
        message_id="<1@famhp.test>",
    )


def test_the_same_link_in_both_parts_is_one_candidate() -> None:
    assert invitation_link(message(), LINK_LABEL) == LINK


def test_the_link_is_found_in_the_html_part_alone() -> None:
    assert invitation_link(message(text=""), LINK_LABEL) == LINK
    assert [link.label for link in links(message(text=""))] == ["Confirm your invitation"]


def test_two_different_invitation_links_are_refused() -> None:
    other = LINK.replace("tok_3f9a", "tok_ffff")
    with pytest.raises(MailContentError, match=r"expected exactly one link labelled .* found 2"):
        invitation_link(message(text=INVITATION_TEXT + f"\nConfirm your invitation: {other}\n"), LINK_LABEL)


def test_no_invitation_link_is_refused() -> None:
    with pytest.raises(MailContentError, match=r"found 0:\n  \(none\)"):
        invitation_link(
            message(text="Hello", html="<p>Visit <a href='https://famhp.test/help'>help</a></p>"), LINK_LABEL
        )


def test_credentials_from_the_text_part() -> None:
    assert username(message(), "Username") == "jane+x1@famhp-uat.test"
    password = initial_password(message(), PASSWORD_LABELS)
    assert isinstance(password, Secret)
    assert password.reveal() == "Init#Pass2026xyz"


def test_credentials_from_the_html_part_when_there_is_no_text() -> None:
    assert username(message(text=""), "Username") == "jane+x1@famhp-uat.test"
    assert initial_password(message(text=""), PASSWORD_LABELS).reveal() == "Init#Pass2026xyz"


def test_a_label_naming_a_password_gives_a_secret_by_default() -> None:
    assert isinstance(credential(message(), "Initial password:"), Secret)
    assert credential(message(), "username") == "jane+x1@famhp-uat.test"


def test_the_value_may_be_on_the_line_after_its_label() -> None:
    text = "Username:\n\n   jane+x1@famhp-uat.test\nInitial password:\nInit#Pass2026xyz\n"
    assert username(message(text=text), "Username") == "jane+x1@famhp-uat.test"


def test_two_different_passwords_are_refused_without_showing_them() -> None:
    text = INVITATION_TEXT + "\nInitial password: Other#Pass2026abc\n"
    with pytest.raises(MailContentError) as excinfo:
        initial_password(message(text=text), PASSWORD_LABELS)
    assert "found 2" in str(excinfo.value)
    assert "Init#Pass2026xyz" not in str(excinfo.value) and "Other#Pass2026abc" not in str(excinfo.value)


def test_a_missing_label_is_refused() -> None:
    with pytest.raises(MailContentError, match=r"'Username' .* found 0"):
        username(message(text="Welcome!"), "Username")


def test_a_report_of_the_mail_masks_the_extracted_password() -> None:
    mail = message()
    initial_password(mail, PASSWORD_LABELS)
    report = mail.for_report()
    assert "Init#Pass2026xyz" not in report
    assert "Initial password: ***" in report
    assert mask_text(mail.html).count("***") == 1
