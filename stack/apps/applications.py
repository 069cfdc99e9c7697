"""The three web applications and the client roles they know: one place for names, paths and clients. (What a
page says about them, a description or what a role allows, is in the catalogues: `app.<key>.description`,
`role.<ROLE>`.)"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Application:
    key: str
    title: str
    client_id: str
    path: str
    cookie: str


PORTAL = Application(
    key="portal",
    title="IAM External Portal",
    client_id="iam-external-portal",
    path="/portal",
    cookie="famhp_portal_session",
)
CONNECT = Application(
    key="connect",
    title="FAMHP Connect",
    client_id="famhp-connect",
    path="/famhp-connect",
    cookie="famhp_connect_session",
)
VAMREG = Application(
    key="vamreg",
    title="VAMREG",
    client_id="vamreg",
    path="/vamreg",
    cookie="famhp_vamreg_session",
)
APPLICATIONS = (PORTAL, CONNECT, VAMREG)
# the portal shows a tile for each of these on which the user holds at least one client role
TILE_APPLICATIONS = (CONNECT, VAMREG)

IAM_USER_MANAGER = "IAM_USER_MANAGER"
IAM_API_KEY_MANAGER = "IAM_API_KEY_MANAGER"
VAMREG_USER = "VAMREG_USER"

# role name -> the client that defines it (role names are unique across our clients)
ROLE_CLIENTS: dict[str, str] = {
    IAM_USER_MANAGER: CONNECT.client_id,
    IAM_API_KEY_MANAGER: CONNECT.client_id,
    VAMREG_USER: VAMREG.client_id,
}
