"""``suno-tui _ids [PREFIX]``: watched task ids, for the shell completion scripts.

Hidden (not in ``--help``). Reads the state file directly, read-only, through
the task_id primary key, so it answers in a few milliseconds at 100,000 tasks;
prints nothing (and exits 0) when there is no state file yet.
"""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_config_option

#: ids printed at most (a shell shows no more anyway)
LIMIT = 500


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prefix", nargs="?", default="", help="only ids starting with this")
    parser.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from suno_tui.cli.common import settings_from_args
    from suno_tui.config import ConfigError

    try:
        settings = settings_from_args(args, state=args.state)
    except ConfigError:
        return exit_codes.USAGE
    for task_id in watched_ids(settings.state_path, args.prefix):
        print(task_id)
    return exit_codes.OK


def watched_ids(path: object, prefix: str = "", limit: int = LIMIT) -> list[str]:
    import sqlite3
    from pathlib import Path

    state = Path(str(path))
    if not state.exists():
        return []
    try:
        connection = sqlite3.connect(f"{state.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "SELECT task_id FROM tasks WHERE task_id >= ? AND task_id < ? "
                "ORDER BY task_id LIMIT ?",
                (prefix, prefix + "\U0010ffff", limit),
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []
    # Only well-formed ids reach the shell: nothing in them it could interpret.
    return [row[0] for row in rows if _well_formed(row[0])]


def _well_formed(value: object) -> bool:
    from suno_tui.ids import InvalidTaskId, validate_id

    if not isinstance(value, str):
        return False
    try:
        return validate_id(value) == value
    except InvalidTaskId:
        return False
