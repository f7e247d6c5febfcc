"""The simulator's account endpoints, spoken to with plain httpx over loopback:
both /api/task/self flavours with their auth, paging and filters, the billing
pair, /api/usage/token/ with its slash, envelope and rate limit, the ledger,
and the switch that removes them all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from suno_tui.simulator import MAIN_USER, ManualClock, Scenario, Simulator, seed_demo


@pytest.fixture
async def hub() -> AsyncIterator[Simulator]:
    sim = Simulator(seed=1, clock=ManualClock(), account_flavour="one-hub")
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
    assert not sim.errors


async def get(
    sim: Simulator, path: str, headers: dict[str, str] | None = None, **params: Any
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=sim.base_url, verify=False) as client:
        return await client.get(path, params=params, headers=headers or {})


def new_api_auth(sim: Simulator) -> dict[str, str]:
    return {"Authorization": sim.access_token, "New-Api-User": str(sim.user_id)}


async def test_new_api_pages_newest_first_with_totals(simulator: Simulator) -> None:
    ids = [simulator.add_task(elapsed=300 - i) for i in range(25)]
    answer = await get(simulator, "/api/task/self", new_api_auth(simulator), p=1, page_size=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True
    data = body["data"]
    assert (data["page"], data["page_size"], data["total"]) == (1, 10, 25)
    assert [row["task_id"] for row in data["items"]] == ids[::-1][:10]
    row = data["items"][0]
    assert isinstance(row["id"], int) and row["platform"] == "suno" and row["channel_id"] == 0
    assert row["progress"].endswith("%") and "properties" in row
    clips = simulator.render(ids[-1])["data"]
    assert [c["id"] for c in row["data"]] == [c["id"] for c in clips]  # the raw Suno clips
    third = await get(simulator, "/api/task/self", new_api_auth(simulator), p=3, page_size=10)
    assert [r["task_id"] for r in third.json()["data"]["items"]] == ids[::-1][20:]
    # page_size is cut to 100; p below 1 is 1
    cut = await get(simulator, "/api/task/self", new_api_auth(simulator), p=0, page_size=500)
    assert cut.json()["data"]["page_size"] == 100 and cut.json()["data"]["page"] == 1


async def test_new_api_refusals(simulator: Simulator) -> None:
    none = await get(simulator, "/api/task/self")
    assert none.status_code == 401 and none.json()["success"] is False
    # a bad token, or the API key: HTTP 200 with success false
    for token in ("wrong", simulator.token, f"Bearer {simulator.token}"):
        bad = await get(simulator, "/api/task/self", {"Authorization": token, "New-Api-User": "1"})
        assert bad.status_code == 200
        assert bad.json() == {"success": False, "message": "Unauthorized, invalid access token"}
    zh = await get(
        simulator,
        "/api/task/self",
        {"Authorization": "x", "New-Api-User": "1", "Accept-Language": "zh"},
    )
    assert "无效" in zh.json()["message"]
    for header in ({}, {"New-Api-User": "abc"}, {"New-Api-User": "2"}):
        refused = await get(
            simulator, "/api/task/self", {"Authorization": simulator.access_token, **header}
        )
        assert refused.status_code == 401 and "New-Api-User" in refused.json()["message"]
    ok = await get(
        simulator,
        "/api/task/self",
        {"Authorization": f"Bearer {simulator.access_token}", "New-Api-User": "1"},
    )
    assert ok.json()["success"] is True


async def test_filters(simulator: Simulator) -> None:
    clock = simulator.clock
    old = simulator.add_task(elapsed=7200)
    lyrics = simulator.add_task(Scenario.LYRICS, elapsed=600, delays={"in_progress": 5})
    running = simulator.add_task(Scenario.STUCK, elapsed=100)
    now = int(clock.now())
    auth = new_api_auth(simulator)

    async def ids(**params: Any) -> list[str]:
        answer = await get(simulator, "/api/task/self", auth, p=1, page_size=100, **params)
        return [row["task_id"] for row in answer.json()["data"]["items"]]

    assert await ids() == [running, lyrics, old]
    assert await ids(start_timestamp=now - 3600) == [running, lyrics]
    assert await ids(end_timestamp=now - 3600) == [old]
    assert await ids(action="LYRICS") == [lyrics]
    assert await ids(status="IN_PROGRESS") == [running]
    assert await ids(status="SUCCESS") == [lyrics, old]
    assert await ids(task_id=old) == [old]
    assert await ids(platform="midjourney") == []


async def test_foreign_tasks_stay_out_and_seed_demo_is_listed(simulator: Simulator) -> None:
    demo = seed_demo(simulator)
    answer = await get(simulator, "/api/task/self", new_api_auth(simulator), page_size=100)
    listed = [row["task_id"] for row in answer.json()["data"]["items"]]
    assert sorted(listed) == sorted(demo)
    foreign = await get(
        simulator,
        "/api/task/self",
        {"Authorization": simulator.foreign_access_token, "New-Api-User": "2"},
        page_size=100,
    )
    assert len(foreign.json()["data"]["items"]) == 1


async def test_legacy_build_answers_a_bare_array_from_page_zero() -> None:
    sim = Simulator(seed=2, clock=ManualClock(), account_flavour="new-api-legacy")
    async with sim:
        ids = [sim.add_task(elapsed=100 - i) for i in range(12)]
        first = await get(sim, "/api/task/self", new_api_auth(sim), p=0, page_size=100)
        second = await get(sim, "/api/task/self", new_api_auth(sim), p=1)
    assert [r["task_id"] for r in first.json()["data"]] == ids[::-1][:10]
    assert [r["task_id"] for r in second.json()["data"]] == ids[::-1][10:]


async def test_one_hub_pages_and_refusals(hub: Simulator) -> None:
    ids = [hub.add_task(elapsed=100 - i) for i in range(5)]
    assert len(hub.access_token) == 36  # a UUID
    answer = await get(hub, "/api/task/self", {"Authorization": hub.access_token}, page=1, size=3)
    data = answer.json()["data"]
    assert (data["page"], data["size"], data["total_count"]) == (1, 3, 5)
    assert [r["task_id"] for r in data["data"]] == ids[::-1][:3]
    row = data["data"][0]
    assert isinstance(row["progress"], int) and "notify_hook" in row and "token_id" in row
    too_big = await get(hub, "/api/task/self", {"Authorization": hub.access_token}, size=101)
    assert too_big.status_code == 200
    assert too_big.json() == {"success": False, "message": "size 参数不能超过 100"}
    bad = await get(hub, "/api/task/self", {"Authorization": "Bearer nope"})
    assert bad.status_code == 200 and bad.json()["success"] is False
    none = await get(hub, "/api/task/self")
    assert none.status_code == 401 and "未提供" in none.json()["message"]
    # no user header needed; one-hub has no /api/usage/token/
    assert (
        await get(hub, "/api/usage/token/", {"Authorization": f"Bearer {hub.token}"})
    ).status_code == 404


async def test_the_general_api_limit(simulator: Simulator) -> None:
    simulator.account.api_limit.limit = 2
    codes = [
        (await get(simulator, "/api/task/self", new_api_auth(simulator))).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    simulator.clock.advance(180)
    assert (await get(simulator, "/api/task/self", new_api_auth(simulator))).status_code == 200


async def test_billing_follows_the_ledger(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    sub = (await simulator_client.get("/dashboard/billing/subscription")).json()
    assert sub["object"] == "billing_subscription" and sub["hard_limit_usd"] == 25.0
    assert (await simulator_client.get("/v1/dashboard/billing/usage")).json()["total_usage"] == 0
    submitted = await simulator_client.post("/suno/submit/music", json={"prompt": "la"})
    assert submitted.json()["code"] == "success"
    usage = (await simulator_client.get("/dashboard/billing/usage")).json()
    assert usage == {"object": "list", "total_usage": 10.0}  # 0.10 USD, times 100
    # a used-up key: 401 on billing, 403 on submits
    simulator.ledger.granted = simulator.ledger.used
    refused = await simulator_client.get("/dashboard/billing/subscription")
    assert refused.status_code == 401 and "exhausted" in refused.json()["error"]["message"]
    again = await simulator_client.post("/suno/submit/music", json={"prompt": "la"})
    assert again.status_code == 403
    # an unlimited key shows 100,000,000
    simulator.ledger.granted = None
    sub = (await simulator_client.get("/dashboard/billing/subscription")).json()
    assert sub["hard_limit_usd"] == 100_000_000


async def test_one_hub_unlimited_key_shows_the_user_quota(hub: Simulator) -> None:
    hub.ledger.granted = None
    answer = await get(
        hub, "/dashboard/billing/subscription", {"Authorization": f"Bearer {hub.token}"}
    )
    assert answer.json()["hard_limit_usd"] == 40.0


async def test_usage_token(simulator: Simulator) -> None:
    bearer = {"Authorization": f"Bearer {simulator.token}"}
    async with httpx.AsyncClient(base_url=simulator.base_url, verify=False) as client:
        moved = await client.get("/api/usage/token", headers=bearer)
        assert moved.status_code == 301 and moved.headers["location"] == "/api/usage/token/"
        answer = await client.get("/api/usage/token/", headers=bearer)
        assert answer.json()["code"] is True
        data = answer.json()["data"]
        assert data["object"] == "token_usage"
        assert data["total_granted"] == 25 * 500_000 and data["unlimited_quota"] is False
        no_scheme = await client.get(
            "/api/usage/token/", headers={"Authorization": simulator.token}
        )
        assert no_scheme.status_code == 401
        suffix = await client.get(
            "/api/usage/token/", headers={"Authorization": f"Bearer {simulator.token}-3"}
        )
        assert suffix.status_code == 200 and suffix.json()["success"] is False
        # 3 counted so far (not the redirect); 20 per 20 minutes of the simulator's clock
        codes = [
            (await client.get("/api/usage/token/", headers=bearer)).status_code for _ in range(18)
        ]
        assert codes == [200] * 17 + [429]
        limited = await client.get("/api/usage/token/", headers=bearer)
        assert limited.status_code == 429 and limited.content == b""
        simulator.clock.advance(1200)
        assert (await client.get("/api/usage/token/", headers=bearer)).status_code == 200


async def test_no_account_endpoints(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.account_endpoints = False
    for path in ("/api/task/self", "/dashboard/billing/subscription", "/api/usage/token/"):
        answer = await simulator_client.get(path)
        assert answer.status_code == 404, path
    assert simulator.tasks.all(MAIN_USER) == []
