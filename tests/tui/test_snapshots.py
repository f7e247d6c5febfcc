"""SVG snapshots of the monitor at 80x24 and 120x40 (fixed data, frozen clock,
no cursor blink).

Most show the app without a token (the "not polling" banner); the status-bar
ones run it with a fake poller whose status the test sets, so the normal bar
(polled, next), a backoff after an error, a pause and the stuck flag are
pinned too.

Update after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from suno_tui.tracking.progress import is_stuck

from .conftest import NEXT_POLL, FakeStatus, build_app
from .factories import NOW, sample_summaries, stuck_summaries

SIZES = [(80, 24), (120, 40)]
FIRST = sample_summaries()[0].task_id


def _app() -> Any:
    app, _ = build_app(show_events=None)
    return app


async def _select_first(pilot: Any) -> None:
    pilot.app.task_list.select(FIRST)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["j"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["enter"], run_before=_select_first)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["question_mark"])


def test_wide_detail_beside_the_list(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(200, 60), run_before=_select_first)


def _downloading_app(directory: Path) -> Any:
    from suno_tui.engine.downloads import DownloadService as DownloadSetup

    from .fakes import ScriptedDownloader, progress_script

    def factory(on_progress: Any, record: Any) -> ScriptedDownloader:
        return ScriptedDownloader(on_progress, progress_script(directory))

    setup = DownloadSetup(factory, directory, ("audio", "image", "lyrics", "json"))
    app, _ = build_app(show_events=None, downloads=setup)
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_downloads_pane(snap_compare: Any, size: tuple[int, int]) -> None:
    directory = Path("/home/me/Music/suno-tui")
    app = _downloading_app(directory)
    assert snap_compare(app, terminal_size=size, press=["d", "w"], run_before=_select_first)


def test_submit_form(snap_compare: Any) -> None:
    from .fakes import FakeClients

    app, _ = build_app(show_events=None, clients=FakeClients(("default", "work")))

    async def fill(pilot: Any) -> None:
        await pilot.press("n")
        pilot.app.screen.query_one("#submit-text").text = "[Verse]\nNeon rain on the window"
        pilot.app.screen.query_one("#submit-title").value = "Midnight Rain"
        pilot.app.screen.query_one("#submit-tags").value = "synthwave, dreamy"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=fill)


# The poll status each status-bar snapshot shows (the clock is frozen at NOW,
# 12:00:00; the bar gives clock times, never "3 s ago").
POLL_STATES = {
    # a round succeeded at 12:00:00, the next one is due at 12:00:10
    "polled": FakeStatus(last_success_at=NOW, next_poll_at=NEXT_POLL),
    # rate limited twice: the last good round was 11:58:40, backoff until 12:01:00
    "backoff": FakeStatus(
        last_success_at=NOW - timedelta(seconds=80),
        last_error="rate limited (HTTP 429): retry after 60 s",
        next_poll_at=NOW + timedelta(minutes=1),
    ),
    "paused": FakeStatus(paused=True, last_success_at=NOW, next_poll_at=None),
}


def _polling_app(summaries: Any = None) -> Any:
    app, _ = build_app(summaries, show_events=None, with_poller=True, stuck=is_stuck)
    return app


def _status(state: FakeStatus) -> Any:
    async def play(pilot: Any) -> None:
        poller = pilot.app.fake_pollers[0]
        poller.state = state
        poller.on_status(poller.status)  # as the real poller reports a change
        await pilot.pause()

    return play


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", list(POLL_STATES))
def test_status_bar(snap_compare: Any, state: str, size: tuple[int, int]) -> None:
    app = _polling_app()
    assert snap_compare(app, terminal_size=size, run_before=_status(POLL_STATES[state]))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stuck_flag(snap_compare: Any, size: tuple[int, int]) -> None:
    """The task queued for 38 minutes carries the "!" flag; none other does."""
    app = _polling_app(stuck_summaries())
    assert snap_compare(app, terminal_size=size, run_before=_status(POLL_STATES["polled"]))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stats_view(snap_compare: Any, size: tuple[int, int]) -> None:
    from .test_stats_screen import sample_stats

    app, _ = build_app(show_events=None, stats_source=sample_stats)

    async def open_stats(pilot: Any) -> None:
        await pilot.press("i")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_stats)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_with_a_cover(snap_compare: Any, size: tuple[int, int]) -> None:
    from .test_cover import FakeCovers, gradient

    app, _ = build_app(show_events=None, covers=FakeCovers(gradient()))

    async def open_detail(pilot: Any) -> None:
        await _select_first(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_detail)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_one_toast_for_several_finishes(snap_compare: Any, size: tuple[int, int]) -> None:
    from .test_toasts import finish_several

    app, tracker = build_app(show_events=None, with_poller=True)

    async def finish(pilot: Any) -> None:
        finish_several(pilot.app, tracker, 3)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=finish)
