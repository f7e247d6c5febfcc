"""The files of a download: ``<final>.part``, its ``.part.meta`` (what a later
run needs to resume it), hashing, and small atomic writes.

Nothing here follows a symbolic link it did not make: a ``.part`` or
``.part.meta`` that is a symlink (or a hard link to a file elsewhere) is
removed, never written through; new files are created exclusively
(``O_EXCL``), and reads use ``O_NOFOLLOW``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from suno_tui.downloads.dir_sync import fsync_dir
from suno_tui.downloads.errors import storage_error

__all__ = [
    "Meta",
    "Written",
    "copy_file",
    "create_exclusive",
    "discard",
    "file_sha256",
    "fsync_dir",
    "hash_file",
    "meta_path",
    "open_for_reading",
    "part_path",
    "plain_file",
    "resume_offset",
    "write_atomic",
]

READ_BLOCK = 1 << 20
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True, slots=True)
class Written:
    """A file with its final name: complete, checked, fsynced."""

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


def file_sha256(path: Path, limit: int | None = None) -> str:
    """sha256 of a file (or of its first ``limit`` bytes), read in blocks."""
    digest = hashlib.sha256()
    hash_file(path, digest, limit)
    return digest.hexdigest()


def plain_file(path: Path) -> bool | None:
    """True for a regular file with no other name (not a symlink, not a hard
    link to a file elsewhere), False for anything else there, None if absent."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return stat.S_ISREG(info.st_mode) and info.st_nlink == 1


def create_exclusive(path: Path) -> int:
    """A new, empty file at ``path`` for writing (its fd): whatever was at
    that name (a stale file, a symlink planted there) is removed first, and
    the file is created with O_EXCL, so nothing can be followed."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # removes a symlink itself, never its target
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | _BINARY, 0o644)


def open_for_reading(path: Path) -> int:
    """``path`` opened read-only without following a symlink at its name."""
    return os.open(path, os.O_RDONLY | NOFOLLOW | _BINARY)


def hash_file(path: Path, digest: Any, limit: int | None) -> None:
    remaining = limit
    with open(open_for_reading(path), "rb", buffering=0) as handle:
        while remaining is None or remaining > 0:
            block = handle.read(READ_BLOCK if remaining is None else min(READ_BLOCK, remaining))
            if not block:
                break
            digest.update(block)
            if remaining is not None:
                remaining -= len(block)


def ensure_folder(directory: Path) -> Path:
    """The download folder, made if missing, as an absolute path; StorageError if it cannot be."""
    folder = directory.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise storage_error(error, folder, "create the folder") from None
    return folder.resolve()


@contextlib.contextmanager
def _via_part(final: Path) -> Iterator[BinaryIO]:
    """A new ``final.part`` to write; when the block ends it is fsynced and
    renamed to ``final`` (which appears only when whole), or removed on error."""
    part = part_path(final)
    try:
        with open(create_exclusive(part), "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, final)
    except OSError as error:
        with contextlib.suppress(OSError):
            part.unlink()
        raise storage_error(error, final) from None
    fsync_dir(final.parent)


def write_atomic(final: Path, data: bytes) -> Written:
    """Write small content (lyrics, JSON) via ``.part``, fsync and rename."""
    with _via_part(final) as handle:
        handle.write(data)
    return Written(final, len(data), hashlib.sha256(data).hexdigest())


_META_BYTES = 64 << 10  # a meta file is ~100 bytes


def copy_file(source: Path, final: Path) -> Written:
    """Copy a complete file (an earlier download elsewhere) to ``final`` via
    its ``.part``, hashing it on the way; ``final`` appears only when whole."""
    digest = hashlib.sha256()
    size = 0
    with _via_part(final) as writer, open(open_for_reading(source), "rb", buffering=0) as reader:
        while block := reader.read(READ_BLOCK):
            writer.write(block)
            digest.update(block)
            size += len(block)
    return Written(final, size, digest.hexdigest())


@dataclass(slots=True)
class Meta:
    etag: str = ""
    last_modified: str = ""
    total: int | None = None
    #: an mp3 tagged as it streamed: the ``.part`` starts with our tag
    #: (``front`` bytes) in place of the body's own (``body_tag`` bytes)
    front: int = 0
    body_tag: int = 0

    def server_offset(self, part_size: int) -> int:
        """The server's byte that a ``.part`` of ``part_size`` bytes continues at."""
        return part_size - self.front + self.body_tag

    @classmethod
    def load(cls, path: Path) -> Meta | None:
        try:
            with open(open_for_reading(path), "rb") as handle:
                data = json.loads(handle.read(_META_BYTES).decode("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        total = data.get("total")
        return cls(
            etag=str(data.get("etag") or ""),
            last_modified=str(data.get("last_modified") or ""),
            total=total if isinstance(total, int) and total > 0 else None,
            front=_count(data.get("front")),
            body_tag=_count(data.get("body_tag")),
        )

    def save(self, path: Path) -> None:
        document: dict[str, Any] = {
            "etag": self.etag,
            "last_modified": self.last_modified,
            "total": self.total,
        }
        if self.front:
            document |= {"front": self.front, "body_tag": self.body_tag}
        with open(create_exclusive(path), "wb") as handle:
            handle.write(json.dumps(document).encode("utf-8"))

    @property
    def validator(self) -> str:
        """What to send in If-Range: a strong ETag, else Last-Modified."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified


def _count(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def resume_offset(part: Path, meta: Path) -> tuple[int, Meta | None]:
    """Bytes of ``part`` worth keeping, and its meta; clears what cannot resume
    (including a ``.part`` or meta that is a symlink or a hard link). The
    server's byte to ask for is ``meta.server_offset(size)``."""
    if plain_file(part) is False or plain_file(meta) is False:
        discard(part, meta)
        return 0, None
    try:
        size = part.stat().st_size
    except FileNotFoundError:
        size = 0
    saved = Meta.load(meta) if size else None
    usable = (
        saved is not None
        and bool(saved.validator)
        and size > saved.front  # our tag is whole, and some audio after it
        and (saved.total is None or saved.server_offset(size) < saved.total)
    )
    if size and not usable:
        discard(part, meta)
        return 0, None
    return size, saved


def discard(part: Path, meta: Path) -> None:
    for path in (part, meta):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
