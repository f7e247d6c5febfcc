"""Fault injection of the simulator (API kinds; asset kinds are in
test_simulator_assets.py): count-limited rules, paths, random mode, stats."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from suno_tui.simulator import Fault, ManualClock, Simulator


async def fetch(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/suno/fetch", json={"ids": []})


async def test_rate_limit_for_n_requests(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.RATE_LIMIT, times=2, retry_after=3)
    for _ in range(2):
        response = await fetch(simulator_client)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.json()["error"]["type"] == "new_api_error"
    assert (await fetch(simulator_client)).status_code == 200
    assert simulator.stats.faults["rate_limit"] == 2
    assert simulator.stats.faults_by_route[("fetch", "rate_limit")] == 2
    assert simulator.faults.rules == []


async def test_rate_limit_without_retry_after(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.RATE_LIMIT, retry_after=None)
    response = await fetch(simulator_client)
    assert response.status_code == 429
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    ("kind", "params", "status", "shape"),
    [
        (Fault.HTTP_500, {}, 500, "task"),
        (Fault.HTTP_500, {"body": "html"}, 500, "html"),
        (Fault.HTTP_502, {}, 502, "html"),
        (Fault.HTTP_502, {"body": "json"}, 502, "task"),
        (Fault.HTTP_503, {}, 503, "openai"),
        (Fault.HTTP_503, {"body": "html"}, 503, "html"),
        (Fault.HTML_PAGE, {}, 200, "html"),
        (Fault.HTML_PAGE, {"status": 403}, 403, "html"),
    ],
)
async def test_server_errors_and_html_pages(
    simulator: Simulator,
    simulator_client: httpx.AsyncClient,
    kind: Fault,
    params: dict[str, object],
    status: int,
    shape: str,
) -> None:
    simulator.faults.add(kind, path="/suno/fetch", **params)
    response = await fetch(simulator_client)
    assert response.status_code == status
    if shape == "html":
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.text.lstrip().lower().startswith(("<html", "<!doctype html"))
        with pytest.raises(json.JSONDecodeError):
            response.json()
    elif shape == "task":
        body = response.json()
        assert body["code"] == "get_tasks_failed" and body["data"] is None
    else:
        assert response.json()["error"]["type"] == "new_api_error"
    assert (await fetch(simulator_client)).status_code == 200


async def test_truncated_json_with_honest_length(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    simulator.faults.add(Fault.TRUNCATED_JSON)
    response = await simulator_client.post("/suno/fetch", json={"ids": [tid]})
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert response.text.startswith('{"code":"success"')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    # the connection is still usable
    response = await simulator_client.post("/suno/fetch", json={"ids": [tid]})
    assert response.json()["data"][0]["task_id"] == tid


async def test_truncated_json_cutting_the_connection(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.TRUNCATED_JSON, keep=10, cut_connection=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await fetch(simulator_client)
    assert (await fetch(simulator_client)).status_code == 200


async def test_reset_closes_without_an_answer(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.RESET, path="/suno/submit/music")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        await simulator_client.post("/suno/submit/music", json={"prompt": "la"})
    assert simulator.tasks.all() == []  # nothing was done
    assert (await simulator_client.post("/suno/submit/music", json={"prompt": "la"})).is_success
    assert simulator.stats.faults["reset"] == 1


async def wait_for_sleepers(clock: ManualClock, count: int) -> None:
    for _ in range(1000):
        if clock.sleepers >= count:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the request never started waiting for the clock")


async def let_the_loop_run(turns: int = 200) -> None:
    """Give the loop many turns: far more than an answer needs once it is due
    (test_a_due_answer_arrives_within_the_turns_the_test_allows checks that)."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def test_a_due_answer_arrives_within_the_turns_the_test_allows(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    """Without this, "not done after let_the_loop_run" could hold only because
    the loop was not given enough turns for the answer to arrive."""
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    simulator.faults.add(Fault.SLOW, delay=30)
    pending = asyncio.create_task(fetch(simulator_client))
    await wait_for_sleepers(clock, 1)
    clock.advance(30)
    await let_the_loop_run()
    assert pending.done()
    assert pending.result().status_code == 200


async def test_slow_answer_waits_for_the_clock(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    simulator.faults.add(Fault.SLOW, delay=30)
    pending = asyncio.create_task(fetch(simulator_client))
    await wait_for_sleepers(clock, 1)
    clock.advance(29)
    # the answer is still waiting for the clock, however long the loop runs
    await let_the_loop_run()
    assert clock.sleepers == 1
    assert not pending.done()
    clock.advance(1)
    response = await pending
    assert response.status_code == 200
    assert clock.sleepers == 0


async def test_slow_with_a_real_delay(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.SLOW, real_delay=0.001)
    assert (await fetch(simulator_client)).status_code == 200
    assert simulator.stats.faults["slow"] == 1


async def test_slow_combines_with_a_terminal_fault(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.SLOW, real_delay=0.001)
    simulator.faults.add(Fault.HTTP_503)
    simulator.faults.add(Fault.HTTP_500)  # only one terminal fault per request
    assert (await fetch(simulator_client)).status_code == 503
    assert (await fetch(simulator_client)).status_code == 500
    assert (await fetch(simulator_client)).status_code == 200


async def test_after_path_and_unlimited_rules(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.HTTP_500, after=1)
    assert (await fetch(simulator_client)).status_code == 200
    assert (await fetch(simulator_client)).status_code == 500
    assert (await fetch(simulator_client)).status_code == 200

    rule = simulator.faults.add(Fault.HTTP_502, times=None, path="/suno/fetch/")
    for _ in range(3):
        assert (await simulator_client.get("/suno/fetch/abc")).status_code == 502
        assert (await fetch(simulator_client)).status_code == 200
    simulator.faults.remove(rule)
    assert (await simulator_client.get("/suno/fetch/abc")).status_code == 400
    assert rule.fired == 3


async def test_api_faults_spare_assets_unless_their_path_is_given(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    url = simulator.render(tid)["data"][0]["image_url"]
    simulator.faults.add(Fault.HTTP_503, times=None)
    assert (await simulator_client.get(url)).status_code == 200
    simulator.faults.clear()
    simulator.faults.add(Fault.HTTP_503, path="/assets/")
    assert (await simulator_client.get(url)).status_code == 503
    assert (await fetch(simulator_client)).status_code == 200


def test_rule_validation() -> None:
    sim = Simulator()
    with pytest.raises(TypeError, match="retry_after"):
        sim.faults.add(Fault.RATE_LIMIT, retry_afer=3)
    with pytest.raises(ValueError):
        sim.faults.add(Fault.RESET, times=0)
    with pytest.raises(ValueError):
        sim.faults.add("no_such_fault")
    with pytest.raises(ValueError):
        sim.faults.set_rate(1.5)
    assert sim.faults.add("rate_limit").kind is Fault.RATE_LIMIT


async def run_soak(sim: Simulator, client: httpx.AsyncClient, n: int) -> list[int]:
    statuses = []
    for _ in range(n):
        try:
            statuses.append((await fetch(client)).status_code)
        except httpx.TransportError:
            statuses.append(0)
    return statuses


async def test_random_faults_are_seeded_and_counted(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    kinds = [Fault.RATE_LIMIT, Fault.HTTP_500, Fault.RESET]
    simulator.faults.set_rate(0.3, kinds=kinds, seed=42)
    first = await run_soak(simulator, simulator_client, 150)
    failures = sum(status != 200 for status in first)
    assert 20 <= failures <= 80
    assert set(first) == {200, 429, 500, 0}
    assert simulator.stats.total_faults == failures
    assert simulator.stats.requests["fetch"] == 150
    assert simulator.stats.statuses[200] == first.count(200)

    simulator.faults.set_rate(0.3, kinds=kinds, seed=42)
    assert await run_soak(simulator, simulator_client, 150) == first

    simulator.faults.set_rate(0)
    assert set(await run_soak(simulator, simulator_client, 20)) == {200}
    simulator.faults.set_rate(1.0, kinds=[Fault.HTTP_502])
    assert set(await run_soak(simulator, simulator_client, 5)) == {502}


async def test_random_mode_uses_asset_kinds_only_on_assets(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    simulator.faults.set_rate(1.0, kinds=[Fault.ASSET_404], seed=1)
    assert (await fetch(simulator_client)).status_code == 200
    url = simulator.render(tid)["data"][0]["image_url"]
    assert (await simulator_client.get(url)).status_code == 404
    assert simulator.stats.faults_by_route[("asset", "asset_404")] == 1


async def test_stats_snapshot_and_reset(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.faults.add(Fault.RATE_LIMIT)
    await fetch(simulator_client)
    await fetch(simulator_client)
    await simulator_client.get("/suno/fetch/x")
    snapshot = simulator.stats.snapshot()
    assert snapshot["requests"] == {"fetch": 2, "fetch_one": 1}
    assert snapshot["statuses"] == {"200": 1, "400": 1, "429": 1}
    assert snapshot["faults"] == {"rate_limit": 1}
    assert snapshot["faults_by_route"] == {"fetch:rate_limit": 1}
    assert simulator.stats.paths["/suno/fetch"] == 2
    json.dumps(snapshot)
    simulator.stats.reset()
    assert simulator.stats.total_requests == 0
