"""Stream one URL to a file: ``.part``, resume, verify, then an atomic rename.

The body goes to ``<final>.part``; ``<final>.part.meta`` (JSON) remembers the
server's ETag/Last-Modified and the total size, so a later run (or a retry
after a dropped connection) asks for ``Range: bytes=N-`` with ``If-Range`` and
continues where it stopped. A server that ignores the Range, or whose file
changed, answers 200 and the download restarts cleanly. An mp3's ID3 tag is
written in front of its audio as the body streams (``front_tag``: no second
copy of the file, one hash); when it cannot be, an optional hook (ID3
tagging) runs on the complete ``.part``. The body's length and first bytes
are checked, the ``.part`` fsynced, and only then renamed to the final name:
a file with the final name is always complete.

Speed: each attempt runs in a worker thread with httpx's *synchronous*
client. Reads are written and hashed as they arrive, with no event-loop
round trip per chunk; the loop sees a progress call per MiB (or 0.25 s).
This is faster than ``aiter_raw`` on an event loop (anyio pays two epoll
calls per read) and keeps a busy download from stalling the monitor's
screen. A big body is hashed on a helper thread. Memory use is a few
chunks, whatever the file size. Cancelling shuts the socket down, so the
thread stops within one read and the ``.part`` keeps every byte written.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.errors import (
    ContentError,
    DownloadError,
    HttpStatusError,
    TransferError,
    storage_error,
)
from suno_tui.downloads.files import (
    NOFOLLOW,
    Meta,
    Written,
    discard,
    file_sha256,
    fsync_dir,
    meta_path,
    part_path,
    plain_file,
    resume_offset,
    write_atomic,
)
from suno_tui.relay.errors import transport_reason

if TYPE_CHECKING:
    import httpx
from suno_tui.downloads.transfer.body import receive_body
from suno_tui.downloads.transfer.http_get import (
    MAX_REDIRECTS,
    check_identity,
    content_range,
    int_header,
    remote_size,
    retry_after_seconds,
    same_file,
    send_get,
    status_error,
    untrusted_certificate,
    url_hint,
)
from suno_tui.downloads.transfer.job import (
    CommitHook,
    Job,
    ProgressFn,
    RenderTag,
    WriterConfig,
)
from suno_tui.downloads.transfer.threads import executor, in_thread

__all__ = [
    "MAX_REDIRECTS",
    "ProgressFn",
    "RenderTag",
    "WriterConfig",
    "Written",
    "download",
    "file_sha256",
    "meta_path",
    "part_path",
    "remote_size",
    "write_atomic",
]

# Restarts from zero within one download (ETag changed, 416...) before giving up.
_MAX_RESTARTS = 3


class _Restart(Exception):
    """Start again from byte 0 (the .part is stale); not a failed attempt."""


async def download(
    http: httpx.Client,
    url: str,
    final: Path,
    kind: str,
    *,
    on_progress: ProgressFn | None = None,
    before_commit: CommitHook | None = None,
    config: WriterConfig | None = None,
    render_tag: RenderTag | None = None,
) -> Written:
    """Download ``url`` to ``final`` (``kind``: audio, image or video).

    ``http`` is a synchronous httpx.Client (used from worker threads);
    ``on_progress`` is called on the event loop. ``render_tag``: an mp3's
    tag, written in front of its audio as it streams (``front_tag``); when it
    cannot be, ``before_commit`` still runs on the complete .part. Raises a
    DownloadError subclass; CancelledError leaves the .part (and its meta)
    for resuming.
    """
    import httpx

    loop = asyncio.get_running_loop()
    progress = None
    if on_progress is not None:
        callback = on_progress

        def progress(received: int, total: int | None) -> None:
            loop.call_soon_threadsafe(callback, received, total)

    job = Job(http, url, final, kind, config or WriterConfig(), progress, render_tag=render_tag)
    attempt = restarts = 0
    while True:
        attempt += 1
        try:
            size, digest = await in_thread(job.stopper, _attempt, job)
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
            if untrusted_certificate(error):  # will not fix itself in a few seconds
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


def _backoff(config: WriterConfig, attempt: int, failure: DownloadError) -> float:
    hinted = failure.retry_after if isinstance(failure, HttpStatusError) else None
    delay = config.backoff_base * 2.0 ** (attempt - 1)
    return float(min(config.backoff_max, max(delay, hinted or 0.0)))


def _attempt(job: Job) -> tuple[int, str]:
    """One request (in a worker thread); returns (size, sha256) of the complete .part."""
    kept, saved = resume_offset(job.part, job.meta)
    offset = saved.server_offset(kept) if saved is not None else kept
    headers = {"Accept-Encoding": "identity"}
    if offset and saved is not None:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = saved.validator
    # The speed floor's window bounds the wait for the headers too.
    deadline = job.config.min_speed_time if job.config.min_speed else None
    with send_get(job.http, job.url, headers, job.stopper, deadline) as response:
        status = response.status_code
        if status == 416 and offset:
            raise _Restart
        if status not in (200, 206):
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
            raise status_error(status, url_hint(job.url), retry_after)
        check_identity(response.headers.get("content-encoding", ""))
        fresh = Meta(
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
        )
        if status == 206:
            start, total = content_range(response.headers.get("content-range"))
            if start != offset or (offset and not same_file(saved, fresh)):
                raise _Restart
            known = saved.total if saved is not None else None
            if total is None:
                total = known  # "/*": the first answer's length still decides
            elif known is not None and total != known:
                raise _Restart  # not the length we started: another file
            if saved is not None:  # the .part's first bytes stay as they are
                fresh.front, fresh.body_tag = saved.front, saved.body_tag
        else:
            offset = kept = 0
            total = int_header(response.headers.get("content-length"))
        if total == 0:
            raise ContentError("the server sent an empty file (Content-Length: 0)")
        fresh.total = total
        job.resumed_from = offset
        job.tagged_in_front = fresh.front > 0
        content_type = response.headers.get("content-type", "")
        if not kept and job.render_tag is not None:
            # saved with the tags' lengths once our tag is written in front
            return receive_body(job, response, kept, offset, total, content_type, fresh)
        try:
            fresh.save(job.meta)
        except OSError as error:
            raise storage_error(error, job.meta) from None
        return receive_body(job, response, kept, offset, total, content_type)


async def _commit(
    job: Job, size: int, digest: str, before_commit: CommitHook | None, attempts: int
) -> Written:
    """Optional hook on the .part, then rename it to the final name."""
    loop = asyncio.get_running_loop()
    # From here the .part is complete: a crash must not make a later run
    # "resume" a file that the hook may have half rewritten.
    with contextlib.suppress(FileNotFoundError):
        job.meta.unlink()
    hook = None if job.tagged_in_front else before_commit  # tagged already
    if hook is not None and await loop.run_in_executor(executor(), hook, job.part):
        size, digest = await loop.run_in_executor(executor(), _sync_and_hash, job.part)
    # In a thread: the folder's fsync waits for the disk, and the loop serves
    # every other download meanwhile.
    await loop.run_in_executor(executor(), _rename, job)
    return Written(job.final, size, digest, job.resumed_from, attempts)


def _rename(job: Job) -> None:
    """The complete .part to its final name, the folder synced."""
    if not plain_file(job.part):  # replaced by a link since it was written: not ours
        discard(job.part, job.meta)
        raise TransferError(f"{job.part} was replaced while downloading; not renaming it")
    try:
        os.replace(job.part, job.final)
    except OSError as error:
        raise storage_error(error, job.final, "rename to") from None
    fsync_dir(job.final.parent)


def _sync_and_hash(path: Path) -> tuple[int, str]:
    try:
        with open(os.open(path, os.O_RDWR | NOFOLLOW), "rb+") as handle:
            os.fsync(handle.fileno())
        return path.stat().st_size, file_sha256(path)
    except OSError as error:
        raise storage_error(error, path) from None
