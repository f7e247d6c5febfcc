"""The one way a saved file is recorded, and an earlier one found.

The manager takes two plain callables (``record`` and ``lookup``);
:func:`store_callbacks` builds both from anything shaped like the state:
the monitor's tracker (which keeps the row's count too) or, for
``suno-tui download``, the store itself, without importing either (this
package must not depend on them).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from suno_tui.downloads.events import RecordCallback

if TYPE_CHECKING:  # the records' reader loads with the first download
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
    """What the manager needs of the state: the tracker or the store."""

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str | os.PathLike[str],
        size: int | None = ...,
        sha256: str | None = ...,
    ) -> object: ...

    def downloads_for(self, task_id: str) -> Sequence[_Record]: ...


def store_callbacks(
    store: DownloadStore,
) -> tuple[RecordCallback, _Lookup]:
    """``(record, lookup)`` for ``DownloadManager`` backed by ``store``."""

    def record(task_id: str, clip_id: str, asset: str, path: Path, size: int, sha: str) -> None:
        store.record_download(task_id, clip_id, asset, path, size, sha)

    def lookup(task_id: str, clip_id: str, asset: str) -> KnownDownload | None:
        from suno_tui.downloads.existing import KnownDownload

        for row in store.downloads_for(task_id):
            if row.clip_id == clip_id and row.asset == asset and row.size is not None:
                return KnownDownload(Path(row.path), row.size, row.sha256)
        return None

    return record, lookup


class _Lookup(Protocol):
    def __call__(self, task_id: str, clip_id: str, asset: str) -> KnownDownload | None: ...
