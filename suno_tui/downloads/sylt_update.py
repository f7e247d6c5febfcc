"""Timed lyrics put into an mp3 already on disk (the monitor's ``L`` on a clip
downloaded before): its ID3 SYLT frame set, nothing else touched.

The tags are written to a copy beside the file, which then replaces it in one
rename: a crash leaves the old file or the new one, never a half-tagged mp3.
mutagen is imported here when a file is tagged, not with the module.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from suno_tui.downloads.clip_files import size_and_hash
from suno_tui.downloads.errors import storage_error
from suno_tui.downloads.timed_lyrics import TimedLine, sylt_frame

__all__ = ["set_timed_lyrics"]


def set_timed_lyrics(mp3: Path, lines: Sequence[TimedLine]) -> tuple[int, str]:
    """Give ``mp3`` a SYLT frame of ``lines`` (replacing one it had); its new
    size and sha256. StorageError when the file cannot be written; ValueError
    when there is no line, or the file's tags cannot be read (it is left as it was)."""
    frame = sylt_frame(lines)
    if frame is None:
        raise ValueError("no timed line to write")
    id3: Any = importlib.import_module("mutagen.id3")
    temporary = mp3.with_name(f".{mp3.name}.sylt-tmp")
    try:
        shutil.copyfile(mp3, temporary)
        try:
            tags = id3.ID3(temporary)
        except id3.ID3NoHeaderError:
            tags = id3.ID3()
        tags.setall("SYLT", [frame])
        tags.update_to_v23()
        tags.save(temporary, v2_version=3)
        os.replace(temporary, mp3)
    except OSError as error:
        raise storage_error(error, mp3, "tag") from None
    except Exception as error:  # unreadable tags (untrusted bytes): the file is left alone
        raise ValueError(f"its tags cannot be read or written ({type(error).__name__})") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return size_and_hash(mp3)
