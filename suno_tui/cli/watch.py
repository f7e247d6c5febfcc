"""``suno-tui watch ID [ID ...]``: poll until every task is finished, printing
one line (or one JSON object) per transition.

Uses the monitor's own poller (batches, backoff, Retry-After) and state file,
so the monitor shows what ``watch`` followed, and a killed ``watch`` resumes
where it was. Exit codes: 0 every task succeeded, 1 a task failed or was not
found, 2 usage or config error, 3 authentication refused, 4 timed out or the
gateway stayed unreachable, 130 interrupted.
"""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, add_ids_options, offset_seconds, seconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from suno_tui.config import Settings
    from suno_tui.engine.watch import WatchEnd
    from suno_tui.tracking.model import TaskSummary, Transition


def add_watch_options(parser: argparse.ArgumentParser) -> None:
    """The options ``watch`` shares with ``submit --watch``."""
    group = parser.add_argument_group("watching")
    group.add_argument(
        "--timeout",
        dest="watch_timeout",
        type=seconds,
        metavar="SECONDS",
        help="give up after this long (exit 4)",
    )
    group.add_argument(
        "--interval",
        type=seconds,
        metavar="SECONDS",
        help="seconds between polls (default: poll_interval from the config)",
    )
    group.add_argument(
        "--unreachable-after",
        type=offset_seconds,  # 0: give up at the first failed poll
        default=600.0,
        metavar="SECONDS",
        help="exit 4 when no poll has succeeded for this long (default 600)",
    )
    group.add_argument(
        "--download", action="store_true", help="download each task's assets as it finishes"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Poll the given tasks until every one is finished, printing each status change. "
        "Exit codes: 0 all succeeded, 1 a task failed or was not found, 2 usage or config "
        "error, 3 authentication refused, 4 timed out or the gateway stayed unreachable."
    )
    add_ids_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line instead of text"
    )
    parser.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    add_watch_options(parser)
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    from suno_tui.cli.common import UsageError, fail, require_ids, settings_from_args
    from suno_tui.config import ConfigError

    try:
        ids = require_ids(args)
        settings = settings_from_args(args, state=args.state)
    except (UsageError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)
    return watch_ids(settings, ids, args)


class WatchPrinter:
    """Prints what the watch sees: text lines, or JSON objects with ``--json``."""

    def __init__(self, stream: TextIO, *, as_json: bool) -> None:
        self.stream = stream
        self.as_json = as_json

    def _emit(self, document: dict[str, Any], text: str) -> None:
        from suno_tui.relay.export import to_json_text

        line = to_json_text(document) if self.as_json else text
        print(line, file=self.stream, flush=True)

    def transition(self, transition: Transition) -> None:
        from suno_tui.relay.timestamps import to_iso
        from suno_tui.safe_text import clean_line

        # Words read back from the state file are as untrusted as the gateway's.
        before = clean_line(transition.from_label or "NEW")  # None: the first sighting
        title = clean_line(transition.title)
        self._emit(
            {
                "event": "transition",
                "task_id": transition.task_id,
                "from": transition.from_label,
                "to": transition.to_label,
                "at": to_iso(transition.at),
                "title": transition.title,
            },
            f"{transition.at.astimezone():%H:%M:%S}  {clean_line(transition.task_id)}  "
            f"{before} -> {clean_line(transition.to_label)}  {title}".rstrip(),
        )

    def finished(self, summary: TaskSummary, task: dict[str, Any], paths: list[str]) -> None:
        from datetime import datetime

        from suno_tui.relay.timestamps import to_iso
        from suno_tui.safe_text import clean_line

        now = datetime.now().astimezone()
        label = clean_line(summary.status_label)
        text = f"{now:%H:%M:%S}  {clean_line(summary.task_id)}  finished {label}"
        if paths:
            text += "".join(f"\n  saved {clean_line(path)}" for path in paths)
        self._emit(
            {
                "event": "finished",
                "task_id": summary.task_id,
                "status": summary.status_label,
                "at": to_iso(now),
                "task": task,
                "downloads": paths,
            },
            text,
        )

    def problem(self, message: str) -> None:
        from suno_tui.cli.common import warn

        warn(message)


def summary_line(summaries: list[TaskSummary]) -> str:
    from collections import Counter

    from suno_tui.safe_text import clean_line

    counts = Counter(clean_line(summary.status_label) for summary in summaries)
    parts = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()))
    return f"{len(summaries)} task{'s' if len(summaries) != 1 else ''}: {parts}"


def watch_ids(settings: Settings, ids: list[str], args: argparse.Namespace) -> int:
    """Run the watch loop for ``ids`` with the options in ``args``."""
    import asyncio
    import sys

    from suno_tui.cli.common import fail, warn
    from suno_tui.config import ConfigError
    from suno_tui.engine.watch import WatchOptions, run_watch
    from suno_tui.engine.watchlist import WatchListError

    options = WatchOptions(
        interval=args.interval if args.interval is not None else settings.poll_interval,
        timeout=args.watch_timeout,
        unreachable_after=args.unreachable_after,
        download=args.download,
    )
    printer = WatchPrinter(sys.stdout, as_json=getattr(args, "json", False))
    try:
        outcome = asyncio.run(run_watch(settings, ids, options, printer))
    except (ConfigError, WatchListError) as error:
        return fail(str(error), exit_codes.USAGE)
    except KeyboardInterrupt:
        warn("interrupted; the tasks stay on the watch list")
        return exit_codes.INTERRUPTED
    code = _exit_codes()[outcome.end] if outcome.end is not None else exit_codes.TASK_FAILED
    for message in outcome.messages:
        fail(message, code)
    print(summary_line(outcome.summaries), file=sys.stderr)
    return code


def _exit_codes() -> dict[WatchEnd, int]:
    from suno_tui.engine.watch import WatchEnd

    return {
        WatchEnd.ALL_SUCCEEDED: exit_codes.OK,
        WatchEnd.SOME_FAILED: exit_codes.TASK_FAILED,
        WatchEnd.AUTH_REFUSED: exit_codes.AUTH,
        WatchEnd.TIMED_OUT: exit_codes.UNREACHABLE,
        WatchEnd.UNREACHABLE: exit_codes.UNREACHABLE,
    }
