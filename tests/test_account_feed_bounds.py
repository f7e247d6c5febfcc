"""A gateway that grows the account by thousands of fresh tasks a minute
(issue #21): discovery adds at most 10,000 tasks in its first look, 1,000 in
each later one and 20,000 in one run of the monitor, then stops following
and says so. The feed runs on a fake clock against a MockTransport gateway
whose every page is full of fresh ids (total: a billion)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Container
from datetime import UTC, datetime
from typing import Any

import httpx

from suno_tui.engine.account_feed import AccountFeed, AccountOptions, NewRows
from suno_tui.engine.events import EngineEvent, TasksDiscovered
from suno_tui.relay.account import AccountClient
from suno_tui.relay.client import RelayClient
from suno_tui.relay.models import Task
from tests.fixtures.account_pages import EndlessAccount
from tests.fixtures.waiting import wait_until_async

WAIT = 60.0  # a safety net for a hung test, not a timing assertion


class Clients:
    def __init__(self, relay: RelayClient) -> None:
        self.relay = relay

    async def client(self, profile: str) -> Any:
        return self.relay


class FakeTime:
    """Starts now (the gateway's tasks are submitted now, inside the window)."""

    def __init__(self) -> None:
        self.now = time.time()

    def clock(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_a_growing_account_cannot_grow_the_watch_list_without_bound() -> None:
    gateway = EndlessAccount()
    watched: set[str] = set()
    events: list[EngineEvent] = []
    fake = FakeTime()
    options = AccountOptions(
        profile="default", follow=True, configured=True, balance=False, interval=60.0
    )

    async def found(tasks: list[Task], profile: str) -> NewRows:
        watched.update(task.task_id for task in tasks)
        return (), ()

    def known() -> Container[str]:
        return watched

    async with RelayClient(
        "https://gw.example", "sk-KEY-1234", transport=httpx.MockTransport(gateway.handle)
    ) as relay:
        feed = AccountFeed(
            options,
            clients=Clients(relay),
            build_account=lambda relay: AccountClient(relay, access_token="acc", user_id=1),
            known=known,
            clock=fake.clock,
            sleep=fake.sleep,
        )
        runner = asyncio.ensure_future(feed.run(found, events.append))
        try:
            await wait_until_async(
                lambda: (
                    len(watched) > 30_000 or (feed.waiting and feed.discovery_pacer.next_at is None)
                ),
                "the feed neither stopped looking nor ran away",
                timeout=WAIT,
            )
        finally:
            feed.stop()
            await runner
    looks = [event for event in events if isinstance(event, TasksDiscovered)]
    assert len(watched) == 20_000, "before: 10,000 more at every look"
    # the first look reads the window (up to 10,000), later ones up to 1,000 each
    assert len(gateway.requests) == 100 + 10 * 10
    assert len(looks) == 11 and all(look.truncated for look in looks)
    assert "this look stopped at 1,000 new tasks" in looks[1].problems[0]
    last = looks[-1].problems[0]
    assert "20,000 were added in this run, the most one run adds" in last
    assert feed.discovery_pacer.next_at is None  # no more automatic looks
    request = feed.request_discovery()
    assert not request.started and "20,000" in request.why


def test_the_first_look_is_bounded_as_the_task_list_client_is_by_default() -> None:
    """The feed keeps its own bound (the client's module loads when account
    mode first runs, not at start); it is the client's default one."""
    from suno_tui.engine.account_feed import FIRST_LOOK_LIMIT, AccountOptions
    from suno_tui.relay.account import DEFAULT_LIST_LIMIT

    assert AccountOptions(profile="default").limit == FIRST_LOOK_LIMIT == DEFAULT_LIST_LIMIT
