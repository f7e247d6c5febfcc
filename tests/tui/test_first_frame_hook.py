"""The monitor command runs its start-up with the garbage collector off (it
would walk the ~100,000 objects start-up makes, over and over) and turns it
back on once the first frame is on screen, through the app's
``after_first_frame``."""

from __future__ import annotations

import gc

from suno_tui.cli import monitor_cmd

from .conftest import build_app


async def test_after_first_frame_is_called_once_when_the_first_frame_is_on_screen() -> None:
    calls: list[str] = []

    def first_frame() -> None:
        calls.append(app.status_bar.text)

    app, _ = build_app(after_first_frame=first_frame)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
    assert len(calls) == 1
    assert "watched" in calls[0]  # the status bar had been filled for that frame


def test_the_collector_comes_back_frozen_past_start_up() -> None:
    gc.disable()
    try:
        monitor_cmd._collect_again()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
