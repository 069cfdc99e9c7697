"""The API keys one scenario creates in FAMHP Connect, as its user does it (dashboard tile, "API Keys" tab, the form,
the one-time secret): their secrets (masked), scenario-unique names, and their revocation through FAMHP Connect
when the scenario ends, proven on the API."""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from pages.famhp_connect import ApiKeySecretPanel, ApiKeysPage, ConnectTabs, CreateApiKeyForm
from pages.keycloak import KeycloakScreens
from pages.portal import PortalDashboard
from support import run_ledger
from support.actor import Actor
from support.api_client import ConnectApi
from support.secrets import Secret, mask_text
from support.target import FAMHP_CONNECT

log = logging.getLogger(__name__)

NAME_SUFFIX_LENGTH = 4
# the names the Gherkin's refused-name problems stand for; "already used" is the scenario's existing key's name
NAMES_THAT_ARE = {
    "empty": "",
    "only spaces": "      ",
    "too short (2 characters)": "ab",
    "too long (65 characters)": ("Export of the veterinary registrations " * 2)[:65],
}
ALREADY_USED = "already used in that organisation"
# a user of one scenario never has more keys than this; more rounds would mean the revocation does not take
MAX_REVOCATIONS = 20


@dataclass
class CreatedApiKey:
    """A key as the scenario knows it: the name the feature says, the name typed, and the secret once read."""

    spoken_name: str
    name: str
    organisation: str
    secret: Secret | None = None

    def read_secret(self) -> Secret:
        """The secret read from the one-time panel; an error naming the key when it never was."""
        if self.secret is None:
            raise LookupError(f"the secret of {self.name!r} was never read from the one-time panel")
        return self.secret


class ApiKeysLeftBehind(Exception):
    """Keys a scenario created that still work after the clean-up; the message names them, never a secret."""


@dataclass(repr=False)
class ScenarioApiKeys:
    """Registers every key a scenario creates (before Save, so a key whose secret was never read is known too)
    and revokes them at the end as their creator would: through FAMHP Connect, each then refused by the API."""

    page: Page
    api: ConnectApi
    api_keys_tab_address: str
    manager: Actor
    sign_in_again: Callable[[Page], None]  # when FAMHP Connect asks the creator to sign in before the clean-up
    # the run's id (a sweep finds the keys of a killed run by it) and a few random characters for this scenario
    suffix: str = field(default_factory=lambda: f"{run_ledger.current_run_id()}-{_random_suffix(NAME_SUFFIX_LENGTH)}")
    created: list[CreatedApiKey] = field(default_factory=list)

    def __repr__(self) -> str:
        # short, and free of the user's details: reports show it as a step parameter
        keys = ", ".join(f"{key.name!r} ({key.organisation})" for key in self.created)
        return f"ScenarioApiKeys(manager={self.manager.email!r}, keys=[{keys}])"

    def name_for(self, spoken_name: str) -> str:
        """The name typed for the feature's name: the same suffix for every name of the scenario, so runs and
        parallel scenarios never share a name in an organisation (names are unique among its active keys)."""
        return f"{spoken_name} {self.suffix}"

    def expect_created(self, spoken_name: str, organisation: str, typed_name: str | None = None) -> CreatedApiKey:
        key = CreatedApiKey(
            spoken_name, typed_name if typed_name is not None else self.name_for(spoken_name), organisation
        )
        self.created.append(key)
        run_ledger.record(run_ledger.API_KEY, name=key.name, organisation=organisation, creator=self.manager.email)
        return key

    def key(self, spoken_name: str, organisation: str | None = None) -> CreatedApiKey:
        """The latest key of that name (and organisation, when given)."""
        for key in reversed(self.created):
            if key.spoken_name == spoken_name and organisation in (None, key.organisation):
                return key
        known = ", ".join(f"{key.spoken_name!r} ({key.organisation})" for key in self.created) or "none"
        raise LookupError(f"this scenario created no API key {spoken_name!r}; it created: {known}")

    def name_that_is(self, problem: str, organisation: str) -> str:
        """A name with the Gherkin's problem ("too short (2 characters)", "already used in that organisation")."""
        if problem == ALREADY_USED:
            return next(key.name for key in reversed(self.created) if key.organisation == organisation)
        if problem not in NAMES_THAT_ARE:
            raise ValueError(f"no name for {problem!r}; known: {', '.join([*NAMES_THAT_ARE, ALREADY_USED])}")
        return NAMES_THAT_ARE[problem]

    # -- what the user does -----------------------------------------------------------------------------

    def open_tab_from_dashboard(self) -> ApiKeysPage:
        """From the portal dashboard: the FAMHP Connect tile, then the "API Keys" tab."""
        PortalDashboard(self.page).open_application(FAMHP_CONNECT)
        ConnectTabs(self.page).open_api_keys()
        return ApiKeysPage(self.page)

    def fill_form(self, spoken_name: str, organisation: str) -> CreatedApiKey:
        """Type the name (registered before Save: the clean-up needs it) and choose the organisation."""
        key = self.expect_created(spoken_name, organisation)
        CreateApiKeyForm(self.page).fill(key.name, organisation)
        return key

    def save(self) -> None:
        """Save, and read the secret at once: from then on the trace scrub and the scan look for it."""
        CreateApiKeyForm(self.page).save()
        self.created[-1].secret = ApiKeySecretPanel(self.page).secret()

    def try_create(self, problem: str, organisation: str) -> None:
        """Try to create a key whose name has `problem`; registered in case it is accepted after all."""
        name = self.name_that_is(problem, organisation)
        self.expect_created(problem, organisation, typed_name=name)
        form = ApiKeysPage(self.page).create_api_key()
        form.fill(name, organisation)
        form.save()

    def create(self, spoken_name: str, organisation: str) -> CreatedApiKey:
        """The whole creation from the "API Keys" tab: create, name and organisation, Save, Done."""
        ApiKeysPage(self.page).create_api_key()
        key = self.fill_form(spoken_name, organisation)
        self.save()
        ApiKeySecretPanel(self.page).done()
        return key

    # -- the clean-up --------------------------------------------------------------------------------------

    def revoke_all(self) -> None:
        """Revoke every active key the scenario's user created, then check the API refuses each secret read.
        Raises ApiKeysLeftBehind when a key still works: a forgotten key opens the API of a real organisation."""
        if not self.created:
            return
        problems: list[str] = []
        try:
            revoked = self._revoke_in_famhp_connect()
            log.info("revoked %d API key(s) of %s at the end of the scenario", revoked, self.manager.email)
        except Exception as error:  # whatever stopped it, the API check below says which keys still work
            problems.append(f"FAMHP Connect could not revoke the keys of {self.manager.email}: {mask_text(str(error))}")
        for key in self.created:
            if key.secret is not None and not self.api.refuses(answer := self.api.call_with(key.secret)):
                problems.append(
                    f"{key.name!r} of {key.organisation} still answers on the API (HTTP {answer.status_code})"
                )
        if problems:
            raise ApiKeysLeftBehind("API keys left behind after the scenario: " + "; ".join(problems))
        for key in self.created:
            run_ledger.record(run_ledger.API_KEY_REVOKED, name=key.name, organisation=key.organisation)

    def _revoke_in_famhp_connect(self) -> int:
        page = self.page if not self.page.is_closed() else self.page.context.new_page()
        api_keys = ApiKeysPage(page)
        api_keys.open(self.api_keys_tab_address)
        if KeycloakScreens(page).current() is not None:  # the FAMHP Connect session is gone: sign in as the creator
            self.sign_in_again(page)
        api_keys.create_api_key_button.wait_for()
        active = api_keys.active_created_by(self.manager.email)
        for revoked in range(MAX_REVOCATIONS):
            if active.count() == 0:
                return revoked
            before = active.count()
            api_keys.revoke_row(active.first).confirm()
            expect(active).to_have_count(before - 1)  # back on the list, one active key fewer
        raise AssertionError(f"{active.count()} key(s) still active after {MAX_REVOCATIONS} revocations")


def _random_suffix(length: int) -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(length))
