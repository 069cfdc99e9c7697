"""The IAM External Portal dashboard (`/portal`): who is signed in, and one tile per application."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class PortalDashboard:
    """The signed-in user's name and organisations, the application tiles, and sign-out."""

    PATH = "/portal"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.user_name = page.get_by_test_id("portal-user-name")
        self.user_email = page.get_by_test_id("portal-user-email")
        self.organisations = page.get_by_test_id("portal-organizations").locator("li")
        self.tiles = page.locator('[data-testid^="tile-"]')
        self.tile_titles = page.get_by_test_id("application-name")
        self._sign_out = page.get_by_role("button", name="Sign out")

    def open(self, portal_url: str) -> None:
        """Go to the dashboard (Keycloak's sign-in comes first when there is no session)."""
        self.page.goto(portal_url)

    def tile(self, client_id: str) -> Locator:
        """The tile of one application by its client id, e.g. "vamreg" or "famhp-connect"."""
        return self.page.get_by_test_id(f"tile-{client_id}")

    def open_application(self, title: str) -> None:
        """Open an application from its tile, by the title the user reads ("VAMREG")."""
        self.tiles.filter(has=self.page.get_by_test_id("application-name").get_by_text(title, exact=True)).click()

    def sign_out(self) -> None:
        self._sign_out.click()


class SignedOut:
    """The page after signing out of the portal (the Keycloak session ended too)."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_test_id("signed-out")


class SignInRefused:
    """What the portal shows when Keycloak returns without a sign-in (e.g. the terms were declined)."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_test_id("signin-failed")
