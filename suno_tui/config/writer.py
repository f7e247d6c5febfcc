"""Writing config.toml: the starter file, ``config set``, and the permissions check.

Files are written whole to a temporary file created with mode 0600 and then
renamed over the old one, so a crash never leaves half a file and the token is
never readable by others, not even for a moment.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from pathlib import Path
from typing import Any

from suno_tui.config.document import check_document, profile_key_hint, read_document
from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.key import Key
from suno_tui.config.schema import GATEWAY_KEYS, KEYS, check_profile_name, suggestion

__all__ = [
    "config_permissions_warning",
    "init_config",
    "set_config_value",
    "settable_keys",
    "write_private_file",
]

_FILE_MODE = 0o600
_DIR_MODE = 0o700
# Keys set through their own tables, not as plain values.
_TABLE_KEYS = frozenset({"keys"})
_TOKEN_LINE_RE = re.compile(r"^\s*[\"']?(?:access_)?token[\"']?\s*=", re.MULTILINE)
_SECRET_KEYS = tuple(name for name, key in KEYS.items() if key.secret)


def write_private_file(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, mode 0600 (follows a symlink)."""
    # Writing through a symlink keeps dotfile managers' links intact.
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    import secrets  # only when a file is written: not on every command's start

    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _FILE_MODE)  # the umask may only have removed bits; be exact
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def init_config(
    path: Path,
    *,
    base_url: str | None = None,
    token: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a starter file with every key documented; refuse to replace one unless told."""
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise ConfigError(f"{path} already exists; not overwriting it")
    values: dict[str, object] = {}
    if base_url is not None:
        values["base_url"] = KEYS["base_url"].check(base_url, "base_url")
    if token is not None:
        values["token"] = KEYS["token"].check(token, "token")
    write_private_file(path, _starter_text(values))
    return path


def _starter_text(values: dict[str, object]) -> str:
    lines = [
        "# suno-tui configuration (TOML). `suno-tui config show` prints the effective values.",
        "# `suno-tui config set KEY VALUE` rewrites this file and drops these comments.",
        "# Relative paths are relative to this file's folder.",
        "",
    ]
    for name, key in KEYS.items():
        if name in _TABLE_KEYS or name == "profile":
            continue
        if key.summary:
            lines.append(f"# {name}: {key.summary}")
        if name in values:
            lines.append(f"{name} = {_inline(values[name])}")
        elif key.example is not None:
            lines.append(f"# {name} = {key.example}")
        elif key.default is not None:
            lines.append(f"# {name} = {_inline(key.default)}")
    lines += [
        "",
        '# Other gateways: pick one with --profile NAME, $SUNO_TUI_PROFILE or profile = "NAME".',
        "# A profile inherits the keys above, except that a profile with its own",
        "# base_url gets no token, access token or user id unless it sets them itself.",
        "# [profiles.work]",
        '# base_url = "https://gateway.example"',
        '# token_command = "pass show work/suno"',
        "",
        "# Key remaps: binding id = key.",
        "# [keys]",
        '# quit = "ctrl+q"',
        "",
    ]
    return "\n".join(lines)


def _inline(value: object) -> str:
    """A simple value as one line of TOML (tomli_w spreads arrays over lines)."""
    import tomli_w

    if isinstance(value, tuple | list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).strip().removeprefix("v = ")


def settable_keys() -> list[str]:
    """Names accepted by ``set_config_value`` (NAME and BINDING are placeholders)."""
    plain = [name for name in KEYS if name not in _TABLE_KEYS]
    return [*plain, *(f"profiles.NAME.{k}" for k in GATEWAY_KEYS), "keys.BINDING"]


def set_config_value(path: Path, key: str, value_text: str) -> None:
    """Set one key from text typed by the user, keeping the file's other keys.

    ``key`` may be dotted: ``profiles.NAME.base_url``, ``keys.BINDING``. For keys
    that may be unset, an empty ``value_text`` removes the key. The whole file is
    checked before it is written (mode 0600). Comments are not kept.
    """
    import tomli_w

    doc = read_document(path)
    where = str(path)
    parts = key.split(".")
    table, name = _table_for(doc, parts, where)
    if parts[0] == "keys":
        _set_binding(table, name, value_text)
    else:
        _set_plain(table, KEYS[name], value_text, f"{where}: key '{key}'", path.parent)
    _prune_empty_tables(doc)
    check_document(doc, where, path.parent)
    write_private_file(path, tomli_w.dumps(doc))


def _table_for(doc: dict[str, Any], parts: list[str], where: str) -> tuple[dict[str, Any], str]:
    """The table that holds the key, created if needed, and the key's last name."""
    dotted = ".".join(parts)
    if len(parts) == 1 and parts[0] in KEYS and parts[0] not in _TABLE_KEYS:
        return doc, parts[0]
    if len(parts) == 3 and parts[0] == "profiles":
        if parts[2] not in GATEWAY_KEYS:
            hint = profile_key_hint(parts[2])
            raise ConfigError(f"unknown key {describe_value(dotted)}{hint}")
        check_profile_name(parts[1], f"profile name in {dotted!r}")
        profiles = _subtable(doc, "profiles", where)
        return _subtable(profiles, parts[1], where, f"profiles.{parts[1]}"), parts[2]
    if len(parts) == 2 and parts[0] == "keys" and parts[1]:
        return _subtable(doc, "keys", where), parts[1]
    if parts[0] in _TABLE_KEYS:
        raise ConfigError(f"key {describe_value(dotted)}: set entries as keys.BINDING")
    raise ConfigError(f"unknown key {describe_value(dotted)}{suggestion(dotted, settable_keys())}")


def _subtable(
    parent: dict[str, Any], name: str, where: str, dotted: str | None = None
) -> dict[str, Any]:
    table = parent.setdefault(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: key '{dotted or name}' must be a table")
    return table


def _set_plain(table: dict[str, Any], key: Key, text: str, subject: str, base_dir: Path) -> None:
    if not text.strip() and key.optional:
        table.pop(key.name, None)
        return
    value = key.from_text(text, subject)
    # Store what TOML can hold. Paths keep a leading "~" (portable between
    # machines); other relative paths are taken from the current directory,
    # as a user typing them in a shell expects.
    if isinstance(value, Path):
        typed = text.strip()
        value = typed if typed.startswith("~") else os.path.abspath(typed)
    elif isinstance(value, tuple):
        value = list(value)
    table[key.name] = value


def _set_binding(table: dict[str, Any], binding: str, text: str) -> None:
    if not text.strip():
        table.pop(binding, None)
    else:
        table[binding] = text.strip()


def _prune_empty_tables(doc: dict[str, Any]) -> None:
    profiles = doc.get("profiles")
    if isinstance(profiles, dict):
        for name in [n for n, t in profiles.items() if t == {}]:
            del profiles[name]
    for name in ("profiles", "keys"):
        if doc.get(name) == {}:
            del doc[name]


def config_permissions_warning(path: Path) -> str | None:
    """A warning when the file holds a token and group or others may read it."""
    if os.name == "nt":
        return None  # POSIX modes mean nothing there
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode) or not mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    if not _holds_token(path):
        return None
    quoted = shlex.quote(str(path))
    return (
        f"{path} holds a token and is readable by other users "
        f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {quoted}"
    )


def _holds_token(path: Path) -> bool:
    try:
        doc = read_document(path)
    except ConfigError:
        # Unreadable as TOML: look for a token line the cheap way.
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return _TOKEN_LINE_RE.search(text) is not None
    if any(name in doc for name in _SECRET_KEYS):
        return True
    profiles = doc.get("profiles")
    if isinstance(profiles, dict):
        return any(
            isinstance(t, dict) and any(name in t for name in _SECRET_KEYS)
            for t in profiles.values()
        )
    return False
