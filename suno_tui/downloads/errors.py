"""Typed download failures, each with a one-line message a user can act on."""

from __future__ import annotations

import errno
from pathlib import Path

__all__ = [
    "ContentError",
    "DownloadError",
    "HttpStatusError",
    "LinkRefused",
    "NotFound",
    "StorageError",
    "TransferError",
    "storage_error",
]


class DownloadError(Exception):
    """Base class. ``retryable`` errors are retried with backoff by the writer."""

    retryable = False
    #: a short word for progress lines and the store
    kind = "error"


class TransferError(DownloadError):
    """The connection failed or closed early: retried, resuming from the .part."""

    retryable = True
    kind = "network"


class HttpStatusError(DownloadError):
    """An HTTP status that is not the file; 429 and 5xx are retried."""

    kind = "http"

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.retryable = status == 429 or status >= 500


class LinkRefused(HttpStatusError):
    """401/403/410: the link expired or is not ours; fetch the task again."""

    kind = "refused"


class NotFound(HttpStatusError):
    kind = "not-found"


class ContentError(DownloadError):
    """The body is not the file: HTML, JSON, empty, wrong magic or length."""

    kind = "content"


class StorageError(DownloadError):
    """Writing failed: full disk, no permission, read-only file system..."""

    kind = "storage"

    def __init__(self, message: str, *, errno_: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the file name is too long for this file system",
    errno.EISDIR: "a folder has that name",
    errno.ENOTDIR: "a file is in the way of the folder",
}


def storage_error(error: OSError, path: Path, action: str = "write") -> StorageError:
    """One clear line for an OSError while writing ``path``."""
    reason = _REASONS.get(error.errno or 0) or error.strerror or type(error).__name__
    hint = ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "; free some space and run again to resume"
    return StorageError(f"cannot {action} {path}: {reason}{hint}", errno_=error.errno)
