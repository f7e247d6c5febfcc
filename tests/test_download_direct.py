"""The writer's direct read of a big body (past h11, into reused buffers):
resumes, cancels and hashes like the ordinary path, and is used only where
it is safe (a known length, a plain socket, a big file)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from suno_tui.downloads import body
from suno_tui.downloads.writer import WriterConfig, download, part_path
from suno_tui.simulator import Fault, Simulator
from tests.fixtures.direct_reads import record_direct_reads
from tests.fixtures.stalled_download import STALLED_AFTER, cancel_while_stalled


class Sleeps:
    async def __call__(self, delay: float) -> None:
        return None


@pytest.fixture
def config() -> WriterConfig:
    return WriterConfig(sleep=Sleeps())


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(verify=False) as client:
        yield client


@pytest.fixture
def direct(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every body with a length goes the direct way; records each decision."""
    monkeypatch.setattr(body, "_DIRECT_AFTER", 0)
    return record_direct_reads(monkeypatch)


def clip_of(sim: Simulator, size: int) -> dict[str, Any]:
    task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": size})
    clip: dict[str, Any] = sim.render(task_id)["data"][0]
    return clip


async def test_a_dropped_direct_read_resumes_and_the_hash_covers_everything(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    direct: list[bool],
) -> None:
    clip = clip_of(simulator, 12_000_000)
    simulator.faults.add(Fault.ASSET_DROP, times=1, after_bytes=7_000_000)
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    data = simulator.asset(clip["id"], "mp3").read()
    assert direct == [True, True]  # both attempts read past h11
    assert written.resumed_from > 4 << 20
    assert written.attempts == 2
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert final.read_bytes() == data
    assert not part_path(final).exists()


async def test_a_big_file_read_directly_then_a_small_one_on_the_same_client(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    direct: list[bool],
) -> None:
    # the connection a direct read leaves mid-body is dropped, not reused
    big, small = clip_of(simulator, 9_000_000), clip_of(simulator, 300_000)
    for clip, name in ((big, "big.mp3"), (small, "small.mp3"), (big, "again.mp3")):
        written = await download(http, clip["audio_url"], tmp_path / name, "audio", config=config)
        data = simulator.asset(clip["id"], "mp3").read()
        assert (tmp_path / name).read_bytes() == data
        assert written.sha256 == hashlib.sha256(data).hexdigest()
        assert written.attempts == 1


async def test_cancel_stops_a_direct_read_blocked_on_a_stalled_server(
    http: httpx.Client, tmp_path: Path, config: WriterConfig, direct: list[bool]
) -> None:
    final = tmp_path / "stalled.mp3"
    await cancel_while_stalled(http, final, config)
    assert direct == [True]
    assert not final.exists()
    assert 1 << 20 <= part_path(final).stat().st_size <= STALLED_AFTER  # kept for resuming


async def test_small_and_chunked_bodies_keep_the_ordinary_path(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator, 6_000_000)  # under _DIRECT_AFTER
    with pytest.MonkeyPatch.context() as patch:
        decisions = record_direct_reads(patch)
        await download(http, clip["audio_url"], tmp_path / "a.mp3", "audio", config=config)
    assert decisions == [False]

    chunked = httpx.Response(200, headers={"Transfer-Encoding": "chunked"})
    assert body._direct_socket(chunked) is None
    unknown = httpx.Response(200)
    assert body._direct_socket(unknown) is None
