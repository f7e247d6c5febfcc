"""``suno-tui download``'s work without its printing: fetch the tasks once,
then download their files with the download manager, recording them in the
state file when it can be opened."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from suno_tui.config import Settings
from suno_tui.downloads import DownloadManager, DownloadOptions, ProgressCallback, TaskOutcome
from suno_tui.downloads.records import store_callbacks
from suno_tui.engine.clients import client_for
from suno_tui.engine.offer_memory import OfferMemory, RememberingActions
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.tracking.offers import GatewayOffers
from suno_tui.tracking.store import Store, StoreError


@dataclass
class DownloadRun:
    """What a run did: each task's outcome, and the ids the gateway does not know."""

    outcomes: dict[str, TaskOutcome] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


async def download_ids(
    settings: Settings,
    ids: list[str],
    options: DownloadOptions,
    *,
    on_progress: ProgressCallback,
    warn: Callable[[str], None],
    on_missing: Callable[[str], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> DownloadRun:
    """Fetch ``ids`` with one batch query (RelayError if that fails), then
    download every task found. ConfigError if no client can be built."""
    client = client_for(settings)
    memory = OfferMemory(None)

    async def actions(_task_id: str) -> RememberingActions:
        # the WAV and timed lyrics, asked of the same gateway unless it said it has none
        return memory.actions(ClipActions(client), str(client.base_url))

    async with client:
        result = await client.fetch(ids)
        fetched_at = time.monotonic()
        for problem in result.problems:
            warn(problem)
        run = DownloadRun(missing=list(result.missing))
        for task_id in run.missing:
            on_missing(task_id)
        try:
            store: Store | None = Store.open(settings.state_path)
        except (StoreError, OSError) as error:
            warn(f"downloads will not be recorded in the state file: {error}")
            store = None
        if store is not None:  # what the gateway said it does not offer, kept across runs
            memory = OfferMemory(GatewayOffers(store.connection))
        record, lookup = store_callbacks(store) if store is not None else (None, None)
        try:
            async with DownloadManager(
                client.fetch_one, options, on_progress=on_progress, record=record, lookup=lookup,
                actions=actions, sleep=sleep,
            ) as manager:  # fmt: skip
                tasks = [result.tasks[task_id] for task_id in ids if task_id in result.tasks]
                run.outcomes = await manager.run(tasks, fetched_at=fetched_at)
        finally:
            if store is not None:
                store.close()
    return run
