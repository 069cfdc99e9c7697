"""The target facts of the reference stack as a profile gives them, for unit tests that read a whole profile."""

ROLES = {
    "API key manager": "famhp-connect/IAM_API_KEY_MANAGER",
    "user manager": "famhp-connect/IAM_USER_MANAGER",
    "VAMREG user": "vamreg/VAMREG_USER",
}
TARGET_FACTS_TOML = (
    """
organisation = "Acme Pharma NV"
second_organisation = "Belgian Vet Supplies BV"
applications = { "FAMHP Connect" = "famhp-connect", VAMREG = "vamreg" }
invitation_subject = "Confirm your invitation"
invitation_link_label = "Confirm your invitation"
invitation_username_label = "Username"
invitation_password_labels = ["Initial password", "Password"]
api_keys_tab_path = "/apikeys"
new_api_key_form_path = "/apikeys/new"
api_check_path = "/whoami"
api_key_header = "X-API-Key"
api_identity_organisation = "organization.name"
api_identity_key = "key.name"
"""
    + "roles = { "
    + ", ".join(f'"{meaning}" = "{role}"' for meaning, role in ROLES.items())
    + " }\n"
)
ROLE_CLIENTS = {"IAM_API_KEY_MANAGER": "famhp-connect", "IAM_USER_MANAGER": "famhp-connect", "VAMREG_USER": "vamreg"}
PASSWORD_LABELS = ("Initial password", "Password")
