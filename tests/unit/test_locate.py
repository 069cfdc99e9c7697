"""How the application page objects find things (pages/words.py, pages/locate.py): a term matches each of its
wordings and nothing longer; a value is found under its column header in a table and after its term in a
description list, never in the header row, and only where the header exists."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pages.locate import area, control, items, listed, value
from pages.words import Term, words

TABLE = """
<main>
  <table><caption>API keys</caption>
    <thead><tr>
      <th scope="col">Name</th><th scope="col">Organisation</th><th scope="col">Status</th><th></th>
    </tr></thead>
    <tbody>
      <tr><th scope="row">Nightly export</th><td>Acme Pharma NV</td><td><span>Active</span></td>
          <td><a role="button" href="#r1">Revoke</a></td></tr>
      <tr><th scope="row">Old feed</th><td>Belgian Vet Supplies BV</td><td>Revoked</td><td></td></tr>
    </tbody>
  </table>
</main>"""

CARDS = """
<main>
  <nav aria-label="FAMHP Connect"><a href="#u">Users</a><a href="#k" aria-current="page">API Keys</a></nav>
  <ul aria-label="API keys">
    <li><h2>Nightly export</h2>
      <dl><div><dt>Organization</dt><dd>Acme Pharma NV</dd></div><div><dt>Status</dt><dd>Active</dd></div></dl>
      <a href="#r1">Revoke</a></li>
  </ul>
  <section aria-labelledby="you"><h2 id="you">Your profile</h2>
    <dl><dt>Organizations</dt><dd>Acme Pharma NV</dd><dd>Belgian Vet Supplies BV</dd></dl></section>
  <section aria-labelledby="acc"><h2 id="acc">Your account</h2>
    <dl><dt>Organisations</dt><dd><ul><li>Acme Pharma NV</li><li>Belgian Vet Supplies BV</li></ul></dd></dl></section>
</main>"""


def test_a_term_matches_its_wordings_whole_and_in_any_case() -> None:
    create = words().create_api_key
    for shown in ("Create API key", "new api key", "  New API key "):
        assert create.pattern.search(shown), shown
    for other in ("Create API key now", "API key", "Renew API key"):
        assert not create.pattern.search(other), other
    assert "translate(normalize-space(.)" in Term('O\'Brien "Jr"').xpath_test()
    assert "concat('o', \"'\", 'brien \"jr\"')" in Term('O\'Brien "Jr"').xpath_test()
    with pytest.raises(ValueError):
        Term()


def test_a_term_within_a_name_matches_a_whole_word_of_it() -> None:
    changes = words().account_changes.within
    for shown in ("Remove", "Remove Jane Doe", "Disable account", "Resend invitation", "reset password"):
        assert changes.search(shown), shown
    for other in ("Removed", "Show details", "Active", "Undelete"):
        assert not changes.search(other), other


@pytest.mark.browser
def test_values_under_column_headers_in_a_table(page: Page) -> None:
    said = words()
    page.set_content(TABLE)
    rows = items(page).filter(has=value(page, said.name))
    expect(rows).to_have_count(2)  # not the header row
    acme = rows.filter(has=value(page, said.organisation).get_by_text("Acme Pharma NV", exact=True))
    expect(value(acme, said.name)).to_have_text("Nightly export")
    expect(value(acme, said.status)).to_have_text("Active")
    expect(value(rows, said.status)).to_have_text(["Active", "Revoked"])
    expect(value(page, said.created_by)).to_have_count(0)  # no such column: nothing, not the first cell
    expect(rows.filter(has=control(page, said.revoke))).to_have_count(1)


@pytest.mark.browser
def test_values_after_terms_in_lists_and_one_entry_per_organisation(page: Page) -> None:
    said = words()
    page.set_content(CARDS)
    cards = items(page.get_by_role("main")).filter(has=page.get_by_role("heading"))
    expect(cards).to_have_count(1)  # not the navigation's links, not the profile's list items
    expect(value(cards, said.organisation)).to_have_text("Acme Pharma NV")
    expect(value(cards, said.status)).to_have_text("Active")
    expect(control(cards, said.revoke)).to_have_count(1)
    organisations = ["Acme Pharma NV", "Belgian Vet Supplies BV"]
    for section in ("Your profile", "Your account"):
        part = page.get_by_role("region", name=section)
        expect(listed(value(part, said.organisations), page)).to_have_text(organisations)
    navigation = area(page, said.famhp_connect)
    expect(navigation.get_by_role("link", name=said.api_keys_tab.pattern)).to_have_attribute("aria-current", "page")
