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
from suno_tui.downloads.manager import DownloadManager, DownloadOptions, FetchTask, LookupCallback
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
