"""The epics of the report (one per feature folder) and the sections of the user guide each feature verifies."""

from __future__ import annotations

import re
from pathlib import Path

EPIC_TITLES = {
    "onboarding": "Onboarding of an invited user",
    "mfa": "Multi-factor authentication",
    "sso": "Single sign-on to the applications",
    "portal": "IAM External Portal",
    "api_keys": "API keys",
    "api-keys": "API keys",
    "production": "Production-only sign-in",
}
USER_GUIDE_SECTIONS = {
    "1": "How to use a multi-factor authentication application",
    "1.1": "Keycloak External: initial login procedure via e-mail",
    "1.2": "Installing a multi-factor authentication app",
    "1.3": "VAMREG application login",
    "2": "Managing API keys",
    "2.1": "Requirements",
    "2.2": "Creating an API key",
}
USER_GUIDE_LINK_TYPE = "user-guide"
USER_GUIDE_URL_ENV = "UAT_USER_GUIDE_URL"  # e.g. https://intranet.example/guide.html#section-{section}
_USER_GUIDE_LINE = re.compile(r"user guide\b(?P<rest>.*)", re.IGNORECASE)
_REFERENCE_END = re.compile(r"[:(\"“‘']|\.(?:\s|$)")
_SECTION_NUMBER = re.compile(r"(?<![\d.])\d+\.\d+(?:\.\d+)?(?![\d.]*\d)")


def epic_of(feature_path: Path, features_dir: Path) -> str | None:
    """The epic of a feature: its (first) folder under the features directory, in plain words."""
    try:
        folders = feature_path.resolve().relative_to(features_dir.resolve()).parts[:-1]
    except ValueError:
        folders = feature_path.parts[-2:-1]
    if not folders:
        return None
    folder = folders[0]
    return EPIC_TITLES.get(folder, folder.replace("_", " ").replace("-", " ").capitalize())


def user_guide_sections(description: str) -> list[str]:
    """Section numbers named on the description's "User guide …" line: 'User guide 1.1 steps 2-5 and 1.2' ->
    ['1.1', '1.2']."""
    for line in description.splitlines():
        match = _USER_GUIDE_LINE.search(line)
        if match:
            # the reference ends where its explanation starts: 'User guide 1.1 step 4 "Choose …": … 1.5 …'
            reference = _REFERENCE_END.split(match.group("rest"), maxsplit=1)[0]
            return list(dict.fromkeys(_SECTION_NUMBER.findall(reference)))
    return []


def user_guide_link(section: str, url_template: str | None) -> tuple[str, str]:
    """(name, url) of the Allure link to one guide section; without a configured guide URL the link is an
    anchor that names the section, so the report still says which section a feature verifies."""
    title = USER_GUIDE_SECTIONS.get(section)
    name = f"User guide {section}" + (f" — {title}" if title else "")
    url = url_template.format(section=section) if url_template else f"#user-guide-{section}"
    return name, url
