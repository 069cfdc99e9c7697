"""How a user finds things on an application's screen, as Playwright locators: what they click by its name (a
button or a link), a named part of the screen, the rows of a table or the items of a list, and a value under its
column header (table) or after its term (description list). Only the semantics a screen reader announces, never a
path through the layout or a test id, so the page objects work on any markup of the same screens."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.words import Term

Scope = Page | Locator


def control(scope: Scope, term: Term) -> Locator:
    """What the user clicks, by its name: a button or a link (deployments style either as the other)."""
    return scope.get_by_role("button", name=term.pattern).or_(scope.get_by_role("link", name=term.pattern))


def area(scope: Scope, term: Term) -> Locator:
    """A named part of the screen: a region (a section with a heading) or a navigation."""
    return scope.get_by_role("region", name=term.pattern).or_(scope.get_by_role("navigation", name=term.pattern))


def items(scope: Scope) -> Locator:
    """The rows of a table and the items of a list: what a user reads one by one (filter them by their values)."""
    return scope.get_by_role("row").or_(scope.get_by_role("listitem"))


def value(scope: Scope, term: Term) -> Locator:
    """What a user reads under a column header or after a term, inside `scope`: in a table, the cells of the
    column whose header is `term` (never the header itself); in a description list, the definitions of the term
    `term` (one or more `dd` after their `dt`, grouped in a `div` or not).

    XPath, because this is the relation the HTML table and description-list models define and ARIA exposes to a
    screen reader ("Status, column 7: Active"), and Playwright has no locator for it."""
    header = f"ancestor::table[1]/thead/tr/th[{term.xpath_test()}]"
    cell = f".//*[self::td or self::th][not(ancestor::thead)][{header}][count({header}/preceding-sibling::*) + 1]"
    definition = f".//dd[preceding-sibling::dt[1][{term.xpath_test()}]]"
    return scope.locator(f"xpath={cell} | {definition}")


def listed(values: Locator, scope: Scope) -> Locator:
    """The entries of a value that lists several (organisations): the items of a list inside it, or each value
    itself when the markup gives one definition per entry."""
    return values.get_by_role("listitem").or_(values.filter(has_not=scope.get_by_role("list")))
