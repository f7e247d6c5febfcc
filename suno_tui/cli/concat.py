"""``suno-tui concat CLIP_ID``: the full song of an extension chain, from its
last clip (hosted gateways; stock new-api and one-hub do not offer it, which
is remembered after their first answer). Prints the new task's id and
watches it."""

from __future__ import annotations

import argparse

from suno_tui.cli.clip_action_run import add_common_arguments, run_clip_action


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Join an extension chain into the full song (the gateway's concat), from its last "
        "clip. Prints the new task id and watches it."
    )
    parser.add_argument("clip_id", metavar="CLIP_ID", help="the last clip of the chain")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    clip_id: str = args.clip_id
    return run_clip_action(args, lambda commands, attempt: commands.concat(clip_id, attempt))
