"""``suno-tui extend CLIP_ID``: continue a clip from a point (its end by
default) with the gateway that made it; prints the new task's id and puts
it on the watch list. Title, tags and model are the parent clip's unless
given. The task that made the clip is found in the state file (or ``--task``).
"""

from __future__ import annotations

import argparse

from suno_tui.cli.clip_action_run import add_common_arguments, clip_seconds, run_clip_action


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Extend a clip from a point (its end by default). Prints the new task id and "
        "watches it. Title, tags and model are the parent clip's unless given."
    )
    parser.add_argument("clip_id", metavar="CLIP_ID", help="the clip to continue")
    parser.add_argument(
        "--at",
        type=clip_seconds,
        metavar="SECONDS|M:SS",
        help="where to continue the clip (default: its end); > 0 and not past its end",
    )
    parser.add_argument(
        "--prompt",
        "--lyrics",
        dest="prompt",
        default="",
        metavar="TEXT",
        help="lyrics of the new part; '-' reads standard input",
    )
    parser.add_argument("--tags", default=None, help="style tags (default: the parent's)")
    parser.add_argument("--title", default=None, help="title (default: the parent's)")
    parser.add_argument("--model", default=None, metavar="MV", help="model (default: the parent's)")
    parser.add_argument(
        "--task",
        default="",
        metavar="TASK_ID",
        help="the gateway task that made the clip (when it is not on the watch list)",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from suno_tui.engine.clip_commands import ExtendOptions

    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    options = ExtendOptions(
        args.clip_id,
        at=args.at,
        prompt=prompt,
        tags=args.tags,
        title=args.title,
        model=args.model,
        task_id=args.task,
    )
    return run_clip_action(args, lambda commands, attempt: commands.extend(options, attempt))
