"""``suno-tui tasks``: the account's Suno tasks from the gateway's task list.

Needs the access token of account mode (``access_token``, its command or
``$SUNO_TUI_ACCESS_TOKEN``) and, on new-api, the user id; the API key is not
used for the list.
"""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from suno_tui.engine.lineage import StateLineage
    from suno_tui.relay.account import TaskListing, TaskQuery
    from suno_tui.relay.models import Task

_STATUSES = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE", "UNKNOWN")
_DEFAULT_LIMIT = 10_000
_MAX_LIMIT = 100_000


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= _MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {_MAX_LIMIT}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "List the account's Suno tasks from the gateway's task list (/api/task/self), "
        "newest first. Needs the access token from the gateway's web console "
        "(access_token, access_token_command or SUNO_TUI_ACCESS_TOKEN) and, on new-api, "
        "your user id (user_id or SUNO_TUI_USER_ID). Exit codes: 0 ok, 2 usage or config "
        "error, 3 access token or user id refused, 4 network or gateway failure, "
        "5 the gateway has no task list."
    )
    parser.add_argument(
        "--since",
        default="24h",
        metavar="WHEN",
        help="a span back from now (30m, 2h, 7d, 2w) or a date or time such as 2026-01-31 "
        "or 2026-01-31T08:00 (local time unless a zone is given); default 24h",
    )
    parser.add_argument(
        "--status",
        type=str.upper,
        choices=_STATUSES,
        metavar="STATUS",
        help="only tasks in this state: " + ", ".join(_STATUSES),
    )
    parser.add_argument(
        "--kind", choices=("music", "lyrics"), help="only music or only lyrics tasks"
    )
    parser.add_argument(
        "--limit",
        type=_limit,
        default=_DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N tasks (default {_DEFAULT_LIMIT}, at most {_MAX_LIMIT}); "
        "pages of 100 are read until N or the start of the window (and at most "
        "N/100 + 2 pages, N x 32 KiB)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line, each the same shape as 'fetch --json' prints",
    )
    group = parser.add_argument_group("account")
    group.add_argument(
        "--account-api",
        choices=("auto", "new-api", "one-hub"),
        help="the gateway's task-list API (default: account_api from the config, else auto)",
    )
    group.add_argument("--user-id", metavar="N", help="your numeric user id ($SUNO_TUI_USER_ID)")
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import fail, settings_from_args, warn
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.cli.since import SinceError, parse_since
    from suno_tui.config import ConfigError
    from suno_tui.engine.oneshot import list_account_tasks
    from suno_tui.relay.errors import RelayError

    try:
        since = parse_since(args.since)
        settings = settings_from_args(
            args, overrides={"account_api": args.account_api, "user_id": args.user_id}
        )
        query = _query(args, since)
        printer = _Printer(as_json=args.json, state=settings.state_path)
        listing = asyncio.run(
            list_account_tasks(settings, query, limit=args.limit, on_tasks=printer.take)
        )
    except (SinceError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)
    except RelayError as error:  # the pages before it are printed (--json)
        return fail(describe(error), exit_code_for(error))
    for problem in listing.problems:
        warn(problem)
    if listing.stop == "limit":
        warn(f"stopped at --limit {args.limit}: older tasks of the window are not listed")
    if not args.json:
        _write(_as_table(printer, listing, query) + "\n")
    return exit_codes.OK


def _write(text: str) -> None:
    import sys

    sys.stdout.write(text)
    sys.stdout.flush()  # a page at a time: a reader (jq, a pipe) sees it as it comes


class _Printer:
    """Takes the tasks page by page as they arrive: ``--json`` prints them at
    once (memory stays flat however many pages come); the table keeps only its
    rows' short cells, since its columns are sized to all of them."""

    def __init__(self, *, as_json: bool, state: Path | None = None) -> None:
        import shutil

        self.as_json = as_json
        self.width = shutil.get_terminal_size((100, 24)).columns
        self.rows: list[list[str]] = []
        self._lineage: StateLineage | None = None
        if as_json:  # the state file says what a submit from here knew of a task's parent
            from suno_tui.engine.lineage import StateLineage

            self._lineage = StateLineage(state)

    def take(self, tasks: list[Task]) -> None:
        if self._lineage is not None:
            from suno_tui.engine.lineage import clip_owners
            from suno_tui.relay.export import task_to_json, to_json_text

            extends, owners = self._lineage.extends_json, clip_owners(tasks)  # this page's
            _write(
                "".join(
                    to_json_text(task_to_json(task, extends=extends(task, owners))) + "\n"
                    for task in tasks
                )
            )
        else:
            self.rows.extend(_row(task, self.width) for task in tasks)


def _query(args: argparse.Namespace, since: datetime) -> TaskQuery:
    from suno_tui.relay.account import TaskQuery
    from suno_tui.relay.models import TaskKind

    kind = None if args.kind is None else TaskKind(args.kind)
    # Music tasks always say MUSIC: the gateway can filter them. Old builds left
    # a lyrics task's action empty, so lyrics are told apart here, by their data.
    action = "MUSIC" if kind is TaskKind.MUSIC else None
    return TaskQuery(since=since, status=args.status, action=action, kind=kind)


def _row(task: Task, width: int) -> list[str]:
    """A table row; no cell is kept longer than the terminal is wide."""
    from suno_tui.safe_text import clean_line

    submitted = (
        task.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if task.submitted_at is not None
        else "-"
    )
    cells = [
        submitted,
        clean_line(task.task_id),
        task.kind.value,
        clean_line(task.status_label),
        clean_line(task.progress_text or "-"),
        clean_line(task.title),
    ]
    return [cell[:width] for cell in cells]


def _as_table(printer: _Printer, listing: TaskListing, query: TaskQuery) -> str:
    from suno_tui.cli.table import format_table

    rows = printer.rows
    table = format_table(
        ["SUBMITTED", "TASK", "KIND", "STATUS", "PROGRESS", "TITLE"], rows, width=printer.width
    )
    since = query.since.astimezone().strftime("%Y-%m-%d %H:%M") if query.since else "the start"
    count = listing.count
    footer = f"{count} task{'s' if count != 1 else ''} since {since} ({listing.flavour})"
    return "\n".join([table, footer]) if rows else footer
