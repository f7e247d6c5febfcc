"""Options and helpers shared by the headless commands.

Imported while argparse builds ``--help``, so it must stay cheap: only the
standard library basics at module level. The configuration package (tomllib,
platformdirs) is imported inside the functions that load settings.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from suno_tui.ids import InvalidTaskId, parse_ids, validate_id

# Not "from typing import TYPE_CHECKING": importing typing alone costs ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from suno_tui.config import Settings

__all__ = [
    "MAX_IDS_BYTES",
    "PROG",
    "UsageError",
    "add_config_option",
    "add_connection_options",
    "add_ids_options",
    "collect_ids",
    "connection_overrides",
    "fail",
    "offset_seconds",
    "positive_int",
    "require_ids",
    "seconds",
    "settings_from_args",
    "warn",
]

PROG = "suno-tui"
STDIN_NAME = "-"
#: the most an ids file or standard input may hold (about 200,000 ids)
MAX_IDS_BYTES = 8 << 20

_CONFIG_HELP = (
    "configuration file (default: $SUNO_TUI_CONFIG, else the platform's config folder, "
    "e.g. ~/.config/suno-tui/config.toml)"
)
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class UsageError(Exception):
    """Bad ids or an unreadable ids file; ``str()`` is safe to print. Exit code 2."""


# --- output -------------------------------------------------------------------


def fail(message: str, code: int, *, stream: TextIO | None = None) -> int:
    """Print ``suno-tui: error: MESSAGE`` to stderr and return ``code``."""
    print(f"{PROG}: error: {_one_line(message)}", file=stream or sys.stderr)
    return code


def interrupted(sent: bool, *, before: str) -> int:
    """Ctrl-C during a POST, which is never retried: say whether it may have
    reached the gateway (``before``: what not to do again blindly)."""
    from suno_tui.cli import exit_codes

    if not sent:
        return fail("interrupted before the request was sent", exit_codes.INTERRUPTED)
    # The gateway may have the job: the same words as for a lost answer.
    return fail(
        "interrupted: outcome unknown, not retried: the request was sent and may have "
        f"been accepted; check the gateway before {before}",
        exit_codes.INTERRUPTED,
    )


def warn(message: str, *, stream: TextIO | None = None) -> None:
    """Print ``suno-tui: warning: MESSAGE`` to stderr."""
    print(f"{PROG}: warning: {_one_line(message)}", file=stream or sys.stderr)


def _one_line(message: str) -> str:
    # Imported here: safe_text compiles its patterns on import, and only the
    # paths that print a message should pay for that.
    from suno_tui.safe_text import clean_line

    return clean_line(message)


# --- numbers in options -----------------------------------------------------------
# argparse's float() takes "nan" and "inf", which then poll once and never again
# (nan) or overflow a timedelta (inf): every number a flag takes is checked here.

#: the longest duration a flag accepts (about 3 years)
MAX_SECONDS = 1e8


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, > 0 and <= MAX_SECONDS."""
    value = _finite(text)
    if not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"expected seconds above 0 and at most {MAX_SECONDS:g}")
    return value


def offset_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, >= 0 and <= MAX_SECONDS."""
    value = _finite(text)
    if not 0 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to {MAX_SECONDS:g}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {value}")
    return value


def _finite(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


# --- options --------------------------------------------------------------------


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config PATH`` alone (for commands that only need the file)."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=_CONFIG_HELP,
    )


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose and reach the gateway (``--config`` included)."""
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--config",
        metavar="PATH",
        help=_CONFIG_HELP,
    )
    group.add_argument(
        "--profile", metavar="NAME", help="gateway profile from the config file ($SUNO_TUI_PROFILE)"
    )
    group.add_argument("--base-url", metavar="URL", help="gateway address ($SUNO_TUI_BASE_URL)")
    group.add_argument(
        "--token",
        metavar="TOKEN",
        help="API token; prefer $SUNO_TUI_TOKEN or token_command in the config file, "
        "since other users can see command lines",
    )
    group.add_argument(
        "--batch-size", metavar="N", type=positive_int, help="task ids per request (1-50)"
    )
    group.add_argument(
        "--request-timeout", metavar="SECONDS", type=seconds, help="HTTP request timeout in seconds"
    )
    group.add_argument(
        "--insecure",
        action="store_true",
        default=None,
        help="do not verify the gateway's TLS certificate (unsafe; prints a warning)",
    )
    group.add_argument(
        "--ca-bundle", metavar="PATH", help="verify TLS with the certificates in this file"
    )


def add_ids_options(parser: argparse.ArgumentParser) -> None:
    """Positional task ids and ``--ids-file``."""
    parser.add_argument(
        "ids", nargs="*", metavar="ID", help="task ids (spaces or commas between them)"
    )
    parser.add_argument(
        "--ids-file",
        metavar="FILE",
        action="append",
        help="read task ids from FILE ('-' for standard input; '#' starts a comment); "
        "may be repeated",
    )


# --- ids ------------------------------------------------------------------------


def collect_ids(args: argparse.Namespace, stdin: TextIO | None = None) -> list[str]:
    """The task ids from the command line and ``--ids-file`` files, checked, in order.

    Standard input is read only when asked for with ``--ids-file -``, never
    implicitly. Raises UsageError for a bad id or an unreadable file.
    """
    texts = list(getattr(args, "ids", None) or [])
    for name in getattr(args, "ids_file", None) or []:
        texts.extend(_ids_file_lines(name, stdin or sys.stdin))
    ids = parse_ids(texts)
    try:
        return [validate_id(task_id) for task_id in ids]
    except InvalidTaskId as exc:
        raise UsageError(str(exc)) from None


def require_ids(args: argparse.Namespace, stdin: TextIO | None = None) -> list[str]:
    """:func:`collect_ids`, refusing an empty result (for commands that need ids)."""
    ids = collect_ids(args, stdin)
    if not ids:
        raise UsageError("no task ids given (as arguments or with --ids-file)")
    return ids


def _ids_file_lines(name: str, stdin: TextIO) -> Iterator[str]:
    """The lines of an ids file (or standard input) with comments cut off.

    Read with a bound (MAX_IDS_BYTES): ``--ids-file /dev/zero`` or ``yes |``
    would otherwise fill the memory.
    """
    if name == STDIN_NAME:
        text = stdin.read(MAX_IDS_BYTES + 1)
    else:
        try:
            with open(name, "rb") as handle:
                text = handle.read(MAX_IDS_BYTES + 1).decode("utf-8", errors="replace")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(f"--ids-file {name!r}: {reason}") from None
    if len(text) > MAX_IDS_BYTES:
        shown = "standard input" if name == STDIN_NAME else repr(name)
        raise UsageError(
            f"--ids-file {shown}: more than {MAX_IDS_BYTES >> 20} MiB of ids; "
            "split the list or check that it is a list of task ids"
        )
    # Line by line (not splitlines()): a list of millions of short lines would
    # cost far more memory than the text itself.
    return (line.partition("#")[0] for line in io.StringIO(text))


# --- settings ---------------------------------------------------------------------


def connection_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Settings overrides from the connection options (None = not given)."""
    insecure = getattr(args, "insecure", None)
    return {
        "profile": getattr(args, "profile", None),
        "base_url": getattr(args, "base_url", None),
        "token": getattr(args, "token", None),
        "batch_size": getattr(args, "batch_size", None),
        "request_timeout": getattr(args, "request_timeout", None),
        "verify_tls": False if insecure else None,
        "ca_bundle": getattr(args, "ca_bundle", None),
    }


def settings_from_args(
    args: argparse.Namespace,
    *,
    state: str | Path | None = None,
    overrides: Mapping[str, object] | None = None,
    stream: TextIO | None = None,
) -> Settings:
    """Load the settings with the command line's overrides; print warnings to stderr.

    ``state`` is a command's ``--state PATH`` (the ``state_path`` key);
    ``overrides`` maps other key names to a command's own flags (None = not
    given) and wins over the connection options. Raises ConfigError (one
    line, no token in it).
    """
    from suno_tui.config import ConfigError, config_permissions_warning, load_settings

    config = getattr(args, "config", None)
    config_path = Path(config).expanduser() if config else None
    if config_path is not None and not config_path.exists():
        # Missing default file = defaults; a file named on purpose must exist.
        raise ConfigError(f"--config: no such file: {config_path}")
    merged = {**connection_overrides(args), "state_path": state, **(overrides or {})}
    settings = load_settings(config_path, overrides=merged)
    for message in _warnings(settings, config_permissions_warning(settings.config_path)):
        warn(message, stream=stream)
    return settings


def _warnings(settings: Settings, permissions: str | None) -> list[str]:
    messages = [permissions] if permissions else []
    if not settings.verify_tls:
        messages.append(
            "TLS certificate verification is off: anyone on the network path can read the token"
        )
    if _token_in_clear(settings):
        messages.append(f"{settings.gateway.base_url} is plain http: the token is sent unencrypted")
    return messages


def _token_in_clear(settings: Settings) -> bool:
    from urllib.parse import urlsplit

    gateway = settings.gateway
    credentials = (
        gateway.token,
        gateway.token_command,
        gateway.access_token,
        gateway.access_token_command,
    )
    if all(value is None for value in credentials):
        return False
    parts = urlsplit(gateway.base_url)
    return parts.scheme == "http" and (parts.hostname or "") not in _LOOPBACK_HOSTS
