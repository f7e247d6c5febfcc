"""``suno-tui [IDS...]``: the live monitor (a Textual app); ``--demo`` runs it
against the built-in simulator.

Only argparse is imported at module level: Textual, httpx and the simulator
load inside :func:`run`, so ``suno-tui --help`` and the headless commands stay
fast.
"""

from __future__ import annotations

import argparse
import gc

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, add_ids_options, seconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import datetime, timedelta
    from typing import Any

    from suno_tui.config import Settings
    from suno_tui.downloads.cover_pool import CoverLoader
    from suno_tui.engine.engine import Engine
    from suno_tui.tracking.stats import Stats
    from suno_tui.tui.app import MonitorApp

#: simulated seconds per real second in --demo: tasks visibly move
DEMO_SPEED = 6.0
#: the demo's poll interval, in simulated seconds (5 real seconds at DEMO_SPEED)
DEMO_INTERVAL = 30.0
NO_TERMINAL = (
    "the monitor needs a terminal, and {which} is not one; without a terminal use "
    "'suno-tui watch ID...' (poll until done) or 'suno-tui fetch ID...' (ask once)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ids_options(parser)
    group = parser.add_argument_group("monitor")
    group.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    group.add_argument("--download-dir", metavar="DIR", help="where downloads are saved")
    group.add_argument(
        "--interval", type=seconds, metavar="SECONDS", help="seconds between polls (2-3600)"
    )
    group.add_argument("--no-mouse", action="store_true", help="ignore the mouse (keyboard only)")
    group.add_argument("--no-bell", action="store_true", help="no terminal bell on finish")
    group.add_argument(
        "--account",
        action="store_true",
        help="follow the account: watch every task of the window (--since) and look for "
        "new ones every account_interval (needs the access token; see 'suno-tui tasks')",
    )
    group.add_argument(
        "--since",
        default="24h",
        metavar="WHEN",
        help="with --account (or follow_account) and A: how far back the first look at "
        "the account goes, a span (2h, 7d) or a date; default 24h",
    )
    group.add_argument(
        "--no-images", action="store_true", help="no cover pictures in the detail (nothing fetched)"
    )
    group.add_argument(
        "--demo",
        action="store_true",
        help="watch simulated tasks (a built-in gateway; temporary state, nothing sent out)",
    )
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    # Start-up creates some 100,000 objects that live as long as the app
    # (modules, classes, the stylesheet): the collector would walk them over
    # and over while they are made. It runs again, without them, once the
    # app's first frame is on screen (_run_monitor).
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    from suno_tui.cli.common import UsageError, collect_ids, fail, settings_from_args
    from suno_tui.cli.since import SinceError
    from suno_tui.config import ConfigError

    try:
        ids = collect_ids(args)
        args.account_window = account_window(args.since)
        _keyboard_from_terminal()
    except (UsageError, SinceError) as error:
        return fail(str(error), exit_codes.USAGE)
    if args.demo:
        return _run_demo(args, ids)
    overrides = {"download_dir": args.download_dir, "poll_interval": args.interval}
    try:
        settings = settings_from_args(args, state=args.state, overrides=overrides)
        check_download_settings(settings)
    except (ConfigError, ValueError) as error:
        return fail(str(error), exit_codes.USAGE)
    return _run_monitor(settings, ids, args)


def account_window(since: str) -> timedelta:
    """``--since`` as a span back from now (SinceError if it is not one)."""
    from datetime import UTC, datetime

    from suno_tui.cli.since import parse_since

    now = datetime.now(UTC)
    return now - parse_since(since, now)


def _keyboard_from_terminal() -> None:
    """The monitor needs a terminal: refuse to start without one, and after
    ``--ids-file -`` read a pipe, take the keyboard from the terminal.

    Without a screen the app would spin (a core at 100%) drawing for nobody.
    Textual reads keys from file descriptor 0; when that was a pipe of ids
    (``cat ids.txt | suno-tui --ids-file -``), point it at ``/dev/tty``.
    """
    import os

    from suno_tui.cli.common import UsageError

    if not _is_terminal(1):
        raise UsageError(NO_TERMINAL.format(which="standard output"))
    if _is_terminal(0):
        return
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise UsageError(NO_TERMINAL.format(which="standard input")) from None
    os.dup2(tty, 0)
    os.close(tty)


def _is_terminal(fd: int) -> bool:
    import os

    try:
        return os.isatty(fd)
    except OSError:
        return False


def _utc_now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _gateway_label(base_url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    return parts.netloc or base_url


def _run_monitor(
    settings: Settings,
    ids: list[str],
    args: argparse.Namespace,
    *,
    clock: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    label: str | None = None,
    min_interval: float = 2.0,
) -> int:
    """Open the engine over the state file, run the app until it quits."""
    import sys

    from suno_tui.cli.common import fail, warn
    from suno_tui.config import ConfigError
    from suno_tui.engine.compose import Wiring, open_engine
    from suno_tui.engine.watchlist import WatchListError

    try:
        wiring = Wiring(
            clock=clock,
            sleep=sleep,
            min_interval=min_interval,
            follow_account=True if getattr(args, "account", False) else None,
            account_window=getattr(args, "account_window", None) or account_window("24h"),
        )
        engine = open_engine(settings, wiring)
    except WatchListError as error:
        return fail(f"cannot open the state file: {error}", exit_codes.USAGE)
    except ConfigError as error:
        return fail(str(error), exit_codes.USAGE)
    app = build_app(
        settings,
        engine,
        ids,
        clock=clock,
        label=label or _gateway_label(settings.gateway.base_url),
        bell=settings.bell and not args.no_bell,
        no_images=getattr(args, "no_images", False),
        after_first_frame=_collect_again,
    )
    for unknown in app.unknown_keys:
        warn(f"[keys] {unknown!r} names no binding (see '?' in the monitor)")
    app.run(mouse=settings.mouse and not args.no_mouse)
    if app.crash_message:
        print(app.crash_message, file=sys.stderr)
    return app.return_code or 0


def _collect_again() -> None:
    """After the first frame: what start-up made stays (the collector skips it
    from now on), and the collector runs again (~30 collections, ~5 ms, were
    on the way to the first frame)."""
    gc.freeze()
    gc.enable()


def covers_for(settings: Settings, no_images: bool) -> CoverLoader | None:
    """The detail view's covers (judged by the gateway's address), or None when off."""
    if no_images or not settings.images:
        return None
    from suno_tui.downloads.cover_pool import CoverLoader
    from suno_tui.downloads.covers import CoverCache

    return CoverLoader(CoverCache(gateway_url=settings.gateway.base_url))


def check_download_settings(settings: Settings) -> None:
    """Fail at start (ConfigError) on download settings the manager would refuse."""
    from suno_tui.engine.downloads import options_from_settings

    options_from_settings(settings)


def build_app(
    settings: Settings,
    engine: Engine,
    ids: list[str],
    *,
    clock: Callable[[], datetime],
    label: str,
    bell: bool,
    app_class: type[MonitorApp] | None = None,
    **options: Any,
) -> MonitorApp:
    """The monitor app over ``engine``, with the presentation settings (keys,
    bell, notifications, stuck flags, live progress).

    ``app_class`` and ``options`` (MonitorApp's keyword arguments) let tests
    and the screenshot script run the same wiring.
    """
    from suno_tui.tracking.progress import is_stuck, refresh_progress
    from suno_tui.tui.app import MonitorApp
    from suno_tui.tui.keys.bindings import keymap_from_settings

    keymap, unknown = keymap_from_settings(settings.keys)
    app_options: dict[str, Any] = {
        "clock": clock,
        "initial_ids": ids,
        "gateway_label": label,
        "bell": bell,
        "keymap": keymap,
        "stuck": is_stuck,
        "live_progress": refresh_progress,
        "notify": settings.notify,
        "stats_source": lambda: _stats(settings, clock),
        "covers": covers_for(settings, options.pop("no_images", False)),
        "player": settings.player,
    }
    app_options.update(options)
    app = (app_class or MonitorApp)(engine, **app_options)
    app.unknown_keys = unknown
    return app


def _stats(settings: Settings, clock: Callable[[], datetime]) -> Stats:
    """The figures of ``i`` (the stats load when asked for, not at start)."""
    from suno_tui.tracking.stats import compute

    return compute(settings.state_path, clock())


def _run_demo(args: argparse.Namespace, ids: list[str]) -> int:
    """The monitor against a simulator on loopback, with throw-away state."""
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from suno_tui.cli.common import fail, settings_from_args
    from suno_tui.config import ConfigError
    from suno_tui.simulator import ScaledClock, Simulator, SimulatorThread, seed_demo

    state_dir = Path(tempfile.mkdtemp(prefix="suno-tui-demo-"))
    download_dir = Path(tempfile.mkdtemp(prefix="suno-tui-demo-downloads-"))
    sim_clock = ScaledClock(DEMO_SPEED)
    # hosted: the demo shows every clip action (concat, WAV, timed lyrics, MP4)
    sim = Simulator(seed=0, clock=sim_clock, family="hosted")
    seed_demo(sim, lineage=True)  # found by account discovery, as a real account's tasks would be

    def clock() -> datetime:
        return datetime.fromtimestamp(sim_clock.now(), UTC)

    try:
        with SimulatorThread(sim) as base_url:
            overrides = {
                "base_url": base_url,
                "token": sim.token,
                "download_dir": download_dir,
                "poll_interval": args.interval if args.interval is not None else DEMO_INTERVAL,
                "profile": None,
                # account mode: the demo's tasks come from the account's task list
                "access_token": sim.access_token,
                "user_id": sim.user_id,
                "account_api": "auto",
                "follow_account": True,
            }
            try:
                settings = settings_from_args(
                    args, state=state_dir / "state.sqlite3", overrides=overrides
                )
            except (ConfigError, ValueError) as error:
                return fail(str(error), exit_codes.USAGE)
            return _run_monitor(
                settings,
                ids,
                args,
                clock=clock,
                sleep=sim_clock.sleep,
                label=f"demo: simulated gateway at {_gateway_label(base_url)}",
                min_interval=2.0 * DEMO_SPEED,
            )
    finally:
        print(f"demo state:     {state_dir}")
        print(f"demo downloads: {download_dir}")
