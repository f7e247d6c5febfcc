"""Gateway behaviour of the simulator over real loopback HTTP: authentication,
envelopes, batch semantics, submits, and the HTTP server itself."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from suno_tui.simulator import FOREIGN_USER, ManualClock, Simulator, Status


def advance(sim: Simulator, seconds: float) -> None:
    clock = sim.clock
    assert isinstance(clock, ManualClock)
    clock.advance(seconds)


async def fetch(client: httpx.AsyncClient, ids: Any) -> httpx.Response:
    return await client.post("/suno/fetch", json={"ids": ids})


# -- authentication ---------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer wrong-token", "sim-wrong", "Basic abc"]
)
async def test_missing_or_wrong_token_gets_openai_style_401(
    simulator: Simulator, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient(
        base_url=simulator.base_url, headers=headers, verify=False
    ) as client:
        response = await fetch(client, [])
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == "new_api_error"
    assert body["error"]["message"]
    assert simulator.token not in response.text


@pytest.mark.parametrize("form", ["Bearer {}", "bearer {}", "{}", "Bearer   {}"])
async def test_token_accepted_with_or_without_bearer(simulator: Simulator, form: str) -> None:
    headers = {"Authorization": form.format(simulator.token)}
    async with httpx.AsyncClient(
        base_url=simulator.base_url, headers=headers, verify=False
    ) as client:
        response = await fetch(client, [])
    assert response.status_code == 200
    assert response.json() == {"code": "success", "message": "", "data": []}


# -- batch fetch ------------------------------------------------------------------


async def test_unknown_ids_are_omitted(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    known = simulator.add_task("success")
    response = await fetch(simulator_client, ["nope", known, "also-unknown"])
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "success" and body["message"] == ""
    assert [t["task_id"] for t in body["data"]] == [known]


async def test_no_match_gives_data_null_and_empty_gives_list(
    simulator_client: httpx.AsyncClient,
) -> None:
    response = await fetch(simulator_client, ["unknown-1", "unknown-2"])
    assert response.status_code == 200
    assert response.json() == {"code": "success", "message": "", "data": None}
    response = await fetch(simulator_client, [])
    assert response.json()["data"] == []
    response = await simulator_client.post("/suno/fetch", json={})  # ids missing: as empty
    assert response.json()["data"] == []


async def test_foreign_tasks_are_invisible(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    mine = simulator.add_task("success")
    theirs = simulator.add_task("success", user=FOREIGN_USER)
    response = await fetch(simulator_client, [theirs, mine])
    assert [t["task_id"] for t in response.json()["data"]] == [mine]
    response = await fetch(simulator_client, [theirs])
    assert response.json()["data"] is None
    response = await simulator_client.get(f"/suno/fetch/{theirs}")
    assert response.status_code == 400
    # the other user's token sees it
    headers = {"Authorization": f"Bearer {simulator.foreign_token}"}
    async with httpx.AsyncClient(
        base_url=simulator.base_url, headers=headers, verify=False
    ) as other:
        response = await fetch(other, [theirs, mine])
    assert [t["task_id"] for t in response.json()["data"]] == [theirs]


async def test_answers_in_database_order_with_duplicates_collapsed(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    ids = [simulator.add_task("success") for _ in range(5)]
    asked = [ids[3], ids[0], ids[4], ids[0], ids[1], ids[3]]
    response = await fetch(simulator_client, asked)
    got = [t["task_id"] for t in response.json()["data"]]
    assert got == [ids[0], ids[1], ids[3], ids[4]]
    assert got != list(dict.fromkeys(asked))


async def test_shuffled_order_and_row_cap(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    ids = [simulator.add_task("success") for _ in range(8)]
    simulator.result_order = "shuffled"
    orders = set()
    for _ in range(4):
        response = await fetch(simulator_client, ids)
        got = [t["task_id"] for t in response.json()["data"]]
        assert sorted(got) == sorted(ids)
        orders.add(tuple(got))
    assert len(orders) > 1
    simulator.max_rows = 3
    response = await fetch(simulator_client, ids)
    assert len(response.json()["data"]) == 3


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"",
        b"[1, 2]",
        b'{"ids": "abc"}',
        b'{"ids": [1, 2]}',
        b'{"ids": {"a": 1}}',
        b'{"ids": ["a"], "action": 5}',
        b"\xff\xfe",
    ],
)
async def test_bad_fetch_bodies_get_400_task_envelope(
    simulator_client: httpx.AsyncClient, body: bytes
) -> None:
    response = await simulator_client.post(
        "/suno/fetch", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid_request"
    assert payload["message"]
    assert payload["data"] is None


async def test_action_is_accepted_and_does_not_filter(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    music = simulator.add_task("success")
    lyrics = simulator.add_task("lyrics")
    response = await simulator_client.post(
        "/suno/fetch", json={"ids": [music, lyrics], "action": "MUSIC"}
    )
    assert {t["task_id"] for t in response.json()["data"]} == {music, lyrics}


async def test_fetch_one(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    response = await simulator_client.get(f"/suno/fetch/{tid}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "success"
    assert body["data"]["task_id"] == tid
    assert body["data"]["status"] == "SUCCESS"
    response = await simulator_client.get("/suno/fetch/does-not-exist")
    assert response.status_code == 400
    assert response.json() == {"code": "task_not_exist", "message": "task_not_exist", "data": None}


async def test_asset_urls_change_on_every_fetch(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    first = (await fetch(simulator_client, [tid])).json()["data"][0]["data"][0]["audio_url"]
    second = (await fetch(simulator_client, [tid])).json()["data"][0]["data"][0]["audio_url"]
    assert first != second
    assert first.split("?")[0] == second.split("?")[0]


# -- submit -----------------------------------------------------------------------


async def test_submit_music_creates_a_task_that_runs(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    parent = simulator.add_task("success", elapsed=1000)
    parent_clip = simulator.render(parent)["data"][0]["id"]
    payload = {
        "prompt": "[Verse]\nline one\n\n[Chorus]\nla la",
        "title": "Paper Satellites",
        "tags": "indie folk, 104 bpm",
        "mv": "chirp-v3-5",
        "make_instrumental": False,
        "task_id": parent,
        "continue_clip_id": parent_clip,
        "continue_at": 42.5,
    }
    response = await simulator_client.post("/suno/submit/music", json=payload)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "success" and body["message"] == ""
    tid = body["data"]
    assert isinstance(tid, str) and tid

    task = (await fetch(simulator_client, [tid])).json()["data"][0]
    assert task["status"] == "NOT_START" and task["data"] is None
    advance(simulator, 600)
    task = (await fetch(simulator_client, [tid])).json()["data"][0]
    assert task["status"] == "SUCCESS"
    for clip in task["data"]:
        assert clip["title"] == "Paper Satellites"
        assert clip["metadata"]["tags"] == "indie folk, 104 bpm"
        assert clip["metadata"]["prompt"] == payload["prompt"]
        assert clip["model_name"] == "chirp-v3-5"
        assert clip["major_model_version"] == "v3.5"
        history = clip["metadata"]["history"]
        assert history[0]["id"] == payload["continue_clip_id"]
        assert history[0]["continue_at"] == 42.5


async def test_submit_music_description_mode(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    response = await simulator_client.post(
        "/suno/submit/music",
        json={"gpt_description_prompt": "a calm lullaby for a rainy night", "mv": ""},
    )
    tid = response.json()["data"]
    advance(simulator, 600)
    clip = simulator.render(tid)["data"][0]
    assert clip["metadata"]["gpt_description_prompt"] == "a calm lullaby for a rainy night"
    assert clip["title"] and clip["metadata"]["tags"] and clip["metadata"]["prompt"]
    assert clip["model_name"] == "chirp-v3-0"  # new-api fills in a missing mv


async def test_submit_scenario_switch(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.submit_scenario = "partial"
    response = await simulator_client.post("/suno/submit/music", json={"prompt": "la"})
    advance(simulator, 600)
    assert simulator.status(response.json()["data"]) is Status.FAILURE


async def test_submit_lyrics(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    response = await simulator_client.post(
        "/suno/submit/lyrics", json={"prompt": "a song about summer rain"}
    )
    assert response.status_code == 200
    tid = response.json()["data"]
    advance(simulator, 120)
    task = (await simulator_client.get(f"/suno/fetch/{tid}")).json()["data"]
    assert task["action"] == "LYRICS"
    assert task["status"] == "SUCCESS"
    assert task["data"]["title"] == "Summer Rain"
    assert "summer rain" in task["data"]["text"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/suno/submit/music", {}),
        ("/suno/submit/music", {"prompt": ""}),
        ("/suno/submit/music", {"prompt": 5}),
        ("/suno/submit/music", {"prompt": "x", "make_instrumental": "yes"}),
        ("/suno/submit/music", {"prompt": "x", "continue_at": "ten"}),
        ("/suno/submit/music", {"prompt": "x", "continue_clip_id": "abc"}),
        ("/suno/submit/music", ["prompt"]),
        ("/suno/submit/lyrics", {}),
        ("/suno/submit/lyrics", {"prompt": "   "}),
        ("/suno/submit/lyrics", {"prompt": ["a"]}),
    ],
)
async def test_bad_submits_get_400(
    simulator: Simulator, simulator_client: httpx.AsyncClient, path: str, body: Any
) -> None:
    response = await simulator_client.post(path, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert response.json()["data"] is None
    assert simulator.tasks.all() == []


@pytest.mark.parametrize(
    ("path", "body"),
    [("/suno/submit/music", {"prompt": "la"}), ("/suno/submit/lyrics", {"prompt": "rain"})],
)
async def test_quota_switch(
    simulator: Simulator, simulator_client: httpx.AsyncClient, path: str, body: Any
) -> None:
    simulator.quota_exhausted = True
    response = await simulator_client.post(path, json=body)
    assert response.status_code == 403
    payload = response.json()
    assert payload["code"] == "quota_not_enough"
    assert payload["message"] and payload["data"] is None
    assert simulator.tasks.all() == []


async def test_submit_needs_the_token(simulator: Simulator) -> None:
    async with httpx.AsyncClient(base_url=simulator.base_url, verify=False) as client:
        response = await client.post("/suno/submit/music", json={"prompt": "la"})
    assert response.status_code == 401
    assert simulator.tasks.all() == []


# -- the HTTP layer ---------------------------------------------------------------


async def test_unknown_routes_and_methods(simulator_client: httpx.AsyncClient) -> None:
    assert (await simulator_client.get("/suno/fetch")).status_code == 404
    assert (await simulator_client.get("/v1/models")).status_code == 404
    assert (await simulator_client.delete("/suno/fetch/abc")).status_code == 404


async def test_keep_alive_reuses_one_connection(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    for _ in range(5):
        assert (await fetch(simulator_client, [])).status_code == 200
    assert simulator.stats.connections == 1


async def raw_exchange(sim: Simulator, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    writer.write(data)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_malformed_requests(simulator: Simulator) -> None:
    answer = await raw_exchange(simulator, b"NONSENSE\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")
    answer = await raw_exchange(
        simulator,
        b"POST /suno/fetch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 501 ")
    answer = await raw_exchange(
        simulator, b"POST /suno/fetch HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    answer = await raw_exchange(
        simulator, b"GET /x HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 431 ")


async def test_http_1_0_closes_after_the_answer(simulator: Simulator) -> None:
    answer = await raw_exchange(
        simulator,
        b"POST /suno/fetch HTTP/1.0\r\nAuthorization: "
        + simulator.token.encode()
        + b'\r\nContent-Length: 10\r\n\r\n{"ids":[]}',
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Connection: close" in head
    assert body == b'{"code":"success","message":"","data":[]}'


async def test_loopback_only() -> None:
    sim = Simulator()
    for host in ("0.0.0.0", "192.168.1.2", "example.com", "::"):
        with pytest.raises(ValueError, match="loopback"):
            await sim.start(host)
    with pytest.raises(RuntimeError):
        _ = sim.base_url


async def test_context_manager_and_extra_tokens() -> None:
    async with Simulator(seed=3, token="sim-one") as sim:
        sim.add_token("sim-two")
        tid = sim.add_task("success")
        headers = {"Authorization": "sim-two"}
        async with httpx.AsyncClient(
            base_url=sim.base_url, headers=headers, verify=False
        ) as client:
            response = await fetch(client, [tid])
        assert response.json()["data"][0]["task_id"] == tid
        assert sim.base_url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError):
        _ = sim.port


async def test_expect_100_continue(simulator: Simulator) -> None:
    body = b'{"ids":[]}'
    reader, writer = await asyncio.open_connection("127.0.0.1", simulator.port)
    writer.write(
        b"POST /suno/fetch HTTP/1.1\r\nHost: x\r\nAuthorization: "
        + simulator.token.encode()
        + b"\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    await writer.drain()
    assert await reader.readuntil(b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
    writer.write(body)
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    writer.close()


async def test_poll_interval_shows_the_state_of_the_last_gateway_poll(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    simulator.poll_interval = 15
    stages = {"not_start": 5, "submitted": 20, "queued": 20, "in_progress": 60}
    tid = simulator.add_task("success", delays=stages)
    advance(simulator, 14)
    assert (await simulator_client.get(f"/suno/fetch/{tid}")).json()["data"]["data"] is None
    advance(simulator, 1)  # the gateway's first poll
    task = (await simulator_client.get(f"/suno/fetch/{tid}")).json()["data"]
    assert task["status"] == "SUBMITTED"
    advance(simulator, 14)
    assert simulator.status(tid) is Status.QUEUED  # upstream moved on ...
    task = (await fetch(simulator_client, [tid])).json()["data"][0]
    assert task["status"] == "SUBMITTED"  # ... the gateway has not seen it yet
