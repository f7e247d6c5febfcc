"""Is a task's library copy complete? Told from the state's records and the
disk alone, with no request and no hashing (``suno-tui sync``).

A task is complete in a folder when every file its plan asks for (the
assets and template of the options) has a record whose file is still
there at its recorded size (:func:`~suno_tui.downloads.existing.still_there`)
where this folder and template would put it (a numbered copy counts, as the
manager's own check says). Anything else (no record, a file gone, moved or
resized) makes the task one to hand to the download manager, which checks
each file properly (hashes, tags, sizes) and fetches what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from suno_tui.downloads.assets import Asset, Skip, plan_task
from suno_tui.downloads.clip_files import name_fields
from suno_tui.downloads.existing import KnownDownload, still_there, where_asked
from suno_tui.downloads.naming import TemplateError, UnsafePath, file_name
from suno_tui.downloads.options import DownloadOptions, LookupCallback
from suno_tui.relay.models import Task

__all__ = ["TaskOnDisk", "task_on_disk"]


@dataclass(slots=True)
class TaskOnDisk:
    """What the records say of one task's files in the folder."""

    task_id: str
    #: the files found where they belong: (asset, the recorded file)
    present: list[tuple[Asset, KnownDownload]] = field(default_factory=list)
    #: the files to fetch or check
    missing: list[Asset] = field(default_factory=list)
    #: what the task does not offer (unfinished or failed clips, no video...)
    skips: list[Skip] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Everything the task offers is there (and it offers something)."""
        return not self.missing and bool(self.present)


def task_on_disk(
    task: Task, options: DownloadOptions, directory: Path, lookup: LookupCallback
) -> TaskOnDisk:
    """Which of ``task``'s files are in ``directory`` (absolute, as the
    manager's ``ensure_folder`` makes it) per ``lookup``'s records."""
    assets, skips = plan_task(task, options.assets)
    found = TaskOnDisk(task.task_id, skips=skips)
    for asset in assets:
        known = lookup(asset.task_id, asset.clip_id, asset.kind)
        if known is not None and _in_place(known, asset, options.template, directory):
            found.present.append((asset, known))
        else:
            found.missing.append(asset)
    return found


def _in_place(known: KnownDownload, asset: Asset, template: str, directory: Path) -> bool:
    try:
        name = file_name(template, name_fields(asset))
    except (TemplateError, UnsafePath):
        return False  # the manager reports it
    return where_asked(known.path, directory, name) and still_there(known)
