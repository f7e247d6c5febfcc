"""The keys of config.toml: types, limits, defaults, and which converter and
text parser (values.py) each one uses.

Every value from any layer (file, environment, command line, ``config set``)
goes through ``Key.check``, so a limit is written once, here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from suno_tui.config import values as v
from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.values import PROFILE_NAME_RE, TOKEN_RE, Converter, Invalid, TextParser

__all__ = [
    "ACCOUNT_APIS",
    "ASSET_KINDS",
    "BALANCE_UNITS",
    "CREDENTIAL_PAIRS",
    "DEFAULT_ACCOUNT_INTERVAL",
    "DEFAULT_ASSETS",
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MIN_SPEED",
    "DEFAULT_MIN_SPEED_TIME",
    "DEFAULT_NAME_TEMPLATE",
    "DEFAULT_PROFILE",
    "DEFAULT_USER_HEADER",
    "ENV_VARS",
    "GATEWAY_KEYS",
    "KEYS",
    "MIN_ACCOUNT_INTERVAL",
    "PROFILE_NAME_RE",
    "SECRET_ENV_VARS",
    "SERVER_BOUND_KEYS",
    "TOKEN_RE",
    "Key",
    "anchor_path",
    "check_binding",
    "check_profile_name",
    "suggestion",
]

DEFAULT_BASE_URL = "https://api.gpt.ge"
DEFAULT_BATCH_SIZE = 50
DEFAULT_PROFILE = "default"
ASSET_KINDS = ("audio", "image", "video", "lyrics", "json")
DEFAULT_ASSETS = ("audio", "image", "lyrics", "json")
DEFAULT_NAME_TEMPLATE = "{title} [{clip_id:.8}].{ext}"
# Account mode (docs/gateway.md): which task-list API the gateway speaks.
ACCOUNT_APIS = ("auto", "new-api", "one-hub", "off")
# The unit of the billing endpoints' amounts (the site's display unit, which
# the answer does not name): "auto" = not known.
BALANCE_UNITS = ("auto", "USD", "CNY", "tokens")
DEFAULT_USER_HEADER = "New-Api-User"
DEFAULT_ACCOUNT_INTERVAL = 300.0
# A download slower than DEFAULT_MIN_SPEED bytes a second over
# DEFAULT_MIN_SPEED_TIME seconds fails (resumably), as curl's --speed-limit
# and --speed-time: a read timeout does not end a server that drips bytes.
# Low enough for a slow mobile link, which still moves tens of KiB a second.
DEFAULT_MIN_SPEED = 1024
DEFAULT_MIN_SPEED_TIME = 30.0
MAX_MIN_SPEED = 1 << 30
# One discovery is one request to /api/task/self when nothing is new (a page
# of 100 is read until a known task shows up). new-api allows 360 requests per
# 180 s per IP on /api/*, shared with the web console and anything else
# behind the same address; at one discovery a minute the monitor spends at
# most 3 of them per 180 s (under 1 %), which leaves room for the one burst a
# first discovery of a busy account costs (up to 100 pages). Polling faster
# would not show tasks sooner in practice: the gateway itself refreshes a
# task's row only every ~15 s.
MIN_ACCOUNT_INTERVAL = 60.0

# Keys that make up a gateway: the top level holds the "default" one and each
# [profiles.NAME] table may set them again.
GATEWAY_KEYS = (
    "base_url",
    "token",
    "token_command",
    "batch_size",
    "access_token",
    "access_token_command",
    "user_id",
    "user_header",
    "account_api",
    "follow_account",
    "account_interval",
    "balance_unit",
)
# A secret and the command that prints it: a profile that names either gets
# neither inherited value (an inherited token must not shadow its command).
CREDENTIAL_PAIRS = (("token", "token_command"), ("access_token", "access_token_command"))
# What a profile with another base_url does not inherit: another server's
# credentials must not be sent to it, and a user id names a user of one server.
SERVER_BOUND_KEYS = ("token", "token_command", "access_token", "access_token_command", "user_id")

# Environment variable -> key. They apply to the selected gateway.
ENV_VARS = {
    "SUNO_TUI_BASE_URL": "base_url",
    "SUNO_TUI_TOKEN": "token",
    "SUNO_TUI_ACCESS_TOKEN": "access_token",
    "SUNO_TUI_USER_ID": "user_id",
    "SUNO_TUI_PROFILE": "profile",
    "SUNO_TUI_DOWNLOAD_DIR": "download_dir",
    "SUNO_TUI_STATE": "state_path",
}


@dataclass(frozen=True)
class Key:
    """One configuration key."""

    name: str
    expected: str
    convert: Converter
    default: object = None
    parse_text: TextParser = v.keep_text
    secret: bool = False
    optional: bool = False  # may be unset (None); "" in `config set` removes it
    is_path: bool = False
    must_exist: bool = False  # for paths: must name an existing file
    summary: str = ""
    example: str | None = None  # TOML text shown in the starter file

    def check(self, value: object, subject: str) -> object:
        """The value converted to its Python type, or ConfigError naming ``subject``."""
        try:
            return self.convert(value)
        except Invalid as exc:
            expected = exc.expected or self.expected
            shown = value if exc.shown is None else exc.shown
            got = describe_value(shown, secret=self.secret or exc.hide_value)
            raise ConfigError(f"{subject} must be {expected}, got {got}") from None

    def from_text(self, text: str, subject: str) -> object:
        """Parse text typed by a user (environment, ``config set``) and check it."""
        return self.check(self.parse_text(text), subject)


# The converter that needs ASSET_KINDS stays beside it.
def _assets(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid
    kinds: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or item not in ASSET_KINDS:
            raise Invalid
        kinds.setdefault(item, None)
    return tuple(kinds)


# --- the keys ---------------------------------------------------------------

_BOOL = "true or false"
_COMMAND = "a command line"
_TEXT = "a non-empty single-line string"


def _keys() -> Iterable[Key]:
    yield Key(
        "base_url", "an http(s) URL", v.url, DEFAULT_BASE_URL, summary="the gateway's address"
    )
    yield Key(
        "token",
        "a string of visible ASCII characters without spaces",
        v.token,
        secret=True,
        optional=True,
        parse_text=str.strip,
        example='"sk-..."',
        summary="prefer token_command or $SUNO_TUI_TOKEN to keeping it here",
    )
    yield Key(
        "token_command",
        _COMMAND,
        v.command,
        optional=True,
        example='"pass show suno/token"',
        summary="prints the token; its first line is used; no shell",
    )
    yield from _account_keys()
    yield Key(
        "batch_size",
        "an integer from 1 to 100",
        v.int_range(1, 100),
        DEFAULT_BATCH_SIZE,
        v.parse_int,
        summary="task ids per fetch request",
    )
    yield Key(
        "request_timeout",
        "a number of seconds from 0.1 to 600",
        v.number_range(0.1, 600),
        30.0,
        v.parse_number,
    )
    yield Key(
        "poll_interval",
        "a number of seconds from 2 to 3600",
        v.number_range(2, 3600),
        10.0,
        v.parse_number,
    )
    yield Key(
        "max_backoff",
        "a number of seconds from 2 to 86400",
        v.number_range(2, 86400),
        300.0,
        v.parse_number,
        summary="longest wait between polls after errors",
    )
    yield Key("download_dir", "a folder path", v.path, is_path=True, example='"~/Music/suno-tui"')
    yield Key(
        "state_path", "a file path", v.path, is_path=True, summary="SQLite file with the watch list"
    )
    yield Key(
        "assets",
        "a list drawn from " + ", ".join(ASSET_KINDS),
        _assets,
        DEFAULT_ASSETS,
        v.parse_list,
        summary="what to download per clip",
    )
    yield Key("name_template", "a file name template", v.name_template, DEFAULT_NAME_TEMPLATE)
    yield Key(
        "tag_mp3",
        _BOOL,
        v.boolean,
        True,
        v.parse_bool,
        summary="write title/artist/lyrics tags into downloaded mp3 files",
    )
    yield Key("artist", _TEXT, v.single_line, optional=True, example='"My Name"')
    yield Key("download_concurrency", "an integer from 1 to 16", v.int_range(1, 16), 3, v.parse_int)
    yield Key(
        "download_min_speed",
        f"a whole number of bytes per second from 0 to {MAX_MIN_SPEED} (0: no minimum)",
        v.int_range(0, MAX_MIN_SPEED),
        DEFAULT_MIN_SPEED,
        v.parse_int,
        summary="a download slower than this (bytes/s) over download_min_speed_time "
        "fails; its .part is kept and resumed later",
    )
    yield Key(
        "download_min_speed_time",
        "a number of seconds from 1 to 3600",
        v.number_range(1, 3600),
        DEFAULT_MIN_SPEED_TIME,
        v.parse_number,
        summary="the window of download_min_speed",
    )
    yield Key(
        "on_finish",
        _COMMAND,
        v.command,
        optional=True,
        example='"notify-send suno-tui done"',
        summary="run when a task finishes; no shell",
    )
    yield Key("bell", _BOOL, v.boolean, True, v.parse_bool)
    yield Key(
        "images",
        _BOOL,
        v.boolean,
        True,
        v.parse_bool,
        summary="draw clip covers in the detail view (fetched once, cached)",
    )
    yield Key(
        "notify",
        _BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="desktop notifications through the terminal (OSC 9)",
    )
    yield Key("verify_tls", _BOOL, v.boolean, True, v.parse_bool)
    yield Key(
        "ca_bundle",
        "the path of an existing file",
        v.path,
        optional=True,
        is_path=True,
        must_exist=True,
        example='"/etc/ssl/certs/my-ca.pem"',
    )
    yield Key("mouse", _BOOL, v.boolean, True, v.parse_bool)
    yield Key(
        "keys",
        "a table of binding id = key",
        v.bindings,
        {},
        summary='key remaps, e.g. [keys] quit = "ctrl+q"',
    )
    yield Key(
        "profile",
        "a profile name (letters, digits, '-', '_')",
        v.profile_name,
        DEFAULT_PROFILE,
        summary="which [profiles.NAME] gateway to use",
    )


def _account_keys() -> Iterable[Key]:
    yield Key(
        "access_token",
        "a string of visible ASCII characters without spaces",
        v.token,
        secret=True,
        optional=True,
        parse_text=str.strip,
        example='"..."',
        summary="account mode: the access token from the gateway's web console "
        "(not the sk- key); prefer access_token_command or $SUNO_TUI_ACCESS_TOKEN",
    )
    yield Key(
        "access_token_command",
        _COMMAND,
        v.command,
        optional=True,
        example='"pass show suno/access-token"',
        summary="prints the access token; its first line is used; no shell",
    )
    yield Key(
        "user_id",
        "a positive integer (your user id on the gateway)",
        v.user_id,
        optional=True,
        parse_text=v.parse_int,
        example="1234",
        summary="account mode on new-api: the numeric id of the access token's owner",
    )
    yield Key(
        "user_header",
        "an HTTP header name",
        v.header_name,
        DEFAULT_USER_HEADER,
        summary="the header that carries user_id (some new-api forks rename it)",
    )
    yield Key(
        "account_api",
        "one of " + ", ".join(ACCOUNT_APIS),
        v.choice(ACCOUNT_APIS),
        "auto",
        summary="the gateway's task-list API: auto, new-api, one-hub, or off",
    )
    yield Key(
        "follow_account",
        _BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="the monitor adds every task of the account and looks for new ones",
    )
    yield Key(
        "account_interval",
        f"a number of seconds from {MIN_ACCOUNT_INTERVAL:g} to 86400",
        v.number_range(MIN_ACCOUNT_INTERVAL, 86400),
        DEFAULT_ACCOUNT_INTERVAL,
        v.parse_number,
        summary="seconds between two looks for new tasks of the account",
    )
    yield Key(
        "balance_unit",
        "one of " + ", ".join(BALANCE_UNITS),
        v.canonical_choice(BALANCE_UNITS),
        "auto",
        summary="the unit of the key's balance on this gateway (its display unit: "
        "USD, CNY or tokens); auto = not known, shown without a currency",
    )


KEYS: dict[str, Key] = {key.name: key for key in _keys()}
#: the environment variables that hold a credential (the API key, the access
#: token): kept out of the environment of programs the tool starts (the hook)
SECRET_ENV_VARS = tuple(var for var, name in ENV_VARS.items() if KEYS[name].secret)


def check_profile_name(name: object, subject: str) -> str:
    """A valid profile name, or ConfigError."""
    result = KEYS["profile"].check(name, subject)
    assert isinstance(result, str)
    return result


def check_binding(binding: str, key: object, where: str) -> str:
    """Check one ``[keys]`` entry of the file at ``where``; return the key name."""
    if not v.is_binding_id(binding):
        raise ConfigError(
            f"{where}: [keys] entries must be named like binding ids such as 'quit', "
            f"got {describe_value(binding)}"
        )
    if not v.is_key_name(key):
        raise ConfigError(
            f"{where}: key 'keys.{binding}' must be a key name such as \"ctrl+q\", "
            f"got {describe_value(key)}"
        )
    assert isinstance(key, str)
    return key


def anchor_path(key: Key, path: Path, base_dir: Path, subject: str) -> Path:
    """Make a relative path absolute against ``base_dir``; check existence if required."""
    if not path.is_absolute():
        path = base_dir / path
    if key.must_exist and not path.is_file():
        raise ConfigError(f"{subject} must be {key.expected}, got {describe_value(str(path))}")
    return path


def suggestion(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
