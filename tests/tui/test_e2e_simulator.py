"""The monitor against the simulator over real loopback HTTP.

The real tracker, store, poller and client; the simulator's ManualClock is the
only clock, so tasks move when the test advances it and rounds start when the
test presses ``r`` (the interval is an hour, and waits are in clock time).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from suno_tui.engine.engine import Engine
from suno_tui.relay.client import RelayClient
from suno_tui.relay.models import TaskStatus
from suno_tui.simulator import Fault, ManualClock, Simulator
from suno_tui.tracking.poller import Poller
from suno_tui.tracking.progress import is_stuck, refresh_progress
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.app import MonitorApp, PollRoundsEnded, PollStatusChanged
from tests.fixtures.notifications import RecordingApp, notes

ROUND_TIMEOUT = 20.0  # a safety net for a hung test, not a timing assertion


class E2EApp(RecordingApp):
    """The monitor, with a way for the test to wait for the next poll round."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()
        self.bar_changed = asyncio.Event()

    def on_poll_rounds_ended(self, message: PollRoundsEnded) -> None:
        super().on_poll_rounds_ended(message)
        self.round_seen.set()
        self.bar_changed.set()

    def on_poll_status_changed(self, message: PollStatusChanged) -> None:
        super().on_poll_status_changed(message)
        self.bar_changed.set()


async def next_round(app: E2EApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def bar_shows(app: E2EApp, text: str) -> str:
    """Wait until the status bar shows ``text`` (each poll status change is a
    chance; the guard fails the test if it never comes)."""
    while True:
        app.bar_changed.clear()
        bar: str = app.query_one("#status").text  # type: ignore[attr-defined]
        if text in bar:
            return bar
        try:
            await asyncio.wait_for(app.bar_changed.wait(), ROUND_TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"the status bar never showed {text!r}: {bar!r}") from None


def sim_now(sim: Simulator) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(sim.clock.now(), UTC)


class Harness:
    def __init__(self, sim: Simulator, state: Path) -> None:
        self.sim = sim
        self.clock = sim_now(sim)
        self.state = state
        self.clients: list[RelayClient] = []

    def app(self, ids: list[str] = (), *, token: str | None = None, poll: bool = True) -> E2EApp:  # type: ignore[assignment]
        store = Store.open(self.state)
        tracker = Tracker(store, clock=self.clock)
        client = RelayClient(self.sim.base_url, token or self.sim.token, timeout=10.0, verify=False)
        self.clients.append(client)
        assert isinstance(self.sim.clock, ManualClock)

        def factory(on_update: Any, on_status: Any) -> Poller:
            return Poller(
                tracker,
                {"default": client},
                interval=3600.0,
                min_interval=2.0,
                on_update=on_update,
                on_status=on_status,
                clock=self.clock,
                sleep=self.sim.clock.sleep,
                rng=random.Random(0),
            )

        async def close() -> None:
            store.close()

        engine = Engine(
            tracker,
            poller_factory=factory if poll else None,
            polling_off="" if poll else "restarted without polling (test)",
            on_close=close,
        )
        return E2EApp(
            engine,
            clock=self.clock,
            tz=UTC,
            initial_ids=list(ids),
            cursor_blink=False,
            tick_seconds=3600.0,
            show_events=True,
            stuck=is_stuck,
            live_progress=refresh_progress,
        )

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
async def harness(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = Harness(simulator, tmp_path / "state.sqlite3")
    yield harness
    await harness.aclose()


def row_text(app: MonitorApp, task_id: str) -> str:
    task_list = app.task_list
    index = task_list.order.index(task_id)
    return task_list.render_line(index + 1 - int(task_list.scroll_offset.y)).text


def status_of(app: MonitorApp, task_id: str) -> TaskStatus:
    summary = app.task_list.summary(task_id)
    assert summary is not None
    return summary.status


DELAYS = {"not_start": 10.0, "submitted": 10.0, "queued": 20.0, "in_progress": 120.0}


async def test_tasks_move_through_their_lifecycle_on_screen(harness: Harness) -> None:
    sim = harness.sim
    good = sim.add_task("success", title="Alpha Song", delays=DELAYS)
    bad = sim.add_task("failure", title="Beta Song", delays=DELAYS, fail_reason="moderation")
    app = harness.app([good, bad])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # added on start, polled at once (notify_added)
        await next_round(app, pilot)
        assert status_of(app, good) is TaskStatus.NOT_START
        status = app.query_one("#status").text  # type: ignore[attr-defined]
        # "polled" alone would match the first screen's "not polled yet"
        assert "not polled yet" not in status
        assert "polled 00:00:00" in status  # the simulator's clock starts at midnight UTC

        sim.clock.advance(25)  # submitted -> queued
        await next_round(app, pilot, "r")
        assert status_of(app, good) is TaskStatus.QUEUED
        assert "◔" in row_text(app, good)

        sim.clock.advance(60)  # streaming
        await next_round(app, pilot, "r")
        assert status_of(app, good) is TaskStatus.IN_PROGRESS
        assert "Alpha Song" in row_text(app, good)
        assert "~" in row_text(app, good)  # the estimate is marked

        sim.clock.advance(200)  # both finished
        await next_round(app, pilot, "r")
        assert status_of(app, good) is TaskStatus.SUCCESS
        assert status_of(app, bad) is TaskStatus.FAILURE
        assert "✓" in row_text(app, good) and "100%" in row_text(app, good)
        assert "✗" in row_text(app, bad) and "fail" in row_text(app, bad)
        # one toast at a time (the latest finish); the event log keeps both
        titles = [n.title for n in notes(app)]
        assert len(titles) == 1 and titles[0] in ("✓ Succeeded", "2 finished, 1 failed")
        labels = [(t.task_id, t.to_label) for t in app.event_log.events]
        assert (good, "SUCCESS") in labels and (bad, "FAILURE") in labels
        assert "0 active" in app.query_one("#status").text  # type: ignore[attr-defined]

        # the detail view reads the stored snapshot and timeline
        app.task_list.select(good)
        await pilot.press("enter")
        text = app.screen.detail.document.plain  # type: ignore[attr-defined]
        assert "Alpha Song" in text and "Clip 1 of 2" in text
        for label in ("QUEUED", "IN_PROGRESS", "SUCCESS"):
            assert label in text


async def test_rate_limit_and_server_errors_are_survived_and_shown(harness: Harness) -> None:
    sim = harness.sim
    task = sim.add_task("success", title="Gamma", delays=DELAYS)
    app = harness.app([task])
    async with app.run_test(size=(160, 40)) as pilot:
        await next_round(app, pilot)
        sim.faults.add(Fault.RATE_LIMIT, times=1, retry_after=30)
        sim.clock.advance(5)
        await next_round(app, pilot, "r")
        status = app.query_one("#status").text  # type: ignore[attr-defined]
        assert "rate limited" in status and "next" in status

        sim.faults.add(Fault.HTTP_500, times=1)
        sim.clock.advance(31)  # past Retry-After
        await next_round(app, pilot, "r")
        status = app.query_one("#status").text  # type: ignore[attr-defined]
        assert "500" in status

        sim.clock.advance(400)  # past the backoff; the task is done by now
        await next_round(app, pilot, "r")
        status = app.query_one("#status").text  # type: ignore[attr-defined]
        assert "✗" not in status
        assert status_of(app, task) is TaskStatus.SUCCESS
        assert app.is_running


async def test_refused_token_stops_polling_with_a_banner(harness: Harness) -> None:
    sim = harness.sim
    task = sim.add_task("success", title="Delta", delays=DELAYS)
    app = harness.app([task], token="wrong-token")
    async with app.run_test(size=(120, 30)) as pilot:
        await next_round(app, pilot)
        await pilot.pause()
        banner = app.query_one("#banner")
        assert banner.has_class("-shown")
        text = str(banner.render())
        assert "refused the token" in text
        assert "SUNO_TUI_TOKEN" in text and "config set token" in text
        assert "wrong-token" not in text
        assert "stopped" in app.query_one("#status").text  # type: ignore[attr-defined]


async def test_restart_on_the_same_store_shows_the_list_before_any_poll(
    harness: Harness,
) -> None:
    sim = harness.sim
    ids = [sim.add_task("success", title=f"Song {n}", delays=DELAYS) for n in range(3)]
    first = harness.app(ids)
    async with first.run_test(size=(120, 30)) as pilot:
        await next_round(first, pilot)
        sim.clock.advance(500)
        await next_round(first, pilot, "r")
        assert all(status_of(first, task_id) is TaskStatus.SUCCESS for task_id in ids)
        await pilot.press("q")

    again = harness.app(poll=False)
    async with again.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert sorted(again.task_list.order) == sorted(ids)
        assert all(status_of(again, task_id) is TaskStatus.SUCCESS for task_id in ids)
        assert any("Song 1" in row_text(again, task_id) for task_id in ids)
        assert len(again.event_log.events) >= 3  # the event log is restored too


async def test_the_status_bar_says_polling_during_a_round_and_idle_at_the_end(
    harness: Harness,
) -> None:
    sim = harness.sim
    task = sim.add_task("success", title="Epsilon", delays=DELAYS)
    app = harness.app([task])
    async with app.run_test(size=(120, 30)) as pilot:
        await next_round(app, pilot)
        # The next answer is held by the simulator until its clock moves on:
        # the round stays in flight for as long as the test wants.
        sim.faults.add(Fault.SLOW, times=1, delay=30)
        sim.clock.advance(5)  # past min_interval, which "r" does not skip
        app.round_seen.clear()
        await pilot.press("r")
        bar = await bar_shows(app, "↻ polling")
        assert "next" not in bar
        sim.clock.advance(400)  # the answer comes, and the task is finished by then
        await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
        bar = await bar_shows(app, "idle: every task has finished")
        assert "↻ polling" not in bar and "0 active" in bar
        assert status_of(app, task) is TaskStatus.SUCCESS
