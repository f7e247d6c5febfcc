"""``suno-tui config path|show|init|set``: see and edit the configuration file."""

from __future__ import annotations

import argparse
import sys

from suno_tui.cli import exit_codes
from suno_tui.cli.common import (
    add_config_option,
    add_connection_options,
    fail,
    settings_from_args,
    warn,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import TextIO

    from suno_tui.config import Gateway, Settings

_MASK = '"***"'
_SET_HELP = """\
Set KEY to VALUE in the configuration file, checking the value first.
KEY is a top-level key (batch_size, poll_interval, assets, ...), profiles.NAME.KEY
(base_url, token, token_command, batch_size, access_token, user_id, ...) or
keys.BINDING. Lists are comma-separated (assets audio,image). An empty VALUE
removes an optional key. VALUE '-' for a token or an access token reads it
from standard input, so that it stays out of the process list.
The file is rewritten with mode 0600; comments in it are
not kept."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    path = actions.add_parser("path", help="print the configuration file's path")
    add_config_option(path)
    show = actions.add_parser(
        "show",
        help="print the effective settings and where each came from",
        description="Print the effective settings (token masked) and where each value "
        "came from: default, file, profile, environment or command line.",
    )
    add_connection_options(show)
    init = actions.add_parser(
        "init",
        help="create a commented starter file (mode 0600)",
        description="Create a starter configuration file listing every key (mode 0600).",
    )
    add_config_option(init)
    init.add_argument("--base-url", metavar="URL", help="gateway address to write")
    init.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the token from standard input and write it into the file",
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")
    set_ = actions.add_parser(
        "set",
        help="set one key (rewrites the file without comments)",
        description=_SET_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_option(set_)
    set_.add_argument("key", metavar="KEY")
    set_.add_argument("value", metavar="VALUE")


def run(args: argparse.Namespace) -> int:
    from suno_tui.config import ConfigError

    handlers = {"path": _run_path, "show": _run_show, "init": _run_init, "set": _run_set}
    try:
        return handlers[args.action](args)
    except ConfigError as exc:
        return fail(str(exc), exit_codes.USAGE)


def _config_path(args: argparse.Namespace) -> Path:
    from suno_tui.config import resolve_config_path

    return resolve_config_path(args.config)


def _warn_permissions(path: Path) -> bool:
    from suno_tui.config import config_permissions_warning

    message = config_permissions_warning(path)
    if message:
        warn(message)
    return message is not None


# --- path ---------------------------------------------------------------------


def _run_path(args: argparse.Namespace) -> int:
    path = _config_path(args)
    print(path)
    _warn_permissions(path)
    return exit_codes.OK


# --- show ---------------------------------------------------------------------


def _run_show(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    sys.stdout.write("\n".join(show_lines(settings)) + "\n")
    return exit_codes.OK


def show_lines(settings: Settings) -> list[str]:
    """The effective settings as TOML-like lines; tokens masked; sources as comments."""
    from suno_tui.config import GATEWAY_KEYS

    exists = settings.config_path.is_file()
    lines = [
        f"# config file: {_toml_string(str(settings.config_path))}"
        + ("" if exists else " (not found; defaults in use)")
    ]
    lines.append(_line("profile", settings.profile, settings.sources))
    for name in GATEWAY_KEYS:
        lines.append(_line(name, getattr(settings.gateway, name), settings.sources))
    for name in _OTHER_KEYS:
        lines.append(_line(name, getattr(settings, name), settings.sources))
    lines += _keys_lines(settings.keys, settings.sources)
    for gateway in settings.gateways.values():
        lines += _gateway_lines(gateway, selected=gateway.name == settings.profile)
    return lines


_OTHER_KEYS = (
    "request_timeout",
    "poll_interval",
    "max_backoff",
    "download_dir",
    "state_path",
    "assets",
    "name_template",
    "tag_mp3",
    "artist",
    "download_concurrency",
    "download_min_speed",
    "download_min_speed_time",
    "wav",
    "lrc",
    "on_finish",
    "player",
    "bell",
    "notify",
    "verify_tls",
    "ca_bundle",
    "mouse",
)


def _line(name: str, value: object, sources: Mapping[str, str]) -> str:
    source = _source_note(sources.get(name, "default"))
    if value is None:
        return f"# {name} is not set  {source}"
    shown = _MASK if _is_secret(name) else _toml_value(value)
    return f"{name} = {shown}  {source}"


def _is_secret(name: str) -> bool:
    from suno_tui.config.schema import KEYS

    key = KEYS.get(name)
    return key is not None and key.secret


def _source_note(source: str) -> str:
    return "# default" if source == "default" else f"# from {source}"


def _keys_lines(keys: Mapping[str, str], sources: Mapping[str, str]) -> list[str]:
    if not keys:
        return []
    lines = ["", f"[keys]  {_source_note(sources.get('keys', 'default'))}"]
    lines += [f"{_toml_key(binding)} = {_toml_string(key)}" for binding, key in keys.items()]
    return lines


def _gateway_lines(gateway: Gateway, *, selected: bool) -> list[str]:
    note = "  # selected" if selected else ""
    lines = [
        "",
        f"[profiles.{_toml_key(gateway.name)}]{note}",
        f"base_url = {_toml_string(gateway.base_url)}",
    ]
    if gateway.token is not None:
        lines.append(f"token = {_MASK}")
    if gateway.token_command is not None:
        lines.append(f"token_command = {_toml_string(gateway.token_command)}")
    lines.append(f"batch_size = {gateway.batch_size}")
    if gateway.access_token is not None:
        lines.append(f"access_token = {_MASK}")
    if gateway.access_token_command is not None:
        lines.append(f"access_token_command = {_toml_string(gateway.access_token_command)}")
    if gateway.user_id is not None:
        lines.append(f"user_id = {gateway.user_id}")
    lines.append(f"user_header = {_toml_string(gateway.user_header)}")
    lines.append(f"account_api = {_toml_string(gateway.account_api)}")
    lines.append(f"follow_account = {_toml_value(gateway.follow_account)}")
    lines.append(f"account_interval = {gateway.account_interval!r}")
    lines.append(f"balance_unit = {_toml_string(gateway.balance_unit)}")
    return lines


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return _toml_string(str(value))


def _toml_string(text: str) -> str:
    # Every non-printable character becomes a TOML escape, so what the user put
    # in the file cannot drive the terminal when it is shown.
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else _toml_string(name)


# --- init ---------------------------------------------------------------------


def _run_init(args: argparse.Namespace) -> int:
    from suno_tui.config import ConfigError, init_config

    path = _config_path(args)
    if path.exists() and not args.force:
        return fail(f"{path} already exists; use --force to replace it", exit_codes.USAGE)
    token = _read_token(sys.stdin) if args.token_stdin else None
    try:
        init_config(path, base_url=args.base_url, token=token, overwrite=args.force)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({exc.strerror or exc})") from None
    print(f"created {path}")
    return exit_codes.OK


def _read_token(stdin: TextIO) -> str:
    """The token, typed without echo on a terminal, else the first line of stdin."""
    from suno_tui.config import ConfigError

    if stdin.isatty():
        import getpass

        token = getpass.getpass("token: ")
    else:
        token = stdin.readline()
    token = token.strip()
    if not token:
        raise ConfigError("no token given on standard input")
    return token


# --- set ----------------------------------------------------------------------


def _run_set(args: argparse.Namespace) -> int:
    from suno_tui.config import ConfigError, set_config_value

    path = _config_path(args)
    value = args.value
    if value == "-" and args.key.rsplit(".", 1)[-1] in ("token", "access_token"):
        value = _read_token(sys.stdin)
    was_exposed = _warn_permissions(path)
    try:
        set_config_value(path, args.key, value)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if was_exposed:
        warn(f"{path} now has mode 0600; a token that others could read may need replacing")
    print(f"set {args.key} in {path}")
    return exit_codes.OK
