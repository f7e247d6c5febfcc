"""``suno-tui fetch ID [ID ...]``: one batch query, printed as a table or JSON."""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, add_ids_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.config import Settings
    from suno_tui.engine.lineage import StateLineage
    from suno_tui.relay.client import FetchResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Query the gateway once for the given tasks and print their status and clips. "
        "Exit codes: 0 ok, 2 usage or config error, 3 authentication refused, "
        "4 network or gateway failure."
    )
    add_ids_options(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array with one object per requested id, in the order asked "
        "(one object per line)",
    )
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import UsageError, fail, require_ids, settings_from_args
    from suno_tui.config import ConfigError

    try:
        ids = require_ids(args)
        settings = settings_from_args(args)
        return asyncio.run(_fetch_and_print(settings, ids, as_json=args.json))
    except (UsageError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)


async def _fetch_and_print(settings: Settings, ids: list[str], *, as_json: bool) -> int:
    from suno_tui.cli.common import fail, warn
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.engine.oneshot import fetch_tasks
    from suno_tui.relay.errors import RelayError

    try:
        result = await fetch_tasks(settings, ids)
    except RelayError as error:
        return fail(describe(error), exit_code_for(error))
    for problem in result.problems:
        warn(problem)
    if not as_json:
        print(_as_table(result))
        return exit_codes.OK
    from suno_tui.engine.lineage import StateLineage

    print(_as_json(result, StateLineage(settings.state_path)))  # what a submit here knew
    return exit_codes.OK


def _as_json(result: FetchResult, lineage: StateLineage) -> str:
    """A JSON array, one compact object per line: json's C encoder does that
    (an indented dump runs its pure-Python encoder, 10x slower: most of the
    time of a 2,000-task fetch), and a line per task reads well in grep or
    a pager as in ``watch --json``."""
    from suno_tui.engine.lineage import clip_owners
    from suno_tui.relay.export import not_found_json, task_to_json, to_json_text

    owners = clip_owners(result.tasks.values())  # a parent in the same answer names its task
    lines = [
        to_json_text(
            task_to_json(task, extends=lineage.extends_json(task, owners))
            if (task := result.tasks.get(task_id)) is not None
            else not_found_json(task_id)
        )
        for task_id in result.requested
    ]
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


def _as_table(result: FetchResult) -> str:
    import shutil

    from suno_tui.cli.table import format_table
    from suno_tui.relay.export import NOT_FOUND
    from suno_tui.safe_text import clean_line

    rows: list[list[str]] = []
    notes: list[str] = []
    for task_id in result.requested:
        task = result.tasks.get(task_id)
        if task is None:
            rows.append([clean_line(task_id), "-", NOT_FOUND, "-", "-", ""])
            continue
        clips = f"{task.clips_done}/{len(task.clips)}" if task.clips else "-"
        progress = task.progress_text or "-"
        rows.append(
            [
                clean_line(task_id),
                task.kind.value,
                clean_line(task.status_label),
                clips,
                clean_line(progress),
                clean_line(task.title),
            ]
        )
        if task.fail_reason:
            notes.append(f"{clean_line(task_id)}: {clean_line(task.fail_reason)}")
    width = shutil.get_terminal_size((100, 24)).columns
    table = format_table(
        ["TASK", "KIND", "STATUS", "CLIPS", "PROGRESS", "TITLE"], rows, width=width
    )
    missing = len(result.missing)
    footer = [f"{len(result.tasks)} found, {missing} not found"]
    if notes:
        footer = ["", "failure reasons:", *(f"  {note}" for note in notes), "", *footer]
    return "\n".join([table, *footer])
