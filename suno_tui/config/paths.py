"""Where suno-tui keeps its files by default (per platform, via platformdirs)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_ENV",
    "default_config_path",
    "default_download_dir",
    "default_state_path",
    "resolve_config_path",
]

APP_NAME = "suno-tui"
CONFIG_ENV = "SUNO_TUI_CONFIG"


def default_config_path() -> Path:
    """``config.toml`` in the user's config folder (``$XDG_CONFIG_HOME`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_state_path() -> Path:
    """``state.db`` in the user's data folder (``$XDG_DATA_HOME`` on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "state.db"


def default_download_dir() -> Path:
    """``suno-tui`` in the user's music folder, else in the data folder."""
    try:
        music = platformdirs.user_music_dir()
    except Exception:  # platform lookups can fail in odd ways (no $HOME, no registry)
        music = ""
    if music:
        return Path(music) / APP_NAME
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "downloads"


def resolve_config_path(
    explicit: Path | str | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """The config file in use: explicit path, else ``$SUNO_TUI_CONFIG``, else the default."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    environ = os.environ if env is None else env
    from_env = environ.get(CONFIG_ENV, "")
    if from_env:
        return Path(from_env).expanduser()
    return default_config_path()
