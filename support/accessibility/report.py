"""The findings as a person reads them: an HTML table (rule, impact, success criterion, elements, help) for the
report, and the lines the release gate prints."""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Environment, select_autoescape

from support.accessibility.axe import Violation

_TABLE = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Accessibility: {{ screen }}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px;
text-align:left;vertical-align:top}code{font-size:0.9em}</style></head><body>
<h1>WCAG 2.1 AA on {{ screen }} ({{ language or "no language" }})</h1>
{% if not rows %}<p>No violation found.</p>{% else %}
<table><caption>{{ rows|length }} violation(s)</caption>
<thead><tr><th scope="col">rule</th><th scope="col">impact</th><th scope="col">success criterion</th>
<th scope="col">elements</th><th scope="col">status</th><th scope="col">help</th></tr></thead><tbody>
{% for v, status in rows %}<tr><td>{{ v.rule }}</td><td>{{ v.impact }}</td><td>{{ v.criteria }}</td>
<td>{% for e in v.elements %}<code>{{ e }}</code><br>{% endfor %}</td><td>{{ status }}</td>
<td><a href="{{ v.help_url }}">{{ v.help }}</a></td></tr>{% endfor %}
</tbody></table>{% endif %}</body></html>"""
)


def html_table(screen: str, language: str, rows: Iterable[tuple[Violation, str]]) -> str:
    """`rows`: each violation with its status ("new", "known: <reason> (owner, until)")."""
    return _TABLE.render(screen=screen, language=language, rows=list(rows))


def line(violation: Violation) -> str:
    elements = "; ".join(violation.elements) or "-"
    return (
        f"{violation.screen}: {violation.rule} ({violation.impact}, WCAG {violation.criteria}) at {elements}: "
        f"{violation.help} <{violation.help_url}>"
    )
