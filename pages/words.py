"""What a user reads on the applications' screens (portal, FAMHP Connect, VAMREG), in one place: the page objects
find every tile, tab, button, field, column and heading by these words, so a deployment's own wording or another
language (issue 13: nl, fr, de) is an edit here and nowhere else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Term:
    """One thing a user reads, in every wording a deployment may show for it (the user guide's first).

    Matching is whole-text, case-insensitive and blind to surrounding whitespace: "API Keys" matches "API keys",
    never "API keys of your organisations"."""

    wordings: tuple[str, ...]

    def __init__(self, *wordings: str) -> None:
        if not wordings:
            raise ValueError("a term needs at least one wording")
        object.__setattr__(self, "wordings", wordings)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """For accessible names and text (`get_by_role(name=...)`, `get_by_text`, `has_text`)."""
        # a plain space, not re.escape's "\\ ": Playwright hands the pattern to JavaScript
        either = "|".join(re.escape(" ".join(wording.split())).replace("\\ ", " ") for wording in self.wordings)
        return re.compile(rf"^\s*(?:{either})\s*$", re.IGNORECASE)

    @cached_property
    def within(self) -> re.Pattern[str]:
        """For names that may say more around a wording ("Remove Jane Doe" for "Remove"): a whole word anywhere."""
        either = "|".join(re.escape(" ".join(wording.split())).replace("\\ ", " ") for wording in self.wordings)
        return re.compile(rf"\b(?:{either})\b", re.IGNORECASE)

    def xpath_test(self) -> str:
        """An XPath 1.0 predicate body that is true when the context node's text is one of the wordings (XPath
        has no regular expressions: both sides are lower-cased and whitespace-normalised)."""
        text = f"translate(normalize-space(.), '{_UPPER}', '{_LOWER}')"
        return " or ".join(f"{text}={_xpath_literal(' '.join(w.lower().split()))}" for w in self.wordings)


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ"
_LOWER = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûü"


def _xpath_literal(text: str) -> str:
    """`text` as an XPath string literal (XPath 1.0 has no escapes: a text with both quote kinds needs concat)."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


@dataclass(frozen=True)
class Glossary:
    """The words of the applications' screens, one field per thing the page objects look for; the field names follow
    the user guide ("the button to create a new API key", "enters the name of the API key, selects their
    organization, and then clicks 'Save'"). The defaults are English, in the wordings seen on the reference apps'
    skins; a language or a deployment is another instance."""

    # the IAM External Portal (guide 1.1 step 5)
    applications: Term = Term("Your applications", "Applications")
    sign_out: Term = Term("Sign out", "Log out")
    signed_out: Term = Term("You are signed out", "You have been signed out")
    sign_in_failed: Term = Term("Sign-in did not complete", "Sign-in failed")
    full_name: Term = Term("Name", "Full name")
    email: Term = Term("E-mail", "E-mail address", "Email", "Email address")
    organisations: Term = Term("Organisations", "Organizations")
    # the invitation landing (guide 1.1 step 1)
    invitation_used: Term = Term("Invitation already used")
    invitation_expired: Term = Term("Invitation expired")
    invitation_unknown: Term = Term("Invitation not found")
    invitation_replaced: Term = Term("Invitation replaced", "Invitation superseded")
    # where the landing asks the person to confirm (opening the link alone, as a mail scanner does, uses nothing)
    confirm_invitation: Term = Term("Confirm your invitation", "Confirm invitation", "Confirm", "Continue")
    # FAMHP Connect (guide 2.2): its tile, its navigation and tabs
    famhp_connect: Term = Term("FAMHP Connect")
    users_tab: Term = Term("Users")
    api_keys_tab: Term = Term("API Keys")
    access_denied: Term = Term("Access denied")
    # a request FAMHP Connect turns down: one it may not serve (access denied) or one it does not trust (no token)
    request_refused: Term = Term("Request refused", "Access denied", "Forbidden", "Bad request")
    # "the button to create a new API key", its form, and the secret shown once
    create_api_key: Term = Term("Create API key", "New API key", "Create a new API key")
    api_key_name: Term = Term("Name", "API key name", "Name of the API key")
    organisation: Term = Term("Organisation", "Organization")
    choose_organisation: Term = Term("Choose an organisation", "Select your organization")
    no_organisation: Term = Term(
        "You are not a member of an organisation for which you can manage API keys.",
        "You belong to no organization in which you may manage API keys.",
    )
    save: Term = Term("Save")
    cancel: Term = Term("Cancel")
    secret: Term = Term("Your new API key", "Secret")
    copy: Term = Term("Copy", "Copy to clipboard")
    done: Term = Term("Done")
    # the list of API keys: its columns (a table) or terms (cards)
    name: Term = Term("Name")
    prefix: Term = Term("Prefix", "Key prefix")
    created: Term = Term("Created")
    created_by: Term = Term("Created by")
    last_used: Term = Term("Last used")
    status: Term = Term("Status")
    revoke: Term = Term("Revoke", "Revoke key")
    # FAMHP Connect, tab "Users"
    invite_user: Term = Term("Invite user", "Invite a user")
    search_users: Term = Term("Search users", "Find a user")
    search: Term = Term("Search")
    first_name: Term = Term("First name")
    last_name: Term = Term("Last name")
    roles: Term = Term("Roles")
    send_invitation: Term = Term("Send invitation")
    resend_invitation: Term = Term("Resend invitation", "Send the invitation again")
    active: Term = Term("Active")
    # what would change a colleague's account from the "Users" tab (matched as words within a control's name)
    account_changes: Term = Term(
        "Remove",
        "Delete",
        "Disable",
        "Deactivate",
        "Block",
        "Suspend",
        "Withdraw",
        "Resend",
        "Re-invite",
        "Reset password",
    )


ENGLISH = Glossary()


def words() -> Glossary:
    """The glossary the page objects use now (one language today; issue 13 chooses it by the run's locale)."""
    return ENGLISH
