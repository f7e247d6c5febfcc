"""Write the README's SVG screenshots of the monitor to ``screenshots/``.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Drives the real app as ``suno-tui`` wires it (tracker, store, poller, client
pool, download manager) against the simulator on
loopback, in-process. The simulator's ManualClock is the only clock and the
seed is fixed, so the same code always draws the same pictures: tasks move
only when this script advances the clock, and each advance past the poll
interval starts exactly one round. The simulator's token is checked to appear
in no picture.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.cli.monitor_cmd import build_app
from suno_tui.config import Gateway, Settings
from suno_tui.downloads.cover_pool import CoverLoader
from suno_tui.downloads.covers import CoverCache
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.events import DownloadEnded, EngineEvent
from suno_tui.simulator import ManualClock, Simulator, seed_demo
from suno_tui.tui.app import MonitorApp, PollRoundsEnded

ROUND_TIMEOUT = 30.0
#: the simulator's URLs (shown in the detail view) hold its port: keep it fixed
PORT = 47_613
#: where the pictured downloads go (a fixed path: it is shown in the pane)
DOWNLOADS = Path(tempfile.gettempdir()) / "suno-tui-screenshots" / "Music"
#: small files: the downloads take a moment, not a minute
ASSET_SIZES = {"mp3": 400_000, "jpeg": 30_000, "jpeg_large": 60_000, "mp4": 200_000}


class ScreenshotApp(MonitorApp):
    """The monitor, plus ways to wait for the next poll round and for downloads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()
        self.downloads_ended = 0
        self.download_seen = asyncio.Event()
        self.engine.subscribe(self._engine_event)

    def on_poll_rounds_ended(self, message: PollRoundsEnded) -> None:
        super().on_poll_rounds_ended(message)
        self.round_seen.set()

    def _engine_event(self, event: EngineEvent) -> None:
        if isinstance(event, DownloadEnded):
            self.downloads_ended += 1
            self.download_seen.set()


async def _round(app: ScreenshotApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def _downloads(app: ScreenshotApp, pilot: Any, key: str) -> None:
    """Press ``key`` (d or D) and wait until every queued task's run ended."""
    before = app.downloads_ended
    await pilot.press(key)
    queued = sum(1 for line in app.download_pane.board.lines() if line.is_task_line)
    while app.downloads_ended < before + queued:
        app.download_seen.clear()
        await asyncio.wait_for(app.download_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def _cover(app: ScreenshotApp, pilot: Any) -> None:
    """Wait until the detail's cover is drawn (fetched by its worker)."""
    from suno_tui.tui.detail.cover_view import CoverView

    view = app.screen.query_one(CoverView)
    for _ in range(int(ROUND_TIMEOUT * 100)):
        if view.image is not None or view.reason not in ("", "cover…"):
            break
        await asyncio.sleep(0.01)
    else:
        raise TimeoutError("the cover was not drawn")
    await pilot.pause()


async def _stats(app: ScreenshotApp, pilot: Any) -> None:
    from suno_tui.tui.screens.stats_screen import StatsScreen

    await pilot.press("i")
    screen = app.screen
    assert isinstance(screen, StatsScreen)
    for _ in range(int(ROUND_TIMEOUT * 100)):
        if screen.stats is not None or screen.error:
            break
        await asyncio.sleep(0.01)
    else:
        raise TimeoutError("the stats were not computed")
    await pilot.pause()


async def shoot(out: Path) -> list[Path]:
    clock = ManualClock()
    sim = Simulator(seed=0, clock=clock, asset_sizes=ASSET_SIZES)
    ids = seed_demo(sim)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    shutil.rmtree(DOWNLOADS.parent, ignore_errors=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="suno-tui-shots-") as state_dir:
        try:
            await sim.start(port=PORT)
        except OSError:
            print(f"port {PORT} is busy: URLs in the pictures will differ", file=sys.stderr)
            await sim.start()
        async with sim:
            settings = Settings(
                state_path=Path(state_dir) / "state.sqlite3",
                download_dir=DOWNLOADS,
                # one at a time: the pane's last lines do not depend on which
                # of several parallel downloads finishes first
                download_concurrency=1,
                poll_interval=10.0,
                bell=False,
            ).with_gateway(Gateway(base_url=sim.base_url, token=sim.token))
            engine = open_engine(settings, Wiring(clock=now, sleep=clock.sleep))
            app = build_app(
                settings,
                engine,
                ids,
                clock=now,
                label="api.example.com",
                bell=False,
                app_class=ScreenshotApp,
                tz=UTC,
                cursor_blink=False,
                tick_seconds=3600.0,
                show_events=False,
                env={},
                # the covers come from the simulator on loopback, as --demo's do
                covers=CoverLoader(
                    CoverCache(Path(state_dir) / "covers", gateway_url=sim.base_url)
                ),
            )
            assert isinstance(app, ScreenshotApp)

            def save(name: str) -> None:
                svg = app.export_screenshot(title="suno-tui")
                if sim.token in svg:
                    raise SystemExit(f"the token would appear in {name}: not written")
                path = out / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                written.append(path)

            try:
                async with app.run_test(size=(120, 40)) as pilot:
                    await _round(app, pilot)  # the ids were added: first poll at once
                    app.round_seen.clear()
                    clock.advance(45)  # tasks move on; the interval's wait ends: one round
                    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
                    await pilot.pause()
                    clock.advance(3)  # shown times are "now", not the round's end
                    app._tick()
                    await pilot.pause()
                    save("list")

                    app.task_list.select(ids[4])  # the partial failure: reason, timeline
                    await pilot.press("enter")
                    await pilot.pause()
                    await _cover(app, pilot)
                    save("detail")
                    await pilot.press("escape")

                    await _stats(app, pilot)
                    save("stats")
                    await pilot.press("escape")

                    await pilot.press("e")  # the event log pane (e focuses it)
                    app.task_list.focus()
                    await pilot.press("s")  # sorted by status
                    await pilot.pause()
                    save("events")
                    await pilot.press("s", "s")  # back to sorting by age

                    await pilot.press("question_mark")
                    await pilot.pause()
                    save("help")
                    await pilot.press("escape")

                    await pilot.press("e")  # the log pane off again
                    await pilot.resize_terminal(80, 24)
                    await pilot.pause()
                    save("narrow-80x24")

                    await pilot.resize_terminal(200, 60)
                    await pilot.press("e")  # room for everything: list, detail and log
                    app.task_list.select(ids[0])
                    await pilot.pause()
                    save("wide-200x60")
                    await pilot.press("e")

                    # every finished task's files, then the pane (w) at 80x24
                    await pilot.resize_terminal(80, 24)
                    await _downloads(app, pilot, "D")
                    app.task_list.select(ids[0])  # a task still being generated
                    await _downloads(app, pilot, "d")
                    app.clear_notifications()
                    await pilot.press("w")
                    await pilot.pause()
                    save("downloads-80x24")
                    await pilot.press("w")

                    # n: the submit form
                    await pilot.resize_terminal(120, 40)
                    await pilot.press("n")
                    form = app.screen
                    form.query_one("#submit-text").text = (  # type: ignore[attr-defined]
                        "[Verse]\nNeon rain on the window\n[Chorus]\nWe run all night"
                    )
                    form.query_one("#submit-title").value = "Midnight Rain"  # type: ignore[attr-defined]
                    form.query_one("#submit-tags").value = "synthwave, dreamy"  # type: ignore[attr-defined]
                    await pilot.pause()
                    save("submit-form")
                    await pilot.press("escape")
                    await pilot.press("q")
            finally:
                await engine.aclose()
                shutil.rmtree(DOWNLOADS.parent, ignore_errors=True)
    return written


async def shoot_account(out: Path) -> list[Path]:
    """Account mode: the demo's tasks found in the account (no ids given), a
    look by hand (A) and its toast, the key's balance in the status bar."""
    from suno_tui.engine.events import BalanceChanged, TasksDiscovered

    clock = ManualClock()
    sim = Simulator(seed=0, clock=clock, asset_sizes=ASSET_SIZES)
    seed_demo(sim)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    seen: list[EngineEvent] = []
    news = asyncio.Event()

    def keep(event: EngineEvent) -> None:
        seen.append(event)
        news.set()

    async def until(kind: type, count: int = 1) -> None:
        async with asyncio.timeout(ROUND_TIMEOUT):
            while sum(isinstance(event, kind) for event in seen) < count:
                news.clear()
                await news.wait()

    with tempfile.TemporaryDirectory(prefix="suno-tui-shots-") as state_dir:
        await sim.start()
        async with sim:
            gateway = Gateway(
                base_url=sim.base_url,
                token=sim.token,
                access_token=sim.access_token,
                user_id=sim.user_id,
                follow_account=True,
            )
            settings = Settings(
                state_path=Path(state_dir) / "state.sqlite3",
                download_dir=DOWNLOADS,
                poll_interval=10.0,
                bell=False,
            ).with_gateway(gateway)
            engine = open_engine(settings, Wiring(clock=now, sleep=clock.sleep))
            engine.subscribe(keep)
            app = build_app(settings, engine, [], clock=now, label="api.example.com",
                            bell=False, app_class=ScreenshotApp, tz=UTC, cursor_blink=False,
                            tick_seconds=3600.0, show_events=False, env={})  # fmt: skip
            try:
                async with app.run_test(size=(120, 30)) as pilot:
                    await until(TasksDiscovered)
                    await until(BalanceChanged)
                    app.clear_notifications()
                    sim.add_task(title="Submitted Elsewhere", tags="lo-fi, rain")
                    sim.add_task(title="From Another Script", tags="synthwave")
                    clock.advance(15)
                    await pilot.press("A")  # a look by hand: the two new tasks
                    await until(TasksDiscovered, 2)
                    await pilot.pause()
                    svg = app.export_screenshot(title="suno-tui --account")
                    for secret in (sim.token, sim.access_token):
                        if secret in svg:
                            raise SystemExit("a credential would appear in account: not written")
                    path = out / "account.svg"
                    path.write_text(svg, encoding="utf-8")
                    await pilot.press("q")
            finally:
                await engine.aclose()
    return [path]


async def shoot_lineage(out: Path) -> list[Path]:
    """An extension chain on a hosted gateway (a song, two extensions, the full
    song), the middle extension in the detail: what it extends, and at what
    point, and the full song it was joined into."""
    from suno_tui.simulator import seed_lineage

    clock = ManualClock()
    sim = Simulator(seed=0, clock=clock, asset_sizes=ASSET_SIZES, family="hosted")
    ids = seed_lineage(sim)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    with tempfile.TemporaryDirectory(prefix="suno-tui-shots-") as state_dir:
        await sim.start()
        async with sim:
            settings = Settings(
                state_path=Path(state_dir) / "state.sqlite3",
                download_dir=DOWNLOADS,
                poll_interval=10.0,
                bell=False,
            ).with_gateway(Gateway(base_url=sim.base_url, token=sim.token))
            engine = open_engine(settings, Wiring(clock=now, sleep=clock.sleep))
            app = build_app(settings, engine, ids, clock=now, label="api.example.com",
                            bell=False, app_class=ScreenshotApp, tz=UTC, cursor_blink=False,
                            tick_seconds=3600.0, show_events=False, env={},
                            covers=CoverLoader(CoverCache(Path(state_dir) / "covers",
                                                          gateway_url=sim.base_url)))  # fmt: skip
            try:
                async with app.run_test(size=(150, 42)) as pilot:  # the list beside the detail
                    await _round(app, pilot)  # the chain's snapshots, and what they name
                    app.task_list.select(ids[2])  # the second extension
                    await pilot.press("enter")
                    await pilot.pause()
                    await _cover(app, pilot)
                    svg = app.export_screenshot(title="suno-tui")
                    if sim.token in svg:
                        raise SystemExit("the token would appear in lineage: not written")
                    path = out / "lineage.svg"
                    path.write_text(svg, encoding="utf-8")
                    form = await _extend_form(app, pilot, out / "extend-form.svg", sim.token)
                    await pilot.press("q")
            finally:
                await engine.aclose()
    return [path, form]


async def _extend_form(app: ScreenshotApp, pilot: Any, path: Path, token: str) -> Path:
    """``E`` on the clip in view: the form filled from it, nothing sent."""
    from suno_tui.tui.clips.extend_form import ExtendScreen

    await pilot.press("E")
    await pilot.pause()
    if not isinstance(app.screen, ExtendScreen):
        raise SystemExit(f"E did not open the extend form: {type(app.screen).__name__}")
    svg = app.export_screenshot(title="suno-tui")
    if token in svg:
        raise SystemExit("the token would appear in extend-form: not written")
    path.write_text(svg, encoding="utf-8")
    await pilot.press("escape")
    await pilot.pause()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument(
        "--only", choices=("monitor", "account", "lineage"), help="one set of pictures"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    if args.only in (None, "monitor"):
        paths += asyncio.run(shoot(args.out))
    if args.only in (None, "account"):
        paths += asyncio.run(shoot_account(args.out))
    if args.only in (None, "lineage"):
        paths += asyncio.run(shoot_lineage(args.out))
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
