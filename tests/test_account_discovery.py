"""Discovery pages only until it meets a known task; the pacer keeps the
account endpoints within the gateway's limits (a fake clock: plain numbers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from suno_tui.account.discovery import discover
from suno_tui.account.schedule import (
    BALANCE_INTERVAL,
    MANUAL_GAP,
    Pacer,
    balance_pacer,
    discovery_pacer,
)
from suno_tui.config.account_keys import MIN_ACCOUNT_INTERVAL
from suno_tui.relay.account import AccountApi, AccountClient
from suno_tui.relay.client import RelayClient
from suno_tui.simulator import ManualClock, Simulator


@pytest.fixture(params=["new-api", "one-hub"])
async def gateway(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
    """A simulated gateway of each flavour of ``/api/task/self``
    (docs/gateway.md: new-api and one-hub): discovery walks them all alike."""
    sim = Simulator(seed=0, clock=ManualClock(), account_flavour=request.param)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
    assert not sim.errors, f"simulator handler errors: {sim.errors!r}"


@pytest.fixture(params=["detected", "configured"])
def api(request: pytest.FixtureRequest, gateway: Simulator) -> AccountApi:
    """The profile's account_api: "auto" (the first answer names the flavour)
    or the gateway's own flavour, configured (its parameters only, from the start)."""
    return "auto" if request.param == "detected" else gateway.account_flavour  # type: ignore[return-value]


def since_of(sim: Simulator, hours: float = 24) -> datetime:
    return datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(hours=hours)


async def test_first_discovery_reads_the_window_then_one_page_per_look(
    gateway: Simulator, api: AccountApi
) -> None:
    ids = [gateway.add_task(elapsed=5000 - i) for i in range(230)]
    gateway.add_task(elapsed=2 * 86400)  # outside the window
    async with RelayClient(gateway.base_url, gateway.token, verify=False) as relay:
        account = AccountClient(relay, access_token=gateway.access_token, user_id=1, api=api)
        first = await discover(account, set(), since_of(gateway))
        assert account.flavour == gateway.account_flavour  # detected, and spoken since
        assert [t.task_id for t in first.tasks] == ids[::-1]
        assert first.pages == 3 and first.complete
        known = {t.task_id for t in first.tasks}

        before = relay.requests_sent
        nothing = await discover(account, known, since_of(gateway))
        assert nothing.tasks == [] and relay.requests_sent - before == 1

        new = [gateway.add_task() for _ in range(3)]
        found = await discover(account, known, since_of(gateway))
        assert [t.task_id for t in found.tasks] == new[::-1]
        assert found.pages == 1 and found.complete


async def test_removed_tasks_are_not_found_again(gateway: Simulator, api: AccountApi) -> None:
    ids = [gateway.add_task(elapsed=100 - i) for i in range(5)]
    async with RelayClient(gateway.base_url, gateway.token, verify=False) as relay:
        account = AccountClient(relay, access_token=gateway.access_token, user_id=1, api=api)
        watched = set(ids[:2])
        removed = {ids[4]}  # the person pressed x on the newest
        found = await discover(account, watched | removed, since_of(gateway))
    assert [t.task_id for t in found.tasks] == [ids[3], ids[2]]


async def test_a_discovery_that_finds_more_than_its_limit_says_it_is_incomplete(
    gateway: Simulator, api: AccountApi
) -> None:
    for i in range(30):
        gateway.add_task(elapsed=100 - i)
    async with RelayClient(gateway.base_url, gateway.token, verify=False) as relay:
        account = AccountClient(relay, access_token=gateway.access_token, user_id=1, api=api)
        found = await discover(account, set(), None, limit=10)
    assert len(found.tasks) == 10 and not found.complete


async def test_a_discovery_whose_limit_meets_the_lists_end_is_complete(
    simulator: Simulator,
) -> None:
    # so that the monitor does not say "this look stopped at 30 new tasks"
    for i in range(30):
        simulator.add_task(elapsed=100 - i)
    async with RelayClient(simulator.base_url, simulator.token, verify=False) as relay:
        account = AccountClient(relay, access_token=simulator.access_token, user_id=1)
        found = await discover(account, set(), None, limit=30)
    assert len(found.tasks) == 30 and found.complete


# -- the pacer --------------------------------------------------------------------


def test_discovery_interval_has_a_floor() -> None:
    assert discovery_pacer(5).interval == MIN_ACCOUNT_INTERVAL
    assert discovery_pacer(600).interval == 600


def test_runs_are_due_once_per_interval() -> None:
    pacer = discovery_pacer(300)
    assert pacer.due(0.0)
    pacer.started(0.0)
    assert not pacer.due(0.0)  # one in flight
    pacer.succeeded(2.0)
    assert not pacer.due(301.0) and pacer.due(302.0)
    assert pacer.delay(100.0) == 202.0


def test_a_run_asked_for_by_hand_is_kept_apart() -> None:
    pacer = discovery_pacer(300)
    pacer.started(0.0)
    assert pacer.request(1.0) is None  # still running
    pacer.succeeded(1.0)
    assert pacer.request(MANUAL_GAP + 1) == MANUAL_GAP + 1 and pacer.due(MANUAL_GAP + 1)


def test_a_run_asked_for_within_the_gap_runs_when_the_gap_ends() -> None:
    pacer = discovery_pacer(300)
    pacer.started(0.0)
    pacer.succeeded(1.0)
    assert pacer.request(3.0) == MANUAL_GAP  # kept, not dropped
    assert not pacer.due(MANUAL_GAP - 0.5) and pacer.due(MANUAL_GAP)
    assert pacer.delay(3.0) == MANUAL_GAP - 3.0
    assert pacer.request(4.0) == MANUAL_GAP  # asked again: the same run


def test_a_run_asked_for_within_the_gap_when_not_following() -> None:
    pacer = discovery_pacer(300)
    pacer.started(0.0)
    pacer.succeeded(1.0)
    pacer.next_at = None  # only by hand
    assert pacer.request(2.0) == MANUAL_GAP and pacer.delay(2.0) == MANUAL_GAP - 2.0


def test_a_rate_limit_waits_for_retry_after_or_backs_off() -> None:
    pacer = discovery_pacer(60)
    pacer.started(0.0)
    pacer.rate_limited(0.0, retry_after=500.0)
    assert not pacer.due(499.0) and pacer.due(500.0)
    assert pacer.request(400.0) is None  # the A key does not break through
    pacer.started(500.0)
    pacer.rate_limited(500.0, retry_after=None)  # no hint: 60 s doubled
    assert pacer.next_at == 620.0
    pacer.started(620.0)
    pacer.succeeded(620.0)
    assert pacer.failures == 0 and pacer.next_at == 680.0


def test_failures_back_off_up_to_a_cap() -> None:
    pacer = Pacer(interval=60.0, max_backoff=300.0)
    waits = []
    now = 0.0
    for _ in range(6):
        pacer.started(now)
        pacer.failed(now)
        assert pacer.next_at is not None
        waits.append(pacer.next_at - now)
        now = pacer.next_at
    assert waits == [60.0, 120.0, 240.0, 300.0, 300.0, 300.0]


def test_a_missing_endpoint_is_never_asked_again() -> None:
    pacer = balance_pacer()
    pacer.started(0.0)
    pacer.not_supported()
    assert pacer.delay(10**9) is None
    assert not pacer.due(10**9) and pacer.request(10**9) is None
    pacer.soon(10**9)
    assert not pacer.due(10**9)


@pytest.mark.parametrize("finishes", [1, 50])
def test_balance_refreshes_after_a_finish_but_not_per_poll(finishes: int) -> None:
    pacer = balance_pacer()
    pacer.started(0.0)
    pacer.succeeded(0.0)
    assert pacer.next_at == BALANCE_INTERVAL
    for second in range(finishes):  # many tasks finishing in a row: one refresh
        pacer.soon(10.0 + second * 0.1)
    assert pacer.next_at == 60.0
    pacer.started(60.0)
    pacer.succeeded(60.0)
    pacer.soon(61.0)
    assert pacer.next_at == 120.0
