"""The stats view: computed in a thread, shown as text, errors as a line."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App

from suno_tui.tracking.stats import ModelTimes, SlowTask, Stats, StatsError
from suno_tui.tui.screens.stats_screen import StatsScreen

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def sample_stats() -> Stats:
    hourly = [0, 1, 3, 2, 0, 0, 4, 6, 8, 5, 3, 2, 0, 0, 1, 2, 5, 9, 12, 7, 4, 3, 2, 1]
    return Stats(
        total=1284,
        by_status={"SUCCESS": 1190, "FAILURE": 61, "IN_PROGRESS": 21, "QUEUED": 12},
        by_kind={"music": 1202, "lyrics": 82},
        finished=1251,
        failed=61,
        times=[
            ModelTimes("chirp-v4", 1011, 94.0, 171.0),
            ModelTimes("chirp-v3-5", 158, 121.0, 240.0),
            ModelTimes("(lyrics)", 82, 6.0, 11.0),
        ],
        times_sample=1251,
        hourly=hourly,
        slowest=[
            SlowTask("task_8f2c1d", "Neon Harbor", "IN_PROGRESS", 1260.0),
            SlowTask("task_77ab02", "[/bold]Rain[@click=app.quit]", "QUEUED", 640.0),
        ],
        computed_at=NOW,
        seconds_taken=0.012,
    )


class _Host(App[None]):
    def __init__(self, screen: StatsScreen) -> None:
        super().__init__()
        self._stats_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._stats_screen)


async def test_the_figures_arrive_from_the_worker() -> None:
    calls: list[int] = []

    def source() -> Stats:
        calls.append(1)
        return sample_stats()

    screen = StatsScreen(source)
    app = _Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.stats is not None
        text = screen.text
        assert "1,284 tasks, 1,251 finished, 61 failed (failure rate 4.9%)" in text
        assert "chirp-v4" in text and "median" in text
        assert "[/bold]Rain[@click=app.quit]" in text  # server text shown literally
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 2
        await pilot.press("i")
        assert app.screen is not screen


async def test_an_error_is_one_line_not_a_crash() -> None:
    def source() -> Stats:
        raise StatsError("no state file at /x/state.db (nothing watched yet)")

    screen = StatsScreen(source)
    app = _Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.stats is None
        assert "no state file" in screen.text
        await pilot.press("escape")
        assert app.screen is not screen


async def test_i_opens_the_stats_from_the_monitor() -> None:
    from .conftest import build_app

    app, _ = build_app(stats_source=sample_stats)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, StatsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "failure rate" in app.screen.text
        await pilot.press("q")
        assert not isinstance(app.screen, StatsScreen)
