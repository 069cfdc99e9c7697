"""What a run's configuration is: `UatConfig`, the one error that lists every problem, and the names of the
settings' environment variables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal, TypeVar

from support import run_ledger
from support.mail.addresses import unique_address
from support.secrets import MASK, Secret

ENV_PREFIX = "UAT_"
DEFAULT_PROFILE = "local"
REFERENCE_STACK_PROFILE = "local"

UserProvider = Literal["keycloak-admin", "invite-ui", "preprovisioned"]
MailBackend = Literal["mailpit", "imap"]
ImapSecurity = Literal["ssl", "starttls", "none"]
StackMode = Literal["auto", "never"]
SetupSignIn = Literal["http", "browser"]

USER_PROVIDERS: tuple[str, ...] = ("keycloak-admin", "invite-ui", "preprovisioned")
MAIL_BACKENDS: tuple[str, ...] = ("mailpit", "imap")
IMAP_SECURITIES: tuple[str, ...] = ("ssl", "starttls", "none")
STACK_MODES: tuple[str, ...] = ("auto", "never")
# how a scenario that is not about signing in gets its signed-in user: over HTTP (then the browser), or typed
SETUP_SIGN_INS: tuple[str, ...] = ("http", "browser")
IMAP_DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
# the languages FAMHP's users sign in in, and how a Belgian user's browser asks for each (Accept-Language)
LOCALES: tuple[str, ...] = ("en", "nl", "fr", "de")
DEFAULT_LOCALE = "en"
BROWSER_LANGUAGES = {"en": "en-GB", "nl": "nl-BE", "fr": "fr-BE", "de": "de-BE"}
TRANSLATION_POLICIES: tuple[str, ...] = ("report", "fail")
# a wording a profile gives once for every language (a plain value), not as a table by language
EVERY_LANGUAGE = "*"

# The URLs that say "this run targets a deployment"; giving any of them explicitly turns off the
# automatic start of the reference stack.
DEPLOYMENT_URL_FIELDS = ("portal_url", "famhp_connect_url", "vamreg_url", "api_url", "keycloak_url")


T = TypeVar("T")


def in_language(wordings: Mapping[str, T], language: str) -> T | None:
    """A setting's wording in one language: its own, else the one given for every language."""
    return wordings.get(language, wordings.get(EVERY_LANGUAGE))


@dataclass(frozen=True)
class OrgAdmin:
    """An organisation administrator the suite signs in as to invite users; each shard or worker takes its own."""

    email: str
    password: Secret = field(repr=False)
    totp_secret: Secret = field(repr=False)


class ConfigurationError(Exception):
    """The configuration cannot drive a run; `problems` lists every reason, each naming its variable."""

    def __init__(
        self, problems: Sequence[str], *, profile: str | None = None, reference_stack_down: bool = False
    ) -> None:
        self.problems = tuple(problems)
        self.profile = profile
        self.reference_stack_down = reference_stack_down
        count = len(self.problems)
        where = f" (profile '{profile}')" if profile else ""
        lines = [f"the UAT configuration{where} has {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append(
            "Set values as UAT_* environment variables, in .env at the project root, or in "
            f"environments/{profile or '<profile>'}.toml."
        )
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class UatConfig:
    """Everything a run needs to reach its target. Secrets are `Secret`s; `origins` says where each
    value came from (for `uat doctor`)."""

    profile: str
    portal_url: str
    famhp_connect_url: str
    vamreg_url: str
    api_url: str
    keycloak_url: str
    realm: str
    authenticator_issuer: str
    user_provider: UserProvider | None
    keycloak_admin_username: str | None
    keycloak_admin_password: Secret | None
    keycloak_admin_realm: str
    org_admin_email: str | None
    org_admin_password: Secret | None
    org_admin_totp_secret: Secret | None
    org_admins: tuple[OrgAdmin, ...] | None  # several administrators: one per shard or worker (UAT_ORG_ADMINS)
    preprovisioned_users: Path | None
    mail_backend: MailBackend | None
    mailpit_url: str | None
    imap_host: str | None
    imap_port: int
    imap_user: str | None
    imap_password: Secret | None
    imap_security: ImapSecurity
    imap_folder: str
    mail_address_template: str | None
    mail_timeout_s: float
    ui_timeout_ms: int
    otp_look_around: int
    setup_sign_in: SetupSignIn
    browser_executable: Path | None
    browser_endpoint: str | None  # a Playwright browser server (ws://host:port/)
    selenium_grid_url: str | None  # a Selenium Grid 4 (http://host:port)
    stack: StackMode
    read_only: bool
    locale: str  # the language the run's users read (en, nl, fr, de): their browser's, and the glossary's
    translation_findings: str  # what the gate does with language findings: "report" them, or "fail"
    accessibility_baseline: Path | None  # the known violations this deployment lives with (a TOML file)
    organisation: str | None
    second_organisation: str | None
    applications: Mapping[str, str] | None  # the guide's application name -> client id
    roles: Mapping[str, tuple[str, str]] | None  # the guide's role ("API key manager") -> (client id, role name)
    invitation_in_user_language: bool  # the inviter chooses the invitee's language, and the e-mail speaks it
    # how the invitation e-mail reads, by language (EVERY_LANGUAGE: one wording for all)
    invitation_subject: Mapping[str, str] | None
    invitation_link_label: Mapping[str, str] | None
    invitation_username_label: Mapping[str, str] | None
    invitation_password_labels: Mapping[str, tuple[str, ...]] | None
    api_keys_tab_path: str | None  # FAMHP Connect's "API Keys" tab, relative to famhp_connect_url
    new_api_key_form_path: str | None  # its form to create a key, likewise
    api_check_path: str | None
    api_key_header: str | None
    api_accepted_status: int
    api_refused_status: int
    api_identity_organisation: str | None  # dotted path in the API's JSON answer, e.g. organization.name
    api_identity_key: str | None  # likewise for the key's name; unset when the API does not show it
    # how long FAMHP Connect may still serve an account after it was disabled, or a role taken away, in Keycloak
    access_revocation_bound_s: float | None = None
    # after an environment fault, how long the next scenario waits for the target to be healthy again
    recovery_timeout_s: float = 180.0
    origins: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    explicit: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # settings a profile gives only as a reminder ("<set UAT_X>"): unset, and said so by `uat doctor`
    placeholders: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def browser_language(self) -> str:
        """What the users' browsers ask for (Accept-Language and the browser's own language): nl -> nl-BE."""
        return BROWSER_LANGUAGES[self.locale]

    @property
    def invitation_language(self) -> str:
        """The language the invitation e-mail arrives in: the user's, where the deployment supports it."""
        return self.locale if self.invitation_in_user_language else DEFAULT_LOCALE

    @property
    def uses_reference_stack(self) -> bool:
        """Profile local with no deployment URL given explicitly: the run targets the bundled stack."""
        return self.profile == REFERENCE_STACK_PROFILE and not self.explicit & set(DEPLOYMENT_URL_FIELDS)

    @property
    def org_admin_pool(self) -> tuple[OrgAdmin, ...]:
        """Every organisation administrator the run may sign in as: UAT_ORG_ADMINS, else the one UAT_ORG_ADMIN_*."""
        if self.org_admins:
            return tuple(self.org_admins)
        if self.org_admin_email and self.org_admin_password and self.org_admin_totp_secret:
            return (OrgAdmin(self.org_admin_email, self.org_admin_password, self.org_admin_totp_secret),)
        return ()

    @property
    def browser_engine(self) -> str:
        """Where the browsers run: "browser-server", "selenium-grid" or "local" (launched by this process)."""
        if self.browser_endpoint:
            return "browser-server"
        if self.selenium_grid_url:
            return "selenium-grid"
        return "local"

    def require(self, *names: str, purpose: str) -> None:
        """Fail with one ConfigurationError naming every unset field that `purpose` needs."""
        missing = [
            f"{env_name(name)} is not set ({purpose} needs it)" for name in names if getattr(self, name) in (None, "")
        ]
        if missing:
            raise ConfigurationError(missing, profile=self.profile)

    def new_address(self, tag: str) -> str:
        """A fresh e-mail address for one scenario's user, from UAT_MAIL_ADDRESS_TEMPLATE, carrying the run's id and
        written in the run's ledger before any user or mail can have it."""
        self.require("mail_address_template", purpose="a scenario that makes a user")
        assert self.mail_address_template is not None
        address = unique_address(self.mail_address_template, tag, marker=run_ledger.current_run_id())
        run_ledger.record(run_ledger.ADDRESS, address=address)
        return address

    def describe(self) -> str:
        """One line per setting, secrets masked, with the value's origin."""
        lines = []
        for item in fields(self):
            if item.name in ("origins", "explicit", "placeholders"):
                continue
            value = getattr(self, item.name)
            shown = MASK if isinstance(value, Secret) else ("-" if value is None else str(value))
            lines.append(f"{env_name(item.name):<28} {shown:<52} {self.origins.get(item.name, 'default')}")
        return "\n".join(lines)


def env_name(field_name: str) -> str:
    """The environment variable a setting is read from: `imap_host` -> `UAT_IMAP_HOST`."""
    return f"{ENV_PREFIX}{field_name.upper()}"
