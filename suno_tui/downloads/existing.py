"""Choosing a file's path, and telling whether a file already there is ours.

Two clips must never overwrite each other, and a file downloaded by an
earlier run must not be fetched again. A file found at the wanted name is
identified, without the network where possible:

- the store's record (path, size, sha256) of this clip's asset;
- the clip id this program writes into mp3 tags (TXXX:SUNO_CLIP_ID);
- the ids inside a JSON sidecar (kept even if a newer fetch differs);
- identical content, for lyrics;
- otherwise UNKNOWN: the manager compares its size with the server's.

A name taken by another clip gets `` (2)``, `` (3)``... appended.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from suno_tui.downloads.assets import Asset
from suno_tui.downloads.files import file_sha256
from suno_tui.downloads.naming import UnsafePath, inside, numbered
from suno_tui.downloads.tagging import read_clip_id

__all__ = [
    "Claims",
    "KnownDownload",
    "Owner",
    "matches_record",
    "owner_of",
    "place",
    "still_there",
    "where_asked",
]

_MAX_COPIES = 999
_COPY_NUMBER = re.compile(r" \((\d{1,3})\)(?:\.[^.]*)?$")


class Owner(Enum):
    ABSENT = "absent"  # nothing there
    SAME = "same"  # this asset, complete: nothing to do
    OURS = "ours"  # this asset, but outdated: replace it
    FOREIGN = "foreign"  # another clip's (or the user's) file: use another name
    UNKNOWN = "unknown"  # cannot tell without asking the server for the size


@dataclass(frozen=True, slots=True)
class KnownDownload:
    """What the store recorded about an earlier download of one asset."""

    path: Path
    size: int
    sha256: str | None = None


def still_there(known: KnownDownload) -> bool:
    """Is the recorded file still a plain file (not replaced by a symlink) at
    its recorded size? Cheap: no hashing."""
    try:
        info = os.lstat(known.path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == known.size


def matches_record(known: KnownDownload) -> bool:
    """Is the recorded file still there, whole and unchanged (and not
    replaced by a symlink)?"""
    if not still_there(known):
        return False
    try:
        return not known.sha256 or file_sha256(known.path) == known.sha256
    except OSError:
        return False


def where_asked(known: Path, directory: Path, name: str) -> bool:
    """Is ``known`` (a recorded download) where this run would put the file:
    in ``directory``, named ``name`` or a numbered copy of it?"""
    if known.parent != directory:
        return False
    if known.name == name:
        return True
    match = _COPY_NUMBER.search(known.name)
    return match is not None and numbered(name, int(match[1])) == known.name


def owner_of(path: Path, asset: Asset, *, named_by_clip: bool) -> Owner:
    """Who the file at ``path`` belongs to (see the module docstring).

    ``named_by_clip``: the template puts the clip id in the name, so a file
    with this name can only be this clip's.
    """
    if not path.exists():
        return Owner.ABSENT
    if not path.is_file():
        return Owner.FOREIGN
    if asset.kind == "audio":
        clip_id = read_clip_id(path)
        if clip_id is not None:
            return Owner.SAME if clip_id == asset.clip_id else Owner.FOREIGN
    elif asset.kind == "json":
        return _json_owner(path, asset)
    elif asset.kind == "lyrics" and asset.content is not None:
        try:
            if path.read_bytes() == asset.content:
                return Owner.SAME
        except OSError:
            return Owner.FOREIGN
        return Owner.OURS if named_by_clip else Owner.FOREIGN
    return Owner.UNKNOWN


def _json_owner(path: Path, asset: Asset) -> Owner:
    try:
        data = path.read_bytes()
        if data == asset.content:
            return Owner.SAME
        document = json.loads(data)
    except (OSError, ValueError):
        return Owner.FOREIGN
    if not isinstance(document, dict) or document.get("task_id") != asset.task_id:
        return Owner.FOREIGN
    inner = document.get("clip") or document.get("lyrics")
    inner_id = inner.get("id") if isinstance(inner, dict) else None
    if inner_id in (None, "", asset.clip_id) or asset.clip_id == asset.task_id:
        # The same clip's sidecar from an earlier fetch: it differs only in
        # signed URLs and counters, so it is kept as it is.
        return Owner.SAME
    return Owner.FOREIGN


class Claims:
    """Paths handed out during one manager's life, so that two assets of the
    same run never get the same name (even before either file exists).

    Only touched from the event loop, so it needs no lock.
    """

    def __init__(self) -> None:
        self._taken: dict[Path, tuple[str, str, str]] = {}

    @staticmethod
    def key(asset: Asset) -> tuple[str, str, str]:
        return (asset.task_id, asset.clip_id, asset.kind)

    def free_for(self, path: Path, asset: Asset) -> bool:
        holder = self._taken.get(path)
        return holder is None or holder == self.key(asset)

    def take(self, path: Path, asset: Asset) -> None:
        self._taken[path] = self.key(asset)

    def release(self, path: Path) -> None:
        self._taken.pop(path, None)


async def place(
    claims: Claims, directory: Path, name: str, asset: Asset, *, named_by_clip: bool, start: int = 1
) -> tuple[Path, Owner, int]:
    """The first usable path for ``asset``: ``name``, ``name (2)``... from copy ``start``.

    Returns (path, what is there now, copy number). The path is claimed.
    """
    for copy in range(start, _MAX_COPIES + 1):
        path = inside(directory, numbered(name, copy))
        if not claims.free_for(path, asset):
            continue
        owner = await asyncio.to_thread(owner_of, path, asset, named_by_clip=named_by_clip)
        # Another asset may have claimed the path while we looked at the disk.
        if owner is Owner.FOREIGN or not claims.free_for(path, asset):
            continue
        claims.take(path, asset)
        return path, owner, copy
    raise UnsafePath(f"{_MAX_COPIES} files named like {name!r} already exist")
