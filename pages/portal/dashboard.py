"""The IAM External Portal dashboard: who is signed in, and one tile per application the user may open."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.locate import area, control, listed, value
from pages.words import words


class PortalDashboard:
    """The signed-in user's name, e-mail and organisations (read after their terms), the application tiles (the
    links of the part named "Your applications", each named by the application's title), and sign-out."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        main = page.get_by_role("main")
        self.user_name = value(main, said.full_name)
        self.user_email = value(main, said.email)
        self.organisations = listed(value(main, said.organisations), page)
        self._applications = area(main, said.applications)
        self.tiles = self._applications.get_by_role("link")
        # a tile's link is named by the application's title alone; its description is said apart
        self.tile_titles = self.tiles
        self._sign_out = control(page, said.sign_out)

    def open(self, portal_url: str) -> None:
        """Go to the dashboard (Keycloak's sign-in comes first when there is no session)."""
        self.page.goto(portal_url)

    def tile(self, title: str) -> Locator:
        """The tile of one application, by the title the user reads ("VAMREG")."""
        return self._applications.get_by_role("link", name=title, exact=True)

    def open_application(self, title: str) -> None:
        """Open an application from its tile, by the title the user reads ("VAMREG")."""
        self.tile(title).click()

    def sign_out(self) -> None:
        self._sign_out.click()


class SignedOut:
    """The page after signing out of the portal (the Keycloak session ended too): the heading that says so."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_role("heading", name=words().signed_out.pattern)


class SignInRefused:
    """What the portal shows when Keycloak returns without a sign-in (e.g. the terms were declined)."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_role("heading", name=words().sign_in_failed.pattern)
