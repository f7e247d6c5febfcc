"""The streaming writer against the simulator over real loopback HTTP:
resume after a drop or a killed run, servers without Range, changed files,
HTML instead of audio, empty bodies, 404/403, a full disk, no permission."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import respx

from suno_tui.downloads import files
from suno_tui.downloads.errors import (
    ContentError,
    DownloadError,
    HttpStatusError,
    LinkRefused,
    NotFound,
    StorageError,
    TransferError,
)
from suno_tui.downloads.transfer import body
from suno_tui.downloads.transfer.writer import WriterConfig, download, meta_path, part_path
from suno_tui.simulator import Fault, Simulator
from tests.fixtures.stalled_download import cancel_while_stalled

SIZE = 3_000_000  # a bit under three 1 MiB batches


class Sleeps:
    """A fake ``sleep`` for the writer's backoff: records, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def config(sleeps: Sleeps) -> WriterConfig:
    return WriterConfig(sleep=sleeps)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(verify=False) as client:
        yield client


def clip_of(sim: Simulator, scenario: str = "success", **sizes: int) -> dict[str, Any]:
    task_id = sim.add_task(scenario, elapsed=3600, asset_sizes=sizes or {"mp3": SIZE})
    clip: dict[str, Any] = sim.render(task_id)["data"][0]
    return clip


def source(sim: Simulator, clip: dict[str, Any], kind: str = "mp3") -> bytes:
    return sim.asset(clip["id"], kind).read()


def leave_interrupted_part(final: Path, data: bytes, etag: str, total: int) -> None:
    """What a run killed mid-download leaves behind."""
    part_path(final).write_bytes(data)
    meta_path(final).write_text(json.dumps({"etag": etag, "last_modified": "", "total": total}))


async def test_downloads_identical_bytes_and_hash(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    final = tmp_path / "song.mp3"
    seen: list[tuple[int, int | None]] = []

    written = await download(
        http, clip["audio_url"], final, "audio", on_progress=lambda r, t: seen.append((r, t)),
        config=config,
    )  # fmt: skip

    data = source(simulator, clip)
    assert final.read_bytes() == data
    assert written.size == SIZE and written.sha256 == hashlib.sha256(data).hexdigest()
    assert written.resumed_from == 0 and written.attempts == 1
    assert not part_path(final).exists() and not meta_path(final).exists()
    assert seen[-1] == (SIZE, SIZE)
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)


async def test_connection_dropped_mid_file_resumes(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    sleeps: Sleeps,
) -> None:
    clip = clip_of(simulator)
    simulator.faults.add(Fault.ASSET_DROP, times=1, after_bytes=1_500_000)
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    assert final.read_bytes() == source(simulator, clip)
    assert written.attempts == 2
    assert 0 < written.resumed_from <= 1_500_000
    assert sleeps.delays == [0.5]
    # the retry asked only for the rest
    assert simulator.stats.statuses[206] == 1


async def test_repeated_drops_give_up_after_bounded_attempts(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    sleeps: Sleeps,
) -> None:
    clip = clip_of(simulator)
    simulator.faults.add(Fault.ASSET_DROP, times=None, after_bytes=100_000)
    final = tmp_path / "song.mp3"

    with pytest.raises(TransferError, match="connection"):
        await download(http, clip["audio_url"], final, "audio", config=config)

    assert sleeps.delays == [0.5, 1.0, 2.0, 4.0]  # exponential, 5 attempts
    assert not final.exists()
    assert part_path(final).exists()  # kept for the next run


async def test_killed_run_is_resumed_by_the_next_one(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    data = source(simulator, clip)
    etag = simulator.asset(clip["id"], "mp3").etag
    final = tmp_path / "song.mp3"
    leave_interrupted_part(final, data[:1_234_567], etag, len(data))

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    assert final.read_bytes() == data
    assert written.resumed_from == 1_234_567
    assert written.sha256 == hashlib.sha256(data).hexdigest()  # hash covers the old bytes too
    assert simulator.stats.asset_bytes == len(data) - 1_234_567


async def test_cancelled_download_keeps_part_and_resumes(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator, mp3=8_000_000)
    final = tmp_path / "song.mp3"

    def progress(received: int, total: int | None) -> None:
        if received >= 2_000_000:
            job.cancel()  # lands at the transfer's next await, mid-file

    job = asyncio.ensure_future(
        download(http, clip["audio_url"], final, "audio", on_progress=progress, config=config)
    )
    with pytest.raises(asyncio.CancelledError):
        await job
    assert not final.exists()
    kept = part_path(final).stat().st_size
    assert kept >= 1_000_000 and meta_path(final).exists()

    written = await download(http, clip["audio_url"], final, "audio", config=config)
    assert written.resumed_from == kept
    assert final.read_bytes() == source(simulator, clip)


async def test_server_without_range_support_restarts_cleanly(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    data = source(simulator, clip)
    final = tmp_path / "song.mp3"
    leave_interrupted_part(final, b"\xff" * 500_000, simulator.asset(clip["id"], "mp3").etag, SIZE)
    simulator.faults.add(Fault.ASSET_NO_RANGE, times=1)

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    assert final.read_bytes() == data  # the stale bytes were thrown away
    assert written.resumed_from == 0
    assert simulator.stats.statuses[200] >= 1 and simulator.stats.statuses[206] == 0


async def test_changed_file_etag_restarts(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    old = source(simulator, clip)
    final = tmp_path / "song.mp3"
    leave_interrupted_part(final, old[:1_000_000], simulator.asset(clip["id"], "mp3").etag, SIZE)
    simulator.faults.add(Fault.ASSET_ETAG_CHANGED, times=1)

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    new = source(simulator, clip)
    assert new != old
    assert final.read_bytes() == new
    assert written.resumed_from == 0


async def test_part_without_meta_is_not_trusted(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    final = tmp_path / "song.mp3"
    part_path(final).write_bytes(b"garbage" * 1000)

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    assert written.resumed_from == 0
    assert final.read_bytes() == source(simulator, clip)


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Fault.ASSET_WRONG_CONTENT, ContentError, "the server sent an HTML page, not audio"),
        (Fault.ASSET_EMPTY, ContentError, "empty file"),
        (Fault.ASSET_404, NotFound, "HTTP 404"),
    ],
)
async def test_bad_answers_leave_no_file(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    fault: Fault,
    error: type[Exception],
    message: str,
) -> None:
    clip = clip_of(simulator)
    simulator.faults.add(fault, times=1)
    final = tmp_path / "song.mp3"

    with pytest.raises(error, match=message):
        await download(http, clip["audio_url"], final, "audio", config=config)

    assert list(tmp_path.iterdir()) == []  # no final, no .part of garbage


async def test_stale_link_is_refused(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    stale = clip["audio_url"]
    simulator.render(simulator.tasks.clip(clip["id"])[0].task_id)  # type: ignore[index]
    simulator.faults.add(Fault.ASSET_STALE_403, times=None)

    with pytest.raises(LinkRefused, match="403") as caught:
        await download(http, stale, tmp_path / "song.mp3", "audio", config=config)
    assert caught.value.status == 403 and not caught.value.retryable


async def test_server_errors_are_retried(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    sleeps: Sleeps,
) -> None:
    clip = clip_of(simulator)
    simulator.faults.add(Fault.HTTP_503, times=2, path="/assets/", body="html")
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    assert written.attempts == 3 and sleeps.delays == [0.5, 1.0]
    assert final.read_bytes() == source(simulator, clip)


async def test_wrong_media_kind_is_refused(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    with pytest.raises(ContentError, match="jpeg data, not audio"):
        await download(http, clip["image_url"], tmp_path / "x.mp3", "audio", config=config)
    assert list(tmp_path.iterdir()) == []


# -- the disk -------------------------------------------------------------------------


class FakeOs(SimpleNamespace):
    """``os`` for the writer module, with one function replaced."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


async def test_full_disk_gives_a_clear_message_and_no_final_file(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clip = clip_of(simulator)
    budget = [1_200_000]

    def write(fd: int, data: Any) -> int:
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        budget[0] -= len(data)
        return os.write(fd, data)

    monkeypatch.setattr(body, "os", FakeOs(write=write))
    final = tmp_path / "song.mp3"

    with pytest.raises(StorageError) as caught:
        await download(http, clip["audio_url"], final, "audio", config=config)

    message = str(caught.value)
    assert "disk is full" in message and str(final.with_suffix(".mp3.part")) in message
    assert "\n" not in message
    assert caught.value.errno == errno.ENOSPC
    assert not final.exists()

    # space freed: the next run resumes and completes
    monkeypatch.setattr(body, "os", os)
    written = await download(http, clip["audio_url"], final, "audio", config=config)
    assert written.resumed_from > 0
    assert final.read_bytes() == source(simulator, clip)


async def test_permission_denied_is_clear(
    simulator: Simulator,
    http: httpx.Client,
    tmp_path: Path,
    config: WriterConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clip = clip_of(simulator)

    def refuse(path: Any, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(body, "os", FakeOs(open=refuse))
    monkeypatch.setattr(files, "os", FakeOs(open=refuse))  # the .part is created there
    final = tmp_path / "song.mp3"

    with pytest.raises(StorageError, match="permission denied"):
        await download(http, clip["audio_url"], final, "audio", config=config)
    assert not final.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
async def test_read_only_folder(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="permission denied"):
            await download(http, clip["audio_url"], folder / "s.mp3", "audio", config=config)
    finally:
        folder.chmod(0o700)


async def test_commit_hook_runs_on_the_part_before_the_rename(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator)
    final = tmp_path / "song.mp3"
    seen: list[tuple[Path, bool]] = []

    def hook(part: Path) -> bool:
        seen.append((part, final.exists()))
        with open(part, "ab") as handle:
            handle.write(b"TAG")
        return True

    written = await download(
        http, clip["audio_url"], final, "audio", before_commit=hook, config=config
    )
    assert seen == [(part_path(final), False)]
    data = final.read_bytes()
    assert data.endswith(b"TAG") and written.size == len(data)
    assert written.sha256 == hashlib.sha256(data).hexdigest()  # of the final file


# -- redirects (respx: the simulator does not redirect) --------------------------------


@respx.mock
async def test_redirects_are_bounded(tmp_path: Path, config: WriterConfig) -> None:
    for n in range(10):
        respx.get(f"https://cdn.example/{n}.mp3").respond(
            302, headers={"Location": f"https://cdn.example/{n + 1}.mp3"}
        )
    with httpx.Client() as client, pytest.raises(DownloadError, match="too many redirects"):
        await download(client, "https://cdn.example/0.mp3", tmp_path / "a.mp3", "audio",
                       config=config)  # fmt: skip


@respx.mock
async def test_redirect_to_another_scheme_is_refused(tmp_path: Path, config: WriterConfig) -> None:
    respx.get("https://cdn.example/a.mp3").respond(302, headers={"Location": "file:///etc/passwd"})
    with httpx.Client() as client, pytest.raises(DownloadError, match="not http"):
        await download(client, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio",
                       config=config)  # fmt: skip
    assert not (tmp_path / "a.mp3").exists()


@respx.mock
async def test_short_body_without_length_checks_magic(tmp_path: Path, config: WriterConfig) -> None:
    respx.get("https://cdn.example/a.mp3").respond(200, content=b"ID3")
    with httpx.Client() as client:
        written = await download(
            client, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio", config=config
        )
    assert written.size == 3


@respx.mock
async def test_rate_limit_honours_retry_after(
    tmp_path: Path, config: WriterConfig, sleeps: Sleeps
) -> None:
    route = respx.get("https://cdn.example/a.mp3")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, content=b"ID3" + b"\x00" * 100),
    ]
    with httpx.Client() as client:
        await download(client, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio",
                       config=config)  # fmt: skip
    assert sleeps.delays == [7.0]


def test_http_status_error_retryability() -> None:
    assert HttpStatusError("x", status=503).retryable
    assert not HttpStatusError("x", status=400).retryable


# -- a big body: hashed on a helper thread; a stalled server and a cancel ----------------


async def test_big_file_dropped_and_resumed_hash_covers_everything(
    simulator: Simulator, http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    clip = clip_of(simulator, mp3=12_000_000)
    simulator.faults.add(Fault.ASSET_DROP, times=1, after_bytes=7_000_000)
    final = tmp_path / "song.mp3"

    written = await download(http, clip["audio_url"], final, "audio", config=config)

    data = source(simulator, clip)
    assert written.resumed_from > 4 << 20  # the first attempt used the hashing thread
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert final.read_bytes() == data


async def test_cancel_stops_a_transfer_blocked_on_a_stalled_server(
    http: httpx.Client, tmp_path: Path, config: WriterConfig
) -> None:
    final = tmp_path / "stalled.mp3"
    await cancel_while_stalled(http, final, config)
    assert not final.exists()
    assert part_path(final).stat().st_size >= 1 << 20
    assert json.loads(meta_path(final).read_text())["etag"] == '"v1"'
