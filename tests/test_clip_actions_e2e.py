"""The relay's clip actions end to end, against the simulator on loopback in
both gateway families: what a stock gateway refuses and how that reads, and
the whole path of each action on a hosted one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from suno_tui.relay.action_errors import (
    ActionNotOffered,
    ActionRefused,
    ClipAction,
    RefusalReason,
)
from suno_tui.relay.client import RelayClient
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.relay.clip_answers import FilePending, FileReady, TimedLyrics
from suno_tui.relay.clip_requests import ExtendRequest
from suno_tui.relay.errors import GatewayError
from suno_tui.relay.models import TaskStatus
from suno_tui.simulator import FOREIGN_USER, Simulator
from tests.fixtures.simulators import advance

STAGES = {"not_start": 5, "submitted": 5, "queued": 5, "in_progress": 30}


@asynccontextmanager
async def relay_for(sim: Simulator) -> AsyncIterator[tuple[RelayClient, ClipActions]]:
    async with RelayClient(sim.base_url, sim.token, verify=False) as client:
        yield client, ClipActions(client)


# -- both families: extend ----------------------------------------------------------


@pytest.mark.parametrize("family", ["stock", "hosted"])
async def test_extend_a_clip_and_watch_the_new_task(simulator: Simulator, family: str) -> None:
    simulator.family = family  # type: ignore[assignment]
    parent = simulator.add_task("success", elapsed=1000)
    clip = simulator.task(parent).clips[1]
    async with relay_for(simulator) as (client, actions):
        request = ExtendRequest(
            parent, clip.id, 60.5, prompt="[Bridge]\nhold on", model="chirp-v4", title="Again"
        )
        new = await actions.extend(request)
        advance(simulator, 600)
        task = await client.fetch_one(new)
    assert task.status is TaskStatus.SUCCESS
    for made in task.clips:
        assert made.title == "Again" and made.lyrics == "[Bridge]\nhold on"
        history = made.raw["metadata"]["history"]
        assert [(h["id"], h["continue_at"]) for h in history] == [(clip.id, 60.5)]
    assert simulator.relayed[-1]["task_id"] == parent


async def test_extend_with_a_task_the_gateway_does_not_know(simulator: Simulator) -> None:
    foreign = simulator.add_task("success", user=FOREIGN_USER, elapsed=1000)
    clip = simulator.task(foreign).clips[0]
    async with relay_for(simulator) as (_, actions):
        with pytest.raises(ActionRefused) as caught:
            await actions.extend(ExtendRequest(foreign, clip.id, 30))
    assert caught.value.reason is RefusalReason.ORIGIN_TASK_UNKNOWN
    assert "does not know the task that made this clip" in str(caught.value)
    assert len(simulator.tasks.all()) == 1


async def test_the_stock_refusal_of_an_extension_without_its_task(simulator: Simulator) -> None:
    """What ExtendRequest keeps from being sent, as the gateway itself says it."""
    clip = simulator.task(simulator.add_task("success", elapsed=1000)).clips[0]
    async with relay_for(simulator) as (client, _):
        with pytest.raises(GatewayError, match="task id is empty"):
            await client.submit_music({"continue_clip_id": clip.id, "continue_at": 30})


# -- stock: nothing else is offered --------------------------------------------------


async def test_a_stock_gateway_offers_no_other_action(simulator: Simulator) -> None:
    clip = simulator.task(simulator.add_task("success", elapsed=1000)).clips[0]
    async with relay_for(simulator) as (_, actions):
        with pytest.raises(ActionNotOffered) as concat:
            await actions.concat(clip.id)
        assert concat.value.action is ClipAction.CONCAT
        for call, action in (
            (actions.wav, ClipAction.WAV),
            (actions.timing, ClipAction.TIMING),
            (actions.mp4, ClipAction.MP4),
        ):
            with pytest.raises(ActionNotOffered) as caught:
                await call(clip.id)
            assert caught.value.action is action
            assert str(caught.value).startswith(f"this gateway does not offer {action.label}")
    # concat: invalid_action, then the other spelling (404); nothing made
    assert simulator.stats.paths["/suno/submit/concat"] == 1
    assert simulator.stats.paths["/suno/submit/music/concat"] == 1
    assert simulator.stats.statuses[400] == 1 and simulator.stats.statuses[404] == 4
    assert len(simulator.tasks.all()) == 1


# -- hosted: the whole path of each action ----------------------------------------


async def test_hosted_concat_of_an_extension_chain(hosted: Simulator) -> None:
    first = hosted.add_task("success", elapsed=3000)
    first_clip = hosted.task(first).clips[0]
    async with relay_for(hosted) as (client, actions):
        extension = await actions.extend(ExtendRequest(first, first_clip.id, 45))
        advance(hosted, 600)
        last = (await client.fetch_one(extension)).clips[0]
        whole = await actions.concat(last.id)
        advance(hosted, 60)
        task = await client.fetch_one(whole)
    assert task.status is TaskStatus.SUCCESS
    (clip,) = task.clips
    assert clip.raw["metadata"]["type"] == "concat"
    parts = clip.raw["metadata"]["concat_history"]
    assert [(p["id"], p["continue_at"]) for p in parts] == [(first_clip.id, 45.0), (last.id, None)]
    assert last.duration is not None
    assert clip.duration == pytest.approx(45 + last.duration)


@pytest.mark.parametrize("shape", ["url", "object"])
async def test_hosted_wav_from_pending_to_a_real_file(hosted: Simulator, shape: str) -> None:
    hosted.act_shape = shape  # type: ignore[assignment]
    clip = hosted.task(hosted.add_task("success", elapsed=1000)).clips[0]
    async with relay_for(hosted) as (_, actions):
        assert isinstance(await actions.wav(clip.id), FilePending)
        advance(hosted, hosted.wav_delay)
        ready = await actions.wav(clip.id)
    assert isinstance(ready, FileReady)
    async with httpx.AsyncClient(verify=False) as files:
        head = await files.get(ready.url, headers={"Range": "bytes=0-11"})
    assert head.status_code == 206
    assert head.content[:4] == b"RIFF" and head.content[8:12] == b"WAVE"


@pytest.mark.parametrize("wrapped", [False, True])
async def test_hosted_timing(hosted: Simulator, wrapped: bool) -> None:
    hosted.timing_wrapped = wrapped
    lyrics = "[Verse]\nWinter comes\nslow and deep\n\n[Chorus]\nLet it go"
    clip = hosted.task(hosted.add_task("success", elapsed=1000, prompt=lyrics)).clips[0]
    async with relay_for(hosted) as (_, actions):
        result = await actions.timing(clip.id)
    assert isinstance(result, TimedLyrics)
    assert "".join(w.text for w in result.words) == (
        "[Verse]\nWinter comes\nslow and deep\n\n[Chorus]\nLet it go\n"
    )
    assert all(w.start is not None and 0 < w.start < clip.duration for w in result.words)
    assert result.waveform and not result.truncated


async def test_hosted_mp4_and_refusals_in_words(hosted: Simulator) -> None:
    done = hosted.task(hosted.add_task("success", elapsed=1000, mv="chirp-v4")).clips[0]
    old = hosted.task(hosted.add_task("success", elapsed=1000, mv="chirp-v3-5")).clips[0]
    running = hosted.task(hosted.add_task("success", delays=STAGES)).clips[0]
    async with relay_for(hosted) as (_, actions):
        assert isinstance(await actions.mp4(done.id), FileReady)
        with pytest.raises(ActionRefused, match="newer models"):
            await actions.mp4(old.id)
        with pytest.raises(ActionRefused) as not_ready:
            await actions.timing(running.id)
        assert not_ready.value.reason is RefusalReason.CLIP_NOT_READY
        with pytest.raises(ActionRefused) as unknown:
            await actions.wav("no-such-clip")
        assert unknown.value.reason is RefusalReason.CLIP_UNKNOWN
