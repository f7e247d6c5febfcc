"""The keys of config.toml: types, limits, defaults, and how text becomes a value.

Every value from any layer (file, environment, command line, ``config set``)
goes through ``Key.check``, so a limit is written once, here.
"""

from __future__ import annotations

import difflib
import math
import re
import shlex
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.safe_text import without_userinfo

__all__ = [
    "ACCOUNT_APIS",
    "ASSET_KINDS",
    "CREDENTIAL_PAIRS",
    "DEFAULT_ACCOUNT_INTERVAL",
    "DEFAULT_ASSETS",
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_NAME_TEMPLATE",
    "DEFAULT_PROFILE",
    "DEFAULT_USER_HEADER",
    "ENV_VARS",
    "GATEWAY_KEYS",
    "KEYS",
    "MIN_ACCOUNT_INTERVAL",
    "PROFILE_NAME_RE",
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
DEFAULT_USER_HEADER = "New-Api-User"
DEFAULT_ACCOUNT_INTERVAL = 300.0
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

PROFILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# C0, DEL, C1 and the bidi overrides that can make text read differently.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Tokens go into an HTTP header: visible ASCII only, no spaces.
TOKEN_RE = re.compile(r"[\x21-\x7e]+")
_BINDING_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# An HTTP header name (RFC 9110 token characters).
_HEADER_NAME_RE = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
_MAX_USER_ID = 2**63 - 1
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class Invalid(Exception):
    """Raised by a converter. A message replaces the key's usual expectation."""

    def __init__(
        self, expected: str = "", *, hide_value: bool = False, shown: str | None = None
    ) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hide_value = hide_value
        #: what to show instead of the value (a URL without its password)
        self.shown = shown


Converter = Callable[[object], object]
TextParser = Callable[[str], object]


def _keep_text(text: str) -> object:
    return text


@dataclass(frozen=True)
class Key:
    """One configuration key."""

    name: str
    expected: str
    convert: Converter
    default: object = None
    parse_text: TextParser = _keep_text
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


# --- converters -------------------------------------------------------------


def _string(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or _CONTROL_RE.search(value):
        raise Invalid
    return value


def _url(value: object) -> str:
    text = _string(value).strip()
    masked = without_userinfo(text)
    if masked != text:
        # A password in the URL would be sent everywhere and echoed here:
        # refuse it first, whatever else is wrong, and never show it.
        raise Invalid("an http(s) URL without a user name or password", shown=masked)
    if " " in text:
        raise Invalid
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise Invalid from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid
    if parts.username is not None or parts.password is not None:
        raise Invalid("an http(s) URL without a user name or password", hide_value=True)
    if parts.query or parts.fragment:
        raise Invalid("an http(s) URL without a query or fragment")
    return text.rstrip("/")


def _token(value: object) -> str:
    if not isinstance(value, str) or TOKEN_RE.fullmatch(value) is None:
        raise Invalid
    return value


def _user_id(value: object) -> int:
    # new-api user ids are integers; a TOML string of digits is accepted too.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_USER_ID:
        raise Invalid
    return value


def _header_name(value: object) -> str:
    if not isinstance(value, str) or _HEADER_NAME_RE.fullmatch(value.strip()) is None:
        raise Invalid
    return value.strip()


def _choice(choices: tuple[str, ...]) -> Converter:
    def convert(value: object) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise Invalid
        return value.strip().lower()

    return convert


def _command(value: object) -> str:
    text = _string(value).strip()
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise Invalid(f"a valid command line ({exc})") from None
    if not argv:
        raise Invalid
    return text


def _path(value: object) -> Path:
    return Path(_string(value)).expanduser()


def _int_range(low: int, high: int) -> Converter:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid
        return value

    return convert


def _number_range(low: float, high: float) -> Converter:
    def convert(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            raise Invalid
        return number

    return convert


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid
    return value


def _assets(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid
    kinds: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or item not in ASSET_KINDS:
            raise Invalid
        kinds.setdefault(item, None)
    return tuple(kinds)


def _name_template(value: object) -> str:
    text = _string(value)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise Invalid(f"a valid template ({exc})") from None
    # Plain names only: "{clip_id.__class__}" or "{0}" would reach into objects.
    if any(not name.isidentifier() for name in fields):
        raise Invalid("a template whose fields are plain names such as {title}")
    return text


def _profile_name(value: object) -> str:
    if not isinstance(value, str) or PROFILE_NAME_RE.fullmatch(value) is None:
        raise Invalid
    return value


def _bindings(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid
    result: dict[str, str] = {}
    for binding, key in value.items():
        if not _is_binding_id(binding) or not _is_key_name(key):
            raise Invalid
        result[binding] = key
    return result


def _is_binding_id(value: object) -> bool:
    return isinstance(value, str) and _BINDING_RE.fullmatch(value) is not None


def _is_key_name(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _CONTROL_RE.search(value)


# --- text parsers -----------------------------------------------------------
# They never fail: text that does not parse is passed on and ``check`` rejects
# it with the key's usual message, quoting what the user typed.


def _parse_int(text: str) -> object:
    try:
        return int(text.strip())
    except ValueError:
        return text


def _parse_number(text: str) -> object:
    try:
        return float(text.strip())
    except ValueError:
        return text


def _parse_bool(text: str) -> object:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return text


def _parse_list(text: str) -> object:
    stripped = text.strip()
    if stripped.startswith("["):
        import tomllib

        try:
            return tomllib.loads(f"v = {stripped}")["v"]
        except (tomllib.TOMLDecodeError, RecursionError):
            return text
    return [piece for piece in re.split(r"[\s,]+", stripped) if piece]


# --- the keys ---------------------------------------------------------------

_BOOL = "true or false"
_COMMAND = "a command line"
_TEXT = "a non-empty single-line string"


def _keys() -> Iterable[Key]:
    yield Key("base_url", "an http(s) URL", _url, DEFAULT_BASE_URL, summary="the gateway's address")
    yield Key(
        "token",
        "a string of visible ASCII characters without spaces",
        _token,
        secret=True,
        optional=True,
        parse_text=str.strip,
        example='"sk-..."',
        summary="prefer token_command or $SUNO_TUI_TOKEN to keeping it here",
    )
    yield Key(
        "token_command",
        _COMMAND,
        _command,
        optional=True,
        example='"pass show suno/token"',
        summary="prints the token; its first line is used; no shell",
    )
    yield from _account_keys()
    yield Key(
        "batch_size",
        "an integer from 1 to 100",
        _int_range(1, 100),
        DEFAULT_BATCH_SIZE,
        _parse_int,
        summary="task ids per fetch request",
    )
    yield Key(
        "request_timeout",
        "a number of seconds from 0.1 to 600",
        _number_range(0.1, 600),
        30.0,
        _parse_number,
    )
    yield Key(
        "poll_interval",
        "a number of seconds from 2 to 3600",
        _number_range(2, 3600),
        10.0,
        _parse_number,
    )
    yield Key(
        "max_backoff",
        "a number of seconds from 2 to 86400",
        _number_range(2, 86400),
        300.0,
        _parse_number,
        summary="longest wait between polls after errors",
    )
    yield Key("download_dir", "a folder path", _path, is_path=True, example='"~/Music/suno-tui"')
    yield Key(
        "state_path", "a file path", _path, is_path=True, summary="SQLite file with the watch list"
    )
    yield Key(
        "assets",
        "a list drawn from " + ", ".join(ASSET_KINDS),
        _assets,
        DEFAULT_ASSETS,
        _parse_list,
        summary="what to download per clip",
    )
    yield Key("name_template", "a file name template", _name_template, DEFAULT_NAME_TEMPLATE)
    yield Key(
        "tag_mp3",
        _BOOL,
        _boolean,
        True,
        _parse_bool,
        summary="write title/artist/lyrics tags into downloaded mp3 files",
    )
    yield Key("artist", _TEXT, _string, optional=True, example='"My Name"')
    yield Key("download_concurrency", "an integer from 1 to 16", _int_range(1, 16), 3, _parse_int)
    yield Key(
        "on_finish",
        _COMMAND,
        _command,
        optional=True,
        example='"notify-send suno-tui done"',
        summary="run when a task finishes; no shell",
    )
    yield Key("bell", _BOOL, _boolean, True, _parse_bool)
    yield Key(
        "images",
        _BOOL,
        _boolean,
        True,
        _parse_bool,
        summary="draw clip covers in the detail view (fetched once, cached)",
    )
    yield Key(
        "notify",
        _BOOL,
        _boolean,
        False,
        _parse_bool,
        summary="desktop notifications through the terminal (OSC 9)",
    )
    yield Key("verify_tls", _BOOL, _boolean, True, _parse_bool)
    yield Key(
        "ca_bundle",
        "the path of an existing file",
        _path,
        optional=True,
        is_path=True,
        must_exist=True,
        example='"/etc/ssl/certs/my-ca.pem"',
    )
    yield Key("mouse", _BOOL, _boolean, True, _parse_bool)
    yield Key(
        "keys",
        "a table of binding id = key",
        _bindings,
        {},
        summary='key remaps, e.g. [keys] quit = "ctrl+q"',
    )
    yield Key(
        "profile",
        "a profile name (letters, digits, '-', '_')",
        _profile_name,
        DEFAULT_PROFILE,
        summary="which [profiles.NAME] gateway to use",
    )


def _account_keys() -> Iterable[Key]:
    yield Key(
        "access_token",
        "a string of visible ASCII characters without spaces",
        _token,
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
        _command,
        optional=True,
        example='"pass show suno/access-token"',
        summary="prints the access token; its first line is used; no shell",
    )
    yield Key(
        "user_id",
        "a positive integer (your user id on the gateway)",
        _user_id,
        optional=True,
        parse_text=_parse_int,
        example="1234",
        summary="account mode on new-api: the numeric id of the access token's owner",
    )
    yield Key(
        "user_header",
        "an HTTP header name",
        _header_name,
        DEFAULT_USER_HEADER,
        summary="the header that carries user_id (some new-api forks rename it)",
    )
    yield Key(
        "account_api",
        "one of " + ", ".join(ACCOUNT_APIS),
        _choice(ACCOUNT_APIS),
        "auto",
        summary="the gateway's task-list API: auto, new-api, one-hub, or off",
    )
    yield Key(
        "follow_account",
        _BOOL,
        _boolean,
        False,
        _parse_bool,
        summary="the monitor adds every task of the account and looks for new ones",
    )
    yield Key(
        "account_interval",
        f"a number of seconds from {MIN_ACCOUNT_INTERVAL:g} to 86400",
        _number_range(MIN_ACCOUNT_INTERVAL, 86400),
        DEFAULT_ACCOUNT_INTERVAL,
        _parse_number,
        summary="seconds between two looks for new tasks of the account",
    )


KEYS: dict[str, Key] = {key.name: key for key in _keys()}


def check_profile_name(name: object, subject: str) -> str:
    """A valid profile name, or ConfigError."""
    result = KEYS["profile"].check(name, subject)
    assert isinstance(result, str)
    return result


def check_binding(binding: str, key: object, where: str) -> str:
    """Check one ``[keys]`` entry of the file at ``where``; return the key name."""
    if not _is_binding_id(binding):
        raise ConfigError(
            f"{where}: [keys] entries must be named like binding ids such as 'quit', "
            f"got {describe_value(binding)}"
        )
    if not _is_key_name(key):
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
