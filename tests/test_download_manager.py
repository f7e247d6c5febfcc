"""The download manager end to end against the simulator over loopback:
fresh links, 403 until refreshed, skips, names, tags, records, concurrency,
cancellation and a second run that finds everything already there."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3

from suno_tui.downloads import (
    DownloadManager,
    DownloadOptions,
    DownloadProgress,
    FileState,
    KnownDownload,
    SkipKind,
    TaskOutcome,
)
from suno_tui.downloads.transfer import body
from suno_tui.downloads.transfer.front_tag import id3_length
from suno_tui.downloads.transfer.writer import WriterConfig, meta_path, part_path
from suno_tui.relay.client import RelayClient
from suno_tui.relay.models import Task
from suno_tui.simulator import Fault, Simulator, Variant

ALL = ("audio", "image", "video", "lyrics", "json")


async def no_sleep(delay: float) -> None:
    return None


class Harness:
    """A manager wired to the simulator, recording events, fetches and records."""

    def __init__(self, sim: Simulator, client: RelayClient, directory: Path) -> None:
        self.sim = sim
        self.client = client
        self.directory = directory
        self.events: list[DownloadProgress] = []
        self.records: list[tuple[str, str, str, Path, int, str]] = []
        self.fetched: list[str] = []
        self.known: dict[tuple[str, str, str], KnownDownload] = {}

    async def fetch(self, task_id: str) -> Task:
        self.fetched.append(task_id)
        return await self.client.fetch_one(task_id)

    def record(
        self, task_id: str, clip_id: str, asset: str, path: Path, size: int, sha: str
    ) -> None:
        self.records.append((task_id, clip_id, asset, path, size, sha))
        self.known[(task_id, clip_id, asset)] = KnownDownload(path, size, sha)

    def manager(
        self, *, fetch: Callable[[str], Any] | None = None, **options: Any
    ) -> DownloadManager:
        options.setdefault("writer", WriterConfig(sleep=no_sleep))
        lookup = options.pop("lookup", None)
        return DownloadManager(
            fetch or self.fetch,
            DownloadOptions(self.directory, **options),
            on_progress=self.events.append,
            record=self.record,
            lookup=lookup,
        )

    async def run(self, *tasks: Task | str, fetched_at: float | None = None, **options: Any
                  ) -> dict[str, TaskOutcome]:  # fmt: skip
        async with self.manager(**options) as manager:
            return await manager.run(tasks, fetched_at=fetched_at)

    def finals(self, state: FileState | None = None) -> list[DownloadProgress]:
        return [
            e for e in self.events
            if e.asset and e.state.final and (state is None or e.state is state)
        ]  # fmt: skip

    def names(self) -> list[str]:
        return sorted(p.name for p in self.directory.iterdir())


@pytest.fixture
async def harness(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Harness]:
    async with RelayClient(simulator.base_url, simulator.token, timeout=10) as client:
        yield Harness(simulator, client, tmp_path / "downloads")


def done_task(sim: Simulator, scenario: str = "success", **kw: Any) -> str:
    return sim.add_task(scenario, elapsed=3600, **kw)


# -- the normal case -------------------------------------------------------------------


async def test_success_task_default_assets(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim, title="Neon Rain")
    outcomes = await harness.run(task_id)

    assert outcomes[task_id].ok
    clips = [c["id"] for c in sim.render(task_id)["data"]]
    expected = sorted(
        f"Neon Rain [{cid[:8]}].{ext}" for cid in clips for ext in ("mp3", "jpeg", "txt", "json")
    )
    assert harness.names() == expected
    assert harness.fetched == [task_id]  # fetched right before downloading
    # every file recorded with its real size and sha256
    assert len(harness.records) == 8
    for _task, _clip, _asset, path, size, sha in harness.records:
        data = path.read_bytes()
        assert size == len(data) and sha == hashlib.sha256(data).hexdigest()
        assert path.parent == harness.directory.resolve()
    # the image is the one served, byte for byte
    image = harness.directory / f"Neon Rain [{clips[0][:8]}].jpeg"
    assert image.read_bytes() == sim.asset(clips[0], "jpeg_large").read()


async def test_progress_events_per_file(harness: Harness) -> None:
    task_id = done_task(harness.sim)
    await harness.run(task_id, assets=("audio",))

    audio = [e for e in harness.events if e.asset == "audio"]
    states = [e.state for e in audio]
    assert states[0] is FileState.QUEUED
    assert FileState.RUNNING in states
    assert [e.state for e in audio if e.state.final] == [FileState.DONE, FileState.DONE]
    running = [e for e in audio if e.state is FileState.RUNNING and e.total]
    assert running and all(e.path is not None and e.path.name.endswith(".mp3") for e in running)
    done = [e for e in audio if e.state is FileState.DONE]
    assert all(e.received == e.total and e.sha256 for e in done)
    task_events = [e for e in harness.events if e.is_task_event]
    assert task_events[0].state is FileState.QUEUED and task_events[-1].state is FileState.DONE


async def test_mp3_tags_written(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim, title="月光下的城市", tags="mandopop, ballad")
    await harness.run(task_id, artist="Me Myself")

    clip = sim.render(task_id)["data"][0]
    mp3 = harness.directory / f"月光下的城市 [{clip['id'][:8]}].mp3"
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "月光下的城市"
    assert str(tags["TPE1"]) == "Me Myself"
    assert str(tags["TCON"]) == "mandopop, ballad"
    assert str(tags.getall("TXXX:SUNO_CLIP_ID")[0]) == clip["id"]
    assert str(tags.getall("TXXX:SUNO_TASK_ID")[0]) == task_id
    lyrics = tags.getall("USLT")[0].text
    assert lyrics and lyrics.strip() == clip["metadata"]["prompt"].strip()
    cover = tags.getall("APIC")[0]
    jpeg = harness.directory / f"月光下的城市 [{clip['id'][:8]}].jpeg"
    assert cover.mime == "image/jpeg" and cover.data == jpeg.read_bytes()


async def test_the_tagged_mp3_keeps_the_served_audio_and_is_recorded_as_saved(
    harness: Harness,
) -> None:
    sim = harness.sim
    task_id = done_task(sim, title="Tide")
    await harness.run(task_id, assets=("image", "audio"))

    for clip in sim.render(task_id)["data"]:
        served = sim.asset(clip["id"], "mp3").read()
        mp3 = harness.directory / f"Tide [{clip['id'][:8]}].mp3"
        data = mp3.read_bytes()
        tags = ID3(mp3)
        # the tag went in front (merged with the body's own), the audio untouched
        assert data[tags.size :] == served[id3_length(served) :]
        assert str(tags["TSSE"]) == "Suno" and str(tags["TIT2"]) == "Tide"
        (record,) = [r for r in harness.records if r[1] == clip["id"] and r[2] == "audio"]
        assert Path(record[3]).resolve() == mp3.resolve()
        assert record[4:] == (len(data), hashlib.sha256(data).hexdigest())


async def test_artist_defaults_to_display_name_and_tags_can_be_off(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    await harness.run(task_id, assets=("audio",), tag_mp3=False)
    clip = sim.render(task_id)["data"][0]
    mp3 = next(harness.directory.glob(f"*[[]{clip['id'][:8]}].mp3"))
    assert mp3.read_bytes() == sim.asset(clip["id"], "mp3").read()  # untouched

    other = done_task(sim)
    await harness.run(other, assets=("audio",))
    clip = sim.render(other)["data"][0]
    mp3 = next(harness.directory.glob(f"*[[]{clip['id'][:8]}].mp3"))
    assert str(ID3(mp3)["TPE1"]) == clip["display_name"]


async def test_video_and_lyrics_task(harness: Harness) -> None:
    sim = harness.sim
    music = done_task(sim, variant=Variant(video=True))
    lyrics = done_task(sim, "lyrics")
    outcomes = await harness.run(music, lyrics, assets=ALL)

    assert outcomes[music].ok and outcomes[lyrics].ok
    assert len(list(harness.directory.glob("*.mp4"))) == 2
    lyric_files = [e for e in harness.finals(FileState.DONE) if e.task_id == lyrics]
    assert sorted(e.asset for e in lyric_files) == ["json", "lyrics"]


# -- skips ------------------------------------------------------------------------------


async def test_partial_failure_downloads_the_complete_clip(harness: Harness) -> None:
    task_id = done_task(harness.sim, "partial")
    outcomes = await harness.run(task_id)

    outcome = outcomes[task_id]
    assert outcome.count(FileState.DONE) == 4
    skipped = [e for e in outcome.files if e.state is FileState.SKIPPED]
    assert len(skipped) == 1 and skipped[0].skip_kind is SkipKind.FAILED
    assert "generation failed" in skipped[0].message
    assert not outcome.ok  # the task failed, even though one clip is on disk


async def test_streaming_and_forbidden_clips_are_skipped_with_reasons(harness: Harness) -> None:
    sim = harness.sim
    streaming = sim.add_task("stuck", elapsed=120)
    forbidden = done_task(sim, variant=Variant(forbidden_fields=("audio_url",)))
    outcomes = await harness.run(streaming, forbidden, assets=("audio",))

    reasons = {e.message for e in outcomes[streaming].files}
    assert any("streaming" in r or "not generated yet" in r for r in reasons)
    assert all(e.skip_kind is SkipKind.NOT_READY for e in outcomes[streaming].files)
    withheld = outcomes[forbidden].files
    assert len(withheld) == 2 and all("forbidden" in e.message for e in withheld)
    assert not harness.directory.exists() or harness.names() == []
    assert sim.stats.requests["forbidden"] == 0  # sentinel URLs are never requested


async def test_unknown_task(harness: Harness) -> None:
    outcomes = await harness.run("no-such-task")
    assert outcomes["no-such-task"].error_kind == "not-found"
    assert not outcomes["no-such-task"].ok


# -- fresh links ----------------------------------------------------------------------------


async def test_403_until_refreshed(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    snapshot = await harness.client.fetch_one(task_id)
    sim.render(task_id)  # the gateway handed out newer links: the snapshot's are stale now
    sim.faults.add(Fault.ASSET_STALE_403, times=None)

    loop = asyncio.get_running_loop()
    outcomes = await harness.run(snapshot, fetched_at=loop.time(), assets=("audio", "image"))

    assert outcomes[task_id].ok
    assert sim.stats.statuses[403] >= 1
    # one refetch served every file that had been refused at the same time
    assert harness.fetched == [task_id]
    assert len(harness.finals(FileState.DONE)) == 4


async def test_old_snapshot_is_fetched_again_before_downloading(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    snapshot = await harness.client.fetch_one(task_id)
    sim.render(task_id)
    sim.faults.add(Fault.ASSET_STALE_403, times=None)

    outcomes = await harness.run(snapshot, assets=("audio",))  # no fetched_at: refetch first

    assert outcomes[task_id].ok
    assert harness.fetched == [task_id]
    assert sim.stats.statuses[403] == 0


async def test_403_even_after_refresh_gives_up(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    snapshot = await harness.client.fetch_one(task_id)
    sim.render(task_id)
    sim.faults.add(Fault.ASSET_STALE_403, times=None)

    async def stale_fetch(task_id: str) -> Task:
        harness.fetched.append(task_id)
        return snapshot  # a gateway that keeps handing out the expired link

    outcomes = await harness.run(snapshot, fetched_at=asyncio.get_running_loop().time(),
                                 assets=("audio",), fetch=stale_fetch)  # fmt: skip
    failed = outcomes[task_id].files
    assert [e.state for e in failed] == [FileState.FAILED, FileState.FAILED]
    assert all("403" in e.message and "fresh link" in e.message for e in failed)
    assert all(e.error_kind == "refused" for e in failed)
    assert harness.fetched == [task_id]


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "CON", "x" * 300, "Summer 🌞 月光 Vibes", "", "..", "a/b\\c"],
)
async def test_hostile_titles_stay_inside_the_folder(harness: Harness, title: str) -> None:
    task_id = done_task(harness.sim, title=title)
    outcomes = await harness.run(task_id, assets=("audio", "json"))

    assert outcomes[task_id].ok
    root = harness.directory.resolve()
    files = list(root.iterdir())
    assert len(files) == 4
    for path in files:
        assert path.resolve().parent == root
        assert len(path.name.encode()) <= 240
        assert path.name.split(".")[0].strip().upper() != "CON"


async def test_same_title_with_a_template_without_ids(harness: Harness) -> None:
    sim = harness.sim
    first = done_task(sim, title="Same Song")
    second = done_task(sim, title="Same Song")
    await harness.run(first, second, assets=("audio",), template="{title}.{ext}")

    assert harness.names() == [
        "Same Song (2).mp3",
        "Same Song (3).mp3",
        "Same Song (4).mp3",
        "Same Song.mp3",
    ]
    contents = {p.read_bytes() for p in harness.directory.iterdir()}
    assert len(contents) == 4  # nobody overwrote anybody

    # run again: every file is recognised by the clip id in its tags
    harness.events.clear()
    await harness.run(first, second, assets=("audio",), template="{title}.{ext}")
    assert len(harness.names()) == 4
    assert all(e.present for e in harness.finals(FileState.DONE))


async def test_user_file_with_the_same_name_is_not_overwritten(harness: Harness) -> None:
    task_id = done_task(harness.sim, title="Mine")
    harness.directory.mkdir(parents=True)
    (harness.directory / "Mine.jpeg").write_bytes(b"\xff\xd8\xff my own picture")
    await harness.run(task_id, assets=("image",), template="{title}.{ext}")

    assert (harness.directory / "Mine.jpeg").read_bytes() == b"\xff\xd8\xff my own picture"
    assert harness.names() == ["Mine (2).jpeg", "Mine (3).jpeg", "Mine.jpeg"]


# -- a second run ----------------------------------------------------------------------------


async def test_second_run_fetches_nothing_again(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    await harness.run(task_id)
    before = {p.name: p.stat().st_mtime_ns for p in harness.directory.iterdir()}
    sent = sim.stats.asset_bytes

    harness.events.clear()
    harness.records.clear()
    outcomes = await harness.run(task_id)

    assert outcomes[task_id].ok
    assert {p.name: p.stat().st_mtime_ns for p in harness.directory.iterdir()} == before
    assert all(e.present for e in harness.finals(FileState.DONE))
    assert sim.stats.asset_bytes - sent < 1_000_000  # at most size probes, no bodies
    assert sim.stats.paths.get(f"/assets/{sim.render(task_id)['data'][0]['id']}.mp3") == 1


async def test_recorded_downloads_skip_the_network(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    await harness.run(task_id)
    assets_served = sim.stats.requests["asset"]

    harness.events.clear()
    lookup = lambda t, c, a: harness.known.get((t, c, a))  # noqa: E731
    await harness.run(task_id, lookup=lookup)

    assert sim.stats.requests["asset"] == assets_served
    assert len(harness.finals(FileState.DONE)) == 8


async def test_changed_file_on_disk_is_fetched_again(harness: Harness) -> None:
    task_id = done_task(harness.sim)
    await harness.run(task_id, assets=("image",))
    image = next(harness.directory.glob("*.jpeg"))
    image.write_bytes(b"\xff\xd8\xff truncated")

    harness.events.clear()
    await harness.run(task_id, assets=("image",))
    assert image.stat().st_size == 250_000
    assert not any(e.present for e in harness.finals(FileState.DONE) if e.path == image)


# -- faults in the manager --------------------------------------------------------------------


async def test_html_instead_of_audio_fails_that_file_only(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim)
    sim.faults.add(Fault.ASSET_WRONG_CONTENT, times=1, path="/assets/", after=0)
    outcomes = await harness.run(task_id, assets=("audio",))

    failed = [e for e in outcomes[task_id].files if e.state is FileState.FAILED]
    assert len(failed) == 1
    assert failed[0].message == "the server sent an HTML page, not audio"
    assert failed[0].error_kind == "content"
    assert len(list(harness.directory.glob("*.mp3"))) == 1
    assert not list(harness.directory.glob("*.part"))


async def test_disk_full_fails_with_a_clear_message(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = done_task(harness.sim)

    class FullOs:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        @staticmethod
        def write(fd: int, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(body, "os", FullOs())
    outcomes = await harness.run(task_id, assets=("audio",))

    failed = outcomes[task_id].files
    assert [e.state for e in failed] == [FileState.FAILED, FileState.FAILED]
    assert all("disk is full" in e.message and e.error_kind == "storage" for e in failed)
    assert not list(harness.directory.glob("*.mp3"))


async def test_broken_record_callback_does_not_lose_the_file(harness: Harness) -> None:
    task_id = done_task(harness.sim)

    def broken(*args: object) -> None:
        raise RuntimeError("database is locked")

    async with DownloadManager(
        harness.fetch, DownloadOptions(harness.directory, assets=("json",)), record=broken
    ) as manager:
        outcomes = await manager.run([task_id])
    done = outcomes[task_id].files
    assert all(e.state is FileState.DONE and "not recorded" in e.message for e in done)


# -- concurrency and cancellation ------------------------------------------------------------


async def test_concurrency_is_bounded(harness: Harness) -> None:
    sim = harness.sim
    ids = [done_task(sim) for _ in range(4)]
    running: set[tuple[str, str, str]] = set()
    peak = 0

    def watch(event: DownloadProgress) -> None:
        nonlocal peak
        key = (event.task_id, event.clip_id, event.asset)
        if event.asset in ("audio", "image") and event.state is FileState.RUNNING:
            running.add(key)
        elif event.state.final:
            running.discard(key)
        peak = max(peak, len(running))

    async with DownloadManager(
        harness.fetch,
        DownloadOptions(harness.directory, assets=("audio", "image"), concurrency=2),
        on_progress=watch,
    ) as manager:
        outcomes = await manager.run(ids)
    assert all(o.ok for o in outcomes.values())
    assert peak == 2


async def test_cancel_keeps_parts_and_the_next_run_resumes(harness: Harness) -> None:
    sim = harness.sim
    task_id = done_task(sim, asset_sizes={"mp3": 24_000_000})
    busy: list[bool] = []

    def watch(event: DownloadProgress) -> None:
        # Cancel from inside the transfer, after its first batch.
        if event.asset == "audio" and event.received and not busy:
            busy.append(manager.busy and bool(manager.active()))
            manager.cancel()

    manager = DownloadManager(
        harness.fetch, DownloadOptions(harness.directory, assets=("audio",)), on_progress=watch
    )
    manager.submit(task_id)
    outcomes = await manager.join()
    await manager.aclose()

    assert busy == [True]
    assert outcomes[task_id].error_kind == "cancelled"
    assert not manager.busy
    parts = list(harness.directory.glob("*.mp3.part"))
    assert parts and all(meta_path(p.with_suffix("")).exists() for p in parts), harness.names()
    assert not list(harness.directory.glob("*.mp3"))

    harness.events.clear()
    outcomes = await harness.run(task_id, assets=("audio",))
    assert outcomes[task_id].ok
    resumed = [e.resumed_from for e in harness.finals(FileState.DONE)]
    assert any(resumed)
    for clip in sim.render(task_id)["data"]:
        path = next(harness.directory.glob(f"*[[]{clip['id'][:8]}].mp3"))
        assert not part_path(path).exists()


async def test_submitting_twice_is_ignored_while_running(harness: Harness) -> None:
    task_id = done_task(harness.sim)
    async with harness.manager(assets=("json",)) as manager:
        assert manager.submit(task_id)
        assert not manager.submit(task_id)
        await manager.join()
        assert manager.submit(task_id)  # finished: may run again
        await manager.join()


async def test_cancel_does_not_wait_for_a_server_that_never_answers(harness: Harness) -> None:
    """A server that accepts the connection and sends nothing: cancelling must
    not wait for the request timeout (quitting the monitor would freeze)."""
    import time as wall

    from suno_tui.relay.models import parse_task
    from tests.fixtures import shapes

    requested = asyncio.Event()
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.readuntil(b"\r\n\r\n")  # the whole request: the client now waits
        requested.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    payload = shapes.success_task("silent-1")
    for clip in payload["data"]:
        clip["audio_url"] = f"http://127.0.0.1:{port}/{clip['id']}.mp3"
    task = parse_task(payload)

    async def must_not_fetch(task_id: str) -> Task:
        raise AssertionError("the snapshot is fresh: no fetch expected")

    manager = DownloadManager(
        must_not_fetch,
        DownloadOptions(harness.directory, assets=("audio",), timeout=120, concurrency=1),
    )
    manager.submit(task, fetched_at=wall.monotonic())
    # The request has been sent in full: the worker thread is past every check
    # of the cancel flag and can only be waiting for the answer's headers.
    await asyncio.wait_for(requested.wait(), 10)
    manager.cancel()
    # A guard, not a measurement: without the fix this waits 120 s for the timeout.
    outcomes = await asyncio.wait_for(manager.join(), 10)
    await manager.aclose()
    outcome = outcomes["silent-1"]
    assert outcome.error_kind == "cancelled"
    states = [event.state for event in outcome.files]
    assert FileState.CANCELLED in states, states  # the file that was waiting
    assert FileState.FAILED not in states and FileState.DONE not in states, states
    for silent_writer in held:
        silent_writer.close()
    server.close()
    await server.wait_closed()


async def test_a_cancel_before_the_first_byte_leaves_no_part_without_its_meta(
    harness: Harness,
) -> None:
    """An mp3 tagged in front saves its .part.meta with its first bytes: a
    cancel while the answer's headers are in and no byte of the body yet
    must not leave an empty .part that no meta describes."""
    import time as wall

    from suno_tui.relay.models import parse_task
    from tests.fixtures import shapes
    from tests.fixtures.waiting import wait_until_async

    held: list[asyncio.StreamWriter] = []

    async def headers_only(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: 500000\r\n\r\n"
        )
        await writer.drain()  # and not one byte of the body

    server = await asyncio.start_server(headers_only, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    payload = shapes.success_task("headers-1")
    for clip in payload["data"]:
        clip["audio_url"] = f"http://127.0.0.1:{port}/{clip['id']}.mp3"

    async def must_not_fetch(task_id: str) -> Task:
        raise AssertionError("the snapshot is fresh: no fetch expected")

    manager = DownloadManager(
        must_not_fetch,
        DownloadOptions(harness.directory, assets=("audio",), timeout=120, concurrency=2),
    )
    manager.submit(parse_task(payload), fetched_at=wall.monotonic())
    # both clips' .part files are open, waiting for a body that does not come
    await wait_until_async(
        lambda: len(list(harness.directory.glob("*.mp3.part"))) == 2,
        "the transfers never opened their .part files",
    )
    manager.cancel()
    outcomes = await asyncio.wait_for(manager.join(), 10)
    await manager.aclose()
    assert outcomes["headers-1"].error_kind == "cancelled"
    left = [
        p for p in harness.directory.glob("*.part") if not meta_path(p.with_suffix("")).exists()
    ]
    assert left == [], harness.names()
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()
