"""``suno-tui simulate``: run the gateway simulator on loopback with a demo mix.

The task ids go to standard output, one per line, so they can be piped or
saved (``suno-tui simulate > ids.txt``); the base URL, the token and an example
command go to standard error. Serves until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys

from suno_tui.cli import exit_codes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.simulator import Simulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run a simulated Suno gateway on this machine, seeded with a realistic mix of "
        "tasks. Prints the task ids on standard output and the base URL, token and an "
        "example command on standard error. Ctrl-C stops it."
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to listen on (default 127.0.0.1; others are refused)",
    )
    parser.add_argument(
        "--port", type=int, default=0, metavar="N", help="port (default 0: a free one)"
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="X",
        help="simulated seconds per real second (default 1; a song takes 1-4 minutes)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument(
        "--percent-progress",
        action="store_true",
        help="report progress percentages in between (new-api only sends 0%% and 100%%)",
    )
    parser.add_argument(
        "--ms-timestamps",
        action="store_true",
        help="send times in milliseconds, as some gateways do",
    )
    parser.add_argument(
        "--token", metavar="TOKEN", help="token the simulator accepts (default: made from the seed)"
    )
    parser.add_argument(
        "--account-flavour",
        choices=("new-api", "new-api-legacy", "one-hub"),
        default="new-api",
        help="which gateway's task list (/api/task/self) to imitate (default new-api)",
    )
    parser.add_argument(
        "--family",
        choices=("stock", "hosted"),
        default="stock",
        help="stock new-api/one-hub (music and lyrics only; concat and /suno/act/ refused "
        "as they refuse them) or a hosted gateway that adds concat, WAV, timed lyrics and "
        "MP4 (default stock)",
    )
    parser.add_argument(
        "--no-account-endpoints",
        action="store_true",
        help="answer 404 on the task list and balance endpoints, as a gateway without them",
    )


def run(args: argparse.Namespace) -> int:
    from suno_tui.simulator import loopback_bind_address

    try:
        host = loopback_bind_address(args.host)
    except ValueError as exc:
        print(f"suno-tui simulate: {exc}: the simulator only listens on loopback", file=sys.stderr)
        return exit_codes.USAGE
    if not 0 <= args.port <= 65535:
        print("suno-tui simulate: --port must be within 0-65535", file=sys.stderr)
        return exit_codes.USAGE
    if not 0 < args.speed <= 1e6:  # also refuses nan and inf
        print("suno-tui simulate: --speed must be positive and finite", file=sys.stderr)
        return exit_codes.USAGE

    import asyncio

    try:
        return asyncio.run(_serve(args, host))
    except KeyboardInterrupt:
        print("simulator stopped", file=sys.stderr)
        return exit_codes.OK


async def _serve(args: argparse.Namespace, host: str) -> int:
    import asyncio
    import contextlib
    import signal

    from suno_tui.simulator import ScaledClock, Simulator, seed_demo

    sim = Simulator(
        seed=args.seed,
        token=args.token,
        clock=ScaledClock(args.speed),
        progress_mode="percent" if args.percent_progress else "binary",
        ms_timestamps=args.ms_timestamps,
        account_flavour=args.account_flavour,
        account_endpoints=not args.no_account_endpoints,
        family=args.family,
    )
    ids = seed_demo(sim, lineage=args.family == "hosted")
    try:
        await sim.start(host, args.port)
    except OSError as exc:
        print(f"suno-tui simulate: cannot listen on {host}:{args.port}: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        _announce(sim, ids)
        await stop.wait()
    finally:
        await sim.stop()
    print("simulator stopped", file=sys.stderr)
    return exit_codes.OK


def _announce(sim: Simulator, ids: list[str]) -> None:
    from suno_tui.simulator import FOREIGN_USER

    err = sys.stderr
    print(f"simulated gateway listening on {sim.base_url}", file=err)
    print(f"base URL: {sim.base_url}", file=err)
    print(f"token:    {sim.token}", file=err)
    offers = "concat, WAV, timed lyrics, MP4" if sim.family == "hosted" else "no clip actions"
    print(f"family:   {sim.family} ({offers})", file=err)
    if sim.account_endpoints:
        print(f"access token: {sim.access_token}  ({sim.account_flavour})", file=err)
        if sim.account_flavour != "one-hub":
            print(f"user id:      {sim.user_id}", file=err)
    print(f"{len(ids)} tasks (ids on standard output):", file=err, flush=True)
    for task_id in ids:
        print(task_id)
    sys.stdout.flush()
    foreign = [t.task_id for t in sim.tasks.all(FOREIGN_USER)]
    if foreign:
        print(f"another user's task (the gateway omits it): {foreign[0]}", file=err)
    print("try:", file=err)
    print(f"  suno-tui fetch --base-url {sim.base_url} --token {sim.token} {ids[0]}", file=err)
    if sim.account_endpoints:
        user = "" if sim.account_flavour == "one-hub" else f"SUNO_TUI_USER_ID={sim.user_id} "
        print(
            f"  SUNO_TUI_ACCESS_TOKEN={sim.access_token} {user}"
            f"suno-tui tasks --base-url {sim.base_url}",
            file=err,
        )
    print("Ctrl-C stops the simulator.", file=err, flush=True)
