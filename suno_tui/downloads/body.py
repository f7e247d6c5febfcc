"""Receiving one answer's body into the ``.part``: the first bytes checked,
every byte written and hashed (on a helper thread for a big file), a big
body read straight from the socket into reused buffers, progress reported,
the length checked, then one fsync."""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from suno_tui.downloads.errors import (
    ContentError,
    TransferError,
    storage_error,
)
from suno_tui.downloads.files import (
    NOFOLLOW,
    create_exclusive,
    discard,
    hash_file,
    open_for_reading,
)
from suno_tui.downloads.magic import HEAD_BYTES, media_problem
from suno_tui.downloads.speed_floor import SpeedFloor
from suno_tui.relay.errors import transport_reason

if TYPE_CHECKING:
    import httpx
from suno_tui.downloads.http_get import _int_header
from suno_tui.downloads.job import _Job
from suno_tui.downloads.threads import _Stopped, _Stopper

_Chunk = bytes | memoryview
_HTTP_READ_BYTES = 1 << 20
_WRITEBACK_STEP = 32 << 20
_HASH_THREAD_AFTER = 4 << 20  # hash on a helper thread once a body is this big
_PROGRESS_SECONDS = 0.25
_HASH_QUEUE = 4  # chunks (<= 1 MiB each) waiting to be hashed
_FADVISE: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)
# Bodies at least this long are read past h11 (see _direct_socket). The
# connection is not reused after that: for a big file one more connect is
# nothing, for a small one keep-alive is worth more than the copies saved.
_DIRECT_AFTER = 32 << 20


def _widen_http_reads() -> None:
    """Let httpcore read up to 1 MiB per call instead of 64 KiB.

    httpcore asks the socket for READ_NUM_BYTES at a time (a class attribute);
    larger reads mean fewer trips through h11 for a big body (+10-30% on
    loopback). A read returns what is available, so small answers are
    unaffected. If httpcore drops the attribute this does nothing.
    """
    from httpcore._sync.http11 import HTTP11Connection

    current = getattr(HTTP11Connection, "READ_NUM_BYTES", None)
    if isinstance(current, int) and current < _HTTP_READ_BYTES:
        HTTP11Connection.READ_NUM_BYTES = _HTTP_READ_BYTES


class _Buffers:
    """Reusable 1 MiB buffers for a body read straight from the socket: a
    buffer comes back once written and hashed, so memory stays flat and no
    page is allocated (and faulted in) per chunk."""

    def __init__(self, count: int) -> None:
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        self._left = count  # buffers not made yet

    def take(self) -> bytearray:
        if self._left and self._free.empty():
            self._left -= 1
            return bytearray(_HTTP_READ_BYTES)
        return self._free.get()  # the hasher gives one back soon

    def give(self, buffer: bytearray) -> None:
        self._free.put(buffer)


class _Hasher:
    """sha256 and writeback hints for a big body, on a helper thread, so that
    the transfer thread only receives and writes (both threads release the
    GIL in their C calls). A bounded queue keeps memory flat."""

    def __init__(self, digest: Any, fd: int, written: int, buffers: _Buffers) -> None:
        self.digest = digest
        self._fd = fd
        self._buffers = buffers
        self._flushed = written  # bytes already hinted (or kept from a .part)
        self._position = written
        self._queue: queue.Queue[tuple[_Chunk, bytearray | None] | None] = queue.Queue(
            maxsize=_HASH_QUEUE
        )
        self._thread = threading.Thread(target=self._run, name="suno-tui-hash", daemon=True)
        self._thread.start()

    def feed(self, chunk: _Chunk, buffer: bytearray | None) -> None:
        self._queue.put((chunk, buffer))

    def finish(self) -> str:
        self._queue.put(None)
        self._thread.join()
        return str(self.digest.hexdigest())

    def _run(self) -> None:
        update = self.digest.update
        while (item := self._queue.get()) is not None:
            chunk, buffer = item
            update(chunk)
            self._position += len(chunk)
            if buffer is not None:
                self._buffers.give(buffer)
            # Hashed means written: the transfer thread queues after writing.
            if self._position - self._flushed >= _WRITEBACK_STEP:
                _start_writeback(self._fd, self._flushed, self._position)
                self._flushed = self._position


def _direct_socket(response: httpx.Response) -> socket.socket | None:
    """The socket a Content-Length body can be read from without h11, or None.

    h11 copies every body byte four times in Python (into its buffer, two
    slices, then ``bytes``), holding the GIL, and allocates (and page-faults)
    1 MiB per read: for a big file that costs more than the socket and the
    disk together. A big HTTP/1.1 body of known length needs none of it.
    TLS inside TLS (a proxy) and fakes without a socket keep the ordinary path.
    """
    import ssl

    if response.http_version != "HTTP/1.1" or "transfer-encoding" in response.headers:
        return None
    length = _int_header(response.headers.get("content-length"))
    if length is None or length < _DIRECT_AFTER:
        return None
    stream = response.extensions.get("network_stream")
    get_extra_info = getattr(stream, "get_extra_info", None)
    if get_extra_info is None:
        return None
    sock = get_extra_info("socket")
    if not isinstance(sock, socket.socket):
        return None
    if get_extra_info("ssl_object") is not None and not isinstance(sock, ssl.SSLSocket):
        return None  # the socket carries an outer TLS layer
    return sock


def _body(
    response: httpx.Response, stopper: _Stopper, buffers: _Buffers
) -> Iterator[tuple[_Chunk, bytearray | None]]:
    """The body's chunks, each with the pooled buffer it lives in (or None).

    The first chunk comes through httpx: it holds whatever h11 had buffered
    after the headers, leaving h11 nothing more. The rest, when the body's
    length is known, is read straight from the socket into reusable buffers
    until Content-Length bytes have come; the connection is then closed, not
    reused (h11 did not see the body end). Stops at the first empty read: the
    caller compares the count with the size it expects.
    """
    import httpx

    raw = response.iter_raw()
    try:
        first = next(raw, b"")
    except httpx.TransportError:
        if stopper.event.is_set():
            raise _Stopped from None
        raise
    if not first:
        return
    sock = _direct_socket(response)
    if sock is None:
        yield first, None
        try:
            for chunk in raw:
                yield chunk, None
        except httpx.TransportError:
            if stopper.event.is_set():
                raise _Stopped from None  # our own shutdown of the socket
            raise
        return
    # ``raw`` stays open: closing it would close the connection. The response's
    # close (``_get``) ends it and drops the connection, h11 being mid-body.
    remaining = (_int_header(response.headers.get("content-length")) or 0) - len(first)
    yield first, None
    sock.settimeout(response.request.extensions.get("timeout", {}).get("read"))
    while remaining > 0:
        buffer = buffers.take()
        try:
            # What has arrived, up to a buffer: written at once, so that a
            # stalled answer still leaves every byte received in the .part.
            count = sock.recv_into(buffer, min(remaining, len(buffer)))
        except OSError as error:
            buffers.give(buffer)
            if stopper.event.is_set():
                raise _Stopped from None
            reason = "timed out" if isinstance(error, TimeoutError) else transport_reason(error)
            raise TransferError(f"connection failed: {reason}") from None
        if not count:
            buffers.give(buffer)
            if stopper.event.is_set():
                raise _Stopped  # our own shutdown of the socket
            return  # the server closed early: the caller counts what came
        remaining -= count
        yield memoryview(buffer)[:count], buffer


def _receive(
    job: _Job, response: httpx.Response, offset: int, total: int | None, content_type: str
) -> tuple[int, str]:
    """Write the body after ``offset`` bytes already in the .part; hash it all."""
    part = job.part
    digest = hashlib.sha256()
    try:
        fd = _open_part(part, offset)
        os.ftruncate(fd, offset)
        os.lseek(fd, offset, os.SEEK_SET)
        if offset:
            hash_file(part, digest, offset)
    except OSError as error:
        raise storage_error(error, part) from None
    hasher: _Hasher | None = None
    try:
        head = _read_head(part) if offset else b""
        if offset:
            _check_head(job, head, content_type, complete=False)
        received = offset
        step = job.config.progress_bytes
        next_report = received + step
        reported = monotonic()
        progress = job.progress
        stopped = job.stopper.event
        buffers = _Buffers(_HASH_QUEUE + 2)
        # Both ways of reading (httpx's, and the socket's for a big body)
        # come through this loop, so one floor covers both.
        floor = SpeedFloor(
            job.config.min_speed, job.config.min_speed_time, job.config.clock, received
        )
        for chunk, buffer in _body(response, job.stopper, buffers):
            if stopped.is_set():
                raise _Stopped
            if len(head) < HEAD_BYTES:
                head += bytes(chunk[: HEAD_BYTES - len(head)])
                _check_head(job, head, content_type, complete=False)
            try:
                _write_all(fd, chunk)
            except OSError as error:
                raise storage_error(error, part) from None
            if hasher is not None:
                hasher.feed(chunk, buffer)
            else:
                digest.update(chunk)
                if buffer is not None:
                    buffers.give(buffer)
                # Small files are hashed here; a big one gets a helper thread.
                if received - offset >= _HASH_THREAD_AFTER:
                    hasher = _Hasher(digest, fd, received + len(chunk), buffers)
            received += len(chunk)
            floor.check(received)  # after the write: the .part keeps every byte
            # Report every `step` bytes, and at least every 0.25 s on a slow link.
            if progress is not None and (
                received >= next_report or monotonic() - reported >= _PROGRESS_SECONDS
            ):
                next_report = received + step
                reported = monotonic()
                progress(received, total)
        sha256 = hasher.finish() if hasher is not None else digest.hexdigest()
        hasher = None
        _check_head(job, head, content_type, complete=True)
        if total is not None and received != total:
            if received < total:
                raise TransferError(f"the connection closed after {received} of {total} bytes")
            raise ContentError(f"the server sent {received} bytes, more than the {total} announced")
        if received == 0:
            raise ContentError("the server sent an empty file")
        try:
            os.fsync(fd)
        except OSError as error:
            raise storage_error(error, part) from None
        if progress is not None:
            progress(received, total)
        return received, sha256
    finally:
        if hasher is not None:
            hasher.finish()  # stop the helper before its file descriptor goes
        os.close(fd)


def _open_part(part: Path, offset: int) -> int:
    """The .part for writing: created anew (exclusively) to start from byte 0,
    else opened without following a symlink and checked to have no other name."""
    if not offset:
        return create_exclusive(part)
    fd = os.open(part, os.O_WRONLY | NOFOLLOW | getattr(os, "O_BINARY", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise TransferError(f"{part} changed while it was being resumed (now a link)")
    return fd


def _write_all(fd: int, data: _Chunk) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _start_writeback(fd: int, start: int, end: int) -> None:
    """Have the kernel write [start, end) to disk now, in the background (Linux:
    FADV_DONTNEED starts writeback of dirty pages), so the final fsync of a big
    file does not wait for all of it at once."""
    if _FADVISE is not None:
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, start, end - start, _FADVISE)


def _read_head(path: Path) -> bytes:
    with open(open_for_reading(path), "rb") as handle:
        return handle.read(HEAD_BYTES)


def _check_head(job: _Job, head: bytes, content_type: str, *, complete: bool) -> None:
    """Fail fast on HTML or wrong media; ``complete`` for bodies under 16 bytes."""
    if not complete and len(head) < HEAD_BYTES:
        return
    if not head:
        return  # an empty body is reported by the caller
    problem = media_problem(job.kind, head, content_type)
    if problem is not None:
        discard(job.part, job.meta)  # garbage, not worth resuming
        raise ContentError(problem)
