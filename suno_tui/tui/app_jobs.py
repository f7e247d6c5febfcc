"""Jobs from the monitor: ``n`` submits one (the form), and when a task
finishes the ``on_finish`` hook runs for it (in a worker; a failing hook is a
toast, never a crash).

A mixin of :class:`~suno_tui.tui.app.MonitorApp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import App

from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.download_jobs import Downloads
from suno_tui.tui.finish import FinishHook
from suno_tui.tui.ports import ClientsLike, TrackerLike
from suno_tui.tui.screens.submit_form import Request, SubmitScreen, Submitted


class JobsMixin(App[int]):
    """Submitting jobs and completion hooks (the host app provides what is declared here)."""

    tracker: TrackerLike
    downloads: Downloads | None
    clients: ClientsLike | None
    profile: str
    _finish_hook: FinishHook | None
    _cursor_blink: bool

    if TYPE_CHECKING:

        def _add_ids(
            self, ids: list[str], *, announce: bool, profile: str | None = None
        ) -> list[TaskSummary]: ...

    def _run_hooks(self, finished: Sequence[TaskSummary]) -> None:
        """The on_finish hook for each task that just finished (in workers)."""
        if self._finish_hook is None:
            return
        for summary in finished:
            self.run_worker(
                self._hook(summary.task_id), group="hooks", exit_on_error=False, exclusive=False
            )

    async def _hook(self, task_id: str) -> None:
        from suno_tui.relay.export import not_found_json, task_to_json

        hook = self._finish_hook
        if hook is None:
            return
        task = self.tracker.task(task_id)
        document = task_to_json(task) if task is not None else not_found_json(task_id)
        paths = self.downloads.paths_for(task_id) if self.downloads is not None else []
        problem = await hook.run(document, paths)
        if problem:
            self.notify(problem, title="on_finish hook failed", severity="error", markup=False)

    def action_submit_job(self) -> None:
        """``n``: the form for a new music or lyrics job."""
        clients = self.clients
        if clients is None:
            self.notify("Submitting needs a gateway: no token configured", severity="warning",
                        markup=False)  # fmt: skip
            return

        def submitted(result: Submitted | None) -> None:
            if result is None:
                return
            self._add_ids([result.task_id], announce=False, profile=result.profile)
            self.notify(
                f"{clean_line(result.task_id)}: watching it now",
                title=f"Submitted a {result.kind} job",
                timeout=5,
                markup=False,
            )

        self.push_screen(
            SubmitScreen(
                self._send_job,
                profiles=clients.profiles(),
                profile=self.profile,
                cursor_blink=self._cursor_blink,
            ),
            submitted,
        )

    async def _send_job(self, request: Request, profile: str) -> str:
        from suno_tui.relay.submit_requests import LyricsRequest

        assert self.clients is not None
        client = await self.clients.client(profile)
        if isinstance(request, LyricsRequest):
            return str(await client.submit_lyrics(request.prompt))
        return str(await client.submit_music(request.payload()))
