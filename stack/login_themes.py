"""Login themes of the reference stack: the ones Keycloak ships, the ones in stack/themes/, installing ours
into Keycloak's `themes/` folder, and the defects `--plant` puts into them on purpose."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from stack.errors import StackError

THEMES_DIR = Path(__file__).parent / "themes"
# Keycloak 26's own login themes: keycloak.v2 (PatternFly 5, the default) and keycloak (PatternFly 4,
# deprecated but shipped, and the base of many custom themes)
BUILTIN_LOGIN_THEMES = ("keycloak.v2", "keycloak")
DEFAULT_LOGIN_THEME = "keycloak.v2"


def shipped_login_themes(themes_dir: Path = THEMES_DIR) -> tuple[str, ...]:
    """The custom login themes this repository ships (a folder with login/theme.properties)."""
    if not themes_dir.is_dir():
        return ()
    return tuple(sorted(p.parent.parent.name for p in themes_dir.glob("*/login/theme.properties")))


def known_login_themes() -> tuple[str, ...]:
    return tuple(sorted({*BUILTIN_LOGIN_THEMES, *shipped_login_themes()}))


def require_login_theme(name: str) -> str:
    """The name itself when the stack can show it; otherwise a StackError listing the known themes."""
    known = known_login_themes()
    if name not in known:
        raise StackError(f"unknown login theme {name!r}; known: {', '.join(known)}")
    return name


@dataclass(frozen=True)
class PlantedMissingTranslation:
    """A message key of a shipped theme that exists in English and is left out of one other language, so the
    translation checks have a gap to find (Keycloak then shows the English text, not the raw key)."""

    theme: str
    key: str
    absent_in: str
    page_id: str  # the screen that shows the key

    def to_json(self) -> dict[str, str]:
        return {"defect": "missing-translation", **asdict(self)}


# `uat stack up --plant NAME`: defects put into the stack on purpose, each one for the checks that must find it
PLANTED_DEFECTS: dict[str, PlantedMissingTranslation] = {
    "missing-translation": PlantedMissingTranslation(
        theme="famhp", key="famhpPasswordAdvice", absent_in="nl", page_id="login-login-update-password"
    ),
}


def require_planted(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(names) - set(PLANTED_DEFECTS))
    if unknown:
        raise StackError(f"unknown planted defect {', '.join(unknown)}; known: {', '.join(sorted(PLANTED_DEFECTS))}")
    return tuple(sorted(set(names)))


def install_login_themes(keycloak_home: Path, planted: tuple[str, ...] = (), themes_dir: Path = THEMES_DIR) -> None:
    """Copies the shipped themes into Keycloak's `themes/` folder (read at start, no `kc.sh build` needed).

    A fresh copy at every start, so an edit or a changed `--plant` never meets an old copy; Keycloak caches
    themes while it runs (as in production), so a change needs a restart of Keycloak.
    """
    target_root = keycloak_home / "themes"
    target_root.mkdir(parents=True, exist_ok=True)
    for name in shipped_login_themes(themes_dir):
        target = target_root / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(themes_dir / name, target)
    for name in planted:
        defect = PLANTED_DEFECTS[name]
        _drop_message(target_root / defect.theme / "login" / "messages", defect.key, defect.absent_in)


def _drop_message(messages_dir: Path, key: str, locale: str) -> None:
    bundle = messages_dir / f"messages_{locale}.properties"
    lines = bundle.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split("=", 1)[0].strip() != key]
    if len(kept) == len(lines):
        raise StackError(f"cannot plant a missing translation: {bundle} has no key {key!r} to leave out")
    bundle.write_text("".join(kept), encoding="utf-8")
