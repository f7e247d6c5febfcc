"""``suno-tui stats``: figures over the watch list, from the state file."""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_config_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Tasks by status and kind, failure rate, generation time per model, "
        "finished per hour over the last 24 h and the tasks running longest, "
        "read from the state file (the gateway is not asked). "
        "Exit codes: 0 ok, 2 usage, config or unreadable state file."
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from suno_tui.cli.common import fail, settings_from_args
    from suno_tui.config import ConfigError
    from suno_tui.tracking.stats import StatsError, compute

    try:
        settings = settings_from_args(args, state=args.state)
        stats = compute(settings.state_path)
    except (ConfigError, StatsError) as error:
        return fail(str(error), exit_codes.USAGE)
    if args.json:
        from suno_tui.relay.export import to_json_text

        # as fetch --json: the exact words, with what a terminal could obey escaped
        print(to_json_text(stats.to_json(), indent=2))
    else:
        from suno_tui.tracking.stats_report import report_text

        print(report_text(stats))
    return exit_codes.OK
