"""``suno-tui _profiles [PREFIX]``: the configured profile names, for the shell
completion scripts (``--profile NAME``).

Hidden (not in ``--help``). Reads only the config file (``--config``, else
``$SUNO_TUI_CONFIG``, else the default path): ``default`` and each
``[profiles.NAME]`` table. A config file that cannot be read or is invalid
completes nothing and prints nothing, not even on standard error: a shell
would mix the message into the line being typed.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_config_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prefix", nargs="?", default="", help="only names starting with this")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    import os

    from suno_tui.config import ConfigError

    try:
        names = configured_profiles(Path(args.config) if args.config else None, os.environ)
    except (ConfigError, OSError, ValueError):
        return exit_codes.USAGE
    for name in names:
        if name.startswith(args.prefix):
            print(name)
    return exit_codes.OK


def configured_profiles(config: Path | None, environ: Mapping[str, str]) -> list[str]:
    """``default`` and the file's profiles, sorted; ConfigError for a bad file."""
    from suno_tui.config import DEFAULT_PROFILE, resolve_config_path
    from suno_tui.config.document import check_document, read_document

    path = resolve_config_path(config, environ)
    checked = check_document(read_document(path), str(path), path.parent)
    # check_document has checked each name (letters, digits, '-', '_'):
    # nothing in them a shell could interpret.
    return sorted({DEFAULT_PROFILE, *checked.profiles})
