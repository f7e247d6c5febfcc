"""``watch --download``: download each task's assets as it finishes, with the
download manager (fresh links, .part files, resume, tags, the state store)."""

from __future__ import annotations

from suno_tui.config import Settings
from suno_tui.downloads import DownloadManager
from suno_tui.downloads.events import FileState
from suno_tui.downloads.records import store_callbacks
from suno_tui.engine.clients import client_for
from suno_tui.relay.client import RelayClient
from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary
from suno_tui.tracking.tracker import Tracker


class WatchDownloader:
    """A callable for ``run_watch(downloader=...)``; ``aclose()`` when done."""

    def __init__(self, settings: Settings, tracker: Tracker) -> None:
        from suno_tui.cli.download import options_from_settings

        self._settings = settings
        self._tracker = tracker
        self._clients: dict[str, RelayClient] = {}
        record, lookup = store_callbacks(tracker.store)
        self._manager = DownloadManager(
            self._fetch, options_from_settings(settings), record=record, lookup=lookup
        )

    async def _fetch(self, task_id: str) -> Task:
        summary = self._tracker.get(task_id)
        profile = summary.profile if summary is not None else self._settings.profile
        client = self._clients.get(profile)
        if client is None:
            client = client_for(self._settings, self._settings.gateways[profile])
            self._clients[profile] = client
        return await client.fetch_one(task_id)

    async def __call__(self, summary: TaskSummary) -> tuple[list[str], list[str]]:
        outcome = await self._manager.download(summary.task_id)
        problems = [outcome.error] if outcome.error else []
        problems += [
            f"{event.path or event.asset}: {event.message}"
            for event in outcome.files
            if event.state is FileState.FAILED
        ]
        paths = [str(e.path) for e in outcome.files if e.state is FileState.DONE and e.path]
        return paths, problems

    async def aclose(self) -> None:
        await self._manager.aclose()
        for client in self._clients.values():
            await client.aclose()
