"""The two gateway families of the simulator, over loopback HTTP: what stock
new-api refuses (exactly as the real one), and what a hosted gateway adds
(concat, WAV, timed lyrics, MP4), with the lineage metadata of extensions
and concats."""

from __future__ import annotations

import io
import wave
from typing import Any

import httpx
import pytest

from suno_tui.simulator import (
    FOREIGN_USER,
    AssetKind,
    ManualClock,
    Simulator,
    seed_demo,
    seed_lineage,
)
from tests.fixtures.simulators import advance

STAGES = {"not_start": 5, "submitted": 5, "queued": 5, "in_progress": 30}


def client_for(sim: Simulator, token: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=sim.base_url,
        headers={"Authorization": f"Bearer {token or sim.token}"},
        timeout=10.0,
        verify=False,
    )


def first_clip(sim: Simulator, task_id: str) -> dict[str, Any]:
    clip: dict[str, Any] = sim.render(task_id)["data"][0]
    return clip


# -- stock: the refusals of new-api ----------------------------------------------


@pytest.mark.parametrize("path", ["/suno/submit/concat", "/suno/submit/CONCAT", "/suno/submit/x"])
async def test_stock_answers_other_submit_actions_with_invalid_action(
    simulator: Simulator, simulator_client: httpx.AsyncClient, path: str
) -> None:
    clip = first_clip(simulator, simulator.add_task("success", elapsed=1000))["id"]
    response = await simulator_client.post(path, json={"clip_id": clip, "is_infill": False})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_request", "message": "invalid_action", "data": None}
    assert len(simulator.tasks.all()) == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/suno/submit/music/concat"),
        ("GET", "/suno/act/wav/{clip}"),
        ("GET", "/suno/act/timing/{clip}"),
        ("GET", "/suno/act/mp4/{clip}"),
    ],
)
async def test_stock_has_no_act_routes_and_answers_404_not_json(
    simulator: Simulator, simulator_client: httpx.AsyncClient, method: str, path: str
) -> None:
    clip = first_clip(simulator, simulator.add_task("success", elapsed=1000))["id"]
    response = await simulator_client.request(method, path.format(clip=clip), json={})
    assert response.status_code == 404
    assert not response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


async def test_stock_lyrics_without_prompt_is_prompt_empty(
    simulator_client: httpx.AsyncClient,
) -> None:
    for body in ({}, {"prompt": ""}):
        response = await simulator_client.post("/suno/submit/lyrics", json=body)
        assert response.status_code == 400
        assert response.json()["message"] == "prompt_empty"


async def test_stock_extension_without_task_id_is_refused(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clip = first_clip(simulator, simulator.add_task("success", elapsed=1000))["id"]
    body = {"prompt": "la", "continue_clip_id": clip, "continue_at": 30}
    response = await simulator_client.post("/suno/submit/music", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_request",
        "message": "task id is empty",
        "data": None,
    }
    assert len(simulator.tasks.all()) == 1
    assert not simulator.relayed  # refused before anything went upstream


async def test_extension_with_an_unknown_or_foreign_task_id_is_task_origin_not_exist(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    foreign = simulator.add_task("success", user=FOREIGN_USER, elapsed=1000)
    clip = first_clip(simulator, foreign)["id"]
    for task_id in ("no-such-task", foreign):
        body = {"prompt": "la", "task_id": task_id, "continue_clip_id": clip, "continue_at": 30}
        response = await simulator_client.post("/suno/submit/music", json=body)
        assert response.status_code == 400
        assert response.json() == {
            "code": "task_not_exist",
            "message": "task_origin_not_exist",
            "data": None,
        }


async def test_stock_relays_only_its_own_fields_with_mv_defaulted_and_no_zero_continue_at(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    parent = simulator.add_task("success", elapsed=1000)
    clip = simulator.task(parent).clips[0]
    body = {
        "prompt": "la la",
        "title": "T",
        "negative_tags": "metal",
        "persona_id": "p-1",
        "task": "extend",
        "task_id": parent,
        "continue_clip_id": clip.id,
        "continue_at": 0,
    }
    response = await simulator_client.post("/suno/submit/music", json=body)
    assert response.status_code == 200
    assert simulator.relayed[-1] == {
        "prompt": "la la",
        "title": "T",
        "task_id": parent,
        "continue_clip_id": clip.id,
        "mv": "chirp-v3-0",
        "make_instrumental": False,
        "instrumental": False,
        "customMode": False,
        "callBackUrl": "",
    }
    # continue_at 0 never reached upstream: the extension continues from the end
    advance(simulator, 600)
    history = first_clip(simulator, response.json()["data"])["metadata"]["history"]
    assert history == [
        {
            "id": clip.id,
            "continue_at": clip.duration,
            "type": "gen",
            "source": "web",
            "infill": False,
        }
    ]


async def test_an_extension_of_an_extension_carries_the_whole_chain(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    first = simulator.add_task("success", elapsed=2000)
    first_id = simulator.task(first).clips[0].id
    second = simulator.add_task("success", elapsed=1000, continue_clip_id=first_id, continue_at=30)
    second_id = simulator.task(second).clips[1].id
    body = {"prompt": "more", "task_id": second, "continue_clip_id": second_id, "continue_at": 45.5}
    response = await simulator_client.post("/suno/submit/music", json=body)
    third = response.json()["data"]
    advance(simulator, 600)
    for clip in simulator.render(third)["data"]:
        chain = [(e["id"], e["continue_at"]) for e in clip["metadata"]["history"]]
        assert chain == [(first_id, 30.0), (second_id, 45.5)]
        assert clip["metadata"]["type"] == "gen"
        assert clip["metadata"]["prompt"] == "more"  # the extension's own prompt only
        assert clip["metadata"]["concat_history"] is None


# -- hosted: concat -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/suno/submit/concat", "/suno/submit/music/concat"])
async def test_hosted_concat_makes_one_clip_of_the_whole_chain(
    hosted: Simulator, path: str
) -> None:
    first = hosted.add_task("success", elapsed=2000, mv="chirp-v4")
    first_clip_spec = hosted.task(first).clips[0]
    second = hosted.add_task(
        "success", elapsed=1000, continue_clip_id=first_clip_spec.id, continue_at=61.25
    )
    last = hosted.task(second).clips[0]
    async with client_for(hosted) as client:
        response = await client.post(path, json={"clip_id": last.id, "is_infill": False})
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == "success"
        concat = body["data"]
        advance(hosted, 120)
        task = (await client.get(f"/suno/fetch/{concat}")).json()["data"]
    assert task["status"] == "SUCCESS" and task["action"] == "MUSIC"
    (clip,) = task["data"]
    metadata = clip["metadata"]
    assert metadata["type"] == "concat"
    assert [(e["id"], e["continue_at"]) for e in metadata["concat_history"]] == [
        (first_clip_spec.id, 61.25),
        (last.id, None),
    ]
    assert metadata["duration"] == pytest.approx(61.25 + last.duration)
    assert clip["title"] == hosted.task(second).music.title  # type: ignore[union-attr]


async def test_hosted_concat_refuses_unknown_foreign_and_unfinished_clips(
    hosted: Simulator,
) -> None:
    foreign = hosted.task(hosted.add_task("success", user=FOREIGN_USER, elapsed=1000)).clips[0]
    running = hosted.task(hosted.add_task("success", delays=STAGES)).clips[0]
    async with client_for(hosted) as client:
        for clip_id in ("nope", foreign.id, running.id):
            response = await client.post("/suno/submit/concat", json={"clip_id": clip_id})
            assert response.status_code == 400
            assert response.json()["code"] == "invalid_request"
        response = await client.post("/suno/submit/concat", json={"is_infill": False})
        assert response.status_code == 400
    assert len(hosted.tasks.all()) == 2


# -- hosted: WAV ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["url", "object"])
async def test_wav_is_an_id_while_made_then_a_url_in_either_shape(
    hosted: Simulator, shape: str
) -> None:
    hosted.act_shape = shape  # type: ignore[assignment]
    clip = hosted.task(hosted.add_task("success", elapsed=1000)).clips[0]
    async with client_for(hosted) as client:
        pending = (await client.get(f"/suno/act/wav/{clip.id}")).json()
        assert pending["code"] == "success"
        assert isinstance(pending["data"], str) and not pending["data"].startswith("http")
        advance(hosted, hosted.wav_delay)
        ready = (await client.get(f"/suno/act/wav/{clip.id}")).json()
    url = ready["data"] if shape == "url" else ready["data"]["wav_file_url"]
    assert url.startswith(hosted.base_url + "/assets/") and ".wav?" in url


async def test_the_wav_file_is_real_riff_of_the_clip_duration_and_range_capable(
    hosted: Simulator,
) -> None:
    hosted.wav_delay = 0
    clip = hosted.task(hosted.add_task("success", elapsed=1000)).clips[0]
    async with client_for(hosted) as client:
        url = (await client.get(f"/suno/act/wav/{clip.id}")).json()["data"]
        head = await client.get(url, headers={"Range": "bytes=0-43"})
        assert head.status_code == 206
        size = int(head.headers["Content-Range"].rsplit("/", 1)[1])
        assert head.headers["Content-Type"] == "audio/wav"
        tail = await client.get(url, headers={"Range": f"bytes={size - 100}-"})
        assert tail.status_code == 206 and len(tail.content) == 100
    assert head.content[:4] == b"RIFF" and head.content[8:16] == b"WAVEfmt "
    whole = hosted.asset(clip.id, AssetKind.WAV)
    assert whole.size == size
    assert tail.content == whole.read(size - 100)
    # 16-bit stereo at 44.1 kHz for as long as the clip plays
    assert size == pytest.approx(44 + clip.duration * 176_400, abs=8)
    with wave.open(io.BytesIO(whole.read()), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (
            2,
            2,
            44_100,
        )
        assert reader.getnframes() / 44_100 == pytest.approx(clip.duration, abs=0.01)


def test_a_three_minute_wav_is_about_32_mb_and_readable_anywhere() -> None:
    from suno_tui.simulator.assets import build_asset

    body = build_asset(
        seed=0, clip_id="c", kind=AssetKind.WAV, size=None, duration=180.0, title="", artist=""
    )
    assert body.size == 44 + 180 * 176_400
    assert body.read(0, 4) == b"RIFF"
    assert int.from_bytes(body.read(4, 4), "little") == body.size - 8
    assert int.from_bytes(body.read(40, 4), "little") == body.size - 44
    assert len(body.read(body.size - 10)) == 10


async def test_the_wav_file_is_not_there_before_it_is_made(hosted: Simulator) -> None:
    clip = hosted.task(hosted.add_task("success", elapsed=1000)).clips[0]
    async with client_for(hosted) as client:
        await client.get(f"/suno/act/wav/{clip.id}")  # starts the conversion
        url = f"{hosted.base_url}/assets/{clip.id}.wav"
        assert (await client.get(url)).status_code == 404
        advance(hosted, hosted.wav_delay)
        assert (await client.get(url, headers={"Range": "bytes=0-3"})).content == b"RIFF"


async def test_act_routes_refuse_unknown_foreign_and_unfinished_clips(hosted: Simulator) -> None:
    foreign = hosted.task(hosted.add_task("success", user=FOREIGN_USER, elapsed=1000)).clips[0]
    running = hosted.task(hosted.add_task("success", delays=STAGES)).clips[0]
    async with client_for(hosted) as client:
        for kind in ("wav", "timing", "mp4"):
            for clip_id in ("nope", foreign.id, running.id):
                response = await client.get(f"/suno/act/{kind}/{clip_id}")
                assert response.status_code == 400, (kind, clip_id)
                assert response.json()["code"] == "invalid_request"
    async with httpx.AsyncClient(base_url=hosted.base_url) as anonymous:
        assert (await anonymous.get(f"/suno/act/wav/{foreign.id}")).status_code == 401


# -- hosted: timing and MP4 -------------------------------------------------------


@pytest.mark.parametrize("wrapped", [False, True])
async def test_timing_has_section_tags_and_line_breaks_inside_words(
    hosted: Simulator, wrapped: bool
) -> None:
    hosted.timing_wrapped = wrapped
    lyrics = "[Verse]\nWinter comes\nslow and deep\n\n[Chorus]\nLet it go"
    clip = hosted.task(hosted.add_task("success", elapsed=1000, prompt=lyrics)).clips[0]
    async with client_for(hosted) as client:
        payload = (await client.get(f"/suno/act/timing/{clip.id}")).json()
    if wrapped:
        assert payload["success"] is True
        payload = payload["data"]
    words = payload["aligned_words"]
    assert [w["word"] for w in words] == [
        "[Verse]\nWinter ",
        "comes\n",
        "slow ",
        "and ",
        "deep\n\n",
        "[Chorus]\nLet ",
        "it ",
        "go\n",
    ]
    starts = [w["start_s"] for w in words]
    assert starts == sorted(starts) and starts[0] > 0 and words[-1]["end_s"] < clip.duration
    assert all(w["start_s"] < w["end_s"] for w in words)
    assert payload["waveform_data"] and all(0 <= v <= 1 for v in payload["waveform_data"])
    assert payload["is_streamed"] is False


async def test_mp4_is_made_on_request_for_newer_models_only(hosted: Simulator) -> None:
    hosted.act_shape = "object"
    new = hosted.task(hosted.add_task("success", elapsed=1000, mv="chirp-v4")).clips[0]
    old = hosted.task(hosted.add_task("success", elapsed=1000, mv="chirp-v3-5")).clips[0]
    async with client_for(hosted) as client:
        answer = (await client.get(f"/suno/act/mp4/{new.id}")).json()
        url = answer["data"]["mp4_file_url"]
        video = await client.get(url, headers={"Range": "bytes=0-7"})
        assert video.status_code == 206 and video.content[4:8] == b"ftyp"
        refused = await client.get(f"/suno/act/mp4/{old.id}")
        assert refused.status_code == 400 and "newer" in refused.json()["message"]


async def test_faults_reach_the_act_routes(hosted: Simulator) -> None:
    clip = hosted.task(hosted.add_task("success", elapsed=1000)).clips[0]
    hosted.faults.add("rate_limit", retry_after=2)
    async with client_for(hosted) as client:
        response = await client.get(f"/suno/act/timing/{clip.id}")
    assert response.status_code == 429
    assert hosted.stats.requests["act_timing"] == 1


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="family"):
        Simulator(family="other")  # type: ignore[arg-type]


def test_the_demo_lineage_is_a_chain_and_its_full_song() -> None:
    sim = Simulator(seed=0, clock=ManualClock(), family="hosted")
    base = seed_demo(sim)
    ids = seed_demo(Simulator(seed=0, clock=ManualClock()), lineage=True)
    assert ids[: len(base)] == base  # the usual mix is unchanged
    song, first, second, whole = (sim.render(i) for i in seed_lineage(sim))
    assert all(task["status"] == "SUCCESS" for task in (song, first, second, whole))
    song_clip = song["data"][0]["id"]
    first_clip = first["data"][0]["id"]
    second_clip = second["data"][0]
    assert [h["id"] for h in first["data"][0]["metadata"]["history"]] == [song_clip]
    assert [h["id"] for h in second_clip["metadata"]["history"]] == [song_clip, first_clip]
    (joined,) = whole["data"]
    parts = joined["metadata"]["concat_history"]
    assert [p["id"] for p in parts] == [song_clip, first_clip, second_clip["id"]]
    assert joined["metadata"]["duration"] > second_clip["metadata"]["duration"]
