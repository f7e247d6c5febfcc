"""The monitor's ``W`` and ``L`` as engine commands: one clip's WAV, or its
timed lyrics, asked of the gateway of the task's profile when the person
presses the key (each ask may be billed: nothing is asked otherwise).

    extras = clip_extras_over(engine)
    started = extras.start(task_id, Extra.WAV)   # a problem in words, or a run
    ref, done = started
    result = await done                          # the run's TaskOutcome, and a note

Both go the way of every download (engine/downloads.py, ``start_clip``): the
file is named by the template beside the clip's mp3, written through
``.part`` (a WAV resumes like any file), recorded in the state file, its
progress in the downloads pane. ``L`` writes the ``.lrc`` and then puts the
same lines into the clip's mp3 when it is on disk already (a SYLT frame,
downloads/sylt_update.py); an mp3 downloaded later with ``lrc = true`` gets it
as it is written.

What a gateway does not offer is the download's memory (engine/offer_memory.py):
once remembered, the key is refused here with the reason, without a request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from suno_tui.downloads.events import FileState, TaskOutcome
from suno_tui.downloads.timed_lyrics import read_lrc
from suno_tui.engine.downloads import DownloadService
from suno_tui.relay.action_errors import ClipAction
from suno_tui.relay.models import Clip, ClipStatus, Task, TaskKind
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import TaskSummary

if TYPE_CHECKING:
    from suno_tui.engine.engine import Engine

__all__ = ["ClipExtras", "ClipRef", "Extra", "ExtraDone", "clip_extras_over", "read_timed_file"]

#: an ``.lrc`` read back is at most this big (a song's is a few KB)
MAX_LRC_BYTES = 256 * 1024


class Extra(StrEnum):
    """What ``W`` and ``L`` fetch (the download asset kind)."""

    WAV = "wav"
    TIMED_LYRICS = "lrc"

    @property
    def action(self) -> ClipAction:
        return ClipAction.WAV if self is Extra.WAV else ClipAction.TIMING

    @property
    def label(self) -> str:
        return self.action.label


class TasksLike(Protocol):
    def get(self, task_id: str) -> TaskSummary | None: ...
    def task(self, task_id: str) -> Task | None: ...


@dataclass(frozen=True)
class ClipRef:
    """The clip a key acts on: its task, id, place in the task and title (cleaned)."""

    task_id: str
    clip_id: str
    number: int
    title: str


@dataclass(frozen=True)
class ExtraDone:
    """A ``W``/``L`` run: its outcome (the pane's and the toast's) and, for
    ``L``, what became of the mp3's SYLT frame ("" when nothing to say)."""

    outcome: TaskOutcome
    note: str = ""


def clip_in_view(task: Task | None) -> ClipRef | None:
    """The clip ``W`` and ``L`` act on in a task: its first finished clip
    (the detail shows the task's clips in order; the first is the one on top)."""
    if task is None:
        return None
    for number, clip in enumerate(task.clips, start=1):
        if clip.status is ClipStatus.COMPLETE and clip.id:
            return ClipRef(task.task_id, clip.id, number, clean_line(clip.title))
    return None


def read_timed_file(path: Path) -> list[str] | None:
    """The text lines of a small file, or None when it is missing or too big."""
    try:
        if path.stat().st_size > MAX_LRC_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


class ClipExtras:
    """``W`` and ``L`` over the watch list, the download service and the
    clients built so far (``base_url_of(profile)``: None when not built yet)."""

    def __init__(
        self,
        tasks: TasksLike,
        downloads: DownloadService | None,
        base_url_of: Callable[[str], str | None],
    ) -> None:
        self._tasks = tasks
        self._downloads = downloads
        self._base_url_of = base_url_of

    def not_offered(self, task_id: str | None, extra: Extra) -> str | None:
        """Why ``extra`` cannot be asked of this task's gateway: it said it does
        not offer it (None: not known to be missing)."""
        summary = self._tasks.get(task_id) if task_id is not None else None
        if summary is None or self._downloads is None:
            return None
        base_url = self._base_url_of(summary.profile)
        if base_url is None:
            return None
        known: Mapping[str, str] = self._downloads.offers.not_offered(base_url)
        if extra.action.value not in known:
            return None
        detail = clean_line(known[extra.action.value])
        said = f" ({detail})" if detail else ""
        return (
            f"this gateway does not offer {extra.label}{said}: it said so before, so it is "
            "not asked again"
        )

    def problem(self, task_id: str | None, extra: Extra) -> str | None:
        """Why the key does nothing for this task (None: it can start)."""
        if task_id is None:
            return "no task selected"
        if self._downloads is None:
            return "downloads are not set up (no gateway configured)"
        summary = self._tasks.get(task_id)
        if summary is None:
            return "the task is not on the watch list"
        if summary.kind is TaskKind.LYRICS:
            return f"a lyrics task has no clip to ask {extra.label} of"
        ref = clip_in_view(self._tasks.task(task_id))
        if ref is None:
            return f"the task has no finished clip yet: {extra.label} is made from one"
        if extra is Extra.TIMED_LYRICS and not _has_lyrics(self._tasks.task(task_id), ref):
            return "the clip has no lyrics to time (instrumental)"
        return self.not_offered(task_id, extra)

    def start(
        self, task_id: str | None, extra: Extra
    ) -> str | tuple[ClipRef, asyncio.Future[ExtraDone]]:
        """Start ``extra`` of the clip in view: (the clip, its run), or why not."""
        problem = self.problem(task_id, extra)
        if problem is not None:
            return problem
        assert task_id is not None and self._downloads is not None
        ref = clip_in_view(self._tasks.task(task_id))
        assert ref is not None
        run = self._downloads.start_clip(task_id, ref.clip_id, (extra.value,))
        if run is None:
            return f"{extra.label} of clip {ref.number} is being fetched already"
        if extra is Extra.WAV:
            return ref, asyncio.ensure_future(_outcome_only(run))
        return ref, asyncio.ensure_future(self._with_sylt(ref, run))

    async def _with_sylt(self, ref: ClipRef, run: asyncio.Future[TaskOutcome]) -> ExtraDone:
        """The ``.lrc``'s lines put into the clip's mp3, when it is on disk."""
        outcome = await run
        lrc = next(
            (e.path for e in outcome.files if e.asset == "lrc" and e.state is FileState.DONE),
            None,
        )
        downloads = self._downloads
        if lrc is None or downloads is None:
            return ExtraDone(outcome)
        mp3 = downloads.saved_file(ref.task_id, ref.clip_id, "audio")
        if mp3 is None:
            return ExtraDone(
                outcome,
                "the clip's mp3 is not downloaded yet: downloaded with lrc = true, it gets "
                "these timed lyrics in its tags",
            )
        text = await asyncio.to_thread(read_timed_file, lrc)
        lines = read_lrc("\n".join(text or ()))
        if not lines:
            return ExtraDone(outcome, "the .lrc holds no timed line to put into the mp3")
        from suno_tui.downloads.errors import DownloadError
        from suno_tui.downloads.sylt_update import set_timed_lyrics

        try:
            size, sha = await asyncio.to_thread(set_timed_lyrics, mp3, lines)
        except (DownloadError, ValueError) as error:
            return ExtraDone(outcome, f"the mp3 was left as it was: {clean_line(str(error))}")
        downloads.record_file(ref.task_id, ref.clip_id, "audio", mp3, size, sha)
        return ExtraDone(outcome, f"timed lyrics put into {clean_line(mp3.name)} (SYLT)")


async def _outcome_only(run: asyncio.Future[TaskOutcome]) -> ExtraDone:
    return ExtraDone(await run)


def _has_lyrics(task: Task | None, ref: ClipRef) -> bool:
    clip: Clip | None = next((c for c in task.clips if c.id == ref.clip_id), None) if task else None
    return clip is not None and bool(clip.lyrics.strip())


def clip_extras_over(engine: Engine) -> ClipExtras:
    """``W`` and ``L`` over an engine: its downloads, and its profiles' gateways
    as far as their clients are built (before that, nothing is known missing)."""
    clients = engine.clients

    def base_url_of(profile: str) -> str | None:
        client = clients.ready().get(profile) if clients is not None else None
        return str(client.base_url) if client is not None else None

    return ClipExtras(engine, engine.downloads, base_url_of)
