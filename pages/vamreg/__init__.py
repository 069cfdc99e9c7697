"""Page objects of VAMREG."""

from pages.vamreg.home import VamregHome

__all__ = ["VamregHome"]
