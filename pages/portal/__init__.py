"""Page objects of the IAM External Portal."""

from pages.portal.dashboard import PortalDashboard

__all__ = ["PortalDashboard"]
