"""Configuration: defaults < config.toml < environment < command line.

Imports tomllib and platformdirs, never httpx or Textual. The command line
imports this package lazily, inside the functions that need it.
"""

from __future__ import annotations

from suno_tui.config.errors import ConfigError
from suno_tui.config.loader import load_settings
from suno_tui.config.model import Gateway, Settings
from suno_tui.config.paths import (
    CONFIG_ENV,
    default_config_path,
    default_download_dir,
    default_state_path,
    resolve_config_path,
)
from suno_tui.config.schema import (
    ASSET_KINDS,
    DEFAULT_ASSETS,
    DEFAULT_BASE_URL,
    DEFAULT_BATCH_SIZE,
    DEFAULT_NAME_TEMPLATE,
    DEFAULT_PROFILE,
    ENV_VARS,
    GATEWAY_KEYS,
    MAX_BATCH_SIZE,
    SECRET_ENV_VARS,
)
from suno_tui.config.tokens import TOKEN_COMMAND_TIMEOUT, run_token_command
from suno_tui.config.writer import (
    config_permissions_warning,
    init_config,
    set_config_value,
    settable_keys,
)

__all__ = [
    "ASSET_KINDS",
    "CONFIG_ENV",
    "DEFAULT_ASSETS",
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_NAME_TEMPLATE",
    "DEFAULT_PROFILE",
    "ENV_VARS",
    "GATEWAY_KEYS",
    "MAX_BATCH_SIZE",
    "SECRET_ENV_VARS",
    "TOKEN_COMMAND_TIMEOUT",
    "ConfigError",
    "Gateway",
    "Settings",
    "config_permissions_warning",
    "default_config_path",
    "default_download_dir",
    "default_state_path",
    "init_config",
    "load_settings",
    "resolve_config_path",
    "run_token_command",
    "set_config_value",
    "settable_keys",
]
