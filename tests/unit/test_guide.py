"""The user guide built from a run: its definition is complete in every language and tied to real scenarios and
steps; a step is shown only when the run proved it; the HTML carries every step, tip and the run's stamp; the
diff finds a changed picture."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from support.guide.definition import GUIDE_DIR, GuideDefinitionError, available_locales, load_guide
from support.guide.diff import changed_share, compare
from support.guide.proof import RunRecord, UnprovenGuide, prove, run_record
from support.guide.render import render_html
from support.paths import FEATURES_DIR


def png(colour: str = "white", box: tuple[int, int, int, int] | None = None) -> bytes:
    image = Image.new("RGB", (200, 100), colour)
    if box:
        ImageDraw.Draw(image).rectangle(box, fill="black")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_results(folder: Path, guide_locale: str = "en", *, status: str = "passed", drop: str | None = None) -> None:
    """Allure results as allure-pytest-bdd writes them: one result per scenario, a screenshot per step."""
    guide = load_guide(guide_locale)
    by_scenario: dict[str, list[str]] = {}
    for step in guide.proven_steps:
        assert step.scenario and step.after
        by_scenario.setdefault(step.scenario, []).append(step.after)
    for scenario, afters in by_scenario.items():
        steps = []
        for after in afters:
            attachments = []
            if after != drop:
                source = f"{uuid.uuid4()}-attachment.png"
                (folder / source).write_bytes(png())
                attachments.append({"name": after, "source": source, "type": "image/png"})
            steps.append({"name": after, "status": "passed", "stop": 2, "attachments": attachments})
        result = {"name": scenario, "status": status, "stop": 1, "steps": steps}
        (folder / f"{uuid.uuid4()}-result.json").write_text(json.dumps(result))
    (folder / "environment.properties").write_text(
        "profile=local\ngit.commit=0123456789abcdef\ntarget.portal=http\\://x/portal\n"
    )


def test_every_language_of_the_guide_is_complete() -> None:
    assert "en" in available_locales()
    for locale in available_locales():
        guide = load_guide(locale)
        assert guide.proven_steps and all(step.text for chapter in guide.chapters for step in chapter.steps)


def test_a_missing_word_is_named(tmp_path: Path) -> None:
    (tmp_path / "guide.toml").write_text((GUIDE_DIR / "guide.toml").read_text())
    words = (GUIDE_DIR / "en.toml").read_text()
    (tmp_path / "xx.toml").write_text(re.sub(r"(?m)^portal = .*$", "", words))
    with pytest.raises(GuideDefinitionError, match="no words for step 'portal'"):
        load_guide("xx", tmp_path)


def test_every_step_of_the_guide_is_a_step_of_a_tagged_scenario() -> None:
    features = {path: path.read_text() for path in FEATURES_DIR.rglob("*.feature")}
    for step in load_guide("en").proven_steps:
        block = next(
            (
                text.split(f"Scenario: {step.scenario}\n", 1)
                for text in features.values()
                if f"Scenario: {step.scenario}\n" in text
            ),
            None,
        )
        assert block is not None, f"no scenario {step.scenario!r} in features/"
        before, after = block
        assert "@guide" in before.strip().splitlines()[-1], f"{step.scenario!r} lacks the @guide tag"
        scenario_body = re.split(r"\n\s*(?:@|Scenario)", after, maxsplit=1)[0]
        assert f"    {step.after}\n" in scenario_body + "\n", (
            f"{step.id}: {step.after!r} is not a step of {step.scenario!r}"
        )


def test_a_green_run_proves_every_step(tmp_path: Path) -> None:
    write_results(tmp_path)
    guide = load_guide("en")
    proofs = prove(guide, tmp_path)
    assert [proof.step_id for proof in proofs] == [step.id for step in guide.proven_steps]
    assert run_record(tmp_path) == RunRecord("local (http://x/portal)", "0123456789ab", "local run")


def test_a_failed_scenario_or_a_missing_screenshot_stops_the_guide_and_is_named(tmp_path: Path) -> None:
    write_results(tmp_path, status="failed")
    with pytest.raises(UnprovenGuide, match=r"confirm-invitation: the scenario .* failed"):
        prove(load_guide("en"), tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    write_results(other, drop="And they accept the terms of use")
    with pytest.raises(UnprovenGuide, match=r"choose-password: no screenshot after 'And they accept the terms of use'"):
        prove(load_guide("en"), other)


def test_the_html_has_every_step_tip_and_the_stamp_of_the_run(tmp_path: Path) -> None:
    write_results(tmp_path)
    guide = load_guide("en")
    html = render_html(guide, prove(guide, tmp_path), run_record(tmp_path), date(2026, 11, 29))
    assert '<html lang="en">' in html
    assert html.count("data:image/png;base64,") == len(guide.proven_steps)
    assert html.count('<aside class="tip">') == sum(step.tip for chapter in guide.chapters for step in chapter.steps)
    assert "release 0123456789ab" in html and "2026-11-29" in html and "local (http://x/portal)" in html


def test_the_diff_finds_a_changed_picture_and_ignores_an_equal_one(tmp_path: Path) -> None:
    assert changed_share(png(), png()) == 0
    assert changed_share(png(), png(box=(0, 0, 99, 99))) == pytest.approx(0.5, abs=0.01)
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, pictures in (
        (old, {"a": png(), "b": png(), "gone": png()}),
        (new, {"a": png(), "b": png(box=(0, 0, 20, 20)), "new": png()}),
    ):
        (folder / "images").mkdir(parents=True)
        for name, data in pictures.items():
            (folder / "images" / f"{name}.png").write_bytes(data)
    assert {(change.step_id, change.note.split()[0]) for change in compare(old, new, threshold=0.01)} == {
        ("b", "2.2%"),
        ("gone", "no"),
        ("new", "new"),
    }
