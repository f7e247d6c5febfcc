"""relay.account and relay.balance against the simulator over loopback (both
gateway flavours, refusals, missing endpoints, rate limits, hostile text,
the size cap), and against tiny fake gateways that lie about paging."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from suno_tui.relay.account import AccountClient, TaskQuery, parse_account_item
from suno_tui.relay.balance import billing_balance, fetch_balance, token_usage_balance
from suno_tui.relay.client import RelayClient
from suno_tui.relay.errors import (
    AccountAuthError,
    AuthError,
    MalformedResponse,
    NotSupported,
    RateLimited,
)
from suno_tui.relay.export import task_to_json, to_json_text
from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.simulator import ManualClock, Scenario, Simulator, seed_demo

HOSTILE = [
    "[/bold]x",
    "[@click=app.quit]click",
    "\x1b]52;c;ZXZpbA==\x07clip",
    "\x1b[2J\x9b31mred",
    "\u202egnp.exe",
]


def now_of(sim: Simulator) -> datetime:
    return datetime.fromtimestamp(sim.clock.now(), UTC)


@pytest.fixture(params=["new-api", "one-hub"])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
    simulator = Simulator(seed=5, clock=ManualClock(), account_flavour=request.param)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()
    assert not simulator.errors


def relay_for(sim: Simulator, **options: object) -> RelayClient:
    return RelayClient(sim.base_url, sim.token, verify=False, **options)  # type: ignore[arg-type]


def account_for(sim: Simulator, relay: RelayClient, **options: object) -> AccountClient:
    return AccountClient(
        relay,
        access_token=sim.access_token,
        user_id=sim.user_id,
        **options,  # type: ignore[arg-type]
    )


async def test_lists_every_task_of_the_window_newest_first(sim: Simulator) -> None:
    demo = seed_demo(sim)
    old = sim.add_task(elapsed=3 * 86400)
    async with relay_for(sim) as relay:
        account = account_for(sim, relay)
        since = now_of(sim) - timedelta(hours=24)
        listing = await account.list_tasks(TaskQuery(since=since))
    assert account.flavour == sim.account_flavour
    assert sorted(t.task_id for t in listing.tasks) == sorted(demo)
    assert old not in {t.task_id for t in listing.tasks}
    assert listing.pages == 1 and listing.complete and listing.problems == []
    # newest first = highest row id first; the same normalised shape as fetch --json
    assert [t.task_id for t in listing.tasks] == demo[::-1]
    for task in listing.tasks:
        assert task_to_json(task)["task_id"] == task.task_id
        assert task.progress_text in ("", "0%", "100%")
    lyrics = [t for t in listing.tasks if t.kind is TaskKind.LYRICS]
    assert len(lyrics) == 2  # one of them with action "", found by its data
    finished = [t for t in listing.tasks if t.status is TaskStatus.SUCCESS and t.clips]
    assert finished and all(clip.audio_url for clip in finished[0].clips)


async def test_paging_filters_and_limit(sim: Simulator) -> None:
    ids = [sim.add_task(elapsed=5000 - i) for i in range(250)]
    sim.add_task(Scenario.LYRICS, elapsed=10, delays={"in_progress": 1})
    running = sim.add_task(Scenario.STUCK, elapsed=60)
    async with relay_for(sim) as relay:
        account = account_for(sim, relay)
        everything = await account.list_tasks(TaskQuery())
        assert len(everything.tasks) == 252 and everything.pages == 3
        assert everything.total == 252 and everything.stop == "end"
        assert [t.task_id for t in everything.tasks][2:] == ids[::-1]
        limited = await account.list_tasks(TaskQuery(), limit=150)
        assert len(limited.tasks) == 150 and limited.pages == 2 and not limited.complete
        music = await account.list_tasks(TaskQuery(action="MUSIC", kind=TaskKind.MUSIC))
        assert len(music.tasks) == 251
        lyrics = await account.list_tasks(TaskQuery(kind=TaskKind.LYRICS))
        assert len(lyrics.tasks) == 1
        stuck = await account.list_tasks(TaskQuery(status="IN_PROGRESS"))
        assert [t.task_id for t in stuck.tasks] == [running]
        window = await account.list_tasks(TaskQuery(since=now_of(sim) - timedelta(seconds=120)))
        assert len(window.tasks) == 2


async def test_exactly_full_pages_take_one_request_each(sim: Simulator) -> None:
    for i in range(300):
        sim.add_task(elapsed=1000 - i)
    async with relay_for(sim) as relay:
        listing = await account_for(sim, relay).list_tasks(TaskQuery())
        assert relay.requests_sent == 3  # the totals say when to stop
    assert len(listing.tasks) == 300 and listing.stop == "total"
    async with relay_for(sim) as relay:
        exact = await account_for(sim, relay).list_tasks(TaskQuery(), limit=300)
        assert relay.requests_sent == 3
    assert exact.complete  # the limit met the end: nothing was left out
    async with relay_for(sim) as relay:
        short = await account_for(sim, relay).list_tasks(TaskQuery(), limit=299)
    assert not short.complete and short.stop == "limit"


async def test_refused_access_token_names_the_credential(sim: Simulator) -> None:
    async with relay_for(sim) as relay:
        for token in ("not-the-token", sim.token):  # the sk key is refused with HTTP 200
            account = AccountClient(relay, access_token=token, user_id=sim.user_id)
            with pytest.raises(AccountAuthError) as caught:
                await account.list_tasks(TaskQuery())
            text = str(caught.value)
            assert "access token refused (HTTP 200)" in text
            assert "SUNO_TUI_ACCESS_TOKEN" in text and "not the API key" in text
            assert sim.token not in text and token not in text
            assert isinstance(caught.value, AuthError)


async def test_user_id_problems_are_401_on_new_api(simulator: Simulator) -> None:
    async with relay_for(simulator) as relay:
        missing = AccountClient(relay, access_token=simulator.access_token)
        with pytest.raises(AccountAuthError) as caught:
            await missing.list_tasks(TaskQuery())
        assert "HTTP 401" in str(caught.value) and "set user_id" in str(caught.value)
        assert "SUNO_TUI_USER_ID" in str(caught.value)
        wrong = AccountClient(relay, access_token=simulator.access_token, user_id=99)
        with pytest.raises(AccountAuthError, match=r"check user_id \(99"):
            await wrong.list_tasks(TaskQuery())
        renamed = AccountClient(
            relay, access_token=simulator.access_token, user_id=1, user_header="Veloera-User"
        )
        with pytest.raises(AccountAuthError, match="Veloera-User"):
            await renamed.list_tasks(TaskQuery())
        simulator.user_header = "Veloera-User"
        assert (await renamed.list_tasks(TaskQuery())).tasks == []


async def test_no_access_token_is_refused_before_sending(simulator: Simulator) -> None:
    async with relay_for(simulator) as relay:
        with pytest.raises(AccountAuthError, match="no access token is set"):
            await AccountClient(relay, access_token=None).list_tasks(TaskQuery())
        assert relay.requests_sent == 0


async def test_a_gateway_without_the_endpoints(sim: Simulator) -> None:
    sim.account_endpoints = False
    async with relay_for(sim) as relay:
        with pytest.raises(NotSupported, match="no task list"):
            await account_for(sim, relay).list_tasks(TaskQuery())
        with pytest.raises(NotSupported, match="no balance endpoints"):
            await fetch_balance(relay)


async def test_a_web_page_means_not_supported(simulator: Simulator) -> None:
    from suno_tui.simulator import Fault

    simulator.faults.add(Fault.HTML_PAGE, path="/api/task/self")
    simulator.faults.add(Fault.HTML_PAGE, path="/dashboard/")
    simulator.faults.add(Fault.HTML_PAGE, path="/api/usage/")
    async with relay_for(simulator) as relay:
        with pytest.raises(NotSupported):
            await account_for(simulator, relay).list_tasks(TaskQuery())
        with pytest.raises(NotSupported):
            await fetch_balance(relay)


async def test_rate_limited_task_list(simulator: Simulator) -> None:
    simulator.account.api_limit.limit = 1
    async with relay_for(simulator) as relay:
        account = account_for(simulator, relay)
        await account.list_tasks(TaskQuery())
        with pytest.raises(RateLimited):
            await account.list_tasks(TaskQuery())


async def test_hostile_fields_in_a_page_of_100_are_kept_literally(sim: Simulator) -> None:
    for i in range(100):
        sim.add_task(title=HOSTILE[i % 5], prompt=HOSTILE[(i + 1) % 5], elapsed=1000 - i)
    async with relay_for(sim) as relay:
        listing = await account_for(sim, relay).list_tasks(TaskQuery())
    assert len(listing.tasks) == 100
    assert {t.title for t in listing.tasks} == set(HOSTILE)
    assert {t.raw["properties"]["input"] for t in listing.tasks} == set(HOSTILE)
    for task in listing.tasks:
        text = to_json_text(task_to_json(task))
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "\u202e" not in text
        assert json.loads(text)["clips"][0]["title"] == task.title


async def test_an_answer_over_the_size_cap_is_refused(sim: Simulator) -> None:
    for i in range(100):
        sim.add_task(elapsed=100 - i)
    async with relay_for(sim, max_response_bytes=64 * 1024) as relay:
        with pytest.raises(MalformedResponse, match="exceeds the 65536-byte limit"):
            await account_for(sim, relay).list_tasks(TaskQuery())


async def test_auto_detection_needs_no_extra_request(sim: Simulator) -> None:
    sim.add_task()
    async with relay_for(sim) as relay:
        account = account_for(sim, relay, api="auto")
        assert account.flavour is None
        await account.list_tasks(TaskQuery())
        assert account.flavour == sim.account_flavour and relay.requests_sent == 1


async def test_an_old_new_api_build_pages_from_zero() -> None:
    sim = Simulator(seed=2, clock=ManualClock(), account_flavour="new-api-legacy")
    async with sim:
        ids = [sim.add_task(elapsed=100 - i) for i in range(25)]
        async with relay_for(sim) as relay:
            account = account_for(sim, relay)
            listing = await account.list_tasks(TaskQuery())
    assert account.flavour == "new-api-legacy"
    assert [t.task_id for t in listing.tasks] == ids[::-1]
    # the first (p=1) answer was the second page: read again from p=0, then p=1, p=2
    assert listing.pages == 3


# -- balance ----------------------------------------------------------------------


async def test_balance_goes_down_with_each_submit(sim: Simulator) -> None:
    async with relay_for(sim) as relay:
        before = await fetch_balance(relay)
        assert (before.granted, before.used, before.remaining) == (25.0, 0.0, 25.0)
        assert before.source == "billing" and not before.unlimited and before.expires_at is None
        await relay.submit_music({"prompt": "la la"})
        await relay.submit_lyrics("a song")
        after = await fetch_balance(relay)
        assert after.used == pytest.approx(0.11) and after.remaining == pytest.approx(24.89)


async def test_balance_of_an_unlimited_key(simulator: Simulator) -> None:
    simulator.ledger.granted = None
    simulator.ledger.expires_at = int(simulator.clock.now()) + 86400
    async with relay_for(simulator) as relay:
        balance = await billing_balance(relay)
        assert balance.unlimited and balance.remaining is None and balance.granted is None
        assert balance.expires_at == now_of(simulator) + timedelta(days=1)
        usage = await token_usage_balance(relay)
        assert usage.unlimited and usage.source == "usage-token"


async def test_usage_token_figures_and_its_rate_limit(simulator: Simulator) -> None:
    simulator.ledger.used = 1_000_000  # 2 USD
    async with relay_for(simulator) as relay:
        usage = await token_usage_balance(relay)
        assert (usage.granted, usage.used, usage.remaining) == (25.0, 2.0, 23.0)
        simulator.account.usage_token_limit.limit = 1
        with pytest.raises(RateLimited):
            await token_usage_balance(relay)


async def test_a_used_up_key_is_an_auth_error_about_the_api_key(sim: Simulator) -> None:
    sim.ledger.granted = sim.ledger.used = 50_000
    async with relay_for(sim) as relay:
        with pytest.raises(AuthError) as caught:
            await fetch_balance(relay)
    assert not isinstance(caught.value, AccountAuthError)
    assert "exhausted" in str(caught.value)


async def test_without_billing_new_api_falls_back_to_usage_token(simulator: Simulator) -> None:
    from suno_tui.simulator import Fault

    simulator.faults.add(Fault.HTML_PAGE, path="/dashboard/billing/subscription", status=404)
    async with relay_for(simulator) as relay:
        balance = await fetch_balance(relay)
    assert balance.source == "usage-token" and balance.remaining == 25.0
    # raw quota: the one answer whose unit is known (500,000 per USD, the default)
    assert (balance.unit, balance.unit_basis) == ("USD", "quota")


async def test_the_billing_unit_is_unknown_unless_the_profile_says_it(sim: Simulator) -> None:
    async with relay_for(sim) as relay:
        unknown = await fetch_balance(relay)
        assert (unknown.unit, unknown.unit_basis) == (None, "unknown")
        assert unknown.remaining == 25.0
        for unit in ("USD", "CNY", "tokens"):
            said = await fetch_balance(relay, unit=unit)
            assert (said.unit, said.unit_basis, said.remaining) == (unit, "config", 25.0)


async def test_usage_token_in_raw_tokens_when_the_profile_says_tokens(
    simulator: Simulator,
) -> None:
    simulator.ledger.used = 1_000_000
    async with relay_for(simulator) as relay:
        raw = await token_usage_balance(relay, raw=True)
    assert (raw.unit, raw.used, raw.remaining) == ("tokens", 1_000_000.0, 11_500_000.0)


# -- gateways that lie --------------------------------------------------------------


def fake_relay(handler: Callable[[httpx.Request], httpx.Response]) -> RelayClient:
    return RelayClient("https://gw.example", "sk-KEY-1234", transport=httpx.MockTransport(handler))


def page(ids: list[str], total: int, number: int) -> httpx.Response:
    items = [{"id": n, "task_id": i, "status": "SUCCESS", "data": []} for n, i in enumerate(ids)]
    data = {"page": number, "page_size": 100, "total": total, "items": items}
    return httpx.Response(200, json={"success": True, "message": "", "data": data})


async def test_a_gateway_that_repeats_the_same_page_is_stopped() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return page([f"t{i}" for i in range(100)], 10**9, 1)  # ignores p

    async with fake_relay(handler) as relay:
        listing = await AccountClient(relay, access_token="acc", user_id=1).list_tasks(TaskQuery())
    assert len(calls) == 2 and listing.stop == "repeat" and len(listing.tasks) == 100
    assert "sent page 2 again" in listing.problems[0]


async def test_a_gateway_whose_totals_lie_is_stopped_by_the_bound() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        number = int(request.url.params["p"])
        return page([f"p{number}-{i}" for i in range(100)], 10**9, number)

    async with fake_relay(handler) as relay:
        account = AccountClient(relay, access_token="acc", user_id=1, api="new-api")
        listing = await account.list_tasks(TaskQuery(), limit=1000)
        assert len(calls) == 10 and listing.stop == "limit"
        # a visitor that never stops: the bound (limit / page size + 2) does
        calls.clear()
        walk = await account.walk(TaskQuery(), lambda _page: True, limit=1000)
    assert len(calls) == 12 and walk.stop == "bound"
    assert "stopped after 12 requests" in walk.problems[0]


async def test_secrets_echoed_by_the_gateway_are_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        echoed = request.headers.get("authorization", "")
        return httpx.Response(200, json={"success": False, "message": f"bad token {echoed}"})

    async with fake_relay(handler) as relay:
        account = AccountClient(relay, access_token="acc-SECRET-99", user_id=1)
        with pytest.raises(AccountAuthError) as caught:
            await account.list_tasks(TaskQuery())
    assert "acc-SECRET-99" not in str(caught.value) and "bad token ***" in str(caught.value)


async def test_request_shapes_per_flavour() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        data = {"data": [], "page": 1, "size": 100, "total_count": 0}
        return httpx.Response(200, json={"success": True, "message": "", "data": data})

    since = datetime(2026, 1, 1, tzinfo=UTC)
    async with fake_relay(handler) as relay:
        account = AccountClient(relay, access_token="Bearer acc", user_id=7)
        await account.list_tasks(TaskQuery(since=since, status="SUCCESS", action="MUSIC"))
        await account.list_tasks(TaskQuery())
    first, second = seen
    assert first.headers["authorization"] == "acc" and first.headers["new-api-user"] == "7"
    assert first.url.params["p"] == "1" and first.url.params["page"] == "1"
    assert first.url.params["page_size"] == "100" and first.url.params["size"] == "100"
    assert first.url.params["start_timestamp"] == str(int(since.timestamp()))
    assert first.url.params["status"] == "SUCCESS" and first.url.params["action"] == "MUSIC"
    assert first.url.params["platform"] == "suno"
    # detected one-hub: its own parameters only, and no user header
    assert "p" not in second.url.params and "new-api-user" not in second.headers
    assert account.flavour == "one-hub"


def test_integer_progress_becomes_a_percentage() -> None:
    task = parse_account_item({"id": 3, "task_id": "t", "progress": 57, "status": "IN_PROGRESS"})
    assert task.progress_text == "57%" and task.reported_progress == 57
    assert task.task_id == "t"
