"""The suite's configuration: settings from the command line, UAT_* variables, .env, the running reference stack
and the committed profile, checked all at once (`load_config`)."""

from support.config.loading import RunSelection, load_config, raw_setting, reference_stack_wanted, run_selection
from support.config.model import (
    DEFAULT_PROFILE,
    REFERENCE_STACK_PROFILE,
    ConfigurationError,
    UatConfig,
    env_name,
)

__all__ = [
    "DEFAULT_PROFILE",
    "REFERENCE_STACK_PROFILE",
    "ConfigurationError",
    "RunSelection",
    "UatConfig",
    "env_name",
    "load_config",
    "raw_setting",
    "reference_stack_wanted",
    "run_selection",
]
