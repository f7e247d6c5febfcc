"""Reading config.toml and checking every key in it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.key import Key
from suno_tui.config.schema import (
    DEFAULT_PROFILE,
    GATEWAY_KEYS,
    KEYS,
    anchor_path,
    check_binding,
    check_profile_name,
    suggestion,
)
from suno_tui.safe_text import clean_line

__all__ = [
    "MAX_CONFIG_BYTES",
    "FileConfig",
    "check_document",
    "profile_key_hint",
    "read_document",
]

#: a config file is a few KiB; this refuses a device or a runaway file
MAX_CONFIG_BYTES = 1 << 20
_TABLES = ("profiles",)
_KNOWN_TOP = (*KEYS, *_TABLES)
_AT_RE = re.compile(r"^(?P<msg>.*) \(at (?:line (?P<line>\d+), column \d+|end of document)\)$")


@dataclass(frozen=True)
class FileConfig:
    """The checked contents of a config file."""

    top: dict[str, object] = field(default_factory=dict)  # top-level keys present
    profiles: dict[str, dict[str, object]] = field(default_factory=dict)  # [profiles.NAME]


def read_document(path: Path) -> dict[str, Any]:
    """The parsed TOML document; ``{}`` when the file does not exist."""
    try:
        with path.open("rb") as handle:
            # Bounded: --config /dev/zero must not fill the memory.
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; not a config file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path} line {line}: invalid TOML (not UTF-8 text)") from None
    import tomllib  # only when there is a file to read (a monitor without one never needs it)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(path, str(exc))) from None
    except RecursionError:
        # tomllib parses nested arrays and tables recursively.
        raise ConfigError(f"{path}: invalid TOML (nested too deeply)") from None


def _toml_error(path: Path, message: str) -> str:
    message = clean_line(message)
    match = _AT_RE.match(message)
    if match is None:
        return f"{path}: invalid TOML ({message})"
    place = f" line {match['line']}" if match["line"] else ""
    return f"{path}{place}: invalid TOML ({match['msg']})"


def check_document(doc: Mapping[str, object], where: str, base_dir: Path) -> FileConfig:
    """Check every key of a parsed file; relative paths are taken from ``base_dir``."""
    result = FileConfig()
    for name, value in doc.items():
        if name == "profiles":
            result.profiles.update(_check_profiles(value, where, base_dir))
        elif name == "keys":
            result.top["keys"] = _check_keys(value, where)
        elif name in KEYS:
            subject = f"{where}: key '{name}'"
            result.top[name] = check_value(KEYS[name], value, subject, base_dir)
        else:
            raise ConfigError(
                f"{where}: unknown key {describe_value(name)}{suggestion(name, _KNOWN_TOP)}"
            )
    selected = result.top.get("profile", DEFAULT_PROFILE)
    if selected != DEFAULT_PROFILE and selected not in result.profiles:
        raise ConfigError(
            f"{where}: key 'profile' names profile {selected!r}, which has no "
            f"[profiles.{selected}] table{suggestion(str(selected), result.profiles)}"
        )
    return result


def check_value(key: Key, value: object, subject: str, base_dir: Path) -> object:
    """One value checked by its key; paths made absolute against ``base_dir``."""
    checked = key.check(value, subject)
    if key.is_path and isinstance(checked, Path):
        return anchor_path(key, checked, base_dir, subject)
    return checked


def _check_keys(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: key 'keys' must be a table, got {describe_value(value)}")
    return {binding: check_binding(binding, key, where) for binding, key in value.items()}


def _check_profiles(value: object, where: str, base_dir: Path) -> dict[str, dict[str, object]]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where}: key 'profiles' must be a table of [profiles.NAME] tables, "
            f"got {describe_value(value)}"
        )
    profiles: dict[str, dict[str, object]] = {}
    for name, table in value.items():
        check_profile_name(name, f"{where}: profile name")
        if name == DEFAULT_PROFILE:
            raise ConfigError(
                f"{where}: [profiles.{DEFAULT_PROFILE}] is not allowed: "
                "the top-level keys are the default profile"
            )
        profiles[name] = _check_profile(name, table, where, base_dir)
    return profiles


def _check_profile(name: str, table: object, where: str, base_dir: Path) -> dict[str, object]:
    if not isinstance(table, dict):
        raise ConfigError(
            f"{where}: key 'profiles.{name}' must be a table, got {describe_value(table)}"
        )
    checked: dict[str, object] = {}
    for key_name, value in table.items():
        dotted = f"profiles.{name}.{key_name}"
        if key_name not in GATEWAY_KEYS:
            hint = profile_key_hint(key_name)
            raise ConfigError(f"{where}: unknown key {describe_value(dotted)}{hint}")
        checked[key_name] = check_value(KEYS[key_name], value, f"{where}: key '{dotted}'", base_dir)
    return checked


def profile_key_hint(name: str) -> str:
    """What to say about ``name`` that is not a key a profile may set."""
    allowed = " (a profile may set " + ", ".join(GATEWAY_KEYS)
    if name in KEYS:  # a real key, but one for all profiles: no "did you mean"
        return f"{allowed}; {name} is set at the top level, for all profiles)"
    return suggestion(name, GATEWAY_KEYS) or allowed + ")"
