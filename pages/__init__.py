"""Playwright page objects: Keycloak's login screens, the IAM External Portal and VAMREG."""
