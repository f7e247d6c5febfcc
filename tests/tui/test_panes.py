"""The event log and downloads panes: Esc hides them and goes back to the list;
at 80x24 with both open the list keeps at least half the rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from suno_tui.engine.downloads import DownloadService as DownloadSetup

from .conftest import build_app
from .fakes import ScriptedDownloader, progress_script


def _app_with_downloads() -> Any:
    directory = Path("/home/me/Music/suno-tui")

    def factory(on_progress: Any, record: Any) -> ScriptedDownloader:
        return ScriptedDownloader(on_progress, progress_script(directory))

    setup = DownloadSetup(factory, directory, ("audio", "image", "lyrics", "json"))
    app, _ = build_app(downloads=setup, show_events=False)
    return app


async def test_esc_in_the_event_log_hides_it_and_goes_back_to_the_list() -> None:
    app, _ = build_app(show_events=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        assert app.event_log.display
        assert app.focused is app.event_log  # e shows the log and goes there, as w does
        await pilot.press("escape")
        await pilot.pause()
        assert not app.has_class("-show-events")
        assert not app.event_log.display
        assert app.focused is app.task_list


async def test_esc_in_the_downloads_pane_hides_it_and_goes_back_to_the_list() -> None:
    app = _app_with_downloads()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        assert app.download_pane.display and app.focused is app.download_pane
        await pilot.press("escape")
        await pilot.pause()
        assert not app.has_class("-show-downloads")
        assert not app.download_pane.display
        assert app.focused is app.task_list


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_with_both_panes_open_the_list_keeps_half_the_rows(size: tuple[int, int]) -> None:
    app = _app_with_downloads()
    async with app.run_test(size=size) as pilot:
        app.task_list.select(app.task_list.cursor_task_id)
        await pilot.press("D")  # every finished task: the pane fills
        await pilot.press("w", "e")
        await pilot.pause()
        assert app.download_pane.display and app.event_log.display
        body = size[1] - 3  # less the top bar, the status bar and the footer
        heights = (app.task_list.size, app.download_pane.size, app.event_log.outer_size)
        assert app.task_list.size.height * 2 >= body, heights
        assert app.download_pane.size.height >= 3 and app.event_log.size.height >= 3


async def test_the_downloads_pane_alone_gets_more_rows_than_beside_the_log() -> None:
    app = _app_with_downloads()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("D", "w")
        await pilot.pause()
        alone = app.download_pane.outer_size.height
        assert app.task_list.size.height * 2 >= 21
        await pilot.press("e")
        await pilot.pause()
        assert app.download_pane.outer_size.height < alone
        assert app.task_list.size.height * 2 >= 21
