"""Receiving one answer's body into the ``.part``: the first bytes checked,
every byte written and hashed (on a helper thread for a big file), the
speed floor checked, progress reported, the length checked, then one fsync."""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
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
    Meta,
    create_exclusive,
    discard,
    hash_file,
    open_for_reading,
)
from suno_tui.downloads.magic import HEAD_BYTES, media_problem
from suno_tui.downloads.transfer.front_tag import FrontTag
from suno_tui.downloads.transfer.speed_floor import SpeedFloor

if TYPE_CHECKING:
    import httpx
from suno_tui.downloads.transfer.job import Job
from suno_tui.downloads.transfer.threads import Stopped, Stopper

_WRITEBACK_STEP = 32 << 20
_HASH_THREAD_AFTER = 4 << 20  # hash on a helper thread once a body is this big
_PROGRESS_SECONDS = 0.25
_HASH_QUEUE = 16  # chunks (httpx reads <= 64 KiB at a time) waiting to be hashed
_FADVISE: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)


class _Hasher:
    """sha256 and writeback hints for a big body, on a helper thread, so that
    the transfer thread only receives and writes (both threads release the
    GIL in their C calls). A bounded queue keeps memory flat."""

    def __init__(self, digest: Any, fd: int, written: int) -> None:
        self.digest = digest
        self._fd = fd
        self._flushed = written  # bytes already hinted (or kept from a .part)
        self._position = written
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_HASH_QUEUE)
        self._thread = threading.Thread(target=self._run, name="suno-tui-hash", daemon=True)
        self._thread.start()

    def feed(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def finish(self) -> str:
        self._queue.put(None)
        self._thread.join()
        return str(self.digest.hexdigest())

    def _run(self) -> None:
        update = self.digest.update
        while (chunk := self._queue.get()) is not None:
            update(chunk)
            self._position += len(chunk)
            # Hashed means written: the transfer thread queues after writing.
            if self._position - self._flushed >= _WRITEBACK_STEP:
                _start_writeback(self._fd, self._flushed, self._position)
                self._flushed = self._position


def _body(response: httpx.Response, stopper: Stopper) -> Iterator[bytes]:
    """The body's chunks as httpx reads them; a transport error caused by our
    own shutdown of the socket (a cancel) is :class:`Stopped`. Stops at the
    end of the body or the first empty read: the caller compares the count
    with the size it expects."""
    import httpx

    try:
        yield from response.iter_raw()
    except httpx.TransportError:
        if stopper.event.is_set():
            raise Stopped from None  # our own shutdown of the socket
        raise


def receive_body(
    job: Job,
    response: httpx.Response,
    kept: int,
    offset: int,
    total: int | None,
    content_type: str,
    meta: Meta | None = None,
) -> tuple[int, str]:
    """Write the body after the ``kept`` bytes of the .part (the server's byte
    ``offset`` on); hash it all. Returns the .part's size and sha256.

    ``meta``: saved once the first bytes are written (a fresh mp3 tagged in
    front: with the tags' lengths; see ``front_tag``)."""
    part = job.part
    digest = hashlib.sha256()
    try:
        fd = _open_part(part, kept)
        os.ftruncate(fd, kept)
        os.lseek(fd, kept, os.SEEK_SET)
        if kept:
            hash_file(part, digest, kept)
    except OSError as error:
        raise storage_error(error, part) from None
    front = FrontTag(job.render_tag, total) if job.render_tag is not None and not kept else None
    hasher: _Hasher | None = None
    position = kept
    try:
        head = _read_head(part) if kept else b""
        if kept:
            _check_head(job, head, content_type, complete=False)
        received = offset
        position = kept  # bytes in the .part
        step = job.config.progress_bytes
        next_report = received + step
        reported = monotonic()
        progress = job.progress
        stopped = job.stopper.event
        floor = SpeedFloor(
            job.config.min_speed, job.config.min_speed_time, job.config.clock, received
        )
        for chunk in _body(response, job.stopper):
            if stopped.is_set():
                raise Stopped
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
                _check_head(job, head, content_type, complete=False)
            received += len(chunk)
            data = front.feed(chunk) if front is not None else chunk
            if data:
                if meta is not None and (front is None or not front.deciding):
                    _save_meta(meta, front, job)
                    meta = None
                _write_all(fd, data, part)
                if hasher is not None:
                    hasher.feed(data)
                else:
                    digest.update(data)
                    # Small files are hashed here; a big one gets a helper thread.
                    if position - kept >= _HASH_THREAD_AFTER:
                        hasher = _Hasher(digest, fd, position + len(data))
                position += len(data)
            floor.check(received)  # after the write: the .part keeps every byte
            # Report every `step` bytes, and at least every 0.25 s on a slow link.
            if progress is not None and (
                received >= next_report or monotonic() - reported >= _PROGRESS_SECONDS
            ):
                next_report = received + step
                reported = monotonic()
                progress(received, total)
        if front is not None and (rest := front.finish()):
            _write_all(fd, rest, part)
            (hasher.feed if hasher is not None else digest.update)(rest)
            position += len(rest)
        if front is not None:
            job.tagged_in_front = front.tagged
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
        return position, sha256
    finally:
        if hasher is not None:
            hasher.finish()  # stop the helper before its file descriptor goes
        os.close(fd)
        if meta is not None and position == 0:
            # Stopped before the first byte, whose write comes with the meta:
            # an empty .part with nothing to resume from is not left behind.
            with contextlib.suppress(OSError):
                part.unlink()


def _save_meta(meta: Meta, front: FrontTag | None, job: Job) -> None:
    if front is not None and front.tagged:
        meta.front, meta.body_tag = front.front, front.body_tag
    try:
        meta.save(job.meta)
    except OSError as error:
        raise storage_error(error, job.meta) from None


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


def _write_all(fd: int, data: bytes, part: Path) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        raise storage_error(error, part) from None


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


def _check_head(job: Job, head: bytes, content_type: str, *, complete: bool) -> None:
    """Fail fast on HTML or wrong media; ``complete`` for bodies under 16 bytes."""
    if not complete and len(head) < HEAD_BYTES:
        return
    if not head:
        return  # an empty body is reported by the caller
    problem = media_problem(job.kind, head, content_type)
    if problem is not None:
        discard(job.part, job.meta)  # garbage, not worth resuming
        raise ContentError(problem)
