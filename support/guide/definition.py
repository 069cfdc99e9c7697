"""What the guide says and where its pictures come from: `features/guide/guide.toml` (chapters and steps, each tied
to a scenario and the Gherkin step after which the browser shows the screen) and one word file per language."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from support.paths import FEATURES_DIR

GUIDE_DIR = FEATURES_DIR / "guide"
STRUCTURE = GUIDE_DIR / "guide.toml"
# the texts every language file must give, besides one per chapter and step
PAGE_TEXTS = ("language", "title", "subtitle", "proven", "footer", "step_label", "tip_label")


class GuideDefinitionError(Exception):
    """The guide's definition or a language's words are incomplete; the message lists every gap."""


@dataclass(frozen=True)
class GuideStep:
    id: str
    text: str
    scenario: str | None  # the scenario that proves the step (None for a tip: words only)
    after: str | None  # the Gherkin step ("When they …") after which the screenshot shows the screen
    tip: bool


@dataclass(frozen=True)
class Chapter:
    id: str
    section: str  # the user guide's own numbering ("1.1")
    title: str
    intro: str
    steps: tuple[GuideStep, ...]


@dataclass(frozen=True)
class Guide:
    locale: str
    texts: dict[str, str]  # the page's own words: title, footer, labels …
    chapters: tuple[Chapter, ...]

    @property
    def proven_steps(self) -> list[GuideStep]:
        return [step for chapter in self.chapters for step in chapter.steps if step.scenario]

    @property
    def scenarios(self) -> list[str]:
        return sorted({step.scenario for step in self.proven_steps if step.scenario})


def available_locales(guide_dir: Path = GUIDE_DIR) -> list[str]:
    return sorted(path.stem for path in guide_dir.glob("*.toml") if path.name != STRUCTURE.name)


def load_guide(locale: str, guide_dir: Path = GUIDE_DIR) -> Guide:
    """The guide in one language; every missing word is reported at once (a guide never shows an untranslated
    gap, nor a fallback in another language)."""
    words_file = guide_dir / f"{locale}.toml"
    if not words_file.is_file():
        raise GuideDefinitionError(
            f"no words for locale {locale!r} ({words_file}); known: {', '.join(available_locales(guide_dir))}"
        )
    structure = tomllib.loads((guide_dir / STRUCTURE.name).read_text(encoding="utf-8"))
    words = tomllib.loads(words_file.read_text(encoding="utf-8"))
    problems = [f"{words_file.name}: no {name!r}" for name in PAGE_TEXTS if not words.get(name)]
    chapters = []
    for raw in structure.get("chapter", []):
        chapter_words = words.get("chapters", {}).get(raw["id"], {})
        problems += [f"{words_file.name}: chapter {raw['id']!r} has no {key!r}" for key in ("title", "intro")
                     if not chapter_words.get(key)]  # fmt: skip
        steps = []
        for step in raw.get("step", []):
            text = words.get("steps", {}).get(step["id"])
            if not text:
                problems.append(f"{words_file.name}: no words for step {step['id']!r}")
            if not step.get("tip") and not (step.get("scenario") and step.get("after")):
                problems.append(f"{STRUCTURE.name}: step {step['id']!r} needs a scenario and an `after` step")
            steps.append(
                GuideStep(step["id"], text or "", step.get("scenario"), step.get("after"), bool(step.get("tip")))
            )
        chapters.append(
            Chapter(
                raw["id"], raw["section"], chapter_words.get("title", ""), chapter_words.get("intro", ""), tuple(steps)
            )
        )
    if problems:
        raise GuideDefinitionError("the guide cannot be built:\n" + "\n".join(f"  - {p}" for p in problems))
    texts = {name: str(words[name]) for name in PAGE_TEXTS}
    return Guide(locale, texts, tuple(chapters))
