"""Resuming a download (RFC 9110 ranges): ``Range`` goes with ``If-Range``
naming a strong validator, a weak ETag is never one (Last-Modified stands in,
or there is no resume), and only a 206 continues the bytes kept: a 200 to a
Range request starts the file again from zero.

An origin server on loopback drops the first answer mid-body, so the
download's own retry is the resume; every request it saw is checked.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from suno_tui.downloads.transfer import WriterConfig, Written, download

DATA = b"ID3\x04\x00\x00\x00\x00\x00\x00" + random.Random(9110).randbytes(300_000)
DROP_AFTER = 100_000  # bytes of the first answer before the connection drops
STRONG = '"v1-strong"'
WEAK = 'W/"v1-weak"'
DATE = "Wed, 02 Dec 2026 10:00:00 GMT"


@dataclass
class Origin:
    """Serves DATA with the given validators; answers a Range request with a
    206 only when ``ranges`` is on and its If-Range matches (RFC 9110 13.1.5)."""

    etag: str = ""
    last_modified: str = ""
    ranges: bool = True
    #: every request's headers (names in lower case), in order
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    def validators(self) -> bytes:
        lines = []
        if self.etag:
            lines.append(f"ETag: {self.etag}\r\n")
        if self.last_modified:
            lines.append(f"Last-Modified: {self.last_modified}\r\n")
        return "".join(lines).encode()

    def range_start(self, headers: dict[str, str]) -> int | None:
        asked = headers.get("range", "")
        if not (self.ranges and asked.startswith("bytes=") and asked.endswith("-")):
            return None
        if_range = headers.get("if-range")
        # a strong comparison: a weak tag never matches, whatever it says
        if if_range is not None and if_range not in (self.etag, self.last_modified):
            return None
        if if_range is not None and if_range.startswith("W/"):
            return None
        return int(asked[len("bytes=") : -1])

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        self.requests.append(headers)
        first = len(self.requests) == 1
        start = self.range_start(headers)
        if start is not None:
            status = b"206 Partial Content"
            extra = f"Content-Range: bytes {start}-{len(DATA) - 1}/{len(DATA)}\r\n".encode()
            body = DATA[start:]
        else:
            status, extra, body = b"200 OK", b"", DATA
        writer.write(
            b"HTTP/1.1 " + status + b"\r\nContent-Type: audio/mpeg\r\n"
            + f"Content-Length: {len(body)}\r\n".encode()
            + self.validators() + extra + b"Connection: close\r\n\r\n"
        )  # fmt: skip
        writer.write(body[:DROP_AFTER] if first else body)
        await writer.drain()
        writer.close()  # after the first answer's DROP_AFTER bytes: a dropped connection

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/song.mp3"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


@pytest.fixture
def config() -> WriterConfig:
    async def no_wait(delay: float) -> None:
        pass

    return WriterConfig(sleep=no_wait)


async def fetch(origin: Origin, final: Path, http: httpx.Client, config: WriterConfig) -> Written:
    server = await asyncio.start_server(origin.serve, "127.0.0.1", 0)
    origin.port = server.sockets[0].getsockname()[1]
    try:
        return await download(http, origin.url, final, "audio", config=config)
    finally:
        server.close()
        await server.wait_closed()


def resume_request(origin: Origin) -> dict[str, str]:
    assert len(origin.requests) == 2, "expected the dropped answer and one retry"
    assert "range" not in origin.requests[0] and "if-range" not in origin.requests[0]
    return origin.requests[1]


@pytest.mark.parametrize(
    ("etag", "last_modified", "if_range"),
    [
        (STRONG, "", STRONG),
        (STRONG, DATE, STRONG),  # the strong ETag is the better validator
        (WEAK, DATE, DATE),  # a weak ETag is never sent: Last-Modified stands in
        ("", DATE, DATE),  # Last-Modified only
    ],
)
async def test_the_retry_asks_for_the_rest_if_the_file_is_unchanged(
    tmp_path: Path,
    http: httpx.Client,
    config: WriterConfig,
    etag: str,
    last_modified: str,
    if_range: str,
) -> None:
    origin = Origin(etag=etag, last_modified=last_modified)
    final = tmp_path / "song.mp3"

    written = await fetch(origin, final, http, config)

    retry = resume_request(origin)
    assert 0 < written.resumed_from <= DROP_AFTER
    assert retry["range"] == f"bytes={written.resumed_from}-"
    assert retry["if-range"] == if_range
    assert final.read_bytes() == DATA
    assert written.attempts == 2


async def test_a_weak_etag_alone_is_no_validator_so_there_is_no_resume(
    tmp_path: Path, http: httpx.Client, config: WriterConfig
) -> None:
    """RFC 9110 13.1.5: a client must not send a weak tag in If-Range; without
    a strong validator a Range request could splice two versions of a file."""
    origin = Origin(etag=WEAK)
    final = tmp_path / "song.mp3"

    written = await fetch(origin, final, http, config)

    retry = resume_request(origin)
    assert "range" not in retry and "if-range" not in retry
    assert written.resumed_from == 0
    assert final.read_bytes() == DATA


async def test_no_validator_at_all_is_no_resume(
    tmp_path: Path, http: httpx.Client, config: WriterConfig
) -> None:
    origin = Origin()
    final = tmp_path / "song.mp3"

    written = await fetch(origin, final, http, config)

    retry = resume_request(origin)
    assert "range" not in retry and "if-range" not in retry
    assert written.resumed_from == 0 and final.read_bytes() == DATA


async def test_a_200_to_a_range_request_starts_again_from_zero(
    tmp_path: Path, http: httpx.Client, config: WriterConfig
) -> None:
    """The server ignores Range (or the If-Range did not match): its 200 is the
    whole file, written from byte 0, never appended to the bytes kept."""
    origin = Origin(etag=STRONG, ranges=False)
    final = tmp_path / "song.mp3"

    written = await fetch(origin, final, http, config)

    retry = resume_request(origin)
    assert retry["if-range"] == STRONG  # it did ask for the rest
    assert written.resumed_from == 0
    assert final.read_bytes() == DATA
    assert written.size == len(DATA)
