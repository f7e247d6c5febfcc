"""Account mode in the engine, headless, against the simulator over loopback:
discovery (both gateway flavours) shows tasks from the list's own data without
a /suno/fetch, refusals name the credential, a gateway without the endpoints
is told once and not asked again, 429s wait per the pacer, removed tasks stay
removed, and the balance is refreshed rarely.

The simulator's ManualClock is the engine's only clock; waits are on events
or on the simulator's counters, each with a safety-net timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from suno_tui.account.schedule import MANUAL_GAP
from suno_tui.config import GATEWAY_KEYS, Gateway, Settings
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.engine import Engine
from suno_tui.engine.events import (
    BalanceChanged,
    BalanceUnavailable,
    DiscoveryFailed,
    DiscoveryUnsupported,
    EngineEvent,
    TasksDiscovered,
)
from suno_tui.simulator import ManualClock, Scenario, Simulator
from suno_tui.simulator.account import RateWindow
from suno_tui.tracking.store import Store

WAIT = 30.0  # a safety net for a hung test, not a timing assertion
E = TypeVar("E")

pytestmark = pytest.mark.usefixtures("isolated_user")


def clock_of(sim: Simulator) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(sim.clock.now(), UTC)


def account_settings(sim: Simulator, tmp: Path, **extra: Any) -> Settings:
    """Settings for the simulator's account; ``extra`` may hold gateway keys and others."""
    gateway: dict[str, Any] = {
        "base_url": sim.base_url,
        "token": sim.token,
        "access_token": sim.access_token,
        "user_id": sim.user_id,
        "follow_account": True,
    }
    options: dict[str, Any] = {
        "download_dir": tmp / "downloads",
        "state_path": tmp / "state.sqlite3",
        "poll_interval": 3600.0,
    }
    for name, value in extra.items():
        (gateway if name in GATEWAY_KEYS else options)[name] = value
    return Settings(**options).with_gateway(Gateway(**gateway))


class Run:
    """An engine over the simulator, with its events and ways to wait for them."""

    def __init__(self, sim: Simulator, settings: Settings, **wiring: Any) -> None:
        assert isinstance(sim.clock, ManualClock)
        self.sim = sim
        self.clock: ManualClock = sim.clock
        self.engine: Engine = open_engine(
            settings, Wiring(clock=clock_of(sim), sleep=sim.clock.sleep, **wiring)
        )
        self.events: list[EngineEvent] = []
        self._changed = asyncio.Event()
        self.engine.subscribe(self._take)

    def _take(self, event: EngineEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    async def event(self, kind: type[E], count: int = 1) -> E:
        """Wait until ``count`` events of ``kind`` came; the last of them."""
        async with asyncio.timeout(WAIT):
            while len(self.of(kind)) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.of(kind)[count - 1]

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT):
            while not condition():
                await asyncio.sleep(0.005)

    async def settled(self) -> None:
        """The account loop waits again (nothing left to do now)."""
        feed = self.engine.account
        assert feed is not None
        for _ in range(5):
            await asyncio.sleep(0)
        await self.until(lambda: feed.waiting)

    def requests(self, route: str) -> int:
        return self.sim.stats.requests[route]


@pytest.fixture
async def run_factory(tmp_path: Path) -> AsyncIterator[Callable[..., Run]]:
    runs: list[Run] = []

    def make(sim: Simulator, settings: Settings | None = None, **wiring: Any) -> Run:
        run = Run(sim, settings or account_settings(sim, tmp_path), **wiring)
        runs.append(run)
        return run

    yield make
    for run in runs:
        await run.engine.aclose()


async def started_simulator(**options: Any) -> Simulator:
    sim = Simulator(seed=1, clock=ManualClock(), **options)
    await sim.start()
    return sim


@pytest.mark.parametrize("flavour", ["new-api", "new-api-legacy", "one-hub"])
async def test_discovery_shows_tasks_from_the_list_without_a_fetch(
    flavour: str, run_factory: Callable[..., Run]
) -> None:
    sim = await started_simulator(account_flavour=flavour)
    try:
        finished = [
            sim.add_task(Scenario.SUCCESS, title=f"done {i}", elapsed=3000 - i) for i in range(25)
        ]
        running = sim.add_task(
            Scenario.SUCCESS, title="running", elapsed=5, delays={"in_progress": 900}
        )
        sim.add_task(Scenario.SUCCESS, elapsed=3 * 86400)  # outside the 24 h window
        run = run_factory(sim)
        run.engine.start()
        found = await run.event(TasksDiscovered)
        assert [s.task_id for s in found.added] == [*finished, running]  # oldest first
        assert all(s.finished for s in found.added[:-1])
        assert found.added[0].title == "done 0" and found.added[0].clips_total == 2
        assert not found.added[-1].finished
        assert run.engine.task(finished[0]) is not None  # the raw clips are stored
        await run.settled()
        assert run.requests("fetch") == 0  # shown from the list's data alone
        # the running one is polled from the next regular round on (an hour away)
        run.clock.advance(3600)
        await run.until(lambda: run.requests("fetch") == 1)
        assert sim.stats.paths["/suno/fetch"] == 1
    finally:
        await sim.stop()


async def test_later_looks_cost_one_request_and_find_new_tasks(
    simulator: Simulator, run_factory: Callable[..., Run]
) -> None:
    for i in range(3):
        simulator.add_task(elapsed=100 - i)
    run = run_factory(simulator)
    run.engine.start()
    await run.event(TasksDiscovered)
    await run.settled()
    before = run.requests("account_task_self")
    new = simulator.add_task(Scenario.SUCCESS, title="new one", elapsed=0)
    run.clock.advance(300)  # account_interval
    found = await run.event(TasksDiscovered, 2)
    assert [s.task_id for s in found.added] == [new] and not found.manual
    assert run.requests("account_task_self") == before + 1


async def test_a_refused_access_token_says_which_credential(
    simulator: Simulator, run_factory: Callable[..., Run], tmp_path: Path
) -> None:
    settings = account_settings(simulator, tmp_path, access_token="not-the-token")
    run = run_factory(simulator, settings)
    run.engine.start()
    failed = await run.event(DiscoveryFailed)
    assert failed.credential and "access token refused (HTTP 200)" in failed.reason
    assert "not-the-token" not in failed.reason
    assert failed.retry_at is not None
    # the same refusal again is not told again
    await run.settled()
    run.clock.advance(failed.retry_at.timestamp() - simulator.clock.now())
    await run.until(lambda: run.requests("account_task_self") == 2)
    await run.settled()
    assert len(run.of(DiscoveryFailed)) == 1


async def test_a_wrong_user_id_is_named(
    simulator: Simulator, run_factory: Callable[..., Run], tmp_path: Path
) -> None:
    run = run_factory(simulator, account_settings(simulator, tmp_path, user_id=2))
    run.engine.start()
    failed = await run.event(DiscoveryFailed)
    assert failed.credential and "user_id" in failed.reason


async def test_a_gateway_without_the_endpoints_is_told_once_and_not_asked_again(
    run_factory: Callable[..., Run],
) -> None:
    sim = await started_simulator(account_endpoints=False)
    try:
        sim.add_task(elapsed=10)
        run = run_factory(sim)
        run.engine.start()
        unsupported = await run.event(DiscoveryUnsupported)
        unavailable = await run.event(BalanceUnavailable)
        assert "no task list" in unsupported.reason and unavailable.final
        await run.settled()
        counted = dict(sim.stats.paths)
        for _ in range(12):  # hours of an idle monitor
            run.clock.advance(600)
            await run.settled()
        await run.settled()
        assert sim.stats.paths["/api/task/self"] == 1
        assert sim.stats.paths["/dashboard/billing/subscription"] == 1
        assert sim.stats.paths["/api/usage/token/"] == 1
        assert dict(sim.stats.paths) == counted
        assert len(run.of(DiscoveryUnsupported)) == 1 and len(run.of(BalanceUnavailable)) == 1
        request = run.engine.discover_now()
        assert not request.started and "no task list" in request.why
    finally:
        await sim.stop()


async def test_a_rate_limited_look_waits_as_the_pacer_says(
    simulator: Simulator, run_factory: Callable[..., Run]
) -> None:
    simulator.add_task(elapsed=10)
    simulator.account.api_limit = RateWindow(0, 180.0)  # every request: 429
    run = run_factory(simulator)
    run.engine.start()
    failed = await run.event(DiscoveryFailed)
    assert "429" in failed.reason and not failed.credential
    pacer = run.engine.account.discovery_pacer  # type: ignore[union-attr]
    wait = pacer.blocked_until - simulator.clock.now()
    assert wait >= 60
    assert not run.engine.discover_now().started  # A is refused while waiting
    await run.settled()
    run.clock.advance(wait - 1)
    await run.settled()
    assert run.requests("account_task_self") == 1
    simulator.account.api_limit = RateWindow(360, 180.0)
    run.clock.advance(1)
    await run.event(TasksDiscovered)
    assert run.requests("account_task_self") == 2


async def test_removed_tasks_are_not_added_back(
    simulator: Simulator, run_factory: Callable[..., Run], tmp_path: Path
) -> None:
    ids = [simulator.add_task(elapsed=100 - i) for i in range(3)]
    run = run_factory(simulator)
    run.engine.start()
    await run.event(TasksDiscovered)
    run.engine.remove(ids[1])
    new = simulator.add_task(elapsed=0)
    await run.settled()
    run.clock.advance(60)
    assert run.engine.discover_now().started
    found = await run.event(TasksDiscovered, 2)
    assert found.manual and [s.task_id for s in found.added] == [new]
    assert ids[1] not in run.engine.summaries()
    await run.engine.aclose()
    # a new monitor on the same state file remembers it too
    with Store.open(tmp_path / "state.sqlite3") as store:
        assert store.removed_ids() == {ids[1]}
    again = run_factory(simulator)
    again.engine.load()
    again.engine.start()
    await again.settled()
    run.clock.advance(600)
    await again.until(lambda: again.requests("account_task_self") >= 3)
    await again.settled()
    assert ids[1] not in again.engine.summaries()
    assert not any(e.added for e in again.of(TasksDiscovered))


async def test_a_second_look_by_hand_moments_later_runs_when_the_gap_ends(
    simulator: Simulator, run_factory: Callable[..., Run]
) -> None:
    run = run_factory(simulator)
    run.engine.start()
    await run.event(TasksDiscovered)
    await run.settled()
    run.clock.advance(4)
    request = run.engine.discover_now()
    assert request.started and request.wait == pytest.approx(MANUAL_GAP - 4)
    assert run.engine.discover_now().wait == pytest.approx(MANUAL_GAP - 4)  # the same look
    await run.settled()
    run.clock.advance(MANUAL_GAP - 5)
    await run.settled()
    assert run.requests("account_task_self") == 1  # not before the gap ends
    run.clock.advance(1)
    found = await run.event(TasksDiscovered, 2)
    assert found.manual and run.requests("account_task_self") == 2
    await run.settled()
    assert run.requests("account_task_self") == 2  # asked twice, looked once


async def test_without_following_only_a_look_by_hand_runs(
    simulator: Simulator, run_factory: Callable[..., Run], tmp_path: Path
) -> None:
    simulator.add_task(elapsed=10)
    run = run_factory(simulator, account_settings(simulator, tmp_path, follow_account=False))
    run.engine.start()
    await run.event(BalanceChanged)
    await run.settled()
    assert run.requests("account_task_self") == 0 and run.engine.account_ready
    assert run.engine.discover_now().started
    found = await run.event(TasksDiscovered)
    assert found.manual and len(found.added) == 1
    await run.settled()
    run.clock.advance(3 * 3600)
    await run.settled()
    assert run.requests("account_task_self") == 1


async def test_account_off_refuses_a_look_and_following_it_is_a_config_error(
    simulator: Simulator, tmp_path: Path, run_factory: Callable[..., Run]
) -> None:
    from suno_tui.config import ConfigError

    off = account_settings(simulator, tmp_path, account_api="off", follow_account=False)
    run = run_factory(simulator, off)
    request = run.engine.discover_now()
    assert not request.started and "account mode is off" in request.why
    with pytest.raises(ConfigError, match="account mode"):
        open_engine(
            account_settings(simulator, tmp_path / "b", account_api="off"),
            Wiring(clock=clock_of(simulator)),
        )


async def test_the_balance_is_read_at_start_and_after_a_finish_never_per_poll(
    simulator: Simulator, run_factory: Callable[..., Run], tmp_path: Path
) -> None:
    settings = account_settings(simulator, tmp_path, follow_account=False, poll_interval=10.0)
    task = simulator.add_task(Scenario.SUCCESS, elapsed=0, delays=_quick())
    run = run_factory(simulator, settings, min_interval=2.0)
    run.engine.add([task])
    run.engine.start()
    changed = await run.event(BalanceChanged)
    assert changed.balance.remaining == pytest.approx(25.0) and not changed.balance.unlimited
    assert run.engine.balance == changed.balance
    await run.settled()
    subscription = "/dashboard/billing/subscription"
    assert simulator.stats.paths[subscription] == 1
    for _ in range(6):  # polls every 10 s until the task finishes at ~40 s
        if run.engine.get(task).finished:  # type: ignore[union-attr]
            break
        fetched = simulator.stats.requests["fetch"]
        run.clock.advance(10)
        # the round this step made due has been answered and applied
        await run.until(lambda: simulator.stats.requests["fetch"] > fetched)  # noqa: B023
        await run.until(lambda: not getattr(run.engine.status, "in_flight", False))
    await run.until(lambda: run.engine.get(task).finished)  # type: ignore[union-attr]
    # one refresh after the finish, not before a minute after the last one
    run.clock.advance(60)
    await run.event(BalanceChanged, 2)
    assert simulator.stats.paths[subscription] == 2
    assert simulator.stats.requests["fetch"] >= 4


def _quick() -> dict[str, float]:
    return {"not_start": 1, "submitted": 1, "queued": 1, "in_progress": 30}
