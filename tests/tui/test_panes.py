"""The event log and downloads panes: Esc hides them and goes back to the list;
at 80x24 with both open the list keeps at least half the rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from suno_tui.engine.downloads import DownloadService as DownloadSetup
from suno_tui.tui.monitor import Monitor
from suno_tui.tui.tasks.filter_input import FilterInput

from .conftest import build_app
from .factories import summary
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


async def test_the_filter_line_is_mounted_after_the_first_frame_hidden() -> None:
    """Not on the way to the first frame (styling Textual's Input), but there
    right after it, hidden until ``/``."""
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        line = app.query_one("#filter", FilterInput)
        assert not line.display and app.focused is app.task_list


async def test_a_slash_before_the_filter_line_is_mounted_mounts_it_and_keeps_the_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``/`` and what is typed after it, pressed before the line was mounted
    after the first frame, still filter the list: ``/`` mounts it at once."""
    monkeypatch.setattr(Monitor, "_start_engine", lambda self: None)  # no mount after the frame
    app, _ = build_app([summary(f"task-{i:05d}", title=f"Song {i}") for i in range(30)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.query("#filter")
        await pilot.press("slash", *"song 7")
        line = app.query_one("#filter", FilterInput)
        assert line.display and app.focused is line and line.value == "song 7"
        assert app.task_list.order == ["task-00007", "task-00017", "task-00027"]
        await pilot.press("escape")  # Esc clears the filter and hides the line
        await pilot.pause()
        assert not line.display and app.task_list.filter_text == ""
