"""SVG snapshots of the monitor at 80x24 and 120x40 (fixed data, frozen clock).

Update after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import build_app
from .factories import sample_summaries

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
