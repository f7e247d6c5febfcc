"""Headers that drip: a server that sends its header block a byte at a time
never trips httpx's read timeout (each byte resets it), so the speed floor's
window bounds the wait for the headers too (issue #21, item 4). The window
is scaled down to a fraction of a second; the server is a real loopback
socket."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from suno_tui.downloads.transfer.speed_floor import TooSlow
from suno_tui.downloads.transfer.writer import WriterConfig, download, part_path
from tests.reliability.raw_server import RawServer

GUARD = 20  # seconds: a bound on a hang, not a measurement
WINDOW = 0.3  # seconds: download_min_speed_time, scaled down


class NoSleep:
    async def __call__(self, delay: float) -> None:
        return None


def header_dripper() -> RawServer:
    """Sends a status line and headers one byte every 20 ms, for ever."""

    def script(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * 100_000
        for byte in head:
            if stop.wait(0.02):
                return
            sock.sendall(bytes([byte]))  # raises once the client has gone

    return RawServer(script)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:  # each byte resets the read timeout
        yield client


async def test_a_header_drip_is_cut_by_the_speed_floor_and_retried(
    tmp_path: Path, http: httpx.Client
) -> None:
    final = tmp_path / "song.mp3"
    config = WriterConfig(max_attempts=2, sleep=NoSleep(), min_speed_time=WINDOW)
    server = header_dripper()
    with server as base_url, pytest.raises(TooSlow, match="headers"):
        await asyncio.wait_for(
            download(http, f"{base_url}/song.mp3", final, "audio", config=config), GUARD
        )
    assert len(server.requests) == 2  # a retryable failure, like a dripping body
    assert not final.exists() and not part_path(final).exists()
