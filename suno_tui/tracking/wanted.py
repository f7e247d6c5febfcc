"""Which watched tasks are worth downloading: the rule behind ``d`` and ``D``.

Pure functions of a task's summary and the asset kinds asked for; the
engine adds what only it knows (a profile without a gateway, the tasks
whose last run left everything on disk).
"""

from __future__ import annotations

from collections.abc import Sequence

from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NOT_FOUND, TaskSummary

__all__ = ["download_problem", "wants_download"]

#: asset kinds that many clips simply do not have (not counted as missing); a
#: WAV and timed lyrics too: a stock gateway offers neither, and each ask of a
#: hosted one may be billed, so ``D`` does not come back for them alone
_OPTIONAL = frozenset({"video", "wav", "lrc"})
_LYRICS_TASK_KINDS = frozenset({"lyrics", "json"})


def download_problem(summary: TaskSummary) -> str | None:
    """Why ``summary`` has nothing to download yet (None: worth asking the manager).

    Unfinished tasks are worth it: a complete clip of a running task is saved,
    and the others are skipped with their reason.
    """
    if summary.status_label == NOT_FOUND:
        return "the gateway does not know this task: nothing to download"
    failed = summary.status is TaskStatus.FAILURE and summary.kind is not TaskKind.LYRICS
    if failed and summary.clips_done == 0:
        reason = clean_line(summary.fail_reason)
        return "the task failed with no finished clip" + (f" ({reason})" if reason else "")
    return None


def wants_download(summary: TaskSummary, assets: Sequence[str]) -> bool:
    """For ``D``: a finished task with files, and fewer of them on disk than it offers."""
    if not summary.finished or download_problem(summary) is not None:
        return False
    if summary.kind is TaskKind.LYRICS:
        expected = sum(1 for kind in assets if kind in _LYRICS_TASK_KINDS)
    else:
        if summary.clips_done == 0:
            return False
        expected = summary.clips_done * sum(1 for kind in assets if kind not in _OPTIONAL)
    return summary.downloaded == 0 or summary.downloaded < expected
