"""Account mode in the monitor: tasks found in the account show at once (from
the list's data, no /suno/fetch), ``A`` looks now and says what it found or
which credential was refused, the key's balance is in the status bar, and
hostile titles from the list are shown literally. Against the simulator over
loopback (both gateway flavours), plus snapshots at 80x24 and 120x40."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TypeVar

import pytest

from suno_tui.engine.account_feed import AccountFeed, AccountOptions
from suno_tui.engine.events import (
    BalanceChanged,
    BalanceUnavailable,
    DiscoveryFailed,
    EngineEvent,
    TasksDiscovered,
)
from suno_tui.relay.balance import Balance
from suno_tui.simulator import ManualClock, Scenario, Simulator
from suno_tui.tui.bars.status_bar import StatusBar
from tests.fixtures.notifications import notes

from .conftest import build_app
from .fakes import FakeClients
from .sim_app import WAIT, SimApp, open_app, row_text, settings_for

E = TypeVar("E")
HOSTILE = "[/foo] [@click=app.quit]x[/] \x1b]52;c;aGk=\x07[b]bold \x9b31m"


class AccountApp(SimApp):
    """The monitor, with the engine's events kept for the test to wait on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[EngineEvent] = []
        self.news = asyncio.Event()
        self.engine.subscribe(self._keep)

    def _keep(self, event: EngineEvent) -> None:
        self.seen.append(event)
        self.news.set()

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.seen if isinstance(event, kind)]

    async def event(self, pilot: Any, kind: type[E], count: int = 1) -> E:
        async with asyncio.timeout(WAIT):
            while len(self.of(kind)) < count:
                self.news.clear()
                await self.news.wait()
        await pilot.pause()
        return self.of(kind)[count - 1]

    def toasts(self) -> list[str]:
        return [f"{n.title}: {n.message}" for n in notes(self)]

    def status_text(self) -> str:
        return self.query_one("#status", StatusBar).text


def account_settings(sim: Simulator, tmp: Path, **extra: Any) -> Any:
    options: dict[str, Any] = {
        "access_token": sim.access_token,
        "user_id": sim.user_id,
        "follow_account": True,
    }
    options.update(extra)
    return settings_for(sim, tmp, **options)


async def started(**options: Any) -> Simulator:
    sim = Simulator(seed=2, clock=ManualClock(), **options)
    await sim.start()
    return sim


@pytest.mark.parametrize("flavour", ["new-api", "one-hub"])
async def test_the_accounts_tasks_show_at_once_with_the_balance(
    flavour: str, tmp_path: Path
) -> None:
    sim = await started(account_flavour=flavour)
    try:
        ids = [sim.add_task(Scenario.SUCCESS, elapsed=900 - i) for i in range(3)]
        hostile = sim.add_task(Scenario.SUCCESS, title=HOSTILE, elapsed=100)
        app = open_app(account_settings(sim, tmp_path), sim, app_class=AccountApp)
        assert isinstance(app, AccountApp)
        async with app.run_test(size=(140, 30)) as pilot:
            await app.event(pilot, TasksDiscovered)
            await app.event(pilot, BalanceChanged)
            await pilot.pause()
            assert app.task_list.order and set(app.task_list.order) == {*ids, hostile}
            assert "3 new tasks" not in " ".join(app.toasts())
            assert any("4 new tasks from the account" in toast for toast in app.toasts())
            line = row_text(app, hostile)
            assert "[/foo] [@click=app.quit]x[/]" in line
            title = app.engine.get(hostile).title  # type: ignore[union-attr]
            assert "[b]bold" in title and "aGk=" not in title  # the OSC 52 went whole
            for text in (line, title):
                assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
            assert app.is_running
            # the billing endpoints do not say their unit: no "$" is claimed
            assert "key 25.00 credit left" in app.status_text()
            assert sim.stats.requests["fetch"] == 0  # every row came from the list
            assert "✓" in row_text(app, ids[0]) and "2/2" in row_text(app, ids[0])
    finally:
        await sim.stop()


async def test_a_finds_new_tasks_and_says_how_many(tmp_path: Path) -> None:
    sim = await started()
    try:
        sim.add_task(elapsed=500)
        app = open_app(account_settings(sim, tmp_path), sim, app_class=AccountApp)
        assert isinstance(app, AccountApp)
        async with app.run_test(size=(120, 30)) as pilot:
            await app.event(pilot, TasksDiscovered)
            new = [sim.add_task(Scenario.SUCCESS, elapsed=0) for _ in range(3)]
            assert isinstance(sim.clock, ManualClock)
            sim.clock.advance(15)  # past the gap between two looks by hand
            await pilot.press("A")
            found = await app.event(pilot, TasksDiscovered, 2)
            assert found.manual and {s.task_id for s in found.added} == set(new)
            assert any("Account: 3 new tasks from the account" in t for t in app.toasts())
            assert set(new) <= set(app.task_list.order)
            sim.clock.advance(15)
            await pilot.press("A")
            await app.event(pilot, TasksDiscovered, 3)
            assert any("No new tasks in the account" in t for t in app.toasts())
            sim.clock.advance(3)
            await pilot.press("A")  # moments later: kept, and said when it runs
            await pilot.pause()
            assert any("in the account in 7 s" in t for t in app.toasts())
            assert len(app.of(TasksDiscovered)) == 3
            sim.clock.advance(7)  # the gap ends: the look runs without another press
            again = await app.event(pilot, TasksDiscovered, 4)
            assert again.manual and sim.stats.requests["account_task_self"] == 4
    finally:
        await sim.stop()


async def test_a_refused_access_token_is_named_in_the_toast(tmp_path: Path) -> None:
    sim = await started()
    try:
        settings = account_settings(sim, tmp_path, access_token="sk-wrong")
        app = open_app(settings, sim, app_class=AccountApp)
        assert isinstance(app, AccountApp)
        async with app.run_test(size=(120, 30)) as pilot:
            await app.event(pilot, DiscoveryFailed)
            toast = next(t for t in app.toasts() if t.startswith("Account: access refused"))
            assert "access token refused" in toast and "API key" in toast
            assert "sk-wrong" not in toast
    finally:
        await sim.stop()


async def test_no_balance_endpoints_no_balance_said_once(tmp_path: Path) -> None:
    sim = await started(account_endpoints=False)
    try:
        settings = settings_for(sim, tmp_path)  # account mode not set up: the balance alone
        app = open_app(settings, sim, app_class=AccountApp)
        assert isinstance(app, AccountApp)
        async with app.run_test(size=(120, 30)) as pilot:
            unavailable = await app.event(pilot, BalanceUnavailable)
            assert unavailable.final
            assert "left" not in app.status_text()
            assert [t for t in app.toasts() if t.startswith("No balance")] != []
            assert not app.account.available  # A is not offered: no access token
            assert isinstance(sim.clock, ManualClock)
            for _ in range(6):
                sim.clock.advance(600)
                await pilot.pause()
            assert sim.stats.paths["/dashboard/billing/subscription"] == 1
            assert len(app.of(BalanceUnavailable)) == 1
    finally:
        await sim.stop()


# -- snapshots -----------------------------------------------------------------------

SIZES = [(80, 24), (120, 40)]


def _balance_app(balance: Balance) -> Any:
    app, _ = build_app(show_events=None, with_poller=True)
    clients = FakeClients()
    feed = AccountFeed(
        AccountOptions(profile="default", follow=True, configured=True, balance=False),
        clients=clients,
        build_account=lambda relay: relay,
        known=lambda: set(),
        clock=app.clock,
        sleep=_never,
    )
    feed.discovery_pacer.next_at = None  # nothing runs: a still picture
    feed.balance = balance
    app.engine.account = feed
    return app


async def _never(seconds: float) -> None:
    await asyncio.Event().wait()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_balance_in_the_status_bar(snap_compare: Any, size: tuple[int, int]) -> None:
    # from /api/usage/token/ (raw quota): the one answer whose unit is known
    usd = Balance(granted=25.0, used=12.66, remaining=12.34, unit="USD", unit_basis="quota")
    assert snap_compare(_balance_app(usd), terminal_size=size)


def test_an_unlimited_key(snap_compare: Any) -> None:
    app = _balance_app(Balance(granted=None, used=3.0, remaining=None, unlimited=True))
    assert snap_compare(app, terminal_size=(80, 24))


def test_status_text_names_the_key() -> None:
    from suno_tui.tui.bars.status_words import balance_text

    # "$" only when the unit is known to be USD
    usd = Balance(granted=25.0, used=12.66, remaining=12.34, unit="USD", unit_basis="quota")
    assert balance_text(usd) == "key $12.34 left"
    assert balance_text(Balance(granted=25.0, used=12.66, remaining=12.34)) == (
        "key 12.34 credit left"
    )
    assert balance_text(Balance(None, None, None, unlimited=True)) == "key unlimited"
    assert balance_text(Balance(10.0, 1.0, 9.0, unit="CNY")) == "key 9.00 CNY left"
    assert balance_text(Balance(None, 1.0, 6_170_000.0, unit="tokens")) == (
        "key 6,170,000 tokens left"
    )
    assert balance_text(None) == ""
