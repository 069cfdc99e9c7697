"""Page objects of FAMHP Connect (IamExternalWeb): the "Users" and "API Keys" tabs and their screens."""

from pages.famhp_connect.api_keys import ApiKeyRow, ApiKeysPage
from pages.famhp_connect.create_api_key import CreateApiKeyForm
from pages.famhp_connect.invite_user import InviteUserForm
from pages.famhp_connect.revoke_confirmation import RevokeConfirmation
from pages.famhp_connect.secret_panel import ApiKeySecretPanel
from pages.famhp_connect.tabs import ConnectTabs
from pages.famhp_connect.users import UsersPage

__all__ = [
    "ApiKeyRow",
    "ApiKeySecretPanel",
    "ApiKeysPage",
    "ConnectTabs",
    "CreateApiKeyForm",
    "InviteUserForm",
    "RevokeConfirmation",
    "UsersPage",
]
