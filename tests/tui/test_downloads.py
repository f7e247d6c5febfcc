"""Downloads from the monitor (d, D, the pane, quitting) against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from suno_tui.downloads.events import FileState
from suno_tui.engine.downloads import DownloadService as DownloadSetup
from suno_tui.relay.models import TaskStatus
from suno_tui.simulator import Simulator
from suno_tui.tui.app import QuitScreen
from tests.fixtures.notifications import notes

from .conftest import build_app
from .factories import sample_summaries
from .sim_app import (
    downloads_done,
    next_round,
    open_app,
    row_text,
    settings_for,
    small_simulator,
)

FIRST = sample_summaries()[0].task_id
DELAYS = {"not_start": 5.0, "submitted": 5.0, "queued": 10.0, "in_progress": 100.0}


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = await small_simulator()
    try:
        yield simulator
    finally:
        await simulator.stop()
    assert not simulator.errors


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


async def test_d_downloads_the_selected_finished_task(sim: Simulator, tmp_path: Path) -> None:
    done = sim.add_task("success", title="Glass River", elapsed=1000)
    settings = settings_for(sim, tmp_path)
    app = open_app(settings, sim, [done])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await next_round(app, pilot)
        assert app.task_list.summary(done).status is TaskStatus.SUCCESS  # type: ignore[union-attr]
        assert "↓" not in row_text(app, done)
        app.task_list.select(done)
        [result] = await downloads_done(app, pilot, "d")
        assert app.has_class("-show-downloads")  # shown when downloads start
        assert result.complete and len(result.saved) == 8  # 2 clips: mp3, cover, lyrics, json
        folder = tmp_path / "downloads"
        names = files_in(folder)
        assert len(names) == 8 and sum(n.endswith(".mp3") for n in names) == 2
        assert not any(n.endswith(".part") for n in names)
        # the list shows the task is downloaded, the store counted the files
        summary = app.task_list.summary(done)
        assert summary is not None and summary.downloaded == 8
        assert "↓" in row_text(app, done)
        # the pane: one line per file with its size, the folder in the header
        pane = app.download_pane
        text = pane.text()
        # the folder, or as much of its end as fits after "…"
        shown = text.splitlines()[0].split("→ ", 1)[1].split("  ", 1)[0]
        full = str(folder.resolve())
        assert shown == full or (shown.startswith("…") and full.endswith(shown[1:])), shown
        assert "Glass River" in text and ".mp3" in text and "done" in text
        assert len([line for line in pane.shown_lines if line.state is FileState.DONE]) == 8
        # the toast says where the files are (the full path)
        toast = [n for n in notes(app) if n.title == "↓ Downloaded"]
        assert toast and str(folder.resolve()) in toast[0].message
        # y in the pane copies the folder, Y the file's full path
        await pilot.press("w")
        assert app.focused is pane
        await pilot.press("y")
        assert app.clipboard == str(folder.resolve())
        await pilot.press("Y")
        assert app.clipboard.startswith(str(folder.resolve())) and app.clipboard != str(
            folder.resolve()
        )
        await pilot.press("escape")
        assert app.focused is app.task_list
        # a second d finds everything on disk: nothing fetched again
        [again] = await downloads_done(app, pilot, "d")
        assert not again.saved and len(again.present) == 8
        assert any(n.title == "Already downloaded" for n in notes(app))


async def test_d_on_a_streaming_task_explains_the_skip(sim: Simulator, tmp_path: Path) -> None:
    running = sim.add_task("success", title="Still Going", delays=DELAYS)
    settings = settings_for(sim, tmp_path)
    app = open_app(settings, sim, [running])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await next_round(app, pilot)
        sim.clock.advance(40)  # streaming
        await next_round(app, pilot, "r")
        assert app.task_list.summary(running).status is TaskStatus.IN_PROGRESS  # type: ignore[union-attr]
        app.task_list.select(running)
        [result] = await downloads_done(app, pilot, "d")
        assert not result.paths and result.skipped
        assert all("still streaming" in event.message for event in result.skipped)
        toast = [n for n in notes(app) if n.title == "Nothing downloaded"]
        assert toast and "still streaming" in toast[0].message
        assert "still streaming" in app.download_pane.text()
        assert files_in(tmp_path / "downloads") == []


async def test_D_downloads_every_finished_task_not_downloaded_yet(
    sim: Simulator, tmp_path: Path
) -> None:
    first = sim.add_task("success", title="One", elapsed=1000)
    second = sim.add_task("partial", title="Two", elapsed=1000)
    failed = sim.add_task("failure", title="Three", elapsed=1000)
    running = sim.add_task("success", title="Four", delays=DELAYS)
    settings = settings_for(sim, tmp_path)
    app = open_app(settings, sim, [first, second, failed, running])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await next_round(app, pilot)
        results = await downloads_done(
            app, pilot, "D", count=2
        )  # the failed and the running are left
        assert sorted(r.task_id for r in results) == sorted([first, second])
        by_id = {r.task_id: r for r in results}
        assert len(by_id[first].saved) == 8
        assert len(by_id[second].saved) == 4  # the complete clip of a partly failed task
        assert any("generation failed" in event.message for event in by_id[second].skipped)
        for task_id in (first, second):
            assert "↓" in row_text(app, task_id)
        assert "↓" not in row_text(app, failed)
        # One toast for the whole run, not one per task
        done_toasts = [n for n in notes(app) if "task" in n.title and "done" in n.title]
        assert [n.title for n in done_toasts] == ["↓ 2 tasks done"]
        assert "12 new files in" in done_toasts[0].message
        assert not [n for n in notes(app) if n.title == "↓ Downloaded"]
        # nothing left to do
        await pilot.press("D")
        await pilot.pause()
        assert any("Nothing new to download" in n.message for n in notes(app))


class StuckDownloader:
    """A manager whose downloads never end (until cancelled)."""

    def __init__(self) -> None:
        self.queued: list[str] = []
        self.cancelled: list[str | None] = []
        self.closed = False

    def submit(self, task: str) -> bool:
        self.queued.append(task)
        return True

    def cancel(self, task_id: str | None = None) -> None:
        self.cancelled.append(task_id)

    @property
    def busy(self) -> bool:
        return not self.cancelled

    async def aclose(self) -> None:
        self.closed = True


async def test_quitting_while_downloading_asks_first(tmp_path: Path) -> None:
    manager = StuckDownloader()
    setup = DownloadSetup(lambda on_progress, record: manager, tmp_path, ("audio",))
    app, _ = build_app(downloads=setup, with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("d")
        assert manager.queued == [FIRST] and app.downloads is not None and app.downloads.busy
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        assert "Partial files (.part) are kept" in str(
            app.screen.query_one("#confirm-question").render()
        )
        await pilot.press("n")  # no: keep downloading
        assert not isinstance(app.screen, QuitScreen) and app.is_running
        assert manager.cancelled == []
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0
    assert manager.cancelled == [None] and manager.closed
    assert app.fake_pollers[0].stopped  # type: ignore[attr-defined]


async def test_ctrl_q_twice_quits_while_downloading(tmp_path: Path) -> None:
    manager = StuckDownloader()
    setup = DownloadSetup(lambda on_progress, record: manager, tmp_path, ("audio",))
    app, _ = build_app(downloads=setup)
    async with app.run_test(size=(80, 24)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("d", "ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and manager.closed
