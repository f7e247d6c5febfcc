"""The detail's timed lyrics: a clip's lyric lines with the time each is sung,
``0:12.40  first line``, once they are known.

Where they live: in the ``.lrc`` file beside the mp3 (``L``, or a download
with ``lrc``), found through the state file's record of that download and
read back here. One copy of the truth, the file the person keeps: no second
record in the state file to drift from it, and a deleted ``.lrc`` is no
longer shown. The file is read as untrusted text (bounded, cleaned, never
markup); section tags are not in it (the writer leaves them out), so none is
shown as a lyric.

Reading is a stat, a record lookup and a small file per clip: done when a
task is first shown and kept (per task, a bounded number of tasks) until the
task changes (a download recorded, a poll), not at every repaint.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from suno_tui.relay.models import ClipStatus, Task

if TYPE_CHECKING:
    from suno_tui.downloads.timed_lyrics import TimedLine

__all__ = ["TimedLyrics", "timed_block", "timed_stamp"]

#: savedfile(task_id, clip_id, asset) -> the recorded file, if still there
SavedFile = Callable[[str, str, str], Path | None]
ReadLines = Callable[[Path], list[str] | None]
#: tasks whose timed lyrics are kept
KEEP_TASKS = 64
STAMP = "$text-muted"


def timed_stamp(seconds: float | None) -> str:
    """``1:02.40`` (minutes unpadded, hundredths), or blanks when unknown."""
    if seconds is None:
        return "       "
    hundredths = max(0, round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes}:{rest // 100:02d}.{rest % 100:02d}"


def timed_block(lines: Sequence[TimedLine]) -> Content:
    """``    0:12.40  first line`` per line (the text cleaned when it was read)."""
    width = max((len(timed_stamp(line.start)) for line in lines), default=0)
    parts: list[Content | str | tuple[str, str]] = []
    for line in lines:
        parts += ["    ", (f"{timed_stamp(line.start):>{width}}", STAMP), "  ", line.text, "\n"]
    return Content.assemble(*parts)


class TimedLyrics:
    """Each shown task's clips' timed lines, read from their ``.lrc`` files."""

    def __init__(self, saved_file: SavedFile, read_lines: ReadLines) -> None:
        self._saved_file = saved_file
        self._read_lines = read_lines
        self._known: OrderedDict[str, dict[str, list[TimedLine]]] = OrderedDict()

    def for_task(self, task: Task | None) -> Mapping[str, Sequence[TimedLine]]:
        """{clip id: timed lines} of the task's clips that have an ``.lrc`` on disk."""
        if task is None or not task.clips:
            return {}
        known = self._known.get(task.task_id)
        if known is None:
            known = self._read(task)
            self._known[task.task_id] = known
            while len(self._known) > KEEP_TASKS:
                self._known.popitem(last=False)
        else:
            self._known.move_to_end(task.task_id)
        return known

    def forget(self, task_ids: set[str]) -> None:
        """These tasks changed (a file recorded, ``L`` done): read them again when shown."""
        for task_id in task_ids:
            self._known.pop(task_id, None)

    def _read(self, task: Task) -> dict[str, list[TimedLine]]:
        found: dict[str, list[TimedLine]] = {}
        for clip in task.clips:
            if not clip.id or clip.status is not ClipStatus.COMPLETE or not clip.lyrics.strip():
                continue  # only a finished clip with lyrics can have been timed
            path = self._saved_file(task.task_id, clip.id, "lrc")
            text = self._read_lines(path) if path is not None else None
            from suno_tui.downloads.timed_lyrics import read_lrc  # at the first .lrc

            lines = read_lrc("\n".join(text)) if text else []
            if lines:
                found[clip.id] = lines
        return found
