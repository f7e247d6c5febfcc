"""Making a rename durable: the folder's fsync, shared by the renames that
happened before it started.

Every file a download saves is renamed into the download folder, and each
rename is made durable by an fsync of the folder before the file is
recorded. Four transfers and their lyrics and JSON renaming into one folder
asked for one fsync each, one after another. An fsync of a folder makes
every rename done before it started durable: so a caller whose rename came
before an fsync that is about to start joins it instead of queueing its own
(group commit). A caller never returns before an fsync that started after
its rename has finished.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["fsync_dir"]


@dataclass
class _Folder:
    #: renames that asked so far; the last one an fsync has covered
    asked: int = 0
    covered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)  # the counters
    syncing: threading.Lock = field(default_factory=threading.Lock)  # one fsync at a time


_FOLDERS: dict[str, _Folder] = {}
_FOLDERS_LOCK = threading.Lock()


def _folder(directory: Path) -> _Folder:
    key = os.fspath(directory)
    with _FOLDERS_LOCK:
        return _FOLDERS.setdefault(key, _Folder())


def fsync_dir(directory: Path) -> None:
    """Make the renames into ``directory`` so far durable; not possible (nor
    needed) everywhere."""
    folder = _folder(directory)
    with folder.lock:
        folder.asked += 1
        ticket = folder.asked
    with folder.syncing:
        with folder.lock:
            if folder.covered >= ticket:
                return  # an fsync that started after our rename has finished
            upto = folder.asked  # every rename that asked before this fsync starts
        _sync(directory)
        with folder.lock:
            folder.covered = max(folder.covered, upto)


def _sync(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
