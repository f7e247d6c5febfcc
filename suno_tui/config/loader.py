"""Building Settings from the layers: defaults < file < environment < command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from suno_tui.config.document import FileConfig, check_document, read_document
from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.model import Gateway, Settings
from suno_tui.config.paths import default_download_dir, default_state_path, resolve_config_path
from suno_tui.config.schema import (
    CREDENTIAL_PAIRS,
    DEFAULT_PROFILE,
    ENV_VARS,
    GATEWAY_KEYS,
    KEYS,
    SERVER_BOUND_KEYS,
    anchor_path,
    suggestion,
)

__all__ = ["load_settings"]

# A value and the layer it came from ("default", "file", "profile NAME", ...).
Layered = dict[str, tuple[object, str]]


def load_settings(
    config_path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """The effective settings. A missing config file means defaults.

    ``config_path`` (else ``$SUNO_TUI_CONFIG``, else the default path) names the
    file; ``env`` defaults to ``os.environ``; ``overrides`` maps key names to
    command-line values, None meaning "not given". Raises ConfigError.
    """
    environ = os.environ if env is None else env
    path = resolve_config_path(config_path, environ)
    file_config = check_document(read_document(path), str(path), path.parent)
    from_env = _env_layer(environ)
    from_flags = _override_layer(overrides or {})

    values = _defaults()
    values.update({name: (value, "file") for name, value in file_config.top.items()})
    gateways = _gateways(values, file_config)
    profile, profile_source = _selected_profile(values, from_env, from_flags)
    if profile not in gateways:
        raise _unknown_profile(profile, profile_source, path, gateways)

    # The selected gateway's values replace the top-level ones, then the
    # environment and the command line apply to both gateway and other keys;
    # _settings makes the selected Gateway of the result.
    values.update(gateways[profile])
    values.update(from_env)
    values.update(from_flags)
    values["profile"] = (profile, profile_source)
    _check_backoff(values)
    return _settings(values, gateways, path)


def _defaults() -> Layered:
    values: Layered = {name: (key.default, "default") for name, key in KEYS.items()}
    values["download_dir"] = (default_download_dir(), "default")
    values["state_path"] = (default_state_path(), "default")
    return values


def _gateways(top: Layered, file_config: FileConfig) -> dict[str, Layered]:
    """Each gateway's keys with their sources; profiles inherit from the top level."""
    default = {name: top[name] for name in GATEWAY_KEYS}
    gateways = {DEFAULT_PROFILE: default}
    for name, table in file_config.profiles.items():
        gateway = dict(default)
        note = f"profile {name}, not inherited"
        for key in _not_inherited(table, default):
            gateway[key] = (None, note)
        gateway.update({key: (value, f"profile {name}") for key, value in table.items()})
        gateways[name] = gateway
    return gateways


def _not_inherited(table: Mapping[str, object], default: Layered) -> list[str]:
    # A profile that points at another gateway gets no credentials: the
    # default ones must not be sent to a different server. One that names a
    # secret or its command gets only what it names (a token must not shadow
    # its token_command).
    if "base_url" in table and table["base_url"] != default["base_url"][0]:
        return list(SERVER_BOUND_KEYS)
    return [key for pair in CREDENTIAL_PAIRS if any(k in table for k in pair) for key in pair]


def _env_layer(environ: Mapping[str, str]) -> Layered:
    layer: Layered = {}
    for var, name in ENV_VARS.items():
        text = environ.get(var, "")
        if text:  # an empty variable counts as unset
            value = KEYS[name].from_text(text, f"environment variable {var}")
            layer[name] = (_anchor(name, value, f"environment variable {var}"), f"env {var}")
    return layer


def _override_layer(overrides: Mapping[str, object]) -> Layered:
    layer: Layered = {}
    for name, raw in overrides.items():
        if name not in KEYS:
            raise ValueError(f"unknown settings override {name!r}")
        if raw is None:
            continue
        subject = f"command-line value for '{name}'"
        key = KEYS[name]
        if isinstance(raw, Path):
            raw = str(raw)
        if isinstance(raw, Mapping):
            raw = dict(raw)
        value = key.from_text(raw, subject) if isinstance(raw, str) else key.check(raw, subject)
        layer[name] = (_anchor(name, value, subject), "command line")
    return layer


def _anchor(name: str, value: object, subject: str) -> object:
    # Paths from the environment or the command line are relative to the
    # current directory (those in the file are relative to the file).
    key = KEYS[name]
    if key.is_path and isinstance(value, Path):
        return anchor_path(key, value, Path.cwd(), subject)
    return value


def _selected_profile(values: Layered, from_env: Layered, from_flags: Layered) -> tuple[str, str]:
    for layer in (from_flags, from_env, values):
        if "profile" in layer:
            name, source = layer["profile"]
            return str(name), source
    return DEFAULT_PROFILE, "default"


def _unknown_profile(
    name: str, source: str, path: Path, gateways: Mapping[str, object]
) -> ConfigError:
    known = ", ".join(gateways)
    return ConfigError(
        f"unknown profile {describe_value(name)} (selected by {source}); "
        f"{path} defines: {known}{suggestion(name, gateways)}"
    )


def _check_backoff(values: Layered) -> None:
    backoff, backoff_source = values["max_backoff"]
    interval, interval_source = values["poll_interval"]
    assert isinstance(backoff, float) and isinstance(interval, float)
    if backoff < interval:
        raise ConfigError(
            f"max_backoff ({backoff:g} s, from {backoff_source}) must be at least "
            f"poll_interval ({interval:g} s, from {interval_source})"
        )


def _gateway(name: str, layered: Layered) -> Gateway:
    return Gateway(name, **{key: layered[key][0] for key in GATEWAY_KEYS})  # type: ignore[arg-type]


def _settings(values: Layered, gateways: Mapping[str, Layered], path: Path) -> Settings:
    # ``values`` holds the selected gateway's keys with the overrides applied:
    # they make its Gateway, and their sources stay in ``sources``.
    selected = str(values["profile"][0])
    all_gateways = {name: _gateway(name, layered) for name, layered in gateways.items()}
    all_gateways[selected] = _gateway(selected, values)
    fields = {name: value for name, (value, _) in values.items() if name not in GATEWAY_KEYS}
    return Settings(
        **fields,  # type: ignore[arg-type]
        gateways=all_gateways,
        config_path=path,
        sources={name: source for name, (_, source) in values.items()},
    )
