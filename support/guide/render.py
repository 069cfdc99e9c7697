"""The guide as one self-contained HTML file per language (pictures embedded), its PDF printed by Chromium, and
a manifest of its pictures for `--diff`."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, select_autoescape
from playwright.sync_api import Browser

from support.guide.definition import Guide
from support.guide.proof import Proof, RunRecord

MANIFEST = "manifest.json"
_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ guide.locale }}">
<head>
<meta charset="utf-8">
<title>{{ texts.title }}</title>
<style>
  body { font-family: "Liberation Sans", Arial, sans-serif; color: #1f2d3d; margin: 2rem auto; max-width: 50rem; }
  header { border-bottom: 4px solid #00567d; margin-bottom: 1.5rem; }
  h1 { color: #00567d; margin-bottom: 0.2rem; }
  h2 { color: #00567d; border-bottom: 1px solid #c9d6df; padding-bottom: 0.2rem; break-after: avoid; }
  .proven { font-style: italic; color: #4a5a6a; }
  ol.steps { padding-left: 0; list-style: none; counter-reset: step; }
  li.step { margin: 1.2rem 0; break-inside: avoid; }
  li.step > p::before {
    counter-increment: step; content: "{{ texts.step_label }} " counter(step) ". "; font-weight: bold;
  }
  li.step img { display: block; width: 100%; border: 1px solid #c9d6df; margin-top: 0.5rem; }
  aside.tip { background: #eef6fa; border-left: 4px solid #00567d; padding: 0.5rem 0.8rem; margin: 0.8rem 0; }
  aside.tip strong { color: #00567d; }
  footer { border-top: 1px solid #c9d6df; margin-top: 2rem; padding-top: 0.5rem; font-size: 0.85rem; color: #4a5a6a; }
</style>
</head>
<body>
<header>
  <h1>{{ texts.title }}</h1>
  <p>{{ texts.subtitle }}</p>
  <p class="proven">{{ texts.proven }}</p>
</header>
<main>
{% for chapter in guide.chapters %}
<section id="{{ chapter.id }}">
  <h2>{{ chapter.section }} {{ chapter.title }}</h2>
  <p>{{ chapter.intro }}</p>
  <ol class="steps">
  {% for step in chapter.steps %}
    {% if step.tip %}
    <aside class="tip"><strong>{{ texts.tip_label }}:</strong> {{ step.text }}</aside>
    {% else %}
    <li class="step" id="{{ step.id }}">
      <p>{{ step.text }}</p>
      <img alt="{{ step.text }}" src="data:image/png;base64,{{ images[step.id] }}">
    </li>
    {% endif %}
  {% endfor %}
  </ol>
</section>
{% endfor %}
</main>
<footer>{{ footer }}</footer>
</body>
</html>
"""


@dataclass(frozen=True)
class BuiltGuide:
    locale: str
    html: Path
    pdf: Path
    images: dict[str, Path]


def footer_text(guide: Guide, record: RunRecord, built_on: date) -> str:
    return guide.texts["footer"].format(
        environment=record.environment, release=record.release, date=built_on.isoformat(), run=record.run
    )


def render_html(guide: Guide, proofs: list[Proof], record: RunRecord, built_on: date) -> str:
    template = Environment(autoescape=select_autoescape(default=True)).from_string(_TEMPLATE)
    images = {proof.step_id: base64.b64encode(proof.image).decode("ascii") for proof in proofs}
    return template.render(guide=guide, texts=guide.texts, images=images, footer=footer_text(guide, record, built_on))


def build(guide: Guide, proofs: list[Proof], record: RunRecord, output: Path, browser: Browser) -> BuiltGuide:
    """Writes <output>/<locale>/guide.html, guide.pdf, images/<step>.png and the manifest."""
    folder = output / guide.locale
    (folder / "images").mkdir(parents=True, exist_ok=True)
    built_on = date.today()
    html = folder / "guide.html"
    html.write_text(render_html(guide, proofs, record, built_on), encoding="utf-8")
    images = {}
    for proof in proofs:
        images[proof.step_id] = folder / "images" / f"{proof.step_id}.png"
        images[proof.step_id].write_bytes(proof.image)
    pdf = folder / "guide.pdf"
    page = browser.new_page()
    try:
        page.goto(html.as_uri())
        page.pdf(
            path=str(pdf),
            format="A4",
            print_background=True,
            margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"},
        )
    finally:
        page.close()
    manifest = {
        "locale": guide.locale,
        "built_on": built_on.isoformat(),
        "release": record.release,
        "run": record.run,
        "steps": {proof.step_id: hashlib.sha256(proof.image).hexdigest() for proof in proofs},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return BuiltGuide(guide.locale, html, pdf, images)
