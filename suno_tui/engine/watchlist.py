"""Add tasks to the persistent watch list from the headless commands, so the
monitor shows what ``submit`` created or what ``watch`` followed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from suno_tui.config import Settings
from suno_tui.tracking.store import Store, StoreError
from suno_tui.tracking.tracker import Tracker


class WatchListError(Exception):
    """The state file could not be opened or written."""


def _now() -> datetime:
    return datetime.now(UTC)


def open_tracker(settings: Settings) -> Tracker:
    """A tracker over the state file of ``settings``, loaded."""
    try:
        tracker = Tracker(Store.open(settings.state_path), clock=_now)
        tracker.load()
    except StoreError as error:
        raise WatchListError(str(error)) from None
    return tracker


def add_to_watchlist(settings: Settings, task_ids: Iterable[str]) -> None:
    """Add ``task_ids`` under the selected profile; already-watched ids are kept."""
    tracker = open_tracker(settings)
    try:
        tracker.add(task_ids, profile=settings.profile)
    except StoreError as error:
        raise WatchListError(str(error)) from None
    finally:
        tracker.store.close()
