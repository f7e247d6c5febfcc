"""Downloading the assets of finished clips: audio, cover, video, lyrics, JSON.

Domain layer: no Textual, and httpx/mutagen are imported only when a
download or a tag actually happens. The front ends use:

- :class:`DownloadManager` with :class:`DownloadOptions`: ``submit(task)``,
  ``join()``, ``cancel()``, ``busy``, ``active()``; progress arrives as
  :class:`DownloadProgress` events, each task's :class:`TaskOutcome` (the
  run's one tally) at ``on_ended``, finished files go to ``record(...)``;
- :func:`store_callbacks`, the one way to back ``record``/``lookup`` by the
  state (the monitor's tracker, or ``download``'s store);
- ``downloads.transfer``: one URL to one file (:func:`download`);
- :func:`plan_task` to show what a task offers (and why things are skipped).

Files go to ``<name>.part`` (resumable), are checked (length, magic bytes),
tagged (mp3) and only then renamed. Names come from a template, sanitised
for every platform and kept inside the download folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from suno_tui.downloads.lazy_names import lazy_names

if TYPE_CHECKING:
    from suno_tui.downloads.act_files import ActionsFor
    from suno_tui.downloads.assets import (
        ACT_KINDS,
        ASSET_KINDS,
        DEFAULT_ASSETS,
        Asset,
        Skip,
        SkipKind,
        check_assets,
        plan_task,
        url_problem,
    )
    from suno_tui.downloads.errors import (
        ContentError,
        DownloadError,
        HttpStatusError,
        LinkRefused,
        NotFound,
        StorageError,
        TransferError,
    )
    from suno_tui.downloads.events import (
        DownloadProgress,
        EndedCallback,
        FileState,
        ProgressCallback,
        RecordCallback,
        TaskOutcome,
    )
    from suno_tui.downloads.existing import KnownDownload
    from suno_tui.downloads.manager import (
        DownloadManager,
        DownloadOptions,
        FetchTask,
        LookupCallback,
    )
    from suno_tui.downloads.naming import (
        DEFAULT_TEMPLATE,
        NameFields,
        TemplateError,
        UnsafePath,
        check_template,
        file_name,
    )
    from suno_tui.downloads.records import DownloadStore, store_callbacks
    from suno_tui.downloads.transfer.writer import WriterConfig, Written

__all__ = [
    "ACT_KINDS",
    "ASSET_KINDS",
    "DEFAULT_ASSETS",
    "DEFAULT_TEMPLATE",
    "ActionsFor",
    "Asset",
    "ContentError",
    "DownloadError",
    "DownloadManager",
    "DownloadOptions",
    "DownloadProgress",
    "DownloadStore",
    "EndedCallback",
    "FetchTask",
    "FileState",
    "HttpStatusError",
    "KnownDownload",
    "LinkRefused",
    "LookupCallback",
    "NameFields",
    "NotFound",
    "ProgressCallback",
    "RecordCallback",
    "Skip",
    "SkipKind",
    "StorageError",
    "TaskOutcome",
    "TemplateError",
    "TransferError",
    "UnsafePath",
    "WriterConfig",
    "Written",
    "check_assets",
    "check_template",
    "file_name",
    "plan_task",
    "store_callbacks",
    "url_problem",
]

#: where each name of the package's API lives. The names load on first use
#: (PEP 562): importing one light module of the package (``downloads.events``,
#: ``downloads.options``) must not load the manager, the transfer and their
#: dependencies; the monitor's first frame needs none of them.
_HOMES = {
    "ASSET_KINDS": "suno_tui.downloads.assets",
    "Asset": "suno_tui.downloads.assets",
    "ContentError": "suno_tui.downloads.errors",
    "DEFAULT_ASSETS": "suno_tui.downloads.assets",
    "DEFAULT_TEMPLATE": "suno_tui.downloads.naming",
    "DownloadError": "suno_tui.downloads.errors",
    "DownloadManager": "suno_tui.downloads.manager",
    "DownloadOptions": "suno_tui.downloads.manager",
    "DownloadProgress": "suno_tui.downloads.events",
    "DownloadStore": "suno_tui.downloads.records",
    "EndedCallback": "suno_tui.downloads.events",
    "FetchTask": "suno_tui.downloads.manager",
    "FileState": "suno_tui.downloads.events",
    "HttpStatusError": "suno_tui.downloads.errors",
    "KnownDownload": "suno_tui.downloads.existing",
    "LinkRefused": "suno_tui.downloads.errors",
    "LookupCallback": "suno_tui.downloads.manager",
    "NameFields": "suno_tui.downloads.naming",
    "NotFound": "suno_tui.downloads.errors",
    "ProgressCallback": "suno_tui.downloads.events",
    "RecordCallback": "suno_tui.downloads.events",
    "Skip": "suno_tui.downloads.assets",
    "SkipKind": "suno_tui.downloads.assets",
    "StorageError": "suno_tui.downloads.errors",
    "TaskOutcome": "suno_tui.downloads.events",
    "TemplateError": "suno_tui.downloads.naming",
    "TransferError": "suno_tui.downloads.errors",
    "UnsafePath": "suno_tui.downloads.naming",
    "WriterConfig": "suno_tui.downloads.transfer.writer",
    "Written": "suno_tui.downloads.transfer.writer",
    "check_assets": "suno_tui.downloads.assets",
    "check_template": "suno_tui.downloads.naming",
    "file_name": "suno_tui.downloads.naming",
    "plan_task": "suno_tui.downloads.assets",
    "store_callbacks": "suno_tui.downloads.records",
    "url_problem": "suno_tui.downloads.assets",
}


__getattr__, __dir__ = lazy_names(globals(), _HOMES, __all__)
