"""What ``suno-tui extend``, ``concat`` and ``submit --again`` share: the
engine's clip commands over the state file and the configured gateways, one
request (never retried), the new task's id printed and put on the watch list.

Exit codes: 2 when the request cannot be right (nothing was sent), 5 when the
gateway does not offer the action (said once by the gateway, then remembered
and refused here without a request), 4 for a refusal or an unknown outcome.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from suno_tui.cli import exit_codes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.config import Settings
    from suno_tui.engine.clip_commands import ClipCommands, Done
    from suno_tui.engine.oneshot import SubmitAttempt

Act = Callable[["ClipCommands", "SubmitAttempt"], Awaitable["Done"]]


def clip_seconds(text: str) -> float:
    """An argparse type: ``90``, ``90.5`` or ``1:30`` (M:SS) seconds into a clip."""
    import math

    minutes, colon, seconds = text.strip().rpartition(":")
    try:
        value = float(seconds) + (int(minutes) * 60 if colon else 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (seconds, or M:SS)") from None
    if colon and not 0 <= float(seconds) < 60:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (seconds under 60 after ':')")
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"not a time: {text!r}")
    return value


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    from suno_tui.cli.common import add_connection_options

    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    add_connection_options(parser)


def run_clip_action(
    args: argparse.Namespace, act: Act, then: Callable[[Settings, Done], int] | None = None
) -> int:
    """Run ``act`` once and print the new task (its id, or JSON with ``--json``);
    ``then`` goes on with it (``submit --again --watch``)."""
    import asyncio

    from suno_tui.cli.common import fail, interrupted, settings_from_args
    from suno_tui.config import ConfigError
    from suno_tui.engine.oneshot import SubmitAttempt
    from suno_tui.engine.watchlist import WatchListError
    from suno_tui.relay.submit_requests import SubmitError

    attempt = SubmitAttempt()
    try:
        settings = settings_from_args(args, state=args.state)
        code, done = asyncio.run(_act(settings, act, attempt))
    except (SubmitError, ConfigError, WatchListError) as error:
        return fail(str(error), exit_codes.USAGE)
    except KeyboardInterrupt:
        return interrupted(attempt.sent, before="asking again")
    if done is None:
        return code
    if done.watch_problem is not None:
        fail(
            f"made {done.task_id}, but could not add it to the watch list: {done.watch_problem}",
            code,
        )
    _print(done, as_json=args.json)
    return then(settings, done) if then is not None else code


async def _act(settings: Settings, act: Act, attempt: SubmitAttempt) -> tuple[int, Done | None]:
    from suno_tui.cli.common import fail
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.engine.clients import ClientPool
    from suno_tui.engine.clip_commands import clip_commands_over
    from suno_tui.engine.watchlist import open_tracker
    from suno_tui.relay.action_errors import ActionNotOffered, ActionRefused
    from suno_tui.relay.errors import GatewayError, OutcomeUnknown, RelayError

    tracker = open_tracker(settings)
    pool = ClientPool(settings)
    try:
        commands = clip_commands_over(tracker, pool, tracker.add, settings.profile)
        done = await act(commands, attempt)
    except OutcomeUnknown as error:
        return fail(f"outcome unknown, not retried: {error}", exit_codes.UNREACHABLE), None
    except (ActionNotOffered, ActionRefused) as error:
        return fail(str(error), exit_code_for(error)), None  # already in words
    except GatewayError as error:
        return fail(f"refused by the gateway: {describe(error)}", exit_code_for(error)), None
    except RelayError as error:
        return fail(describe(error), exit_code_for(error)), None
    finally:
        await pool.aclose()
        tracker.store.close()
    return exit_codes.OK, done


def _print(done: Done, *, as_json: bool) -> None:
    from suno_tui.safe_text import clean_line

    if as_json:
        from suno_tui.relay.export import to_json_text

        print(to_json_text(done.as_json()))
    else:
        print(clean_line(done.task_id))
