"""Covers run on threads of their own (issue #21, item 1): ten covers dripping a
byte at a time leave the default executor free (the state file, downloads and
the info screen use it) and the next cover loads; quitting after scrolling
over dripping covers and JPEG scan bombs never waits for a cover."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

from suno_tui.downloads.cover_pool import CoverLoader
from suno_tui.downloads.covers import CoverCache
from suno_tui.tui.detail.cover_view import CoverView
from tests.fixtures.waiting import wait_until_async
from tests.reliability.raw_server import RawServer

from .conftest import build_app
from .cover_drips import dripping_task, fetches_started, serve
from .factories import sample_summaries

BOUND = 30.0  # seconds any wait here may take before the test fails
ROOT = Path(__file__).resolve().parents[2]


async def _wait_until_fetching(server: RawServer, count: int) -> None:
    await wait_until_async(
        lambda: fetches_started(server.requests) >= count, f"{count} fetches never started", BOUND
    )


async def test_dripping_covers_leave_the_default_executor_free_and_the_next_cover_loads(
    tmp_path: Path,
) -> None:
    server = RawServer(serve)
    base_url = server.start()
    covers = CoverLoader(CoverCache(tmp_path / "covers", gateway_url=base_url))
    app, _ = build_app(covers=covers)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            app.task_list.select(sample_summaries()[0].task_id)
            await pilot.press("enter")
            await pilot.pause()
            view = app.screen.query_one(CoverView)
            for index in range(10):  # the cursor moves over ten tasks
                view.show_task(dripping_task(index, base_url))
                await pilot.pause()
            await _wait_until_fetching(server, 2)
            loop = asyncio.get_running_loop()
            # what the state file's reads and writes need: a thread of the default executor
            answer = await asyncio.wait_for(loop.run_in_executor(None, lambda: 42), BOUND)
            assert answer == 42
            view.show_task(dripping_task(99, base_url, kind="ok"))
            async with asyncio.timeout(BOUND):
                while view.image is None:
                    await pilot.pause(0.01)
            assert view.clip_id == "drip-clip-99" and view.reason == ""
    finally:
        server.stop()


QUIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path

    from suno_tui.downloads.cover_pool import CoverLoader
    from suno_tui.downloads.covers import CoverCache
    from suno_tui.tui.detail.cover_view import CoverView
    from tests.fixtures.waiting import wait_until_async
    from tests.reliability.raw_server import RawServer
    from tests.tui.conftest import build_app
    from tests.tui.cover_drips import dripping_task, fetches_started, serve
    from tests.tui.factories import sample_summaries

    server = RawServer(serve)  # never stopped: it drips until the process ends
    base_url = server.start()
    covers = CoverLoader(CoverCache(Path(sys.argv[1]), gateway_url=base_url))
    app, _ = build_app(covers=covers)

    async def scroll_then_quit(pilot):
        app.task_list.select(sample_summaries()[0].task_id)
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(CoverView)
        for index in range(10):  # drips and scan bombs, one after the other
            kind = "bomb" if index % 2 else "drip"
            view.show_task(dripping_task(index, base_url, kind=kind))
            await pilot.pause()
        await wait_until_async(
            lambda: fetches_started(server.requests) >= 2, "no cover fetch started"
        )
        await pilot.press("q")

    app.run(headless=True, size=(120, 40), auto_pilot=scroll_then_quit)
    print("quit", flush=True)
    """
)


def test_quitting_never_waits_for_a_hostile_cover(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", QUIT_SCRIPT, str(tmp_path / "covers")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND * 2,  # drips never end, bombs decode for minutes: a wait fails here
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "quit"
