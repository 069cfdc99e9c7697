"""The deployment under test in the guide's words: "their organisation", the role of an API key manager, the
application a tile stands for, the invitation e-mail, the API check. Every such fact comes from the profile
(`environments/<name>.toml`, `UAT_*`), so features and steps never name what only one deployment has."""

from __future__ import annotations

from dataclasses import dataclass

from support.config import UatConfig
from support.config.model import DEFAULT_LOCALE, in_language

THEIR_ORGANISATION = "their organisation"
THEIR_SECOND_ORGANISATION = "their second organisation"
NONE = "none"
FAMHP_CONNECT = "FAMHP Connect"  # the application, as the guide and its tile name it
# how a step's pattern names one of them: "their organisation" or "their second organisation", as `organisation`
THEIR = r"(?P<organisation>their (?:second )?organisation)"


class UnknownPhrase(LookupError):
    """A feature speaks of something the profile does not define; the message lists what it does define."""


@dataclass(frozen=True)
class InvitationMail:
    """How the invitation e-mail reads on this deployment, in the language it arrives in."""

    language: str
    subject: str
    link_label: str  # the label of the one link to follow ("Confirm your invitation")
    username_label: str
    password_labels: tuple[str, ...]  # most likely first
    guide_subject: str  # the subject in the user guide's (English) words, as features quote it
    guide_link_label: str

    def subject_said(self, guide_words: str) -> str:
        """The subject a feature quotes in the guide's words, as this e-mail says it ("Confirm your invitation"
        is "Bevestig uw uitnodiging" in Dutch); words the profile does not know stay as they are."""
        return self.subject if guide_words == self.guide_subject else guide_words

    def link_label_said(self, guide_words: str) -> str:
        """Likewise for the label of the link."""
        return self.link_label if guide_words == self.guide_link_label else guide_words


@dataclass(frozen=True)
class ApiCheck:
    """How a tool proves an API key works: a GET with the key in a header; where the answer names the caller."""

    path: str
    key_header: str
    accepted_status: int
    refused_status: int
    organisation_field: str  # dotted path in the JSON answer
    key_name_field: str | None


class Target:
    """The profile's facts, looked up by the phrases features use."""

    def __init__(self, config: UatConfig) -> None:
        self._config = config
        # a read-only profile may leave them unset: nothing it runs speaks of them
        self._roles = dict(config.roles or {})
        self._applications = dict(config.applications or {})
        self._organisations = {
            phrase: name
            for phrase, name in (
                (THEIR_ORGANISATION, config.organisation),
                (THEIR_SECOND_ORGANISATION, config.second_organisation),
            )
            if name
        }

    def organisation(self, phrase: str) -> str:
        """ "their organisation" -> the organisation's name on this deployment."""
        try:
            return self._organisations[phrase]
        except KeyError:
            raise UnknownPhrase(
                f"no organisation {phrase!r}; the profile defines {', '.join(self._organisations)}"
            ) from None

    def organisations(self, phrase: str) -> list[str]:
        """ "their organisation and their second organisation" -> both names, in that order."""
        return [self.organisation(part.strip()) for part in phrase.split(" and ")]

    def roles(self, phrase: str) -> dict[str, list[str]]:
        """ "user manager, VAMREG user" -> {client id: [role names]}; "none" -> {}."""
        grouped: dict[str, list[str]] = {}
        for meaning in _listed(phrase):
            if meaning not in self._roles:
                raise UnknownPhrase(f"no role {meaning!r}; the profile defines {', '.join(self._roles)}")
            client, role = self._roles[meaning]
            grouped.setdefault(client, []).append(role)
        return {client: sorted(roles) for client, roles in sorted(grouped.items())}

    def role_clients(self) -> dict[str, str]:
        """Role name -> the client that defines it (for accounts listed by bare role names)."""
        return {role: client for client, role in self._roles.values()}

    def applications(self, phrase: str) -> list[str]:
        """ "FAMHP Connect, VAMREG" -> the names as their tiles show them; checked against the profile."""
        names = _listed(phrase)
        unknown = [name for name in names if name not in self._applications]
        if unknown:
            raise UnknownPhrase(
                f"no application {', '.join(unknown)}; the profile defines {', '.join(self._applications)}"
            )
        return names

    def applications_for(self, roles: dict[str, list[str]]) -> list[str]:
        """The tiles the portal shows for these roles: one per application on which any role is held."""
        return sorted(name for name, client in self._applications.items() if roles.get(client))

    def application_of(self, client: str) -> str:
        return next(name for name, known in self._applications.items() if known == client)

    @property
    def api_keys_tab_address(self) -> str:
        return self._connect_address(self._config.api_keys_tab_path, "api_keys_tab_path")

    @property
    def new_api_key_form_address(self) -> str:
        return self._connect_address(self._config.new_api_key_form_path, "new_api_key_form_path")

    def _connect_address(self, path: str | None, setting: str) -> str:
        self._config.require(setting, purpose="opening a FAMHP Connect page by its address")
        return f"{self._config.famhp_connect_url.rstrip('/')}{path}"

    @property
    def invitation_mail(self) -> InvitationMail:
        """The invitation e-mail as it reads in the language it arrives in (the user's, where the deployment
        supports it: `invitation_in_user_language`)."""
        config = self._config
        language = config.invitation_language
        # load_config requires each wording, in the e-mail's language, for a run that invites
        subjects, links = config.invitation_subject or {}, config.invitation_link_label or {}
        subject, link = in_language(subjects, language), in_language(links, language)
        username = in_language(config.invitation_username_label or {}, language)
        passwords = in_language(config.invitation_password_labels or {}, language)
        assert subject and link and username and passwords
        return InvitationMail(
            language,
            subject,
            link,
            username,
            passwords,
            guide_subject=in_language(subjects, DEFAULT_LOCALE) or "",
            guide_link_label=in_language(links, DEFAULT_LOCALE) or "",
        )

    @property
    def api_check(self) -> ApiCheck:
        config = self._config
        assert config.api_check_path and config.api_key_header and config.api_identity_organisation
        return ApiCheck(
            config.api_check_path,
            config.api_key_header,
            config.api_accepted_status,
            config.api_refused_status,
            config.api_identity_organisation,
            config.api_identity_key,
        )


def _listed(phrase: str) -> list[str]:
    return [name.strip() for name in phrase.split(",") if name.strip() and name.strip().lower() != NONE]
