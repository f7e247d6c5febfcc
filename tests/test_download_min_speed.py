"""The minimum download speed (curl's --speed-limit/--speed-time): a server
that drips bytes never trips a read timeout, so the writer fails such a
transfer itself, for a small body and a big one, and keeps the ``.part``.

The rule's clock is a fake that moves one second each time it is read (once
per chunk received), so a window of a few "seconds" is a few chunks and no
test waits for it. The dripping server is a real loopback socket.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from suno_tui.config import ConfigError, Settings, load_settings
from suno_tui.downloads.errors import TransferError
from suno_tui.downloads.files import resume_offset
from suno_tui.downloads.transfer.speed_floor import SpeedFloor, TooSlow, speed_text
from suno_tui.downloads.transfer.writer import WriterConfig, Written, download, meta_path, part_path
from suno_tui.engine.downloads import options_from_settings
from tests.reliability.raw_server import RawServer

GUARD = 60  # seconds: a bound on a hang, not a measurement
HEAD = b"ID3" + bytes(61)  # what the server sends at once: enough for the magic check
_RANGE = re.compile(rb"^range:\s*bytes=(\d+)-", re.IGNORECASE | re.MULTILINE)


class StepClock:
    """Monotonic seconds that move by ``step`` at each reading."""

    def __init__(self, step: float = 1.0) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class NoSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def dripper(length: int, *, finish_resumed: bool = False) -> RawServer:
    """A server that sends HEAD, then one byte every 10 ms (real time: only to
    keep chunks small; nothing is timed) until the client hangs up. A Range
    request gets a 206 that drips the same way or, with ``finish_resumed``,
    the rest of the file at once."""

    def script(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        match = _RANGE.search(request)
        start = int(match[1]) if match else 0
        if match:
            head = (
                f"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{length - 1}"
                f"/{length}\r\nContent-Length: {length - start}\r\n"
            )
        else:
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n"
        head += 'Content-Type: audio/mpeg\r\nETag: "v1"\r\n\r\n'
        sock.sendall(head.encode())
        if match and finish_resumed:
            sock.sendall(bytes(length - start))
            return
        if not match:
            sock.sendall(HEAD)
        while not stop.wait(0.01):
            sock.sendall(b"\0")  # raises once the client has gone: the script ends

    return RawServer(script)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:  # the guard against a hang, not a measure
        yield client


def slow_config(**changes: object) -> WriterConfig:
    values: dict[str, object] = {
        "max_attempts": 1,
        "sleep": NoSleep(),
        "min_speed": 1024,
        "min_speed_time": 5.0,
        "clock": StepClock(),
    }
    values.update(changes)
    return WriterConfig(**values)  # type: ignore[arg-type]


async def fetch(http: httpx.Client, url: str, final: Path, config: WriterConfig) -> Written:
    return await asyncio.wait_for(download(http, url, final, "audio", config=config), GUARD)


# -- the rule itself -----------------------------------------------------------------------------


def test_a_drip_fails_once_a_whole_window_was_too_slow() -> None:
    clock = StepClock()
    floor = SpeedFloor(1024, 5.0, clock, received=0)  # starts at t=1
    for second in range(2, 6):  # 4 s in, 100 B/s: not a whole window yet
        floor.check(100 * second)
    with pytest.raises(TooSlow, match=r"^too slow: under 1 KiB/s for 5 s$"):
        floor.check(600)  # t=6: 600 bytes in 5 s


def test_a_fast_or_recovering_transfer_is_left_alone() -> None:
    clock = StepClock()
    floor = SpeedFloor(1024, 5.0, clock, received=10_000)  # bytes of a resumed .part
    received = 10_000
    for _ in range(50):
        received += 2048  # 2 KiB/s
        floor.check(received)
    for _ in range(20):  # a slow second after every four fast ones: 5 KiB/s on average
        for each in (8192, 8192, 8192, 8192, 1):
            received += each
            floor.check(received)


def test_a_slow_stretch_after_a_fast_start_still_counts() -> None:
    clock = StepClock()
    floor = SpeedFloor(1000, 4.0, clock, received=0)
    floor.check(1 << 20)  # one big burst at the start
    with pytest.raises(TooSlow, match="under 1000 B/s for 4 s"):
        for _ in range(20):
            floor.check(1 << 20)  # then nothing more for many seconds


def test_zero_turns_the_rule_off() -> None:
    floor = SpeedFloor(0, 1.0, StepClock(), received=0)
    for _ in range(100):
        floor.check(0)


def test_speeds_read_like_a_person_would_write_them() -> None:
    assert speed_text(512) == "512 B/s"
    assert speed_text(1024) == "1 KiB/s"
    assert speed_text(1536) == "1.5 KiB/s"
    assert speed_text(3 << 20) == "3 MiB/s"
    assert speed_text(1 << 30) == "1024 MiB/s"


def test_the_writer_refuses_nonsense_values() -> None:
    with pytest.raises(ValueError, match="min_speed"):
        WriterConfig(min_speed=-1)
    with pytest.raises(ValueError, match="min_speed_time"):
        WriterConfig(min_speed_time=0)


# -- a small body, and a big one (hashed on a helper thread) --------------------------------------


@pytest.mark.parametrize("length", [200_000, 40 << 20], ids=["small", "big"])
async def test_a_dripping_server_fails_the_download_and_the_part_is_kept(
    tmp_path: Path, http: httpx.Client, length: int
) -> None:
    final = tmp_path / "song.mp3"
    with dripper(length) as base_url, pytest.raises(TooSlow) as caught:
        await fetch(http, f"{base_url}/song.mp3", final, slow_config())
    assert str(caught.value) == "too slow: under 1 KiB/s for 5 s"
    assert isinstance(caught.value, TransferError)  # retried like a dropped connection
    assert not final.exists()
    offset, saved = resume_offset(part_path(final), meta_path(final))
    assert offset >= len(HEAD)  # every byte that came is there to resume from
    assert saved is not None and saved.total == length


async def test_a_later_run_resumes_what_the_slow_one_kept(
    tmp_path: Path, http: httpx.Client
) -> None:
    final = tmp_path / "song.mp3"
    server = dripper(300_000, finish_resumed=True)
    with server as base_url:
        url = f"{base_url}/song.mp3"
        with pytest.raises(TooSlow):
            await fetch(http, url, final, slow_config())
        kept = part_path(final).stat().st_size
        # the later run: the defaults, a real clock
        written = await fetch(http, url, final, WriterConfig(max_attempts=1, sleep=NoSleep()))
    assert written.resumed_from == kept > 0
    assert final.stat().st_size == 300_000
    assert not part_path(final).exists()
    assert b"range: bytes=" in server.requests[-1].lower()


async def test_each_attempt_resumes_and_the_last_failure_says_too_slow(
    tmp_path: Path, http: httpx.Client
) -> None:
    final = tmp_path / "song.mp3"
    sleeps = NoSleep()
    server = dripper(300_000)
    with server as base_url, pytest.raises(TooSlow, match="too slow"):
        await fetch(http, f"{base_url}/song.mp3", final, slow_config(max_attempts=3, sleep=sleeps))
    assert len(server.requests) == 3
    assert all(b"range: bytes=" in request.lower() for request in server.requests[1:])
    assert len(sleeps.delays) == 2
    assert part_path(final).exists()


# -- the settings --------------------------------------------------------------------------------


def test_defaults_suit_a_slow_link_and_reach_the_writer(tmp_path: Path) -> None:
    settings = Settings(download_dir=tmp_path)
    writer = options_from_settings(settings).writer
    assert (writer.min_speed, writer.min_speed_time) == (1024, 30.0)


def test_the_config_file_sets_both_numbers(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("download_min_speed = 0\ndownload_min_speed_time = 90\n")
    settings = load_settings(path, env={})
    writer = options_from_settings(settings).writer
    assert (writer.min_speed, writer.min_speed_time) == (0, 90.0)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "download_min_speed = -1",
            "key 'download_min_speed' must be a whole number of bytes per second from 0 to",
        ),
        ("download_min_speed = 1.5", "key 'download_min_speed' must be a whole number"),
        ('download_min_speed = "1K"', "key 'download_min_speed' must be a whole number"),
        (
            "download_min_speed_time = 0",
            "key 'download_min_speed_time' must be a number of seconds from 1 to 3600, got 0",
        ),
        ("download_min_speed_time = inf", "key 'download_min_speed_time' must be a number"),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(line + "\n")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(path, env={})
