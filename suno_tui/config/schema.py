"""The keys of config.toml: types, limits, defaults, and which converter and
text parser (values.py) each one uses; which keys make up a gateway.

Every value from any layer (file, environment, command line, ``config set``)
goes through ``Key.check`` (key.py), so a limit is written once, here (the
account-mode keys in account_keys.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from suno_tui.config import values as v
from suno_tui.config.account_keys import account_keys
from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.key import EXPECTED_BOOL, EXPECTED_COMMAND, Key
from suno_tui.config.values import PROFILE_NAME_RE, TOKEN_RE, Invalid

__all__ = [
    "ASSET_KINDS",
    "CREDENTIAL_PAIRS",
    "DEFAULT_ASSETS",
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MIN_SPEED",
    "DEFAULT_MIN_SPEED_TIME",
    "DEFAULT_NAME_TEMPLATE",
    "DEFAULT_PROFILE",
    "ENV_VARS",
    "GATEWAY_KEYS",
    "KEYS",
    "MAX_BATCH_SIZE",
    "PROFILE_NAME_RE",
    "SECRET_ENV_VARS",
    "SERVER_BOUND_KEYS",
    "TOKEN_RE",
    "anchor_path",
    "check_binding",
    "check_profile_name",
    "suggestion",
]

DEFAULT_BASE_URL = "https://api.gpt.ge"
DEFAULT_BATCH_SIZE = 50
# Ids per fetch request (relay-api.md): one gateway documents 50; another cuts
# its answer at 100 rows, and a cut answer looks like tasks the gateway does
# not know (they would be missed, then marked gone). relay/client.py holds the
# same bound.
MAX_BATCH_SIZE = 50
DEFAULT_PROFILE = "default"
ASSET_KINDS = ("audio", "image", "video", "lyrics", "json")
DEFAULT_ASSETS = ("audio", "image", "lyrics", "json")
DEFAULT_NAME_TEMPLATE = "{title} [{clip_id:.8}].{ext}"
# A download slower than DEFAULT_MIN_SPEED bytes a second over
# DEFAULT_MIN_SPEED_TIME seconds fails (resumably), as curl's --speed-limit
# and --speed-time: a read timeout does not end a server that drips bytes.
# Low enough for a slow mobile link, which still moves tens of KiB a second.
DEFAULT_MIN_SPEED = 1024
DEFAULT_MIN_SPEED_TIME = 30.0
MAX_MIN_SPEED = 1 << 30

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
        EXPECTED_COMMAND,
        v.command,
        optional=True,
        example='"pass show suno/token"',
        summary="prints the token; its first line is used; no shell",
    )
    yield from account_keys()
    yield Key(
        "batch_size",
        f"an integer from 1 to {MAX_BATCH_SIZE}",
        v.int_range(1, MAX_BATCH_SIZE),
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
        EXPECTED_BOOL,
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
    # wav and lrc: asked of the gateway per clip (hosted gateways' /suno/act/ routes)
    yield Key(
        "wav",
        EXPECTED_BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="download each clip's WAV too (hosted gateways; the gateway may bill it)",
    )
    yield Key(
        "lrc",
        EXPECTED_BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="write timed lyrics (.lrc, and SYLT in the mp3) too (hosted gateways; "
        "the gateway may bill it)",
    )
    yield Key(
        "on_finish",
        EXPECTED_COMMAND,
        v.command,
        optional=True,
        example='"notify-send suno-tui done"',
        summary="run when a task finishes; no shell",
    )
    yield Key(
        "player",
        EXPECTED_COMMAND,
        v.command,
        optional=True,
        example='"mpv --no-video"',
        summary="plays a clip (l); the file or URL is appended; no shell",
    )
    yield Key("bell", EXPECTED_BOOL, v.boolean, True, v.parse_bool)
    yield Key(
        "images",
        EXPECTED_BOOL,
        v.boolean,
        True,
        v.parse_bool,
        summary="draw clip covers in the detail view (fetched once, cached)",
    )
    yield Key(
        "notify",
        EXPECTED_BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="desktop notifications through the terminal (OSC 9)",
    )
    yield Key("verify_tls", EXPECTED_BOOL, v.boolean, True, v.parse_bool)
    yield Key(
        "ca_bundle",
        "the path of an existing file",
        v.path,
        optional=True,
        is_path=True,
        must_exist=True,
        example='"/etc/ssl/certs/my-ca.pem"',
    )
    yield Key("mouse", EXPECTED_BOOL, v.boolean, True, v.parse_bool)
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
