"""The IAM External Portal dashboard (`/portal`): who is signed in, and one tile per application."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class PortalDashboard:
    """The signed-in user's name and organisations, the application tiles, and sign-out.

    Contract with the apps: `data-testid` "user-name", "organisation" (one per organisation),
    "tile-<application>" (e.g. tile-famhp-connect, tile-vamreg) and "sign-out".
    """

    PATH = "/portal"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.user_name = page.get_by_test_id("user-name")
        self.organisations = page.get_by_test_id("organisation")
        self.tiles = page.locator('[data-testid^="tile-"]')
        self._sign_out = page.get_by_test_id("sign-out")

    def open(self, base_url: str) -> None:
        """Go to the dashboard (Keycloak's sign-in comes first when there is no session)."""
        self.page.goto(base_url.rstrip("/") + self.PATH)

    def tile(self, application: str) -> Locator:
        """The tile of one application by its key, e.g. "vamreg" or "famhp-connect"."""
        return self.page.get_by_test_id(f"tile-{application}")

    def open_application(self, name: str) -> None:
        """Open an application from its tile link, by the name the user reads ("VAMREG")."""
        self.tiles.get_by_role("link", name=name).or_(
            self.page.get_by_role("link", name=name).and_(self.tiles)
        ).first.click()

    def sign_out(self) -> None:
        self._sign_out.click()
