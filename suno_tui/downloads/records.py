"""Adapters between the download manager and the state store.

The manager takes two plain callables (``record`` and ``lookup``); these
build them from anything shaped like the monitor's ``Store``, without
importing it (the store is the monitor's, and this package must not depend
on it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from suno_tui.downloads.events import RecordCallback
from suno_tui.downloads.existing import KnownDownload

__all__ = ["DownloadStore", "store_callbacks"]


class _Record(Protocol):
    @property
    def clip_id(self) -> str: ...
    @property
    def asset(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def size(self) -> int | None: ...
    @property
    def sha256(self) -> str | None: ...


class DownloadStore(Protocol):
    """What the manager needs of the monitor's Store."""

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str | os.PathLike[str],
        size: int | None = ...,
        sha256: str | None = ...,
    ) -> None: ...

    def downloads_for(self, task_id: str) -> Sequence[_Record]: ...


def store_callbacks(
    store: DownloadStore,
) -> tuple[RecordCallback, _Lookup]:
    """``(record, lookup)`` for ``DownloadManager`` backed by ``store``."""

    def record(task_id: str, clip_id: str, asset: str, path: Path, size: int, sha: str) -> None:
        store.record_download(task_id, clip_id, asset, path, size, sha)

    def lookup(task_id: str, clip_id: str, asset: str) -> KnownDownload | None:
        for row in store.downloads_for(task_id):
            if row.clip_id == clip_id and row.asset == asset and row.size is not None:
                return KnownDownload(Path(row.path), row.size, row.sha256)
        return None

    return record, lookup


class _Lookup(Protocol):
    def __call__(self, task_id: str, clip_id: str, asset: str) -> KnownDownload | None: ...
