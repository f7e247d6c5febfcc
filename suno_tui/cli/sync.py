"""``suno-tui sync DIR``: mirror the account's finished clips into a folder.

The tasks come from the account's task list when the profile has an access
token, else from the watch list in the state file. Files already recorded
and still on disk are not asked for again; ``.part`` files left by an
interrupted run resume. ``--watch`` then follows the account (or the watch
list) and downloads each task as it finishes, until Ctrl-C.

Output: the summary on stdout (text, or with ``--json`` one JSON object per
file and a last ``summary`` object: shapes in :mod:`suno_tui.cli.sync_output`);
progress on stderr when it is a terminal.

Exit codes: 0 everything found is on disk, 1 a file or task failed,
2 usage or config error, 3 authentication refused, 4 network or gateway
failure, 130 interrupted (``.part`` files resume next time). With
``--watch``, Ctrl-C is its end: the code says how its downloads went.
"""

from __future__ import annotations

import argparse
import sys

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, positive_int, seconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.cli.sync_output import SyncPrinter
    from suno_tui.config import Settings
    from suno_tui.downloads import DownloadOptions
    from suno_tui.engine.sync_run import SyncFilter

STATUSES = ("SUCCESS", "FAILURE", "IN_PROGRESS", "QUEUED", "SUBMITTED", "NOT_START", "UNKNOWN")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Download every finished clip of the account's tasks (with an access token; "
        "else of the watch list) into DIR, with the usual names and tags. Files already "
        "there are not fetched again. Exit codes: 0 all there, 1 a file or task failed, "
        "2 usage or config error, 3 authentication refused, 4 network or gateway failure, "
        "130 interrupted (partial files resume next time)."
    )
    parser.add_argument("directory", metavar="DIR", help="the folder to mirror into")
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="only tasks submitted since: a span back from now (30m, 2h, 7d, 2w) or a date "
        "such as 2026-01-31 (default: every task the list holds)",
    )
    parser.add_argument(
        "--status",
        metavar="LIST",
        help="only tasks in these states, comma-separated from " + ", ".join(STATUSES)
        + " (default: every finished task)",
    )  # fmt: skip
    parser.add_argument(
        "--wav",
        action="store_true",
        help="also each clip's WAV, asked of the gateway (hosted gateways; may be billed)",
    )
    parser.add_argument(
        "--lrc",
        action="store_true",
        help="also timed lyrics, a .lrc and a SYLT frame (hosted gateways; may be billed)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per file, then a summary object, instead of text",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="then keep following and download each task as it finishes, until Ctrl-C",
    )
    parser.add_argument(
        "--interval",
        type=seconds,
        metavar="SECONDS",
        help="with --watch, seconds between polls (default: poll_interval from the config)",
    )
    parser.add_argument(
        "--concurrency",
        metavar="N",
        type=positive_int,
        help="simultaneous downloads (1-16, default from the config)",
    )
    parser.add_argument("--state", metavar="PATH", help="state database (records, watch list)")
    add_connection_options(parser)


def statuses(text: str | None) -> frozenset[str]:
    """``--status``'s labels; UsageError for one that is not a status."""
    from suno_tui.cli.common import UsageError

    if text is None:
        return frozenset()
    chosen = {part.strip().upper() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(STATUSES))
    if unknown or not chosen:
        raise UsageError(f"--status: choose from {', '.join(STATUSES)}")
    return frozenset(chosen)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import UsageError, fail, settings_from_args
    from suno_tui.cli.since import SinceError, parse_since
    from suno_tui.config import ConfigError
    from suno_tui.engine.downloads import options_from_settings
    from suno_tui.engine.sync_run import SyncFilter

    try:
        chosen = SyncFilter(
            since=parse_since(args.since) if args.since else None, statuses=statuses(args.status)
        )
        settings = settings_from_args(args, state=args.state)
        options = options_from_settings(
            settings, download_dir=args.directory, concurrency=args.concurrency,
            wav=args.wav, lrc=args.lrc,
        )  # fmt: skip
    except (UsageError, SinceError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)
    from suno_tui.cli.sync_output import SyncPrinter

    printer = SyncPrinter(sys.stdout, sys.stderr, as_json=args.json)
    try:
        return asyncio.run(
            _sync(settings, options, chosen, printer, watch=args.watch, interval=args.interval)
        )
    except KeyboardInterrupt:
        printer.close()
        print(
            "interrupted: partial downloads are kept as .part files and resume on the next run",
            file=sys.stderr,
        )
        return exit_codes.INTERRUPTED


async def _sync(
    settings: Settings,
    options: DownloadOptions,
    chosen: SyncFilter,
    printer: SyncPrinter,
    *,
    watch: bool,
    interval: float | None,
) -> int:
    from suno_tui.cli.common import fail, warn
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.config import ConfigError
    from suno_tui.downloads.errors import StorageError
    from suno_tui.engine.sync_run import sync_library
    from suno_tui.engine.watchlist import WatchListError
    from suno_tui.relay.errors import RelayError

    try:
        report = await sync_library(settings, options, chosen, on_progress=printer.event)
    except (ConfigError, WatchListError, StorageError) as error:
        printer.close()
        return fail(str(error), exit_codes.USAGE)
    except RelayError as error:
        printer.close()
        return fail(describe(error), exit_code_for(error))
    for problem in report.problems:
        warn(problem)
    if report.truncated:
        warn(f"stopped at {chosen.limit} tasks: older tasks of the window were not looked at")
    for task_id in report.missing:
        printer.task_failed(task_id, "task not found on the gateway", "not-found")
    if watch:
        from suno_tui.engine.sync_watch import follow

        printer.tell_watching(report.source)
        try:
            await follow(
                settings, options, chosen, printer.event, seen=report.seen, interval=interval
            )
        except (ConfigError, WatchListError) as error:
            printer.close()
            return fail(str(error), exit_codes.USAGE)
    printer.summary(report)
    return printer.exit_code()
