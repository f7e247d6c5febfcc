"""What happens when a task finishes: which finished tasks are news, and the
work done for each (its downloads when asked, then the ``on_finish`` hook),
told as one :class:`~suno_tui.engine.events.TaskFinished`.

The engine hands every finished task of a round to :meth:`Finishing.finish`;
``watch`` hands it the tasks already finished when it starts, too. Each task
is handled once, in the background (at most what the hook allows at a time),
and a failure is a problem in the event, never an exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from suno_tui.engine.downloads import DownloadService, outcome_problems
from suno_tui.engine.events import EngineEvent, TaskFinished
from suno_tui.engine.hooks import FinishHook
from suno_tui.engine.lineage import lineages_over
from suno_tui.engine.ports import TrackerLike
from suno_tui.relay.export import not_found_json, task_to_json
from suno_tui.tracking.model import NOT_FOUND, TaskSummary, Transition

__all__ = ["Finishing", "news"]


def news(finished: Iterable[TaskSummary], transitions: Iterable[Transition]) -> list[TaskSummary]:
    """The finished tasks worth telling: not those first seen already finished."""
    first_seen = {t.task_id for t in transitions if t.from_label is None}
    return [summary for summary in finished if summary.task_id not in first_seen]


class Finishing:
    """Handles each finished task once: downloads (if asked), hook, event."""

    def __init__(
        self,
        tracker: TrackerLike,
        downloads: DownloadService | None,
        *,
        on_finish: str | None,
        every: bool,
        auto_download: bool,
        emit: Callable[[EngineEvent], None],
        spawn: Callable[[Awaitable[None]], None],
    ) -> None:
        self._tracker = tracker
        self._downloads = downloads
        self._hook = FinishHook(on_finish) if on_finish else None
        #: every finished task is handled (``watch``), not only the news (the monitor)
        self.every = every
        self._auto_download = auto_download
        self._emit = emit
        self._spawn = spawn
        self._handled: set[str] = set()
        self.lineage = lineages_over(tracker)

    def finish(self, summary: TaskSummary) -> None:
        """Handle a finished task once: its downloads (if asked), then its hook."""
        if not (self._hook or self._auto_download or self.every):
            return
        if self.every:
            if summary.task_id in self._handled:
                return
            self._handled.add(summary.task_id)
        self._spawn(self._finish(summary))

    async def _finish(self, summary: TaskSummary) -> None:
        task = self._tracker.task(summary.task_id)
        if task is not None:
            document = task_to_json(task, extends=self.lineage.extends_json(task))
        else:
            document = not_found_json(summary.task_id)
        paths: list[str] = []
        problems: list[str] = []
        downloads = self._downloads
        if downloads is not None and self._auto_download and summary.status_label != NOT_FOUND:
            try:
                paths, problems = outcome_problems(await downloads.download(summary.task_id))
            except Exception as error:  # reported, and the watch goes on
                problems = [f"download failed: {error}"]
        elif downloads is not None:
            paths = downloads.paths_for(summary.task_id)
        hook_problem = await self._hook.run(document, paths) if self._hook else None
        self._emit(TaskFinished(summary, document, tuple(paths), tuple(problems), hook_problem))
