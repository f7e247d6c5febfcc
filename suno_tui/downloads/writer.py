"""Stream one URL to a file: ``.part``, resume, verify, then an atomic rename.

The body goes to ``<final>.part``; ``<final>.part.meta`` (JSON) remembers the
server's ETag/Last-Modified and the total size, so a later run (or a retry
after a dropped connection) asks for ``Range: bytes=N-`` with ``If-Range`` and
continues where it stopped. A server that ignores the Range, or whose file
changed, answers 200 and the download restarts cleanly. When the body is
complete its length and first bytes are checked, an optional hook (ID3
tagging) runs on the ``.part``, and only then is it fsynced and renamed to the
final name: a file with the final name is always complete.

Speed: each attempt runs in a worker thread with httpx's *synchronous*
client. Blocking reads of up to 1 MiB are written and hashed as they arrive,
with no event-loop round trip per chunk; the loop sees one progress call per
MiB. This is ~1.5x faster than ``aiter_raw`` on an event loop (anyio pays
two epoll calls per read) and keeps a busy download from stalling the
monitor's screen. A big body is read straight from the socket into reused
buffers, past h11's four copies of each byte (``_direct_socket``), and hashed
on a helper thread. Memory use is a few chunks, whatever the file size. Cancelling shuts the
socket down, so the thread stops within one read and the ``.part`` keeps
every byte written.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import queue
import re
import socket
import stat
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, TypeVar

from suno_tui.downloads.errors import (
    ContentError,
    DownloadError,
    HttpStatusError,
    LinkRefused,
    NotFound,
    TransferError,
    storage_error,
)
from suno_tui.downloads.files import (
    NOFOLLOW,
    Meta,
    Written,
    create_exclusive,
    discard,
    file_sha256,
    fsync_dir,
    hash_file,
    meta_path,
    open_for_reading,
    part_path,
    plain_file,
    resume_offset,
    write_atomic,
)
from suno_tui.downloads.magic import HEAD_BYTES, media_problem
from suno_tui.relay.errors import transport_reason

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MAX_REDIRECTS",
    "ProgressFn",
    "WriterConfig",
    "Written",
    "download",
    "file_sha256",
    "meta_path",
    "part_path",
    "remote_size",
    "write_atomic",
]

ProgressFn = Callable[[int, "int | None"], None]  # (bytes in the .part, total or None)
CommitHook = Callable[[Path], bool]  # runs on the complete .part; True if it changed it
T = TypeVar("T")
_Chunk = bytes | memoryview

MAX_REDIRECTS = 5
_HTTP_READ_BYTES = 1 << 20
_WRITEBACK_STEP = 32 << 20
_HASH_THREAD_AFTER = 4 << 20  # hash on a helper thread once a body is this big
_PROGRESS_SECONDS = 0.25
_HASH_QUEUE = 4  # chunks (<= 1 MiB each) waiting to be hashed
# Bodies at least this long are read past h11 (see _direct_socket). The
# connection is not reused after that: for a big file one more connect is
# nothing, for a small one keep-alive is worth more than the copies saved.
_DIRECT_AFTER = 32 << 20
_FADVISE: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
# Restarts from zero within one download (ETag changed, 416...) before giving up.
_MAX_RESTARTS = 3
_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class WriterConfig:
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 15.0
    #: how often (in bytes) progress is reported
    progress_bytes: int = 1 << 20
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


def _executor() -> ThreadPoolExecutor:
    """Threads for transfers, tagging and hashing, shared by all downloads."""
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=32, thread_name_prefix="suno-tui-dl")
        return _EXECUTOR


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


# -- stopping a transfer from the event loop ------------------------------------------------


class _Stopped(Exception):
    """The transfer was asked to stop (the download was cancelled)."""


class _Stopper:
    """Lets the event loop stop a transfer blocked in a socket read, including
    the wait for the response's headers (the socket is known from the moment
    it connects, through httpx's trace extension)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._lock = threading.Lock()
        self._stream: Any = None  # httpcore's network stream of the transfer

    def watch(self, response: httpx.Response | None) -> None:
        self._watch_stream(None if response is None else response.extensions.get("network_stream"))

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's trace hook: remember each new connection's stream."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self._watch_stream(info.get("return_value"))

    def _watch_stream(self, stream: Any) -> None:
        with self._lock:
            self._stream = stream
        if stream is not None and self.event.is_set():
            self._shutdown(stream)

    def stop(self) -> None:
        self.event.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            self._shutdown(stream)

    def check(self) -> None:
        if self.event.is_set():
            raise _Stopped

    @staticmethod
    def _shutdown(stream: Any) -> None:
        # Closing a socket does not wake a thread blocked in recv(); shutdown does.
        get_extra_info = getattr(stream, "get_extra_info", None)
        sock = get_extra_info("socket") if get_extra_info is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


async def _in_thread(stopper: _Stopper, function: Callable[..., T], *args: object) -> T:
    """Run a blocking step in the pool; on cancellation stop it and wait for it."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor(), function, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        stopper.stop()
        await asyncio.wait([future])
        if not future.cancelled():
            future.exception()  # retrieved: _Stopped is expected here
        raise


# -- HTTP helpers -----------------------------------------------------------------------------


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _status_error(status: int, url_hint: str, retry_after: float | None) -> HttpStatusError:
    if status in (401, 403, 410):
        return LinkRefused(
            f"the server refused the link (HTTP {status}): it may have expired", status=status
        )
    if status == 404:
        return NotFound(f"the file is not on the server (HTTP 404) at {url_hint}", status=status)
    if status == 429:
        return HttpStatusError(
            "rate limited by the server (HTTP 429)", status=status, retry_after=retry_after
        )
    return HttpStatusError(
        f"the server answered HTTP {status}", status=status, retry_after=retry_after
    )


def _url_hint(url: str) -> str:
    """Scheme, host and path: the query of a signed URL is a credential of sorts."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{parts.path}"


def _int_header(value: str | None) -> int | None:
    if value is not None and value.strip().isdigit():
        return int(value.strip())
    return None


@contextlib.contextmanager
def _get(
    http: httpx.Client, url: str, headers: dict[str, str], stopper: _Stopper
) -> Iterator[httpx.Response]:
    """GET with redirects followed here: at most MAX_REDIRECTS, http(s) only."""
    import httpx

    target = httpx.URL(url)
    for _ in range(MAX_REDIRECTS + 1):
        if target.scheme not in ("http", "https"):
            raise DownloadError(f"refusing to follow a link that is not http(s) ({target.scheme}:)")
        stopper.check()
        request = http.build_request(
            "GET", target, headers=headers, extensions={"trace": stopper.trace}
        )
        response = http.send(request, stream=True, follow_redirects=False)
        location = response.headers.get("location")
        if response.is_redirect and location:
            response.close()
            target = target.join(location)
            continue
        stopper.watch(response)
        try:
            yield response
        finally:
            stopper.watch(None)
            response.close()
        return
    raise DownloadError(f"too many redirects (more than {MAX_REDIRECTS})")


def _content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        raise TransferError(f"a 206 answer with an unreadable Content-Range ({value!r})")
    total = None if match[3] == "*" else int(match[3])
    return int(match[1]), total


def _same_file(saved: Meta | None, fresh: Meta) -> bool:
    """Does a 206 continue the bytes we have? Compare whatever validators both have."""
    if saved is None:
        return False
    if saved.etag and fresh.etag:
        return saved.etag.removeprefix("W/") == fresh.etag.removeprefix("W/")
    if saved.last_modified and fresh.last_modified:
        return saved.last_modified == fresh.last_modified
    return False


# -- one download ---------------------------------------------------------------------------------


class _Restart(Exception):
    """Start again from byte 0 (the .part is stale); not a failed attempt."""


@dataclass(slots=True)
class _Job:
    http: httpx.Client
    url: str
    final: Path
    kind: str
    config: WriterConfig
    progress: ProgressFn | None  # called from the worker thread
    stopper: _Stopper = field(default_factory=_Stopper)
    part: Path = field(init=False)
    meta: Path = field(init=False)
    resumed_from: int = 0

    def __post_init__(self) -> None:
        self.part = part_path(self.final)
        self.meta = meta_path(self.final)


async def download(
    http: httpx.Client,
    url: str,
    final: Path,
    kind: str,
    *,
    on_progress: ProgressFn | None = None,
    before_commit: CommitHook | None = None,
    config: WriterConfig | None = None,
) -> Written:
    """Download ``url`` to ``final`` (``kind``: audio, image or video).

    ``http`` is a synchronous httpx.Client (used from worker threads);
    ``on_progress`` is called on the event loop. Raises a DownloadError
    subclass; CancelledError leaves the .part (and its meta) for resuming.
    """
    import httpx

    _widen_http_reads()
    loop = asyncio.get_running_loop()
    progress = None
    if on_progress is not None:
        callback = on_progress

        def progress(received: int, total: int | None) -> None:
            loop.call_soon_threadsafe(callback, received, total)

    job = _Job(http, url, final, kind, config or WriterConfig(), progress)
    attempt = restarts = 0
    while True:
        attempt += 1
        try:
            size, digest = await _in_thread(job.stopper, _attempt, job)
            break
        except _Restart:
            restarts += 1
            discard(job.part, job.meta)
            if restarts > _MAX_RESTARTS:
                raise TransferError("the file kept changing on the server; giving up") from None
            attempt -= 1
            continue
        except httpx.UnsupportedProtocol:
            raise DownloadError("refusing to follow a link that is not http(s)") from None
        except httpx.InvalidURL as error:
            raise DownloadError(f"invalid URL: {error}") from None
        except httpx.TransportError as error:
            failure: DownloadError = TransferError(f"connection failed: {transport_reason(error)}")
            if _untrusted_certificate(error):  # will not fix itself in a few seconds
                failure.retryable = False
                raise failure from None
        except DownloadError as error:
            if not error.retryable:
                raise
            failure = error
        if attempt >= job.config.max_attempts:
            raise failure from None
        await job.config.sleep(_backoff(job.config, attempt, failure))
    # The body is complete: finish tagging and renaming even if cancelled now,
    # so that no worker thread is left rewriting a .part nobody owns.
    commit = asyncio.ensure_future(_commit(job, size, digest, before_commit, attempt))
    try:
        return await asyncio.shield(commit)
    except asyncio.CancelledError:
        await asyncio.wait([commit])
        raise


def _untrusted_certificate(error: BaseException) -> bool:
    """Did TLS refuse the server's certificate (somewhere in the cause chain)?"""
    import ssl

    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def remote_size(http: httpx.Client, url: str) -> int | None:
    """The file's size from a GET's headers (the body is not read), or None.

    A refused link raises LinkRefused, so that the caller can fetch a fresh one.
    """
    stopper = _Stopper()
    return await _in_thread(stopper, _remote_size, http, url, stopper)


def _remote_size(http: httpx.Client, url: str, stopper: _Stopper) -> int | None:
    import httpx

    try:
        with _get(http, url, {"Accept-Encoding": "identity"}, stopper) as response:
            status = response.status_code
            if status in (401, 403, 410):
                raise _status_error(status, _url_hint(url), None)
            if status != 200:
                return None
            return _int_header(response.headers.get("content-length"))
    except LinkRefused:
        raise
    except (httpx.HTTPError, httpx.InvalidURL, DownloadError):
        return None


def _backoff(config: WriterConfig, attempt: int, failure: DownloadError) -> float:
    hinted = failure.retry_after if isinstance(failure, HttpStatusError) else None
    delay = config.backoff_base * 2.0 ** (attempt - 1)
    return float(min(config.backoff_max, max(delay, hinted or 0.0)))


def _attempt(job: _Job) -> tuple[int, str]:
    """One request (in a worker thread); returns (size, sha256) of the complete .part."""
    offset, saved = resume_offset(job.part, job.meta)
    headers = {"Accept-Encoding": "identity"}
    if offset and saved is not None:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = saved.validator
    with _get(job.http, job.url, headers, job.stopper) as response:
        status = response.status_code
        if status == 416 and offset:
            raise _Restart
        if status not in (200, 206):
            retry_after = _retry_after(response.headers.get("retry-after"))
            raise _status_error(status, _url_hint(job.url), retry_after)
        _check_identity(response.headers.get("content-encoding", ""))
        fresh = Meta(
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
        )
        if status == 206:
            start, total = _content_range(response.headers.get("content-range"))
            if start != offset or (offset and not _same_file(saved, fresh)):
                raise _Restart
        else:
            offset, total = 0, _int_header(response.headers.get("content-length"))
        if total == 0:
            raise ContentError("the server sent an empty file (Content-Length: 0)")
        fresh.total = total
        job.resumed_from = offset
        try:
            fresh.save(job.meta)
        except OSError as error:
            raise storage_error(error, job.meta) from None
        return _receive(job, response, offset, total, response.headers.get("content-type", ""))


def _check_identity(content_encoding: str) -> None:
    """Files are asked for as they are (``Accept-Encoding: identity``) and written
    raw: an encoded body would be stored encoded, and decoding it has no bound."""
    names = [name.strip().lower() for name in content_encoding.split(",")]
    encoded = [name for name in names if name and name != "identity"]
    if encoded:
        shown = ", ".join(
            name if name.isascii() and name.replace("-", "").isalnum() else "?" for name in encoded
        )
        raise ContentError(
            f"the server sent the file compressed (Content-Encoding: {shown[:40]}) "
            "although it was asked for it as it is"
        )


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


async def _commit(
    job: _Job, size: int, digest: str, before_commit: CommitHook | None, attempts: int
) -> Written:
    """Optional hook on the .part, then rename it to the final name."""
    loop = asyncio.get_running_loop()
    # From here the .part is complete: a crash must not make a later run
    # "resume" a file that the hook may have half rewritten.
    with contextlib.suppress(FileNotFoundError):
        job.meta.unlink()
    if before_commit is not None and await loop.run_in_executor(
        _executor(), before_commit, job.part
    ):
        size, digest = await loop.run_in_executor(_executor(), _sync_and_hash, job.part)
    if not plain_file(job.part):  # replaced by a link since it was written: not ours
        discard(job.part, job.meta)
        raise TransferError(f"{job.part} was replaced while downloading; not renaming it")
    try:
        os.replace(job.part, job.final)
    except OSError as error:
        raise storage_error(error, job.final, "rename to") from None
    fsync_dir(job.final.parent)
    return Written(job.final, size, digest, job.resumed_from, attempts)


def _sync_and_hash(path: Path) -> tuple[int, str]:
    try:
        with open(os.open(path, os.O_RDWR | NOFOLLOW), "rb+") as handle:
            os.fsync(handle.fileno())
        return path.stat().st_size, file_sha256(path)
    except OSError as error:
        raise storage_error(error, path) from None
