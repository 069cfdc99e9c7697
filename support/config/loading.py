"""Layered configuration of the suite: command-line overrides > UAT_* environment > .env > the running
reference stack (profile local) > environments/<profile>.toml > defaults. Every problem in one error."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import create_model
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    InitSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from support import stack_discovery
from support.config.model import (
    DEFAULT_PROFILE,
    DEPLOYMENT_URL_FIELDS,
    ENV_PREFIX,
    IMAP_DEFAULT_PORTS,
    REFERENCE_STACK_PROFILE,
    ConfigurationError,
    UatConfig,
    env_name,
)
from support.config.requirements import Parsed, choose_admin_pool, missing
from support.config.settings import (
    PLACEHOLDER,
    SECRET_PARSERS,
    SETTING_NAMES,
    SETTINGS,
    InvalidValue,
    parse_boolean,
    parse_profile,
)
from support.paths import DOTENV, PROFILES_DIR, PROJECT_ROOT
from support.secrets import MASK

log = logging.getLogger(__name__)


class _RawSettings(BaseSettings):
    """Reads raw values for pydantic-settings' sources; they stay raw because `_parse_all` validates them itself,
    so that one run reports every problem, not the first."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, case_sensitive=False, extra="ignore")


# one field per setting, named from SETTINGS (the one list of settings)
_FIELDS: dict[str, Any] = {setting.name: (Any, None) for setting in SETTINGS}
_SettingNames = create_model("_SettingNames", __base__=_RawSettings, **_FIELDS)


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of os.environ (tests pass their own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ  # read by _load_env_vars during the base initialiser
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._environ.items()}


@dataclass
class _Layer:
    origin: str
    values: dict[str, Any]
    explicit: bool = False  # set by the person running the suite (override, environment, .env)


def _known_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    # An empty value means "not set here", so it never hides a lower layer's value.
    return {
        name: value
        for name, value in raw.items()
        if name in SETTING_NAMES and value is not None and not (isinstance(value, str) and not value.strip())
    }


# UAT_* variables of the run rather than of its target, read where they are used (the run's id, the ledgers'
# folder, the room the results need, retries, the gate, evidence): known, so no warning names them
RUN_VARIABLES = frozenset(
    {
        "UAT_RUN_ID", "UAT_RUNS_DIR", "UAT_MIN_FREE_MB", "UAT_RERUNS", "UAT_RUN_SECRETS_DIR", "UAT_GATE_ALLOW_FLAKY",
        "UAT_GATE_MIN_SCENARIOS", "UAT_GIT_COMMIT", "UAT_STEP_SCREENSHOTS", "UAT_TRACE", "UAT_USER_GUIDE_URL",
    }
)  # fmt: skip


def _unknown_prefixed(keys: Sequence[str]) -> list[str]:
    prefix = ENV_PREFIX.lower()
    return sorted(
        key.upper()
        for key in keys
        if key.lower().startswith(prefix)
        and key.lower()[len(prefix) :] not in SETTING_NAMES
        and key.upper() not in RUN_VARIABLES
    )


@dataclass
class _ExplicitLayers:
    layers: list[_Layer]
    problems: list[str]

    def first(self, name: str) -> Any:
        for layer in self.layers:
            if name in layer.values:
                return layer.values[name]
        return None


def _read_explicit_layers(
    overrides: Mapping[str, Any] | None, env: Mapping[str, str], dotenv_path: Path
) -> _ExplicitLayers:
    problems: list[str] = []
    normalized: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        name = key.lower().removeprefix(ENV_PREFIX.lower())
        if name in SETTING_NAMES:
            normalized[name] = value
        else:
            problems.append(f"unknown setting {key!r} in the command-line overrides")
    from_cli = _known_values(InitSettingsSource(_SettingNames, init_kwargs=normalized)())

    env_source = _MappingEnvSource(_SettingNames, env)
    from_env = _known_values(env_source())
    unknown_env = _unknown_prefixed(list(env))
    if unknown_env:
        # Not an error: CI systems may use the UAT_ prefix for their own variables.
        log.warning("ignoring unknown environment variables: %s", ", ".join(unknown_env))

    dotenv_source = DotEnvSettingsSource(_SettingNames, env_file=dotenv_path)
    from_dotenv = _known_values(dotenv_source())
    problems += [f"unknown setting {key} in {dotenv_path}" for key in _unknown_prefixed(list(dotenv_source.env_vars))]

    layers = [
        _Layer("command-line override", from_cli, explicit=True),
        _Layer("environment", from_env, explicit=True),
        _Layer(str(dotenv_path), from_dotenv, explicit=True),
    ]
    return _ExplicitLayers(layers, problems)


def _resolve_profile(explicit: _ExplicitLayers) -> tuple[str, list[str]]:
    raw = explicit.first("profile")
    if raw is None:
        return DEFAULT_PROFILE, []
    try:
        return parse_profile(raw), []
    except InvalidValue as exc:
        return DEFAULT_PROFILE, [f"{env_name('profile')}={raw!r} {exc}"]


def _read_profile(profile: str, profiles_dir: Path) -> tuple[_Layer | None, list[str]]:
    path = profiles_dir / f"{profile}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in profiles_dir.glob("*.toml")) if profiles_dir.is_dir() else []
        return None, [
            f"{env_name('profile')}={profile!r} has no profile file {path} "
            f"(known profiles: {', '.join(known) or 'none'})"
        ]
    try:
        source = TomlConfigSettingsSource(_SettingNames, toml_file=path)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        return None, [f"{path} is not valid TOML: {exc}"]
    problems = [f"unknown setting {key!r} in {path}" for key in sorted(source.toml_data) if key not in SETTING_NAMES]
    try:
        relative = path.relative_to(PROJECT_ROOT)
    except ValueError:
        relative = path
    return _Layer(f"profile {relative}", _known_values(source())), problems


# ---------------------------------------------------------------------------------------------
# Public entry points.


def reference_stack_wanted(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    dotenv_path: Path | None = None,
) -> bool:
    """True when the suite should start the reference stack itself: profile local, UAT_STACK=auto and no
    deployment URL given explicitly. Cheap: reads only the explicit layers, runs nothing."""
    explicit = _read_explicit_layers(overrides, os.environ if env is None else env, dotenv_path or DOTENV)
    profile, _ = _resolve_profile(explicit)
    stack_mode = str(explicit.first("stack") or "auto").strip().lower()
    return (
        profile == REFERENCE_STACK_PROFILE
        and stack_mode == "auto"
        and all(explicit.first(name) is None for name in DEPLOYMENT_URL_FIELDS)
    )


@dataclass(frozen=True)
class RunSelection:
    """What decides, before any target is asked, which scenarios may run: the profile, and whether it is
    read-only (production)."""

    profile: str
    read_only: bool


def run_selection(overrides: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None) -> RunSelection:
    """Cheap: the explicit layers and the profile file only (no stack discovery); an invalid value counts as
    read-only, so a mistake never lets a creating scenario loose (load_config reports the mistake)."""
    explicit = _read_explicit_layers(overrides, os.environ if env is None else env, DOTENV)
    profile, _ = _resolve_profile(explicit)
    layer, _ = _read_profile(profile, PROFILES_DIR)
    raw = explicit.first("read_only")
    if raw is None and layer is not None:
        raw = layer.values.get("read_only")
    try:
        read_only = False if raw is None else parse_boolean(raw)
    except InvalidValue:
        read_only = True
    return RunSelection(profile, read_only)


def raw_setting(name: str, overrides: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None) -> Any:
    """One setting's unparsed value from the explicit layers and the profile file (never the reference stack), or
    None. Cheap: for what must happen before anything else, such as Playwright's grid variables."""
    explicit = _read_explicit_layers(overrides, os.environ if env is None else env, DOTENV)
    value = explicit.first(name)
    if value is None:
        profile, _ = _resolve_profile(explicit)
        layer, _ = _read_profile(profile, PROFILES_DIR)
        value = layer.values.get(name) if layer is not None else None
    return value


def load_config(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    dotenv_path: Path | None = None,
    profiles_dir: Path | None = None,
    stack_status_runner: stack_discovery.StatusRunner | None = None,
) -> UatConfig:
    """Merge the layers, validate everything, and return the configuration or raise one
    ConfigurationError that lists every problem.

    `overrides` are command-line values keyed by setting name (`portal_url`) or variable (`UAT_PORTAL_URL`);
    `env` replaces os.environ; `stack_status_runner` replaces the `uat stack status --json` subprocess.
    """
    explicit = _read_explicit_layers(overrides, os.environ if env is None else env, dotenv_path or DOTENV)
    problems = list(explicit.problems)
    profile, profile_problems = _resolve_profile(explicit)
    problems += profile_problems
    profile_layer, toml_problems = _read_profile(profile, profiles_dir or PROFILES_DIR)
    problems += toml_problems

    layers = list(explicit.layers)
    stack_down_reason: str | None = None
    if profile == REFERENCE_STACK_PROFILE:
        stack_layer, stack_down_reason = _discover_stack(explicit, stack_status_runner)
        if stack_layer is not None:
            layers.append(stack_layer)
    if profile_layer is not None:
        layers.append(profile_layer)

    parsed = _parse_all(layers)
    parsed.values["profile"] = profile  # resolved above, before the profile file could be chosen
    problems += parsed.problems
    problems += choose_admin_pool(parsed)
    problems += missing(parsed)
    if problems and stack_down_reason:
        problems.append(
            "the reference stack would provide the values it knows, but it is not running "
            f"({stack_down_reason}); start it with `uat stack up`, or give every value explicitly"
        )
    if problems:
        raise ConfigurationError(problems, profile=profile, reference_stack_down=stack_down_reason is not None)

    values, origins = parsed.values, parsed.origins
    if values["imap_port"] is None:
        values["imap_port"] = IMAP_DEFAULT_PORTS[values["imap_security"]]
        origins["imap_port"] = f"default for imap_security={values['imap_security']}"
    return UatConfig(
        **values, origins=origins, explicit=frozenset(parsed.explicit), placeholders=dict(parsed.placeholders)
    )


def _discover_stack(
    explicit: _ExplicitLayers, runner: stack_discovery.StatusRunner | None
) -> tuple[_Layer | None, str | None]:
    """Ask the running reference stack, unless every value it could give was set explicitly."""
    stack_fields = {
        "keycloak_url", "realm", "keycloak_admin_username", "keycloak_admin_password", "portal_url",
        "famhp_connect_url", "vamreg_url", "api_url", "mail_backend", "authenticator_issuer", "mailpit_url",
        "org_admin_email", "org_admin_password", "org_admin_totp_secret",
    }  # fmt: skip
    if all(explicit.first(name) is not None for name in stack_fields):
        return None, None
    try:
        status = stack_discovery.read_stack_status(runner)
    except stack_discovery.StackDiscoveryError as exc:
        log.info("reference stack not available: %s", exc)
        return None, str(exc)
    if status.healthy is False:
        log.warning("the reference stack is running but not healthy; see `uat stack status`")
    return _Layer("reference stack (uat stack status --json)", stack_discovery.config_values(status)), None


def _parse_all(layers: Sequence[_Layer]) -> Parsed:
    parsed = Parsed()
    for setting in SETTINGS:
        raw, origin, explicit = setting.default, "default", False
        for layer in layers:
            if setting.name in layer.values:
                raw, origin, explicit = layer.values[setting.name], layer.origin, layer.explicit
                break
        parsed.origins[setting.name] = origin
        if explicit:
            parsed.explicit.add(setting.name)
        placeholder = _placeholder_in(raw)
        if placeholder is not None:
            # a placeholder is a reminder for a person, never a value: treat it as missing
            parsed.placeholders[setting.name] = f"{origin} has the placeholder {placeholder!r}"
            raw = None
        if raw is None:
            parsed.values[setting.name] = None
            continue
        try:
            parsed.values[setting.name] = setting.parse(raw)
        except InvalidValue as exc:
            shown = MASK if setting.parse in SECRET_PARSERS else repr(raw)
            parsed.problems.append(f"{env_name(setting.name)}={shown} {exc} (from {origin})")
            parsed.invalid.add(setting.name)
            parsed.values[setting.name] = None
    return parsed


def _placeholder_in(raw: Any) -> str | None:
    """The first `<...>` placeholder in a value, or in an item of a table or list value."""
    if isinstance(raw, str):
        match = PLACEHOLDER.search(raw)
        return match.group(0) if match else None
    items = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else ()
    return next((found for item in items if (found := _placeholder_in(item)) is not None), None)
