"""``R`` polls a task the gateway did not find once more; other tasks are left alone."""

from __future__ import annotations

from dataclasses import replace

from suno_tui.tui.tasks.retry import retry_not_found
from tests.fixtures.notifications import notes

from .conftest import build_app
from .factories import sample_summaries
from .fakes import FakeTracker

GONE = "deadbeef-0000-4000-8000-000000000000"
FIRST = sample_summaries()[0].task_id


def _summaries() -> list:  # type: ignore[type-arg]
    return [replace(s, finished=True) if s.task_id == GONE else s for s in sample_summaries()]


def test_only_a_not_found_task_is_retried() -> None:
    tracker = FakeTracker(_summaries())
    assert retry_not_found(tracker, None) == ([], "No task selected.")
    changed, message = retry_not_found(tracker, FIRST)
    assert changed == [] and message.startswith("Only a task the gateway did not find")
    changed, message = retry_not_found(tracker, GONE)
    assert [s.task_id for s in changed] == [GONE] and not changed[0].finished
    assert message.startswith("Polling ")
    changed, message = retry_not_found(tracker, GONE)
    assert changed == [] and "already being polled" in message


async def test_R_polls_the_selected_not_found_task_again() -> None:
    app, tracker = build_app(_summaries(), with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        app.task_list.select(GONE)
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert "poll_now" in poller.calls
        assert tracker.get(GONE) is not None and not tracker.get(GONE).finished  # type: ignore[union-attr]
        assert not app.task_list.summary(GONE).finished  # type: ignore[union-attr]
        assert [n.message for n in notes(app)][-1].startswith("Polling ")
        poller.calls.clear()
        app.task_list.select(FIRST)
        await pilot.press("R")
        await pilot.pause()
        assert poller.calls == []
