"""`uat stack up|down|status|logs`: starts the reference stack's services, keeps one set, stops only its own."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stack import provision
from stack.apps.skins import DEFAULT_SKIN, PLANTED_VARIABLE, SKIN_VARIABLE, SKINS
from stack.errors import StackError
from stack.health import HealthCheck, wait_until_healthy
from stack.keycloak_admin import KeycloakAdmin
from stack.login_themes import (
    DEFAULT_LOGIN_THEME,
    PLANTED_DEFECTS,
    install_login_themes,
    known_login_themes,
    require_login_theme,
    require_planted,
)
from stack.process import Launched, is_ours, log_tail, require_free_ports, save_json, start, stop, stop_all
from stack.realm import fingerprint, realm_values, render_realm, with_seed_admins
from stack.settings import (
    KEYCLOAK_VERSION,
    MAIL_BACKENDS,
    PLACEHOLDER_IDP_URL,
    PRODUCTION_IDENTITY_PROVIDERS,
    PROFILES,
    PROJECT_ROOT,
    REALM,
    SEED_ADMIN_ORGANIZATIONS,
    SEED_ADMIN_ROLES,
    Credentials,
    Ports,
    seed_admin_count,
    state_dir,
)

Log = Callable[[str], None]
# a first start creates Keycloak's database and imports the realm: minutes on a busy 2-core machine
DEFAULT_START_TIMEOUT_S = 600


def _say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


@dataclass
class Service:
    name: str
    cmd: list[str]
    env: dict[str, str]
    cwd: Path
    marker: str
    ports: dict[str, int]
    health: HealthCheck
    prepare: Callable[[], object] = field(default=lambda: None)


class ReferenceStack:
    """One checkout's stack; its state (pids, logs, databases) lives in .stack/."""

    def __init__(self, log: Log = _say) -> None:
        self.log = log
        self.dir = state_dir()
        self.ports = Ports.from_environment()
        self.state_file = self.dir / "state.json"
        self.faults_file = self.dir / "apps" / "faults.json"  # the apps' fault switch (`uat stack fault`)

    # ---- state -------------------------------------------------------------------------------
    def _state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def _launched(self, state: dict | None) -> list[Launched]:
        return [Launched.from_json(p) for p in (state or {}).get("processes", [])]

    def processes(self) -> list[Launched]:
        """The processes the last `up` started (running or not)."""
        return self._launched(self._state())

    def credentials(self) -> Credentials:
        return Credentials.load_or_create(self.dir / "credentials.json")

    # ---- services ----------------------------------------------------------------------------
    def _services(
        self,
        mail: str,
        profile: str,
        fresh: bool,
        creds: Credentials,
        theme: str,
        planted: tuple[str, ...],
        skin: str,
    ) -> list[Service]:
        p = self.ports
        smtp_port = self._smtp_port(p, mail)
        apps_base = f"http://localhost:{p.apps}"
        mailpit_bin = provision.ensure_mailpit(self.log)
        java = provision.find_java()
        kc_built = provision.ensure_keycloak(java, self.log)
        services = [
            Service(
                name="mailpit",
                cmd=[
                    str(mailpit_bin),
                    "--listen",
                    f"127.0.0.1:{p.mailpit_http}",
                    "--smtp",
                    f"127.0.0.1:{p.mailpit_smtp}",
                    "--smtp-auth-accept-any",
                    "--smtp-auth-allow-insecure",
                    "--database",
                    str(self.dir / "mailpit" / "mailpit.db"),
                    "--max",
                    "5000",
                    "--disable-version-check",
                ],
                env=dict(os.environ),
                cwd=self.dir,
                marker=str(mailpit_bin),
                ports={"Mailpit SMTP": p.mailpit_smtp, "Mailpit HTTP": p.mailpit_http},
                health=HealthCheck("mailpit", (f"http://localhost:{p.mailpit_http}/readyz",)),
                prepare=lambda: (self.dir / "mailpit").mkdir(parents=True, exist_ok=True),
            )
        ]
        if mail == "imap":
            jar = provision.ensure_greenmail(self.log)
            services.append(
                Service(
                    name="greenmail",
                    cmd=[
                        str(java.executable),
                        "-Xmx256m",
                        "-Dgreenmail.smtp.hostname=127.0.0.1",
                        f"-Dgreenmail.smtp.port={p.greenmail_smtp}",
                        "-Dgreenmail.imap.hostname=127.0.0.1",
                        f"-Dgreenmail.imap.port={p.greenmail_imap}",
                        "-Dgreenmail.api.hostname=127.0.0.1",
                        f"-Dgreenmail.api.port={p.greenmail_api}",
                        "-Dgreenmail.auth.disabled",
                        "-Dgreenmail.users.login=email",
                        "-jar",
                        str(jar),
                    ],
                    env=dict(os.environ),
                    cwd=self.dir,
                    marker=str(jar),
                    ports={
                        "GreenMail SMTP": p.greenmail_smtp,
                        "GreenMail IMAP": p.greenmail_imap,
                        "GreenMail API": p.greenmail_api,
                    },
                    health=HealthCheck("greenmail", (f"http://localhost:{p.greenmail_api}/api/service/readiness",)),
                )
            )
        kc_home = self.dir / "keycloak" / "home"
        realm_json = with_seed_admins(
            render_realm(realm_values(profile, smtp_port, apps_base, creds, login_theme=theme)), creds.seed_admins
        )
        services.append(
            Service(
                name="keycloak",
                cmd=[
                    str(kc_home / "bin" / "kc.sh"),
                    "start",
                    "--optimized",
                    "--http-enabled=true",
                    "--http-host=127.0.0.1",
                    f"--http-port={p.keycloak}",
                    f"--hostname=http://localhost:{p.keycloak}",
                    f"--http-management-port={p.keycloak_management}",
                    "--cache=local",
                    "--import-realm",
                ],
                env={
                    **os.environ,
                    "JAVA_HOME": str(java.home),
                    "KC_BOOTSTRAP_ADMIN_USERNAME": creds.admin_username,
                    "KC_BOOTSTRAP_ADMIN_PASSWORD": creds.admin_password,
                    "JAVA_OPTS_KC_HEAP": "-Xms128m -Xmx768m",
                },
                cwd=self.dir,
                marker=str(kc_home),
                ports={"Keycloak HTTP": p.keycloak, "Keycloak management": p.keycloak_management},
                health=HealthCheck(
                    "keycloak",
                    (
                        f"http://localhost:{p.keycloak_management}/health/ready",
                        f"http://localhost:{p.keycloak}/realms/{REALM}/.well-known/openid-configuration",
                    ),
                ),
                prepare=lambda: self._prepare_keycloak(kc_built, kc_home, realm_json, fresh, planted),
            )
        )
        services.append(self._apps_service(p, mail, creds, fresh, skin))
        return services

    @staticmethod
    def _smtp_port(ports: Ports, mail: str) -> int:
        return ports.greenmail_smtp if mail == "imap" else ports.mailpit_smtp

    def _apps_service(self, p: Ports, mail: str, creds: Credentials, fresh: bool, skin: str) -> Service:
        apps_dir = self.dir / "apps"
        apps_env = self._apps_env(self._smtp_port(p, mail), f"http://localhost:{p.apps}", creds, apps_dir)
        return Service(
            name="apps",
            cmd=[
                sys.executable,
                "-m",
                "uvicorn",
                "stack.apps.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(p.apps),
            ],
            env={**os.environ, **apps_env, SKIN_VARIABLE: skin},
            cwd=PROJECT_ROOT,
            marker="stack.apps.main:create_app",
            ports={"reference apps": p.apps},
            health=HealthCheck("apps", (f"http://localhost:{p.apps}/healthz",)),
            prepare=lambda: self._prepare_apps(apps_dir, fresh),
        )

    def _apps_env(self, smtp_port: int, apps_base: str, creds: Credentials, apps_dir: Path) -> dict[str, str]:
        return {
            "FAMHP_APPS_BASE_URL": apps_base,
            "FAMHP_KEYCLOAK_URL": f"http://localhost:{self.ports.keycloak}",
            "FAMHP_REALM": REALM,
            "FAMHP_PORTAL_CLIENT_SECRET": creds.portal_client_secret,
            "FAMHP_CONNECT_CLIENT_SECRET": creds.connect_client_secret,
            "FAMHP_VAMREG_CLIENT_SECRET": creds.vamreg_client_secret,
            "FAMHP_PROVISIONER_CLIENT_ID": creds.provisioner_client_id,
            "FAMHP_PROVISIONER_CLIENT_SECRET": creds.provisioner_client_secret,
            "FAMHP_SMTP_HOST": "localhost",
            "FAMHP_SMTP_PORT": str(smtp_port),
            "FAMHP_MAIL_FROM": "noreply@famhp.test",
            "FAMHP_DATABASE_URL": f"sqlite:///{apps_dir / 'apps.db'}",
            "FAMHP_SESSION_SECRET": creds.session_secret,
            "FAMHP_INVITATION_TTL_HOURS": os.environ.get("FAMHP_INVITATION_TTL_HOURS", "72"),
            "FAMHP_FAULTS_FILE": str(self.faults_file),
        }

    def _launch(self, service: Service) -> Launched:
        log_path = self.dir / "logs" / f"{service.name}.log"
        return start(
            service.name, service.cmd, env=service.env, cwd=service.cwd, log_path=log_path, marker=service.marker
        )

    def _prepare_keycloak(
        self, built: Path, home: Path, realm_json: str, fresh: bool, planted: tuple[str, ...]
    ) -> None:
        source = home / ".famhp-source"
        if not source.is_file() or source.read_text() != str(built):
            if home.exists():
                shutil.rmtree(home)
            self.log(f"copying the built Keycloak {KEYCLOAK_VERSION} into {home}")
            shutil.copytree(built, home, symlinks=True)
            source.write_text(str(built))
        install_login_themes(home, planted)
        import_dir = home / "data" / "import"
        import_dir.mkdir(parents=True, exist_ok=True)
        realm_file = import_dir / f"{REALM}-realm.json"
        realm_file.write_text(realm_json)
        realm_file.chmod(0o600)
        stamp = self.dir / "keycloak" / "realm.sha256"
        db = home / "data" / "h2"
        # a start stopped while Keycloak created its database (a timeout, a kill) leaves it half migrated
        if self._initialising_marker.exists() and db.exists():
            self.log("the last start never finished creating Keycloak's database: starting on an empty one")
            shutil.rmtree(db)
        # import is create-only: a changed realm (or --fresh) needs an empty database, never a stale realm
        if fresh or not stamp.exists() or stamp.read_text() != fingerprint(realm_json):
            if db.exists():
                self.log("realm changed (or --fresh): starting Keycloak on an empty database")
                shutil.rmtree(db)
            stamp.write_text(fingerprint(realm_json))
        if not db.exists():
            self._initialising_marker.touch()  # removed once Keycloak is healthy

    @property
    def _initialising_marker(self) -> Path:
        return self.dir / "keycloak" / "database.initialising"

    def _prepare_apps(self, apps_dir: Path, fresh: bool) -> None:
        apps_dir.mkdir(parents=True, exist_ok=True)
        kc_stamp = self.dir / "keycloak" / "realm.sha256"
        apps_stamp = apps_dir / "realm.sha256"
        # the apps' data (keys, invitations) belongs to the Keycloak users of one realm database
        if fresh or not apps_stamp.exists() or apps_stamp.read_text() != kc_stamp.read_text():
            (apps_dir / "apps.db").unlink(missing_ok=True)
            apps_stamp.write_text(kc_stamp.read_text())

    # ---- commands ----------------------------------------------------------------------------
    def up(
        self,
        mail: str = "mailpit",
        profile: str = "local",
        fresh: bool = False,
        timeout_s: float = DEFAULT_START_TIMEOUT_S,
        theme: str = DEFAULT_LOGIN_THEME,
        plant: tuple[str, ...] = (),
        skin: str = DEFAULT_SKIN,
    ) -> dict:
        if mail not in MAIL_BACKENDS:
            raise StackError(f"unknown mail backend {mail!r}; choose one of {', '.join(MAIL_BACKENDS)}")
        if profile not in PROFILES:
            raise StackError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
        require_login_theme(theme)
        require_skin(skin)
        planted = require_planted(plant)
        state = self._state()
        running = [p for p in self._launched(state) if is_ours(p)]
        if state and running:
            if len(running) == len(state["processes"]) and not fresh:
                now = (state["mail_backend"], state["profile"], tuple(state.get("planted", ())))
                # profiles that share the realm's display name switch without a restart (identity providers)
                same_realm = PROFILES[state["profile"]] == PROFILES[profile]
                if (now[0], now[2]) != (mail, planted) or not same_realm:
                    raise StackError(
                        f"the stack already runs with {_start_options(*now)}; "
                        f"run `uat stack down` first to switch to {_start_options(mail, profile, planted)}"
                    )
                checks = [HealthCheck(**c) for c in state["health"]]
                healthy = all(c.passes() for c in checks)
                missing_themes = (
                    set(known_login_themes()) - set(self._realm_admin(state).login_themes()) if healthy else set()
                )
                if missing_themes:
                    self.log(
                        f"the running Keycloak predates this checkout's login themes ({', '.join(missing_themes)})"
                    )
                elif healthy:
                    self.log("the stack is already running and healthy")
                    self.set_login_theme(theme)  # the theme needs no restart
                    self.pose_as(profile)
                    self.set_skin(skin, timeout_s)  # the skin restarts the apps only
                    return self.status()
            self.log("restarting: the previous stack is incomplete, unhealthy, outdated or --fresh was asked for")
            self.down()
        started_at = time.monotonic()
        creds = Credentials.load_or_create(self.dir / "credentials.json", seed_admin_count())
        services = self._services(mail, profile, fresh, creds, theme, planted, skin)
        require_free_ports({what: port for s in services for what, port in s.ports.items()})
        launched: dict[str, Launched] = {}
        timings: dict[str, float] = {}
        try:
            for service in services:
                service.prepare()
                if service.name == "apps":
                    # the apps discover Keycloak at start; wait for Keycloak first
                    timings.update(
                        wait_until_healthy(
                            [s.health for s in services if s.name != "apps"], launched, timeout_s, self.log
                        )
                    )
                    self._initialising_marker.unlink(missing_ok=True)  # Keycloak's database is complete
                launched[service.name] = self._launch(service)
                self._save(mail, profile, services, launched, theme, planted, skin)
            pending = [s.health for s in services if s.name not in timings]
            timings.update(wait_until_healthy(pending, launched, timeout_s, self.log))
            # a realm kept from an earlier start has the theme it had then
            self.set_login_theme(theme)
            self.pose_as(profile)
        except BaseException:
            self.log("start failed; stopping what was started")
            for item in launched.values():
                stop(item)
            self.state_file.unlink(missing_ok=True)
            raise
        healthy_after = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.log(f"stack up in {time.monotonic() - started_at:.1f} s (healthy after: {healthy_after})")
        return self.status()

    def _save(
        self,
        mail: str,
        profile: str,
        services: list[Service],
        launched: dict[str, Launched],
        theme: str,
        planted: tuple[str, ...],
        skin: str,
    ) -> None:
        save_json(
            self.state_file,
            {
                "mail_backend": mail,
                "profile": profile,
                "login_theme": theme,
                "apps_skin": skin,
                "planted": list(planted),
                "ports": self.ports.__dict__,
                "processes": [item.to_json() for item in launched.values()],
                "health": [{"service": s.health.service, "urls": list(s.health.urls)} for s in services],
            },
        )

    def down(self) -> list[str]:
        stopped = stop_all(self.processes(), self.log)
        self.state_file.unlink(missing_ok=True)
        if not stopped:
            self.log("nothing was running")
        return stopped

    def status(self) -> dict:
        state = self._state()
        creds = self.credentials()
        p = Ports(**state["ports"]) if state else self.ports
        processes = {item.name: item for item in self._launched(state)}
        checks = {c["service"]: HealthCheck(c["service"], tuple(c["urls"])) for c in (state or {}).get("health", [])}
        services = {
            name: {
                "pid": item.pid,
                "running": is_ours(item),
                "healthy": is_ours(item) and name in checks and checks[name].passes(),
                "log": item.log,
            }
            for name, item in processes.items()
        }
        mail = (state or {}).get("mail_backend", "mailpit")
        profile = (state or {}).get("profile", "local")
        keycloak_url = f"http://localhost:{p.keycloak}"
        keycloak_healthy = services.get("keycloak", {}).get("healthy", False)
        return {
            "running": bool(services) and all(s["running"] for s in services.values()),
            "healthy": bool(services) and all(s["healthy"] for s in services.values()),
            "profile": profile,
            "mail_backend": mail,
            "realm_display_name": PROFILES[profile],
            # the realm's login theme as Keycloak reports it now (`uat stack theme` may have changed it)
            "login_theme": self._current_login_theme(keycloak_url, creds)
            if keycloak_healthy
            else (state or {}).get("login_theme"),
            "login_themes": list(known_login_themes()),
            "planted": [PLANTED_DEFECTS[name].to_json() for name in (state or {}).get("planted", [])],
            # the markup the running apps serve, as they report it (`uat stack skin` may have changed it)
            "apps_skin": self._current_skin(p) if services.get("apps", {}).get("healthy") else None,
            "apps_skins": {name: skin.summary for name, skin in SKINS.items()},
            "keycloak": {
                "url": keycloak_url,
                "realm": REALM,
                "admin_username": creds.admin_username,
                "admin_password": creds.admin_password,
                "management_url": f"http://localhost:{p.keycloak_management}",
            },
            "mailpit": {"url": f"http://localhost:{p.mailpit_http}", "smtp_port": p.mailpit_smtp},
            "greenmail": {
                "imap_host": "localhost",
                "imap_port": p.greenmail_imap,
                "smtp_port": p.greenmail_smtp,
                "api_url": f"http://localhost:{p.greenmail_api}",
            }
            if mail == "imap"
            else None,
            "apps": {
                "base_url": f"http://localhost:{p.apps}",
                "database": str(self.dir / "apps" / "apps.db"),
            },
            "clients": {
                "iam-external-portal": creds.portal_client_secret,
                "famhp-connect": creds.connect_client_secret,
                "vamreg": creds.vamreg_client_secret,
                creds.provisioner_client_id: creds.provisioner_client_secret,
            },
            # every organisation administrator of the realm, the first one first (one per shard or worker)
            "seed_users": [
                {
                    "email": admin.email,
                    "password": admin.password,
                    "totp_secret": admin.totp_base32,
                    "roles": SEED_ADMIN_ROLES,
                    "organizations": SEED_ADMIN_ORGANIZATIONS,
                }
                for admin in creds.seed_admins
            ],
            "services": services,
        }

    def _current_login_theme(self, keycloak_url: str, creds: Credentials) -> str | None:
        admin = KeycloakAdmin(keycloak_url, creds.admin_username, creds.admin_password)
        try:
            # an unset loginTheme means Keycloak's default, keycloak.v2
            return str(admin.realm(REALM).get("loginTheme") or DEFAULT_LOGIN_THEME)
        except StackError:
            return None

    def set_login_theme(self, theme: str) -> str:
        """Makes `theme` the realm's login theme on the running Keycloak (the next page load shows it); returns
        the theme it replaced. No restart: the realm is updated through the admin REST API."""
        require_login_theme(theme)
        state = self._state()
        keycloak = next((p for p in self._launched(state) if p.name == "keycloak"), None)
        if state is None or keycloak is None or not is_ours(keycloak):
            raise StackError(f"the stack's Keycloak is not running; start it with `uat stack up --theme {theme}`")
        admin = self._realm_admin(state)
        if theme not in (served := admin.login_themes()):
            raise StackError(
                f"the running Keycloak does not serve login theme {theme!r} (it serves {', '.join(served)}): it was "
                f"started before the theme was installed; restart it: `uat stack down && uat stack up --theme {theme}`"
            )
        before = admin.realm(REALM).get("loginTheme") or DEFAULT_LOGIN_THEME
        if before != theme:
            admin.update_realm(REALM, {"loginTheme": theme})
            self.log(f"login theme of realm {REALM}: {before} -> {theme}")
        save_json(self.state_file, {**state, "login_theme": theme})
        return str(before)

    def _realm_admin(self, state: dict) -> KeycloakAdmin:
        creds = self.credentials()
        return KeycloakAdmin(
            f"http://localhost:{Ports(**state['ports']).keycloak}", creds.admin_username, creds.admin_password
        )

    def pose_as(self, profile: str) -> None:
        """Production offers itsme® and eID (user guide 2.1): the realm gets them as identity providers when the
        stack poses as production, and loses them otherwise. No restart (admin REST API)."""
        state = self._state()
        if state is None:
            raise StackError("the stack is not running; start it with `uat stack up`")
        admin = self._realm_admin(state)
        present = set(admin.identity_providers(REALM))
        for alias, display_name in PRODUCTION_IDENTITY_PROVIDERS.items():
            if profile == "prod" and alias not in present:
                admin.add_identity_provider(REALM, _placeholder_identity_provider(alias, display_name))
                self.log(f"realm {REALM} poses as production: identity provider {display_name} ({alias}) added")
            elif profile != "prod" and alias in present:
                admin.remove_identity_provider(REALM, alias)
                self.log(f"identity provider {alias} removed (profile {profile} is not production)")
        save_json(self.state_file, {**state, "profile": profile})

    def _current_skin(self, p: Ports) -> str | None:
        try:
            with urllib.request.urlopen(f"http://localhost:{p.apps}/healthz", timeout=5) as answer:
                found = json.load(answer).get("skin")
        except (OSError, ValueError):
            return None
        return str(found) if found else None

    def set_skin(self, skin: str, timeout_s: float = 60, app_defects: tuple[str, ...] = ()) -> str:
        """Makes the running apps serve `skin` (with `app_defects` planted: stack.apps.skins.APP_DEFECTS),
        restarting the apps process only (Keycloak, the mail server, the sessions and the apps' database stay);
        returns the skin it replaced."""
        require_skin(skin)
        state = self._state()
        apps = next((p for p in self._launched(state) if p.name == "apps"), None)
        if state is None or apps is None or not is_ours(apps):
            raise StackError(f"the stack's apps are not running; start them with `uat stack up --skin {skin}`")
        p = Ports(**state["ports"])
        before = self._current_skin(p) or state.get("apps_skin", DEFAULT_SKIN)
        if before == skin and tuple(state.get("app_defects", ())) == app_defects:
            return str(before)
        service = self._apps_service(p, state["mail_backend"], self.credentials(), False, skin)
        service.env[PLANTED_VARIABLE] = ",".join(app_defects) or "none"
        self.log(f"restarting the apps with skin {skin} (was {before})")
        stop(apps)
        service.prepare()
        launched = self._launch(service)
        processes = [launched.to_json() if item["name"] == "apps" else item for item in state["processes"]]
        save_json(
            self.state_file, {**state, "processes": processes, "apps_skin": skin, "app_defects": list(app_defects)}
        )
        wait_until_healthy([service.health], {"apps": launched}, timeout_s, self.log)
        return str(before)

    def stop_service(self, name: str) -> None:
        """Stop one service of the running stack (a fault test's outage); `start_service` brings it back."""
        state = self._state()
        launched = next((p for p in self._launched(state) if p.name == name), None)
        if state is None or launched is None:
            known = ", ".join(p.name for p in self._launched(state)) or "none (the stack is not running)"
            raise StackError(f"the stack has no service {name!r}; it has: {known}")
        stop(launched)
        self.log(f"{name} stopped")

    def start_service(self, name: str, timeout_s: float = 240) -> float:
        """Start one stopped service again as `up` started it (same options, data kept); returns the seconds it
        took to be healthy. Nothing happens to a service that is running."""
        state = self._state()
        if state is None:
            raise StackError("the stack is not running; start it with `uat stack up`")
        running = {p.name: p for p in self._launched(state) if is_ours(p)}
        if name in running:
            return 0.0
        services = self._services(
            state["mail_backend"], state["profile"], False, self.credentials(), state.get("login_theme") or
            DEFAULT_LOGIN_THEME, tuple(state.get("planted", ())), state.get("apps_skin") or DEFAULT_SKIN,
        )  # fmt: skip
        service = next((s for s in services if s.name == name), None)
        if service is None:
            raise StackError(f"the stack has no service {name!r}; it has: {', '.join(s.name for s in services)}")
        service.prepare()
        launched = self._launch(service)
        processes = [launched.to_json() if item["name"] == name else item for item in state["processes"]]
        save_json(self.state_file, {**state, "processes": processes})
        started = time.monotonic()
        wait_until_healthy([service.health], {name: launched}, timeout_s, self.log)
        return time.monotonic() - started

    def log_path(self, service: str) -> Path:
        path = self.dir / "logs" / f"{service}.log"
        if not path.exists():
            known = sorted(p.stem for p in (self.dir / "logs").glob("*.log")) if (self.dir / "logs").exists() else []
            raise StackError(f"no log for {service!r}; known: {', '.join(known) or 'none (the stack never ran)'}")
        return path

    def tail(self, service: str, lines: int) -> str:
        return log_tail(self.log_path(service), lines)


def _placeholder_identity_provider(alias: str, display_name: str) -> dict:
    """An OpenID Connect identity provider that only has to be offered, never used: its URLs lead nowhere."""
    return {
        "alias": alias,
        "displayName": display_name,
        "providerId": "oidc",
        "enabled": True,
        "hideOnLogin": False,
        "config": {
            "authorizationUrl": f"{PLACEHOLDER_IDP_URL}/{alias}/auth",
            "tokenUrl": f"{PLACEHOLDER_IDP_URL}/{alias}/token",
            "clientId": "famhp-reference-stack",
            "clientSecret": "not-a-secret-nothing-listens-there",
            "clientAuthMethod": "client_secret_post",
        },
    }


def require_skin(name: str) -> str:
    """The name itself when the apps have that skin; otherwise a StackError listing the known skins."""
    if name not in SKINS:
        raise StackError(f"unknown skin {name!r}; known: {', '.join(SKINS)}")
    return name


def _start_options(mail: str, profile: str, planted: tuple[str, ...]) -> str:
    """The `uat stack up` options that need a restart to change, as a user would type them."""
    return " ".join([f"--mail {mail}", f"--profile {profile}", *(f"--plant {name}" for name in planted)])
