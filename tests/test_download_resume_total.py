"""A resume whose 206 says ``Content-Range: bytes a-b/*`` (total unknown):
the total known from the first answer (kept in ``.part.meta``) still
decides whether the file is complete, so a short file is never committed
under its final name (issue #21, item 3). Loopback server, no waits."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from suno_tui.downloads.errors import TransferError
from suno_tui.downloads.files import Meta
from suno_tui.downloads.transfer.writer import WriterConfig, download, meta_path, part_path
from tests.reliability.raw_server import RawServer

GUARD = 60  # seconds: a bound on a hang, not a measurement
TOTAL = 4_194_304  # what the first answer's Content-Length announces
CUT = 2_000_000  # where the first answer's connection closes
HEAD = b"ID3" + bytes(61)  # an mp3's first bytes, for the magic check
_RANGE = re.compile(rb"^range:\s*bytes=(\d+)-", re.IGNORECASE | re.MULTILINE)


class NoSleep:
    async def __call__(self, delay: float) -> None:
        return None


def lying_resume(resumed: int) -> RawServer:
    """200 with Content-Length TOTAL, closed after CUT bytes; a Range request
    gets a 206 of ``resumed`` bytes with an unknown total (``/*``)."""

    def script(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        match = _RANGE.search(request)
        if match is None:
            sock.sendall(
                f'HTTP/1.1 200 OK\r\nContent-Length: {TOTAL}\r\nETag: "v1"\r\n'
                "Content-Type: audio/mpeg\r\n\r\n".encode()
            )
            sock.sendall(HEAD + bytes(CUT - len(HEAD)))
            return  # the connection closes short of TOTAL
        start = int(match[1])
        end = start + resumed - 1
        sock.sendall(
            f"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{end}/*\r\n"
            f'Content-Length: {resumed}\r\nETag: "v1"\r\nContent-Type: audio/mpeg\r\n\r\n'.encode()
        )
        sock.sendall(bytes(resumed))

    return RawServer(script)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:  # the guard against a hang, not a measure
        yield client


def config(attempts: int) -> WriterConfig:
    return WriterConfig(max_attempts=attempts, sleep=NoSleep(), min_speed=0)


async def test_a_short_resume_with_an_unknown_total_is_not_committed(
    tmp_path: Path, http: httpx.Client
) -> None:
    final = tmp_path / "song.mp3"
    with lying_resume(1_000) as base_url, pytest.raises(TransferError, match="closed after"):
        await asyncio.wait_for(
            download(http, f"{base_url}/song.mp3", final, "audio", config=config(2)), GUARD
        )
    assert not final.exists()  # no 2,001,000-byte file under the final name
    assert part_path(final).stat().st_size == CUT + 1_000  # kept to resume later
    saved = Meta.load(meta_path(final))
    assert saved is not None and saved.total == TOTAL  # the first answer's total stays


async def test_a_resume_with_an_unknown_total_that_completes_the_file_is_committed(
    tmp_path: Path, http: httpx.Client
) -> None:
    final = tmp_path / "song.mp3"
    with lying_resume(TOTAL - CUT) as base_url:
        written = await asyncio.wait_for(
            download(http, f"{base_url}/song.mp3", final, "audio", config=config(2)), GUARD
        )
    assert written.size == TOTAL and written.resumed_from == CUT
    assert final.stat().st_size == TOTAL
