"""Stream one URL to a file: ``.part``, resume, verify, then an atomic rename.

The body goes to ``<final>.part``; ``<final>.part.meta`` (JSON) remembers the
server's ETag/Last-Modified and the total size, so a later run (or a retry
after a dropped connection) asks for ``Range: bytes=N-`` with ``If-Range`` and
continues where it stopped. A server that ignores the Range, or whose file
changed, answers 200 and the download restarts cleanly. When the body is
complete its length and first bytes are checked, an optional hook (ID3
tagging) runs on the ``.part``, and only then is it fsynced and renamed to the
final name: a file with the final name is always complete.

Speed: chunks from ``aiter_raw`` are gathered into ~1 MiB batches, and each
batch is written and hashed in a worker thread while the event loop receives
the next one (``os.write`` and sha256 release the GIL). Memory use is a couple
of batches whatever the file size.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from suno_tui.downloads.errors import (
    ContentError,
    DownloadError,
    HttpStatusError,
    LinkRefused,
    NotFound,
    TransferError,
    storage_error,
)
from suno_tui.downloads.magic import HEAD_BYTES, media_problem

if TYPE_CHECKING:
    import httpx

__all__ = [
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

ProgressFn = Callable[[int, "int | None"], None]  # (bytes on disk, total or None)
CommitHook = Callable[[Path], bool]  # runs on the complete .part; True if it changed it

_READ_BLOCK = 1 << 20
_HTTP_READ_BYTES = 1 << 20
_WRITEBACK_STEP = 32 << 20
_FADVISE: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)
_IOV_MAX = 512  # buffers per writev (POSIX guarantees at least 16; Linux allows 1024)
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
# Restarts from zero within one download (ETag changed, 416...) before giving up.
_MAX_RESTARTS = 3
_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def _widen_http_reads() -> None:
    """Let httpcore read up to 1 MiB per call instead of 64 KiB.

    httpcore asks its socket for READ_NUM_BYTES at a time (a class attribute,
    64 KiB); with anyio every read that finds the buffer empty also costs two
    epoll calls. Larger reads mean ~4x fewer round trips through h11/anyio for
    a big body: +10-30% throughput on loopback (benchmarks/bench_download.py).
    Reads return what is available, so small answers are unaffected. If
    httpcore drops the attribute this does nothing.
    """
    from httpcore._async.http11 import AsyncHTTP11Connection

    current = getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", None)
    if isinstance(current, int) and current < _HTTP_READ_BYTES:
        AsyncHTTP11Connection.READ_NUM_BYTES = _HTTP_READ_BYTES


def _executor() -> ThreadPoolExecutor:
    """Threads for disk writes and hashing, shared by all downloads."""
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=8, thread_name_prefix="suno-tui-write")
        return _EXECUTOR


@dataclass(frozen=True, slots=True)
class WriterConfig:
    batch_bytes: int = 1 << 20
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 15.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    size: int
    sha256: str
    #: bytes taken over from a .part of an earlier attempt or run
    resumed_from: int = 0
    #: attempts used (1 = no retry)
    attempts: int = 1


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def meta_path(final: Path) -> Path:
    return final.with_name(final.name + ".part.meta")


# -- small file helpers -------------------------------------------------------------


def file_sha256(path: Path, limit: int | None = None) -> str:
    """sha256 of a file (or of its first ``limit`` bytes), read in blocks."""
    digest = hashlib.sha256()
    _hash_file(path, digest, limit)
    return digest.hexdigest()


def _hash_file(path: Path, digest: Any, limit: int | None) -> None:
    remaining = limit
    with open(path, "rb", buffering=0) as handle:
        while remaining is None or remaining > 0:
            block = handle.read(_READ_BLOCK if remaining is None else min(_READ_BLOCK, remaining))
            if not block:
                break
            digest.update(block)
            if remaining is not None:
                remaining -= len(block)


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable; not possible (nor needed) everywhere."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(final: Path, data: bytes) -> Written:
    """Write small content (lyrics, JSON) via ``.part``, fsync and rename."""
    part = part_path(final)
    try:
        with open(part, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, final)
    except OSError as error:
        with contextlib.suppress(OSError):
            part.unlink()
        raise storage_error(error, final) from None
    _fsync_dir(final.parent)
    return Written(final, len(data), hashlib.sha256(data).hexdigest())


# -- resume bookkeeping ------------------------------------------------------------


@dataclass(slots=True)
class _Meta:
    etag: str = ""
    last_modified: str = ""
    total: int | None = None

    @classmethod
    def load(cls, path: Path) -> _Meta | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        total = data.get("total")
        return cls(
            etag=str(data.get("etag") or ""),
            last_modified=str(data.get("last_modified") or ""),
            total=total if isinstance(total, int) and total > 0 else None,
        )

    def save(self, path: Path) -> None:
        document = {"etag": self.etag, "last_modified": self.last_modified, "total": self.total}
        path.write_text(json.dumps(document), encoding="utf-8")

    @property
    def validator(self) -> str:
        """What to send in If-Range: a strong ETag, else Last-Modified."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified


def _resume_offset(part: Path, meta: Path) -> tuple[int, _Meta | None]:
    """Bytes of ``part`` worth keeping, and its meta; clears what cannot resume."""
    try:
        size = part.stat().st_size
    except FileNotFoundError:
        size = 0
    saved = _Meta.load(meta) if size else None
    usable = (
        saved is not None and bool(saved.validator) and (saved.total is None or size < saved.total)
    )
    if size and not usable:
        _discard(part, meta)
        return 0, None
    return size, saved


def _discard(part: Path, meta: Path) -> None:
    for path in (part, meta):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# -- the sink: writes and hashes in a worker thread -----------------------------------


def _write_all(fd: int, chunks: list[bytes]) -> None:
    if not hasattr(os, "writev"):  # Windows
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        return
    views = [memoryview(chunk) for chunk in chunks]
    while views:
        written = os.writev(fd, views[:_IOV_MAX])
        # A short write (full disk, signal): drop what went out, write the rest.
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if views and written:
            views[0] = views[0][written:]


class _Sink:
    """The open .part. ``write`` runs in a worker thread; ``close`` waits for it."""

    def __init__(self, path: Path, offset: int) -> None:
        self.path = path
        self.digest = hashlib.sha256()
        self._lock = threading.Lock()
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            self._fd = os.open(path, flags, 0o644)
            os.ftruncate(self._fd, offset)
            os.lseek(self._fd, offset, os.SEEK_SET)
        except OSError as error:
            raise storage_error(error, path) from None
        self._closed = False
        self._written = self._flushed = offset

    def hash_existing(self, length: int) -> None:
        _hash_file(self.path, self.digest, length)

    def write(self, chunks: list[bytes]) -> None:
        """Append ``chunks`` (one writev, no joining copy) and hash them."""
        with self._lock:
            if self._closed:
                return
            try:
                _write_all(self._fd, chunks)
            except OSError as error:
                raise storage_error(error, self.path) from None
            update = self.digest.update
            for chunk in chunks:
                update(chunk)
                self._written += len(chunk)
            if self._written - self._flushed >= _WRITEBACK_STEP:
                self._start_writeback()

    def _start_writeback(self) -> None:
        """Let the kernel write the data so far to disk now, in the background
        (Linux: FADV_DONTNEED starts writeback of dirty pages), so the final
        fsync of a big file does not wait for all of it at once."""
        if _FADVISE is not None:
            with contextlib.suppress(OSError):
                os.posix_fadvise(self._fd, self._flushed, self._written - self._flushed, _FADVISE)
        self._flushed = self._written

    def sync(self) -> None:
        with self._lock:
            try:
                os.fsync(self._fd)
            except OSError as error:
                raise storage_error(error, self.path) from None

    def close(self) -> None:
        with self._lock:  # never close the fd under a running write
            if not self._closed:
                self._closed = True
                os.close(self._fd)


# -- HTTP ------------------------------------------------------------------------------


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


MAX_REDIRECTS = 5


def _check_scheme(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise DownloadError(f"refusing to follow a link that is not http(s) ({url.scheme}:)")


@contextlib.asynccontextmanager
async def _get(
    http: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> AsyncIterator[httpx.Response]:
    """GET with redirects followed here: at most MAX_REDIRECTS, http(s) only."""
    import httpx

    target = httpx.URL(url)
    for _ in range(MAX_REDIRECTS + 1):
        _check_scheme(target)
        request = http.build_request("GET", target, headers=headers)
        response = await http.send(request, stream=True, follow_redirects=False)
        location = response.headers.get("location")
        if response.is_redirect and location:
            await response.aclose()
            target = target.join(location)
            continue
        try:
            yield response
        finally:
            await response.aclose()
        return
    raise DownloadError(f"too many redirects (more than {MAX_REDIRECTS})")


class _Restart(Exception):
    """Start again from byte 0 (the .part is stale); not a failed attempt."""


@dataclass(slots=True)
class _Job:
    http: httpx.AsyncClient
    url: str
    final: Path
    kind: str
    config: WriterConfig
    on_progress: ProgressFn | None
    part: Path = field(init=False)
    meta: Path = field(init=False)
    resumed_from: int = 0

    def __post_init__(self) -> None:
        self.part = part_path(self.final)
        self.meta = meta_path(self.final)


async def download(
    http: httpx.AsyncClient,
    url: str,
    final: Path,
    kind: str,
    *,
    on_progress: ProgressFn | None = None,
    before_commit: CommitHook | None = None,
    config: WriterConfig | None = None,
) -> Written:
    """Download ``url`` to ``final`` (``kind``: audio, image or video).

    Raises a DownloadError subclass; CancelledError leaves the .part (and its
    meta) in place for the next run to resume.
    """
    import httpx

    _widen_http_reads()
    job = _Job(http, url, final, kind, config or WriterConfig(), on_progress)
    attempt = restarts = 0
    while True:
        attempt += 1
        try:
            size, digest = await _attempt(job)
            break
        except _Restart:
            restarts += 1
            _discard(job.part, job.meta)
            if restarts > _MAX_RESTARTS:
                raise TransferError("the file kept changing on the server; giving up") from None
            attempt -= 1
            continue
        except httpx.UnsupportedProtocol:
            raise DownloadError("refusing to follow a link that is not http(s)") from None
        except httpx.InvalidURL as error:
            raise DownloadError(f"invalid URL: {error}") from None
        except httpx.TransportError as error:
            failure: DownloadError = TransferError(
                f"connection failed: {error or type(error).__name__}"
            )
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


async def remote_size(http: httpx.AsyncClient, url: str) -> int | None:
    """The file's size from a GET's headers (the body is not read), or None.

    A refused link raises LinkRefused, so that the caller can fetch a fresh one.
    """
    import httpx

    try:
        async with _get(http, url, {"Accept-Encoding": "identity"}) as response:
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


async def _attempt(job: _Job) -> tuple[int, str]:
    """One request; returns (size, sha256 hex) of the complete .part."""
    offset, saved = _resume_offset(job.part, job.meta)
    headers = {"Accept-Encoding": "identity"}
    if offset and saved is not None:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = saved.validator
    async with _get(job.http, job.url, headers) as response:
        status = response.status_code
        if status == 416 and offset:
            raise _Restart
        if status not in (200, 206):
            raise _status_error(
                status, _url_hint(job.url), _retry_after(response.headers.get("retry-after"))
            )
        fresh = _Meta(
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
        content_type = response.headers.get("content-type", "")
        return await _receive(job, response, offset, total, content_type)


def _content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        raise TransferError(f"a 206 answer with an unreadable Content-Range ({value!r})")
    total = None if match[3] == "*" else int(match[3])
    return int(match[1]), total


def _same_file(saved: _Meta | None, fresh: _Meta) -> bool:
    """Does a 206 continue the bytes we have? Compare whatever validators both have."""
    if saved is None:
        return False
    if saved.etag and fresh.etag:
        return saved.etag.removeprefix("W/") == fresh.etag.removeprefix("W/")
    if saved.last_modified and fresh.last_modified:
        return saved.last_modified == fresh.last_modified
    return False


async def _receive(
    job: _Job, response: httpx.Response, offset: int, total: int | None, content_type: str
) -> tuple[int, str]:
    import httpx

    loop = asyncio.get_running_loop()
    executor = _executor()
    sink = _Sink(job.part, offset)
    # The batch being written by the worker thread while the next one arrives.
    pending: concurrent.futures.Future[None] | None = None
    try:
        if offset:
            await loop.run_in_executor(executor, sink.hash_existing, offset)
            head = _read_head(job.part)
            _check_head(job, head, content_type, complete=False)
        else:
            head = b""
        received = offset
        batch: list[bytes] = []
        batched = 0
        limit = job.config.batch_bytes
        progress = job.on_progress
        try:
            async for chunk in response.aiter_raw():
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if len(head) >= HEAD_BYTES:
                        _check_head(job, head, content_type, complete=False)
                batch.append(chunk)
                batched += len(chunk)
                if batched >= limit:
                    if pending is not None:
                        await asyncio.wrap_future(pending)
                    pending = executor.submit(sink.write, batch)
                    batch = []
                    received += batched
                    batched = 0
                    if progress is not None:
                        progress(received, total)
        except httpx.TransportError:
            # Keep what arrived, so that the retry resumes after it.
            if len(head) >= HEAD_BYTES and batched:
                if pending is not None:
                    await asyncio.wrap_future(pending)
                    pending = None
                await loop.run_in_executor(executor, sink.write, batch)
            raise
        if pending is not None:
            await asyncio.wrap_future(pending)
            pending = None
        if batched:
            await loop.run_in_executor(executor, sink.write, batch)
            received += batched
        _check_head(job, head, content_type, complete=True)
        if total is not None and received != total:
            if received < total:
                raise TransferError(f"the connection closed after {received} of {total} bytes")
            raise ContentError(f"the server sent {received} bytes, more than the {total} announced")
        if received == 0:
            raise ContentError("the server sent an empty file")
        await loop.run_in_executor(executor, sink.sync)
        if progress is not None:
            progress(received, total)
        return received, sink.digest.hexdigest()
    finally:
        if pending is not None:
            # Cancelled or failed while a batch was being written: let it land
            # (it is at most one batch), so the .part keeps every byte received.
            concurrent.futures.wait([pending])
        sink.close()


def _read_head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _check_head(job: _Job, head: bytes, content_type: str, *, complete: bool) -> None:
    """Fail fast on HTML or wrong media; ``complete`` for bodies under 16 bytes."""
    if not complete and len(head) < HEAD_BYTES:
        return
    if not head:
        return  # an empty body is reported by the caller
    problem = media_problem(job.kind, head, content_type)
    if problem is not None:
        _discard(job.part, job.meta)  # garbage, not worth resuming
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
    try:
        os.replace(job.part, job.final)
    except OSError as error:
        raise storage_error(error, job.final, "rename to") from None
    _fsync_dir(job.final.parent)
    return Written(job.final, size, digest, job.resumed_from, attempts)


def _sync_and_hash(path: Path) -> tuple[int, str]:
    try:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
        return path.stat().st_size, file_sha256(path)
    except OSError as error:
        raise storage_error(error, path) from None
