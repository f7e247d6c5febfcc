"""Media assets served by the simulator: content, headers, Range, and every
asset fault (drop mid-body and resume, 403 until fresh, no Range, wrong
content, 404, empty body, changed ETag)."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from suno_tui.simulator import AssetBody, AssetKind, Fault, ManualClock, Simulator, Variant
from suno_tui.simulator.assets import build_asset, parse_range

STAGES = {"not_start": 5, "submitted": 10, "queued": 20, "in_progress": 60}


def complete_clip(sim: Simulator, **kwargs: Any) -> dict[str, Any]:
    tid = sim.add_task("success", elapsed=1000, variant=Variant(video=True), **kwargs)
    clip: dict[str, Any] = sim.render(tid)["data"][0]
    return clip


def full(sim: Simulator, clip: dict[str, Any], kind: AssetKind) -> bytes:
    return sim.asset(clip["id"], kind).read()


# -- content and headers ----------------------------------------------------------


async def test_mp3_jpeg_mp4_magic_bytes_and_headers(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clip = complete_clip(simulator)
    for field, kind, content_type in [
        ("audio_url", AssetKind.MP3, "audio/mpeg"),
        ("video_url", AssetKind.MP4, "video/mp4"),
        ("image_url", AssetKind.JPEG, "image/jpeg"),
        ("image_large_url", AssetKind.JPEG_LARGE, "image/jpeg"),
    ]:
        response = await simulator_client.get(clip[field])
        assert response.status_code == 200
        body = response.content
        assert response.headers["Content-Type"] == content_type
        assert int(response.headers["Content-Length"]) == len(body)
        assert response.headers["Accept-Ranges"] == "bytes"
        etag = response.headers["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
        assert body == full(simulator, clip, kind)
        if kind is AssetKind.MP3:
            assert body[:3] == b"ID3"
            size = 0  # ID3v2 sizes are "syncsafe": 7 bits per byte
            for b in body[6:10]:
                size = (size << 7) | b
            tag_size = 10 + size
            assert body[tag_size : tag_size + 2] == b"\xff\xfb"
        elif kind is AssetKind.MP4:
            assert body[4:8] == b"ftyp"
        else:
            assert body[:3] == b"\xff\xd8\xff"
            assert body[-2:] == b"\xff\xd9"
            assert b"\xff\xd9" not in body[:-2]


async def test_mp3_is_readable_by_mutagen_with_the_clip_duration(simulator: Simulator) -> None:
    clip = complete_clip(simulator)
    info = MP3(io.BytesIO(full(simulator, clip, AssetKind.MP3))).info
    assert abs(info.length - clip["metadata"]["duration"]) < 1.0
    assert info.bitrate == 128_000


async def test_content_is_deterministic_per_clip() -> None:
    one, two = Simulator(seed=5), Simulator(seed=5)
    a, b = one.add_task("success", elapsed=1000), two.add_task("success", elapsed=1000)
    clip_a, clip_b = one.task(a).clips[0].id, two.task(b).clips[0].id
    assert clip_a == clip_b
    assert one.asset(clip_a, "mp3").read() == two.asset(clip_b, "mp3").read()
    other_clip = one.task(a).clips[1].id
    assert one.asset(other_clip, "mp3").read(5000, 1000) != one.asset(clip_a, "mp3").read(
        5000, 1000
    )


async def test_configured_sizes() -> None:
    sim = Simulator(asset_sizes={"mp3": 1_000_000, "jpeg": 5_000})
    tid = sim.add_task("success", elapsed=1000, asset_sizes={"jpeg": 7_000, "mp4": 10})
    clip = sim.task(tid).clips[0].id
    assert sim.asset(clip, "mp3").size == 1_000_000
    assert sim.asset(clip, "jpeg").size == 7_000  # per task beats per simulator
    assert sim.asset(clip, "jpeg_large").size == 250_000  # default
    mp4 = sim.asset(clip, "mp4")
    assert mp4.size == 40  # never smaller than the ftyp and mdat headers
    assert mp4.read()[4:8] == b"ftyp"
    with pytest.raises(ValueError):
        Simulator(asset_sizes={"flac": 10})


async def test_head_request(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    response = await simulator_client.head(clip["audio_url"])
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["Content-Length"]) == simulator.asset(clip["id"], "mp3").size


async def test_if_none_match(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    etag = simulator.asset(clip["id"], "jpeg").etag
    response = await simulator_client.get(clip["image_url"], headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


# -- Range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=100-1099", 100, 1100),
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=5-999999999", 5, None),
    ],
)
async def test_range_requests(
    simulator: Simulator,
    simulator_client: httpx.AsyncClient,
    header: str,
    start: int,
    stop: int | None,
) -> None:
    clip = complete_clip(simulator)
    whole = full(simulator, clip, AssetKind.JPEG_LARGE)
    size = len(whole)
    response = await simulator_client.get(clip["image_large_url"], headers={"Range": header})
    assert response.status_code == 206
    expected = whole[start:stop]
    assert response.content == expected
    first = start % size
    assert response.headers["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{size}"
    assert int(response.headers["Content-Length"]) == len(expected)


async def test_unsatisfiable_and_ignored_ranges(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clip = complete_clip(simulator)
    size = simulator.asset(clip["id"], "jpeg").size
    url = clip["image_url"]
    response = await simulator_client.get(url, headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"
    for ignored in ("bytes=0-1,5-9", "items=0-5", "bytes=9-3"):
        response = await simulator_client.get(url, headers={"Range": ignored})
        assert response.status_code == 200
        assert len(response.content) == size


async def test_if_range(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    body = simulator.asset(clip["id"], "jpeg")
    url = clip["image_url"]
    ok = await simulator_client.get(url, headers={"Range": "bytes=10-", "If-Range": body.etag})
    assert ok.status_code == 206
    stale = await simulator_client.get(url, headers={"Range": "bytes=10-", "If-Range": '"old"'})
    assert stale.status_code == 200
    assert stale.content == body.read()


def test_parse_range() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=2-4", 10) == (2, 5)
    assert parse_range("bytes=-3", 10) == (7, 10)
    assert parse_range("bytes=-30", 10) == (0, 10)
    assert parse_range("bytes=8-", 10) == (8, 10)


@cache
def sample_body(kind: AssetKind) -> tuple[AssetBody, bytes]:
    # bigger than the pattern and the chunk size, so reads wrap around the pattern
    body = build_asset(
        seed=1, clip_id="c", kind=kind, size=600_000, duration=60.0, title="t", artist="a"
    )
    return body, b"".join(bytes(c) for c in body.chunks(0, None, chunk_size=7_777))


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(list(AssetKind)),
    offset=st.integers(0, 600_100),
    length=st.integers(0, 300_000),
)
def test_content_at_any_offset_matches_the_whole(kind: AssetKind, offset: int, length: int) -> None:
    body, whole = sample_body(kind)
    assert len(whole) == body.size
    assert body.read(offset, length) == whole[offset : offset + length]


# -- asset faults -----------------------------------------------------------------


async def download_until_drop(client: httpx.AsyncClient, url: str) -> tuple[bytes, str]:
    received = bytearray()
    etag = ""
    with pytest.raises(httpx.RemoteProtocolError):
        async with client.stream("GET", url) as response:
            assert response.status_code == 200
            etag = response.headers["ETag"]
            async for chunk in response.aiter_raw():
                received += chunk
    return bytes(received), etag


async def test_resume_after_a_mid_body_drop_gives_identical_bytes(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clip = complete_clip(simulator)
    simulator.faults.add(Fault.ASSET_DROP, after_bytes=100_000)
    part, etag = await download_until_drop(simulator_client, clip["audio_url"])
    assert len(part) == 100_000
    response = await simulator_client.get(
        clip["audio_url"], headers={"Range": f"bytes={len(part)}-", "If-Range": etag}
    )
    assert response.status_code == 206
    assert part + response.content == full(simulator, clip, AssetKind.MP3)
    assert simulator.stats.faults["asset_drop"] == 1


async def test_stale_urls_get_403_until_fetched_fresh(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    old = simulator.render(tid)["data"][0]["audio_url"]
    simulator.faults.add(Fault.ASSET_STALE_403, times=None)
    fresh = (await simulator_client.get(f"/suno/fetch/{tid}")).json()["data"]["data"][0]
    assert fresh["audio_url"] != old
    response = await simulator_client.get(old)
    assert response.status_code == 403
    assert b"AccessDenied" in response.content
    bare = old.split("?")[0]
    assert (await simulator_client.get(bare)).status_code == 403
    assert (await simulator_client.get(fresh["audio_url"])).status_code == 200
    # links expire too
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    clock.advance(3601)
    assert (await simulator_client.get(fresh["audio_url"])).status_code == 403
    again = simulator.render(tid)["data"][0]["audio_url"]
    assert (await simulator_client.get(again)).status_code == 200
    assert simulator.stats.faults["asset_stale_403"] == 3


async def test_stale_urls_work_without_the_switch(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task("success", elapsed=1000)
    old = simulator.render(tid)["data"][0]["audio_url"]
    simulator.render(tid)
    assert (await simulator_client.get(old)).status_code == 200
    assert (await simulator_client.get(old.split("?")[0])).status_code == 200


async def test_no_range_support(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    simulator.faults.add(Fault.ASSET_NO_RANGE)
    response = await simulator_client.get(clip["image_url"], headers={"Range": "bytes=100-"})
    assert response.status_code == 200
    assert "Accept-Ranges" not in response.headers
    assert "Content-Range" not in response.headers
    assert response.content == full(simulator, clip, AssetKind.JPEG)


async def test_wrong_content(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    simulator.faults.add(Fault.ASSET_WRONG_CONTENT)
    response = await simulator_client.get(clip["audio_url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.content.startswith(b"<!DOCTYPE html>")


async def test_404_and_empty(simulator: Simulator, simulator_client: httpx.AsyncClient) -> None:
    clip = complete_clip(simulator)
    simulator.faults.add(Fault.ASSET_404)
    assert (await simulator_client.get(clip["audio_url"])).status_code == 404
    simulator.faults.add(Fault.ASSET_EMPTY)
    response = await simulator_client.get(clip["audio_url"])
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "0"
    assert response.content == b""
    assert (await simulator_client.get(clip["audio_url"])).status_code == 200


async def test_changed_etag_means_changed_content(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clip = complete_clip(simulator)
    first = await simulator_client.get(clip["audio_url"])
    simulator.faults.add(Fault.ASSET_ETAG_CHANGED)
    second = await simulator_client.get(
        clip["audio_url"],
        headers={"Range": "bytes=1000-", "If-Range": first.headers["ETag"]},
    )
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.status_code == 200  # the resume is refused: the file changed
    assert second.content != first.content
    assert second.content[:3] == b"ID3"
    third = await simulator_client.get(clip["audio_url"])
    assert third.headers["ETag"] == second.headers["ETag"]  # the change stays


# -- which URLs exist when --------------------------------------------------------


async def test_availability_follows_the_lifecycle(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    tid = simulator.add_task("success", delays=STAGES, variant=Variant(video=False))
    clip_id = simulator.task(tid).clips[0].id
    base = simulator.base_url
    mp3 = f"{base}/assets/{clip_id}.mp3"
    image = f"{base}/assets/image_{clip_id}.jpeg"
    assert (await simulator_client.get(image)).status_code == 404
    clock.advance(35)  # streaming: images exist, the mp3 does not yet
    assert (await simulator_client.get(image)).status_code == 200
    assert (await simulator_client.get(mp3)).status_code == 404
    clock.advance(60)
    assert (await simulator_client.get(mp3)).status_code == 200
    assert (await simulator_client.get(f"{base}/assets/{clip_id}.mp4")).status_code == 404
    assert (await simulator_client.get(f"{base}/assets/None.mp3")).status_code == 404
    assert (await simulator_client.get(f"{base}/assets/nothing.wav")).status_code == 404


async def test_audiopipe_is_a_live_stream(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    tid = simulator.add_task("success", delays=STAGES)
    clock.advance(35 + 15)
    url = simulator.render(tid)["data"][0]["audio_url"]
    assert "/audiopipe/?item_id=" in url
    early = await simulator_client.get(url)
    assert early.status_code == 200
    assert early.headers["Content-Type"] == "audio/mpeg"
    assert "Content-Length" not in early.headers
    assert "Accept-Ranges" not in early.headers
    assert early.content[:3] == b"ID3"
    clock.advance(30)
    later = await simulator_client.get(url)
    assert len(later.content) > len(early.content)
    assert later.content.startswith(early.content)
    unknown = await simulator_client.get(f"{simulator.base_url}/audiopipe/?item_id=nope")
    assert unknown.status_code == 404


async def test_forbidden_sentinel(
    simulator: Simulator, simulator_client: httpx.AsyncClient
) -> None:
    tid = simulator.add_task(
        "success", elapsed=1000, variant=Variant(forbidden_fields=("audio_url",))
    )
    url = simulator.render(tid)["data"][0]["audio_url"]
    assert url == f"{simulator.base_url}/api/forbidden"
    assert (await simulator_client.get(url)).status_code == 403


# -- big files --------------------------------------------------------------------


async def test_a_128_mb_download_streams_with_correct_bytes() -> None:
    size = 128 * 1024 * 1024
    async with Simulator(seed=2, asset_sizes={"mp3": size}) as sim:
        tid = sim.add_task("success", elapsed=1000)
        clip = sim.render(tid)["data"][0]
        body = sim.asset(clip["id"], "mp3")
        expected = hashlib.sha256()
        for chunk in body.chunks():
            expected.update(chunk)
        got = hashlib.sha256()
        received = 0
        async with (
            httpx.AsyncClient(verify=False) as client,
            client.stream("GET", clip["audio_url"]) as response,
        ):
            assert int(response.headers["Content-Length"]) == size
            async for chunk in response.aiter_raw(1024 * 1024):
                got.update(chunk)
                received += len(chunk)
        assert received == size
        assert got.digest() == expected.digest()
        assert sim.stats.asset_bytes == size
        assert not sim.errors
