"""A tracker with fixed data, for deterministic app tests without a store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from suno_tui.downloads.assets import SkipKind
from suno_tui.downloads.events import DownloadProgress, FileState
from suno_tui.ids import validate_id
from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tracking.tracker import new_summary

from .factories import NOW


class FakeTracker:
    """Implements the app's TrackerLike protocol over plain dicts."""

    def __init__(
        self,
        summaries: Iterable[TaskSummary] = (),
        *,
        tasks: Mapping[str, Task] | None = None,
        transitions: Iterable[Transition] = (),
    ) -> None:
        self._summaries = {s.task_id: s for s in summaries}
        self._tasks = dict(tasks or {})
        self._transitions = list(transitions)
        self.removed: list[str] = []
        self.downloads: list[tuple[str, str, str, str]] = []

    def load(self) -> list[TaskSummary]:
        return list(self._summaries.values())

    def load_first(self, newest: int) -> list[TaskSummary]:
        return self.load()  # everything at once: nothing left for load_rest

    def load_rest(self, page_rows: int = 2000) -> Iterator[list[TaskSummary]]:
        return iter(())

    @property
    def unloaded(self) -> int:
        return 0

    def add(self, ids: Iterable[str], profile: str = "default") -> list[TaskSummary]:
        added = []
        for task_id in ids:
            validate_id(task_id)
            if task_id in self._summaries:
                continue
            summary = new_summary(task_id, profile, NOW)
            self._summaries[task_id] = summary
            added.append(summary)
        return added

    def remove(self, task_id: str) -> None:
        self._summaries.pop(task_id, None)
        self.removed.append(task_id)

    def retry(self, task_ids: Iterable[str]) -> list[TaskSummary]:
        changed = []
        for task_id in task_ids:
            old = self._summaries.get(task_id)
            if old is not None and old.status_label == "NOT_FOUND" and old.finished:
                changed.append(replace(old, finished=False))
                self._summaries[task_id] = changed[-1]
        return changed

    def summaries(self) -> Mapping[str, TaskSummary]:
        return self._summaries

    def get(self, task_id: str) -> TaskSummary | None:
        return self._summaries.get(task_id)

    def task(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def transitions(self, task_id: str) -> list[Transition]:
        return [t for t in self._transitions if t.task_id == task_id]

    def events(self, limit: int = 500) -> list[Transition]:
        return self._transitions[-limit:]

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str,
        size: int | None = None,
        sha256: str | None = None,
    ) -> TaskSummary | None:
        self.downloads.append((task_id, clip_id, asset, path))
        old = self._summaries.get(task_id)
        if old is None:
            return None
        count = sum(1 for d in self.downloads if d[0] == task_id)
        return self.change(task_id, downloaded=count)

    async def apply_async(self, result: Any, *, profile: str = "default") -> Any:
        """Tasks found in the account: shown as they came (fakes: no merging)."""
        update = SimpleNamespace(changed=[], transitions=[], finished=[])
        for task_id, task in result.tasks.items():
            if task_id in self._summaries:
                self._tasks[task_id] = task
        return update

    # test helpers
    def put(self, summary: TaskSummary, task: Task | None = None) -> TaskSummary:
        self._summaries[summary.task_id] = summary
        if task is not None:
            self._tasks[summary.task_id] = task
        return summary

    def change(self, task_id: str, **changes: object) -> TaskSummary:
        summary = replace(self._summaries[task_id], **changes)  # type: ignore[arg-type]
        self._summaries[task_id] = summary
        return summary


class FakeClients:
    """The app's ClientsLike, with no network: submits return made-up ids."""

    def __init__(self, profiles: tuple[str, ...] = ("default",)) -> None:
        self._profiles = list(profiles)
        self.sent: list[tuple[str, object]] = []

    @property
    def selected(self) -> str:
        return self._profiles[0]

    def profiles(self) -> list[str]:
        return list(self._profiles)

    def prepared(self) -> list[str]:
        return list(self._profiles)

    def ready(self) -> dict[str, object]:
        return {name: self for name in self._profiles}

    def build_prepared(self) -> dict[str, object]:
        return self.ready()

    def problem(self, profile: str) -> str | None:
        return None if profile in self._profiles else f"profile {profile!r} is not configured"

    async def client(self, profile: str) -> FakeClients:
        return self

    async def submit_music(self, payload: Mapping[str, object]) -> str:
        self.sent.append(("music", dict(payload)))
        return f"task-new-{len(self.sent)}"

    async def submit_lyrics(self, prompt: str) -> str:
        self.sent.append(("lyrics", prompt))
        return f"lyrics-new-{len(self.sent)}"

    async def aclose(self) -> None:
        return None


class ScriptedDownloader:
    """A download manager that reports ``script(task_id)`` at once on submit."""

    def __init__(self, on_progress: Callable[[DownloadProgress], None], script: Script) -> None:
        self._on_progress = on_progress
        self._script = script
        self.submitted: list[str] = []

    def submit(self, task: str) -> bool:
        self.submitted.append(task)
        for event in self._script(task):
            self._on_progress(event)
        return True

    def cancel(self, task_id: str | None = None) -> None:
        return None

    @property
    def busy(self) -> bool:
        return False

    async def aclose(self) -> None:
        return None


Script = Callable[[str], list[DownloadProgress]]


def progress_script(directory: Path) -> Script:
    """A task's files in every state (sizes and speeds fixed)."""

    def script(task_id: str) -> list[DownloadProgress]:
        def event(
            clip: str, asset: str, name: str | None, state: FileState, **kw: Any
        ) -> DownloadProgress:
            values: dict[str, Any] = {"received": 0, "total": None, "speed_bps": 0.0}
            values.update(kw)
            path = directory / name if name else None
            return DownloadProgress(task_id, clip, asset, path, state=state, **values)

        mp3 = "Midnight Rain over Neon Streets [clip-aaa].mp3"
        return [
            event("", "", None, FileState.QUEUED, message="waiting for a download slot"),
            event(
                "clip-aaaa-1111",
                "image",
                "Midnight Rain over Neon Streets [clip-aaa].jpeg",
                FileState.DONE,
                received=245_760,
                total=245_760,
            ),
            event(
                "clip-aaaa-1111",
                "audio",
                mp3,
                FileState.RUNNING,
                received=1_843_200,
                total=3_001_000,
                speed_bps=1_250_000.0,
            ),
            event(
                "clip-aaaa-1111",
                "lyrics",
                "Midnight Rain over Neon Streets [clip-aaa].txt",
                FileState.QUEUED,
            ),
            event(
                "clip-bbbb-2222",
                "clip",
                None,
                FileState.SKIPPED,
                message="still streaming: the file is not final yet",
                skip_kind=SkipKind.NOT_READY,
            ),
            event(
                "clip-cccc-3333",
                "video",
                "Midnight Rain [clip-ccc].mp4",
                FileState.FAILED,
                message="the server refused the link (HTTP 403): it may have expired",
            ),
        ]

    return script
