"""``suno-tui submit``: submit a music or lyrics job, print its task id, and
add it to the watch list (``--watch`` goes on watching it).

Never retried: when the answer to a sent request is lost, the outcome is
reported as unknown, since sending it again can charge the user twice.
"""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, offset_seconds
from suno_tui.cli.watch import add_watch_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.config import Settings
    from suno_tui.engine.clip_commands import Done
    from suno_tui.engine.oneshot import SubmitAttempt
    from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Submit a music job (custom lyrics with --prompt/--lyrics, or --description) or a "
        "lyrics job (--lyrics-only --prompt ...). Prints the new task id."
    )
    parser.add_argument(
        "--prompt",
        "--lyrics",
        dest="prompt",
        default="",
        metavar="TEXT",
        help="the lyrics (music, custom mode) or the idea (--lyrics-only); "
        "'-' reads standard input",
    )
    parser.add_argument(
        "--description",
        default="",
        metavar="TEXT",
        help="describe the song and let the gateway write the lyrics",
    )
    parser.add_argument("--title", default="", help="song title")
    parser.add_argument("--tags", default="", help='style tags, e.g. "dream pop, 90 bpm"')
    parser.add_argument("--model", default="", metavar="MV", help="model, e.g. chirp-v4")
    parser.add_argument("--instrumental", action="store_true", help="no vocals")
    parser.add_argument(
        "--continue-clip",
        default="",
        metavar="CLIP_ID",
        help="extend this clip (with --continue-at)",
    )
    parser.add_argument(
        "--continue-at", type=offset_seconds, metavar="SECONDS", help="where to continue the clip"
    )
    parser.add_argument(
        "--again",
        default="",
        metavar="TASK_ID",
        help="the same job as this watched task (from its clips' data); --title, --tags, "
        "--model and --instrumental change it",
    )
    parser.add_argument(
        "--lyrics-only",
        action="store_true",
        help="a lyrics job (POST /suno/submit/lyrics) instead of music",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="then watch the task until it finishes (like 'suno-tui watch')",
    )
    parser.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    add_watch_options(parser)
    add_connection_options(parser)


def _request(args: argparse.Namespace) -> MusicRequest | LyricsRequest:
    import sys

    from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest, SubmitError

    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if args.lyrics_only:
        extra = [
            name
            for name in ("description", "title", "tags", "model", "continue_clip")
            if getattr(args, name)
        ]
        if extra or args.instrumental or args.continue_at is not None:
            raise SubmitError("--lyrics-only takes only --prompt")
        lyrics = LyricsRequest(prompt)
        lyrics.validate()
        return lyrics
    music = MusicRequest(
        lyrics=prompt,
        description=args.description,
        title=args.title,
        tags=args.tags,
        model=args.model,
        instrumental=args.instrumental,
        continue_clip_id=args.continue_clip,
        continue_at=args.continue_at,
    )
    music.validate()
    return music


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import fail, interrupted, settings_from_args
    from suno_tui.config import ConfigError
    from suno_tui.engine.oneshot import SubmitAttempt
    from suno_tui.relay.submit_requests import SubmitError

    if args.again:
        return _again(args)
    attempt = SubmitAttempt()
    try:
        request = _request(args)
        settings = settings_from_args(args, state=args.state)
        code, task_id = asyncio.run(_submit(settings, request, attempt))
    except (SubmitError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)
    except KeyboardInterrupt:
        return interrupted(attempt.sent, before="submitting again")
    if task_id is None:
        return code
    from suno_tui.engine.watchlist import WatchListError, add_to_watchlist

    try:
        add_to_watchlist(settings, [task_id])
    except WatchListError as error:
        # The job exists and is paid for: say so, but do not hide the id.
        fail(f"submitted {task_id}, but could not add it to the watch list: {error}", code)
    _print_submitted(task_id, request, as_json=args.json)
    if args.watch:
        from suno_tui.cli.watch import watch_ids

        return watch_ids(settings, [task_id], args)
    return code


def _again(args: argparse.Namespace) -> int:
    """``--again TASK_ID``: the engine reads the job from the task's data."""
    from dataclasses import replace

    from suno_tui.cli.clip_action_run import run_clip_action
    from suno_tui.cli.common import fail

    mixed = [
        flag
        for flag, given in (
            ("--prompt", args.prompt),
            ("--description", args.description),
            ("--lyrics-only", args.lyrics_only),
            ("--continue-clip", args.continue_clip),
            ("--continue-at", args.continue_at is not None),
        )
        if given
    ]
    if mixed:
        return fail(
            f"--again takes the job from the task; {mixed[0]} cannot go with it", exit_codes.USAGE
        )

    def change(request: MusicRequest) -> MusicRequest:
        return replace(
            request,
            title=args.title or request.title,
            tags=args.tags or request.tags,
            model=args.model or request.model,
            instrumental=args.instrumental or request.instrumental,
        )

    def then(settings: Settings, done: Done) -> int:
        from suno_tui.cli.watch import watch_ids

        return watch_ids(settings, [done.task_id], args) if args.watch else exit_codes.OK

    task_id: str = args.again
    return run_clip_action(
        args, lambda commands, attempt: commands.again(task_id, attempt, change=change), then
    )


async def _submit(
    settings: Settings, request: MusicRequest | LyricsRequest, attempt: SubmitAttempt
) -> tuple[int, str | None]:
    from suno_tui.cli.common import fail
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.engine.oneshot import submit_job
    from suno_tui.relay.errors import OutcomeUnknown, RelayError

    try:
        task_id = await submit_job(settings, request, attempt)
    except OutcomeUnknown as error:
        return fail(f"outcome unknown, not retried: {error}", exit_codes.UNREACHABLE), None
    except RelayError as error:
        return fail(f"submit refused: {describe(error)}", exit_code_for(error)), None
    return exit_codes.OK, task_id


def _print_submitted(task_id: str, request: MusicRequest | LyricsRequest, *, as_json: bool) -> None:
    from suno_tui.relay.submit_requests import LyricsRequest
    from suno_tui.safe_text import clean_line

    kind = "lyrics" if isinstance(request, LyricsRequest) else "music"
    if as_json:
        from suno_tui.relay.export import to_json_text

        print(to_json_text({"task_id": task_id, "kind": kind}))
    else:
        print(clean_line(task_id))
