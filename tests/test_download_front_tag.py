"""An mp3's tag written in front of its audio as it streams (``front_tag``):
the same frames as tagging the file afterwards, the audio untouched, one
hash of the final bytes, and resuming a front-tagged ``.part`` (after a
dropped connection, or a killed run) asking the server for the right byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mutagen.id3 import ID3

from suno_tui.downloads.tagging import TagInfo, render_tag, tag_mp3
from suno_tui.downloads.transfer.front_tag import MAX_HELD, FrontTag, id3_length
from suno_tui.downloads.transfer.writer import WriterConfig, download, meta_path, part_path
from suno_tui.simulator import Fault, Simulator

SIZE = 3_000_000


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
def cover(tmp_path: Path) -> Path:
    path = tmp_path / "cover.jpeg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(2000) + b"\xff\xd9")
    return path


def info_with(cover: Path) -> TagInfo:
    return TagInfo(
        title="Night Drive", artist="Me", clip_id="clip-1", task_id="task-1",
        tags=("synthwave",), lyrics="[Verse]\nla la", cover=cover,
    )  # fmt: skip


def clip_of(sim: Simulator) -> dict[str, Any]:
    task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": SIZE})
    clip: dict[str, Any] = sim.render(task_id)["data"][0]
    return clip


def frames(path: Path) -> dict[str, list[str]]:
    tags = ID3(path)
    return {key: [repr(frame) for frame in tags.getall(key)] for key in sorted(tags.keys())}


def tagged_afterwards(body: bytes, info: TagInfo, folder: Path) -> Path:
    """What the writer made before: the body saved, then tagged by mutagen."""
    path = folder / "afterwards.mp3"
    path.write_bytes(body)
    tag_mp3(path, info)
    return path


class Hook:
    def __init__(self, info: TagInfo) -> None:
        self.info = info
        self.calls: list[Path] = []

    def __call__(self, part: Path) -> bool:
        self.calls.append(part)
        return tag_mp3(part, self.info)


async def test_the_tag_in_front_has_the_frames_of_tagging_afterwards(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig, cover: Path
) -> None:
    clip = clip_of(simulator)
    body = simulator.asset(clip["id"], "mp3").read()
    info = info_with(cover)
    hook = Hook(info)
    final = tmp_path / "song.mp3"

    def render(tag: bytes, audio: int | None) -> bytes | None:
        return render_tag(tag, info, audio)

    written = await download(http, clip["audio_url"], final, "audio", before_commit=hook,
                             render_tag=render, config=config)  # fmt: skip

    assert hook.calls == []  # tagged as it streamed: no rewrite afterwards
    expected = tagged_afterwards(body, info, tmp_path)
    assert frames(final) == frames(expected)
    assert "TSSE" in frames(final)  # the body's own frame is kept
    data = final.read_bytes()
    ours, theirs = ID3(final).size, id3_length(body)
    assert theirs and data[ours:] == body[theirs:]  # the audio, byte for byte
    assert written.size == len(data)
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert not part_path(final).exists() and not meta_path(final).exists()


async def test_an_unreadable_body_tag_is_tagged_afterwards(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig, cover: Path
) -> None:
    clip = clip_of(simulator)
    body = simulator.asset(clip["id"], "mp3").read()
    hook = Hook(info_with(cover))
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio", before_commit=hook,
                             render_tag=lambda tag, audio: None, config=config)  # fmt: skip

    assert hook.calls == [part_path(final)]
    assert frames(final) == frames(tagged_afterwards(body, hook.info, tmp_path))
    assert written.sha256 == hashlib.sha256(final.read_bytes()).hexdigest()


async def test_a_dropped_connection_resumes_after_the_tag_in_front(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig, cover: Path
) -> None:
    clip = clip_of(simulator)
    body = simulator.asset(clip["id"], "mp3").read()
    info = info_with(cover)
    simulator.faults.add(Fault.ASSET_DROP, times=1, after_bytes=1_500_000)
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio",
                             render_tag=lambda tag, audio: render_tag(tag, info, audio),
                             config=config)  # fmt: skip

    assert written.attempts == 2 and simulator.stats.statuses[206] == 1
    assert 0 < written.resumed_from <= 1_500_000
    data = final.read_bytes()
    assert data[ID3(final).size :] == body[id3_length(body) :]
    assert frames(final) == frames(tagged_afterwards(body, info, tmp_path))
    assert written.sha256 == hashlib.sha256(data).hexdigest()


async def test_a_killed_runs_front_tagged_part_resumes_at_the_right_byte(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig, cover: Path
) -> None:
    clip = clip_of(simulator)
    body = simulator.asset(clip["id"], "mp3").read()
    info = info_with(cover)
    theirs = id3_length(body)
    assert theirs
    ours = render_tag(body[:theirs], info, len(body) - theirs)
    kept = 1_000_000  # server bytes the killed run had
    final = tmp_path / "song.mp3"
    part_path(final).write_bytes(ours + body[theirs:kept])
    etag = simulator.asset(clip["id"], "mp3").etag
    meta = {"etag": etag, "last_modified": "", "total": len(body), "front": len(ours),
            "body_tag": theirs}  # fmt: skip
    meta_path(final).write_text(json.dumps(meta))
    hook = Hook(info)

    written = await download(http, clip["audio_url"], final, "audio", before_commit=hook,
                             render_tag=lambda tag, audio: None, config=config)  # fmt: skip

    assert written.resumed_from == kept  # the server's byte, not the .part's size
    assert hook.calls == []  # the .part was tagged in front by the killed run
    assert final.read_bytes() == ours + body[theirs:]
    assert written.sha256 == hashlib.sha256(ours + body[theirs:]).hexdigest()


def test_id3_length_reads_the_header() -> None:
    assert id3_length(b"") is None and id3_length(b"ID") is None
    assert id3_length(b"\xff\xfb\x90") == 0  # an MPEG frame: no tag
    assert id3_length(b"ID3\x03\x00\x00") is None  # needs the size
    assert id3_length(b"ID3\x03\x00\x00\x00\x00\x01\x00") == 10 + 128
    assert id3_length(b"ID3\x04\x00\x10\x00\x00\x00\x05") == 10 + 5 + 10  # a footer
    assert id3_length(b"ID3\x03\x00\x00\x00\x00\x00\x80") == 0  # not syncsafe


def test_a_tag_too_big_to_hold_is_written_as_it_came() -> None:
    calls: list[bytes] = []
    front = FrontTag(lambda tag, audio: calls.append(tag) or b"X", None)
    size = MAX_HELD + 1
    header = b"ID3\x03\x00\x00" + bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    assert front.feed(header) == header  # at once: nothing held back
    assert not front.tagged and calls == []
    assert front.feed(b"audio") == b"audio"


def test_a_body_shorter_than_its_tag_is_given_back_whole() -> None:
    front = FrontTag(lambda tag, audio: b"OURS", 100)
    assert front.feed(b"ID3\x03\x00\x00\x00\x00\x01\x00abc") == b""
    assert front.finish() == b"ID3\x03\x00\x00\x00\x00\x01\x00abc"
    assert not front.tagged


def test_a_body_without_a_tag_gets_ours_in_front() -> None:
    front = FrontTag(lambda tag, audio: b"OURS" if tag == b"" else None, 10)
    assert front.feed(b"\xff\xfb\x90\x00") == b"OURS\xff\xfb\x90\x00"
    assert front.tagged and (front.front, front.body_tag) == (4, 0)
    assert front.feed(b"more") == b"more" and front.finish() == b""
