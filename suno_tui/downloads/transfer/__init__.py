"""The transfer unit: one URL to one file, resumable and checked.

:func:`download` streams a URL to ``<name>.part`` (resuming with ``Range``
and ``If-Range``), checks its length and first bytes, runs a hook on the
complete ``.part`` (ID3 tags) and renames it; :func:`remote_size` reads a
file's size from a GET's headers. Transfers run in worker threads with
httpx's synchronous client (``threads``), a cancel shuts their socket down,
and :class:`~suno_tui.downloads.transfer.speed_floor.SpeedFloor` ends one
that is too slow. Modules: ``writer`` (attempts, restarts, the commit),
``http_get`` (the GET and its headers), ``body`` (the bytes into the
``.part``), ``job`` (one download's settings), ``threads``, ``speed_floor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from suno_tui.downloads.lazy_names import lazy_names

if TYPE_CHECKING:
    from suno_tui.downloads.transfer.job import CommitHook, ProgressFn
    from suno_tui.downloads.transfer.writer import (
        MAX_REDIRECTS,
        Written,
        download,
        file_sha256,
        meta_path,
        part_path,
        remote_size,
        write_atomic,
    )
    from suno_tui.downloads.transfer.writer_config import WriterConfig

__all__ = [
    "MAX_REDIRECTS",
    "CommitHook",
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

#: where each name lives; loaded on first use (PEP 562), so that the
#: settings (``WriterConfig``) do not load the writer, httpx's sync client,
#: the threads and the files' hashing
_HOMES = {
    "CommitHook": "suno_tui.downloads.transfer.job",
    "MAX_REDIRECTS": "suno_tui.downloads.transfer.writer",
    "ProgressFn": "suno_tui.downloads.transfer.job",
    "WriterConfig": "suno_tui.downloads.transfer.writer_config",
    "Written": "suno_tui.downloads.transfer.writer",
    "download": "suno_tui.downloads.transfer.writer",
    "file_sha256": "suno_tui.downloads.transfer.writer",
    "meta_path": "suno_tui.downloads.transfer.writer",
    "part_path": "suno_tui.downloads.transfer.writer",
    "remote_size": "suno_tui.downloads.transfer.writer",
    "write_atomic": "suno_tui.downloads.transfer.writer",
}


__getattr__, __dir__ = lazy_names(globals(), _HOMES, __all__)
