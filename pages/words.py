"""What a user reads on the applications' screens (portal, FAMHP Connect, VAMREG), in one place: the page objects
find every tile, tab, button, field, column and heading by these words, so a deployment's own wording or another
language (nl, fr, de) is an edit here and nowhere else."""

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
    # a key's status and its "last used" before any use
    active: Term = Term("Active")
    revoked: Term = Term("Revoked")
    never: Term = Term("Never")
    # FAMHP Connect, tab "Users"
    invite_user: Term = Term("Invite user", "Invite a user")
    search_users: Term = Term("Search users", "Find a user")
    search: Term = Term("Search")
    first_name: Term = Term("First name")
    last_name: Term = Term("Last name")
    roles: Term = Term("Roles")
    send_invitation: Term = Term("Send invitation")
    resend_invitation: Term = Term("Resend invitation", "Send the invitation again")
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

    # what the form for a new key says when it refuses a name
    name_required: Term = Term("Enter a name for the API key.")
    name_length: Term = Term("The name must be 3 to 64 characters long.")
    name_taken: Term = Term("This organisation already has an active API key with this name.")

    def key_status(self, guide_words: str) -> Term:
        """A key's status as a feature quotes it in English ("Active", "Revoked"), in this glossary's language."""
        return self._quoted(guide_words, ("active", "revoked"))

    def name_refusal(self, guide_words: str) -> Term:
        """A refusal of a key's name as a feature quotes it in English, in this glossary's language."""
        return self._quoted(guide_words, ("name_required", "name_length", "name_taken"))

    def _quoted(self, guide_words: str, among: tuple[str, ...]) -> Term:
        for name in among:
            if ENGLISH_WORDS[name].pattern.match(guide_words):
                return getattr(self, name)
        raise LookupError(f"{guide_words!r} is none of {', '.join(repr(ENGLISH_WORDS[n].wordings[0]) for n in among)}")


ENGLISH = Glossary()
ENGLISH_WORDS = vars(ENGLISH)
# the same things in the other languages FAMHP's users sign in in, in the wordings of the reference apps' skins
DUTCH = Glossary(
    applications=Term("Uw toepassingen", "Toepassingen"),
    sign_out=Term("Afmelden", "Uitloggen"),
    signed_out=Term("U bent afgemeld", "U bent uitgelogd"),
    sign_in_failed=Term("De aanmelding werd niet voltooid", "Aanmelding mislukt"),
    full_name=Term("Naam", "Volledige naam"),
    email=Term("E-mail", "E-mailadres"),
    organisations=Term("Organisaties"),
    invitation_used=Term("Uitnodiging al gebruikt"),
    invitation_expired=Term("Uitnodiging verlopen"),
    invitation_unknown=Term("Uitnodiging niet gevonden"),
    users_tab=Term("Gebruikers"),
    api_keys_tab=Term("API-sleutels"),
    access_denied=Term("Toegang geweigerd"),
    create_api_key=Term("API-sleutel aanmaken", "Nieuwe API-sleutel"),
    api_key_name=Term("Naam", "Naam van de API-sleutel"),
    organisation=Term("Organisatie"),
    choose_organisation=Term("Kies een organisatie", "Selecteer uw organisatie"),
    no_organisation=Term(
        "U bent geen lid van een organisatie waarvoor u API-sleutels kunt beheren.",
        "U behoort tot geen organisatie waarin u API-sleutels mag beheren.",
    ),
    save=Term("Opslaan"),
    cancel=Term("Annuleren"),
    secret=Term("Uw nieuwe API-sleutel", "Geheim"),
    copy=Term("Kopiëren", "Naar het klembord kopiëren"),
    done=Term("Klaar"),
    name=Term("Naam"),
    prefix=Term("Prefix", "Sleutelprefix"),
    created=Term("Aangemaakt"),
    created_by=Term("Aangemaakt door"),
    last_used=Term("Laatst gebruikt"),
    status=Term("Status"),
    revoke=Term("Intrekken", "Sleutel intrekken"),
    active=Term("Actief"),
    revoked=Term("Ingetrokken"),
    never=Term("Nooit"),
    name_required=Term("Geef een naam voor de API-sleutel."),
    name_length=Term("De naam moet 3 tot 64 tekens lang zijn."),
    name_taken=Term("Deze organisatie heeft al een actieve API-sleutel met deze naam."),
    invite_user=Term("Gebruiker uitnodigen", "Een gebruiker uitnodigen"),
    search_users=Term("Gebruikers zoeken", "Een gebruiker zoeken"),
    search=Term("Zoeken"),
    first_name=Term("Voornaam"),
    last_name=Term("Achternaam"),
    roles=Term("Rollen"),
    send_invitation=Term("Uitnodiging versturen"),
    request_refused=Term("Verzoek geweigerd", "Toegang geweigerd"),
    resend_invitation=Term("Uitnodiging opnieuw versturen"),
    account_changes=Term(
        "Verwijderen",
        "Uitschakelen",
        "Deactiveren",
        "Blokkeren",
        "Schorsen",
        "Intrekken",
        "Opnieuw versturen",
        "Opnieuw uitnodigen",
        "Wachtwoord opnieuw instellen",
    ),
    confirm_invitation=Term("Bevestig uw uitnodiging", "Uitnodiging bevestigen", "Bevestigen", "Doorgaan"),
)
FRENCH = Glossary(
    applications=Term("Vos applications", "Applications"),
    sign_out=Term("Se déconnecter", "Déconnexion"),
    signed_out=Term("Vous êtes déconnecté", "Vous avez été déconnecté"),
    sign_in_failed=Term("La connexion n’a pas abouti", "Échec de la connexion"),
    full_name=Term("Nom", "Nom complet"),
    email=Term("E-mail", "Adresse e-mail"),
    organisations=Term("Organisations"),
    invitation_used=Term("Invitation déjà utilisée"),
    invitation_expired=Term("Invitation expirée"),
    invitation_unknown=Term("Invitation introuvable"),
    users_tab=Term("Utilisateurs"),
    api_keys_tab=Term("Clés API"),
    access_denied=Term("Accès refusé"),
    create_api_key=Term("Créer une clé API", "Nouvelle clé API"),
    api_key_name=Term("Nom", "Nom de la clé API"),
    organisation=Term("Organisation"),
    choose_organisation=Term("Choisissez une organisation", "Sélectionnez votre organisation"),
    no_organisation=Term(
        "Vous n’êtes membre d’aucune organisation pour laquelle vous pouvez gérer des clés API.",
        "Vous n’appartenez à aucune organisation dans laquelle vous pouvez gérer des clés API.",
    ),
    save=Term("Enregistrer"),
    cancel=Term("Annuler"),
    secret=Term("Votre nouvelle clé API", "Secret"),
    copy=Term("Copier", "Copier dans le presse-papiers"),
    done=Term("Terminé"),
    name=Term("Nom"),
    prefix=Term("Préfixe", "Préfixe de la clé"),
    created=Term("Créée le"),
    created_by=Term("Créée par"),
    last_used=Term("Dernière utilisation"),
    status=Term("Statut"),
    revoke=Term("Révoquer", "Révoquer la clé"),
    active=Term("Active"),
    revoked=Term("Révoquée"),
    never=Term("Jamais"),
    name_required=Term("Indiquez un nom pour la clé API."),
    name_length=Term("Le nom doit compter de 3 à 64 caractères."),
    name_taken=Term("Cette organisation a déjà une clé API active portant ce nom."),
    invite_user=Term("Inviter un utilisateur"),
    search_users=Term("Rechercher des utilisateurs", "Trouver un utilisateur"),
    search=Term("Rechercher"),
    first_name=Term("Prénom"),
    last_name=Term("Nom de famille"),
    roles=Term("Rôles"),
    send_invitation=Term("Envoyer l’invitation"),
    request_refused=Term("Demande refusée", "Accès refusé"),
    resend_invitation=Term("Renvoyer l’invitation"),
    account_changes=Term(
        "Supprimer",
        "Désactiver",
        "Bloquer",
        "Suspendre",
        "Retirer",
        "Renvoyer",
        "Réinviter",
        "Réinitialiser le mot de passe",
    ),
    confirm_invitation=Term("Confirmez votre invitation", "Confirmer l’invitation", "Confirmer", "Continuer"),
)
GERMAN = Glossary(
    applications=Term("Ihre Anwendungen", "Anwendungen"),
    sign_out=Term("Abmelden", "Ausloggen"),
    signed_out=Term("Sie sind abgemeldet", "Sie wurden abgemeldet"),
    sign_in_failed=Term("Die Anmeldung wurde nicht abgeschlossen", "Anmeldung fehlgeschlagen"),
    full_name=Term("Name", "Vollständiger Name"),
    email=Term("E-Mail", "E-Mail-Adresse"),
    organisations=Term("Organisationen"),
    invitation_used=Term("Einladung bereits verwendet"),
    invitation_expired=Term("Einladung abgelaufen"),
    invitation_unknown=Term("Einladung nicht gefunden"),
    users_tab=Term("Benutzer"),
    api_keys_tab=Term("API-Schlüssel"),
    access_denied=Term("Zugriff verweigert"),
    create_api_key=Term("API-Schlüssel erstellen", "Neuer API-Schlüssel"),
    api_key_name=Term("Name", "Name des API-Schlüssels"),
    organisation=Term("Organisation"),
    choose_organisation=Term("Wählen Sie eine Organisation", "Wählen Sie Ihre Organisation aus"),
    no_organisation=Term(
        "Sie sind nicht Mitglied einer Organisation, für die Sie API-Schlüssel verwalten können.",
        "Sie gehören keiner Organisation an, in der Sie API-Schlüssel verwalten dürfen.",
    ),
    save=Term("Speichern"),
    cancel=Term("Abbrechen"),
    secret=Term("Ihr neuer API-Schlüssel", "Geheimnis"),
    copy=Term("Kopieren", "In die Zwischenablage kopieren"),
    done=Term("Fertig"),
    name=Term("Name"),
    prefix=Term("Präfix", "Schlüsselpräfix"),
    created=Term("Erstellt"),
    created_by=Term("Erstellt von"),
    last_used=Term("Zuletzt verwendet"),
    status=Term("Status"),
    revoke=Term("Widerrufen", "Schlüssel widerrufen"),
    active=Term("Aktiv"),
    revoked=Term("Widerrufen"),
    never=Term("Nie"),
    name_required=Term("Geben Sie einen Namen für den API-Schlüssel ein."),
    name_length=Term("Der Name muss 3 bis 64 Zeichen lang sein."),
    name_taken=Term("Diese Organisation hat bereits einen aktiven API-Schlüssel mit diesem Namen."),
    invite_user=Term("Benutzer einladen", "Einen Benutzer einladen"),
    search_users=Term("Benutzer suchen", "Einen Benutzer finden"),
    search=Term("Suchen"),
    first_name=Term("Vorname"),
    last_name=Term("Nachname"),
    roles=Term("Rollen"),
    send_invitation=Term("Einladung senden"),
    request_refused=Term("Anfrage abgelehnt", "Zugriff verweigert"),
    resend_invitation=Term("Einladung erneut senden"),
    account_changes=Term(
        "Entfernen",
        "Löschen",
        "Deaktivieren",
        "Sperren",
        "Zurückziehen",
        "Erneut senden",
        "Erneut einladen",
        "Passwort zurücksetzen",
    ),
    confirm_invitation=Term("Bestätigen Sie Ihre Einladung", "Einladung bestätigen", "Bestätigen", "Weiter"),
)
GLOSSARIES = {"en": ENGLISH, "nl": DUTCH, "fr": FRENCH, "de": GERMAN}
_spoken = ["en"]


def speak(language: str) -> None:
    """Makes the page objects read the screens in `language` (the run's locale: en, nl, fr or de)."""
    if language not in GLOSSARIES:
        raise ValueError(f"no glossary for language {language!r}: there are {', '.join(GLOSSARIES)}")
    _spoken[0] = language


def words() -> Glossary:
    """The glossary the page objects use now: the run's language (`speak`), English unless told."""
    return GLOSSARIES[_spoken[0]]
