"""``suno-tui [IDS...]``: the live monitor (a Textual app); ``--demo`` runs it
against the built-in simulator.

Only argparse is imported at module level: Textual, httpx and the simulator
load inside :func:`run`, so ``suno-tui --help`` and the headless commands stay
fast.
"""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, add_ids_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from typing import Any

    from suno_tui.config import Settings
    from suno_tui.downloads import DownloadOptions
    from suno_tui.engine.clients import ClientPool
    from suno_tui.tracking.tracker import Tracker
    from suno_tui.tui.app import MonitorApp
    from suno_tui.tui.ports import DownloadSetup

#: simulated seconds per real second in --demo: tasks visibly move
DEMO_SPEED = 6.0
#: the demo's poll interval, in simulated seconds (5 real seconds at DEMO_SPEED)
DEMO_INTERVAL = 30.0
NOT_CONFIGURED_HINT = (
    "no token configured for profile {profile!r}: set SUNO_TUI_TOKEN, or run "
    "'suno-tui config set token YOUR_TOKEN', then restart (or try 'suno-tui --demo')"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ids_options(parser)
    group = parser.add_argument_group("monitor")
    group.add_argument("--state", metavar="PATH", help="state database (the watch list)")
    group.add_argument("--download-dir", metavar="DIR", help="where downloads are saved")
    group.add_argument(
        "--interval", type=float, metavar="SECONDS", help="seconds between polls (2-3600)"
    )
    group.add_argument("--no-mouse", action="store_true", help="ignore the mouse (keyboard only)")
    group.add_argument("--no-bell", action="store_true", help="no terminal bell on finish")
    group.add_argument(
        "--demo",
        action="store_true",
        help="watch simulated tasks (a built-in gateway; temporary state, nothing sent out)",
    )
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    from suno_tui.cli.common import UsageError, collect_ids, fail, settings_from_args
    from suno_tui.config import ConfigError

    try:
        ids = collect_ids(args)
        _keyboard_from_terminal()
    except UsageError as error:
        return fail(str(error), exit_codes.USAGE)
    if args.demo:
        return _run_demo(args, ids)
    overrides = {"download_dir": args.download_dir, "poll_interval": args.interval}
    try:
        settings = settings_from_args(args, state=args.state, overrides=overrides)
        check_download_settings(settings)
    except (ConfigError, ValueError, UsageError) as error:
        return fail(str(error), exit_codes.USAGE)
    return _run_monitor(settings, ids, args)


def _keyboard_from_terminal() -> None:
    """After ``--ids-file -`` read a pipe, take the keyboard from the terminal.

    Textual reads keys from file descriptor 0; when that was a pipe of ids
    (``cat ids.txt | suno-tui --ids-file -``), point it at ``/dev/tty``.
    """
    import os
    import sys

    from suno_tui.cli.common import UsageError

    try:
        if os.isatty(0):
            return
    except OSError:
        pass
    if not sys.stdout.isatty():
        return  # no screen either (tests, pipes): nothing to attach to
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise UsageError(
            "the monitor needs a terminal for the keyboard; standard input is not one"
        ) from None
    os.dup2(tty, 0)
    os.close(tty)


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
    poll_clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], object] | None = None,
    label: str | None = None,
    min_interval: float = 2.0,
) -> int:
    """Open the state, build clients and the poller, run the app until it quits."""
    import sys

    from suno_tui.cli.common import fail, warn
    from suno_tui.config import ConfigError
    from suno_tui.tracking.store import Store, StoreError
    from suno_tui.tracking.tracker import Tracker

    try:
        store = Store.open(settings.state_path)
    except StoreError as error:
        return fail(f"cannot open the state file: {error}", exit_codes.USAGE)
    try:
        tracker = Tracker(store, clock=clock)
        try:
            pool, polling_off = prepare_clients(settings, tracker)
        except ConfigError as error:
            return fail(str(error), exit_codes.USAGE)
        app = build_app(
            settings,
            tracker,
            pool,
            ids,
            clock=clock,
            poll_clock=poll_clock or clock,
            sleep=sleep,
            label=label or _gateway_label(settings.base_url),
            polling_off=polling_off,
            bell=settings.bell and not args.no_bell,
            min_interval=min_interval,
        )
        for unknown in app.unknown_keys:
            warn(f"[keys] {unknown!r} names no binding (see '?' in the monitor)")
        app.run(mouse=settings.mouse and not args.no_mouse)
        if app.crash_message:
            print(app.crash_message, file=sys.stderr)
        return app.return_code or 0
    finally:
        store.close()


def prepare_clients(settings: Settings, tracker: Tracker) -> tuple[ClientPool, str]:
    """A client per profile: the selected profile's, and every profile watched
    tasks were added under (those without a token are shown, not polled).
    Also says why polling is off. Raises ConfigError if the selected
    profile's token command fails."""
    from suno_tui.config import ConfigError
    from suno_tui.engine.clients import ClientPool

    tracker.load()
    pool = ClientPool(settings)
    pool.prepare([settings.profile])
    problem = pool.problem(settings.profile)
    if problem is not None and "token_command" in problem:
        raise ConfigError(problem)  # a failing command is a config error, as elsewhere
    pool.prepare(sorted(tracker.profiles()))
    if problem is None:
        return pool, ""
    return pool, NOT_CONFIGURED_HINT.format(profile=settings.profile)


def check_download_settings(settings: Settings) -> None:
    """Fail at start (UsageError) on download settings the manager would refuse."""
    download_options(settings)


def download_options(settings: Settings) -> DownloadOptions:
    """The monitor's download options: the settings alone decide (its
    --download-dir is in the settings already)."""
    from suno_tui.cli.download import options_from_settings

    return options_from_settings(settings)


def download_setup(settings: Settings, tracker: Tracker, pool: ClientPool) -> DownloadSetup:
    """How the monitor builds its download manager: options from the settings,
    each task fetched from its own profile's gateway, records in the store."""
    from suno_tui.downloads import DownloadManager
    from suno_tui.downloads.records import store_callbacks
    from suno_tui.relay.models import Task
    from suno_tui.tui.ports import DownloadSetup, OnDownloadProgress, RecordDownload

    options = download_options(settings)
    _, lookup = store_callbacks(tracker.store)

    async def fetch(task_id: str) -> Task:
        summary = tracker.get(task_id)
        profile = summary.profile if summary is not None else settings.profile
        client = await pool.client(profile)
        return await client.fetch_one(task_id)

    def factory(on_progress: OnDownloadProgress, record: RecordDownload) -> DownloadManager:
        return DownloadManager(fetch, options, on_progress=on_progress, record=record,
                               lookup=lookup)  # fmt: skip

    directory = options.directory.expanduser().resolve()
    return DownloadSetup(factory=factory, directory=directory, assets=options.assets)


def build_app(
    settings: Settings,
    tracker: Tracker,
    pool: ClientPool,
    ids: list[str],
    *,
    clock: Callable[[], datetime],
    poll_clock: Callable[[], datetime],
    sleep: Callable[[float], object] | None,
    label: str,
    polling_off: str,
    bell: bool,
    min_interval: float,
    app_class: type[MonitorApp] | None = None,
    **options: Any,
) -> MonitorApp:
    """The monitor app wired to the domain: poller, clients, downloads, hooks.

    ``app_class`` and ``options`` (MonitorApp's keyword arguments) let tests
    and the screenshot script run the same wiring.
    """
    import random

    from suno_tui.tracking.poller import Poller
    from suno_tui.tracking.progress import is_stuck, refresh_progress
    from suno_tui.tui.app import MonitorApp
    from suno_tui.tui.bindings import keymap_from_settings

    keymap, unknown = keymap_from_settings(settings.keys)
    clients = pool.ready()

    def make_poller(on_update: Any, on_status: Any) -> Poller:
        return Poller(
            tracker,
            clients,
            interval=settings.poll_interval,
            min_interval=min_interval,
            max_backoff=settings.max_backoff,
            on_update=on_update,
            on_status=on_status,
            clock=poll_clock,
            sleep=sleep,  # type: ignore[arg-type]
            rng=random.Random(),  # noqa: S311 - backoff jitter, not cryptography
        )

    app_options: dict[str, Any] = {
        "poller_factory": make_poller if clients else None,
        "clock": clock,
        "initial_ids": ids,
        "profile": settings.profile,
        "gateway_label": label,
        "polling_off": polling_off,
        "bell": bell,
        "keymap": keymap,
        "stuck": is_stuck,
        "live_progress": refresh_progress,
        "on_exit": pool.aclose,
        "clients": pool,
        "downloads": download_setup(settings, tracker, pool),
        "on_finish": settings.on_finish,
        "notify": settings.notify,
    }
    app_options.update(options)
    app = (app_class or MonitorApp)(tracker, **app_options)
    app.unknown_keys = unknown
    return app


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
    sim = Simulator(seed=0, clock=sim_clock)
    demo_ids = seed_demo(sim)

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
            }
            try:
                settings = settings_from_args(
                    args, state=state_dir / "state.sqlite3", overrides=overrides
                )
            except (ConfigError, ValueError) as error:
                return fail(str(error), exit_codes.USAGE)
            return _run_monitor(
                settings,
                demo_ids + ids,
                args,
                clock=clock,
                sleep=sim_clock.sleep,
                label=f"demo: simulated gateway at {_gateway_label(base_url)}",
                min_interval=2.0 * DEMO_SPEED,
            )
    finally:
        print(f"demo state:     {state_dir}")
        print(f"demo downloads: {download_dir}")
