"""What is watched, and what changed: merges fetched snapshots into summaries.

The tracker keeps one small :class:`TaskSummary` per watched task in memory
and everything else (raw JSON, timelines) in the :class:`Store`. Every change
is written to the store *before* the method that made it returns, so whatever
the front end shows has been saved.

Methods are meant to be called from one thread (the event loop). Only
``apply_async`` leaves it, to write in a worker thread (and now and then to
checkpoint the store's log after a write); concurrent ``apply_async`` calls
are serialised. Do not mix ``apply`` and ``apply_async`` in flight at the
same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from types import MappingProxyType

from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.models import Task
from suno_tui.tracking.checkpoints import Checkpoints
from suno_tui.tracking.lineage_book import LineageBook, learn_from_rows
from suno_tui.tracking.merge_plan import MergePlan, plan_merge
from suno_tui.tracking.model import (
    DEFAULT_PROFILE,
    NOT_FOUND,
    TaskSummary,
    Transition,
)
from suno_tui.tracking.snapshot_cache import TASK_CACHE, SnapshotCache
from suno_tui.tracking.store import DownloadRecord, Store, StoreError
from suno_tui.tracking.store_rows import pack_raw
from suno_tui.tracking.summaries import (
    Update,
    check_id,
    new_summary,
    summarize,
)

__all__ = ["Tracker", "Update", "new_summary", "summarize"]

NOT_FOUND_AFTER = 3
EVENTS_KEPT = 1000
# Up to this many changed rows, apply_async writes on the event loop's own
# thread. Bigger writes go to a thread: 1,000 rows took ~30-45 ms on the loop,
# which with the slices around it blocked it for 55-70 ms; in a thread the
# SQLite steps, commit and compression run without the GIL.
INLINE_WRITE_ROWS = 200


class Tracker:
    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime],
        not_found_after: int = NOT_FOUND_AFTER,
        events_kept: int = EVENTS_KEPT,
        task_cache: int = TASK_CACHE,
    ) -> None:
        self.store = store
        self._clock = clock
        self.not_found_after = max(1, not_found_after)
        self._summaries: dict[str, TaskSummary] = {}
        self._unloaded = 0  # stored tasks not in memory yet (see load_first)
        # Hash of the last snapshot saved per task, to skip unchanged raw JSON.
        # Not persisted: after a restart the first poll rewrites raw once.
        self._fingerprints: dict[str, int | None] = {}
        self._snapshots = SnapshotCache(store, task_cache)  # for the detail view
        self._events: deque[Transition] = deque(maxlen=max(1, events_kept))
        self._apply_lock = asyncio.Lock()
        self._checkpoints = Checkpoints(store)
        self._removed: set[str] | None = None  # read from the store when first asked
        self.lineage = LineageBook(store.connection)  # what each task was made from

    # -- reading ------------------------------------------------------------

    def load(self) -> list[TaskSummary]:
        """(Re)load the watch list and the recent event log from the store."""
        self._reset()
        summaries = self.store.load_summaries()
        self._summaries.update((summary.task_id, summary) for summary in summaries)
        self._unloaded = 0
        return summaries

    def load_first(self, newest: int) -> list[TaskSummary]:
        """Start a load in two steps: every unfinished task and the ``newest``
        finished ones now (enough for a first screen and for polling), the
        rest through :meth:`load_rest`. Returns what was loaded.

        Until the rest is in, :attr:`unloaded` says how many stored tasks
        are not in memory yet; those are all finished, so no poll needs them.
        """
        self._reset()
        total = self.store.count_tasks()
        summaries = self.store.load_first(newest)
        if len(summaries) >= total:  # a short history, all in: as load() has it, in order
            return self.load()
        self._summaries.update((summary.task_id, summary) for summary in summaries)
        self._unloaded = max(total - len(self._summaries), 0)
        return summaries

    def load_rest(self, page_rows: int = 2000) -> Iterator[list[TaskSummary]]:
        """The tasks :meth:`load_first` left out, a page at a time, each page
        in memory before it is yielded (a short read: run it between turns of
        the event loop). When it ends, :meth:`summaries` is in the order added
        again. Tasks already in memory (loaded first, or added since) keep
        their in-memory row; one removed meanwhile stays removed."""
        summaries = self._summaries
        order: list[str] = []
        for page in self.store.iter_summaries(page_rows=page_rows):
            fresh = [summary for summary in page if summary.task_id not in summaries]
            order.extend(summary.task_id for summary in page)
            for summary in fresh:
                summaries[summary.task_id] = summary
            self._unloaded = max(self._unloaded - len(fresh), 0)
            if fresh:
                yield fresh
        self._unloaded = 0
        self._restore_order(order)

    @property
    def unloaded(self) -> int:
        """Stored tasks not in memory yet (0 once loading is complete)."""
        return self._unloaded

    def _reset(self) -> None:
        # The same dict object all along: views of it (summaries(), the task
        # list's rows) stay valid across a reload.
        self._summaries.clear()
        self._fingerprints.clear()
        self._snapshots.clear()
        self._events.clear()
        self._events.extend(self.store.recent_transitions(self._events.maxlen or 0))

    def _restore_order(self, order: list[str]) -> None:
        """Put the dict back in the order added (``order``: the stored ids in
        that order; tasks added since come last), in place."""
        summaries = self._summaries
        ordered = {tid: summaries[tid] for tid in order if tid in summaries}
        if len(ordered) != len(summaries):
            ordered.update(summaries)  # the ones added during the load, at the end
        summaries.clear()
        summaries.update(ordered)

    def summaries(self) -> Mapping[str, TaskSummary]:
        """All watched tasks in the order added (a read-only view)."""
        return MappingProxyType(self._summaries)

    def get(self, task_id: str) -> TaskSummary | None:
        return self._summaries.get(task_id)

    def __len__(self) -> int:
        return len(self._summaries)

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._summaries

    def unfinished_ids(self, profile: str | None = None) -> list[str]:
        """Ids still worth polling, in the order added."""
        return [
            task_id
            for task_id, summary in self._summaries.items()
            if not summary.finished and (profile is None or summary.profile == profile)
        ]

    def unfinished_by_profile(self) -> dict[str, list[str]]:
        """:meth:`unfinished_ids` for every profile, in one pass."""
        grouped: dict[str, list[str]] = {}
        for task_id, summary in self._summaries.items():
            if not summary.finished:
                grouped.setdefault(summary.profile, []).append(task_id)
        return grouped

    def profiles(self) -> set[str]:
        """The profiles of the tasks in memory and, while a load is under
        way or before one, of those in the store too."""
        profiles = {summary.profile for summary in self._summaries.values()}
        if self._unloaded or not self._summaries:
            profiles |= self.store.profiles()
        return profiles

    def task(self, task_id: str) -> Task | None:
        """The latest full snapshot (from the stored JSON; None if never fetched)."""
        return self._snapshots.get(task_id, watched=task_id in self._summaries)

    def transitions(self, task_id: str) -> list[Transition]:
        """One task's timeline, oldest first."""
        return self.store.load_transitions(task_id)

    def events(self, limit: int = 500) -> list[Transition]:
        """Recent transitions of all tasks, newest last."""
        if limit <= 0:
            return []
        events = list(self._events)
        return events[-limit:]

    # -- changing the watch list ----------------------------------------------

    def add(self, ids: Iterable[str], profile: str = DEFAULT_PROFILE) -> list[TaskSummary]:
        """Start watching ``ids`` (ids already watched are skipped).

        Saved before returning. Raises ValueError, adding nothing, if an id
        holds spaces or control characters.
        """
        stripped = (task_id.strip() for task_id in ids)
        wanted = [
            check_id(task_id)
            for task_id in dict.fromkeys(stripped)
            if task_id and task_id not in self._summaries
        ]
        if not wanted:
            return []
        now = self._clock()
        placeholders = [new_summary(task_id, profile, now) for task_id in wanted]
        inserted = set(self.store.add_tasks(placeholders))
        added: list[TaskSummary] = []
        for summary in placeholders:
            if summary.task_id not in inserted:
                # Another process watches it already: take its row as it is.
                stored = self.store.load_summary(summary.task_id)
                if stored is None:
                    continue
                summary = stored
            self._summaries[summary.task_id] = summary
            added.append(summary)
        return added

    def remove(self, task_id: str) -> None:
        self.remove_many([task_id])

    def remove_many(self, task_ids: Iterable[str]) -> None:
        """Stop watching; the snapshots and timelines go too (download records stay)."""
        removed: list[tuple[str, str]] = []  # (task id, profile)
        for task_id in dict.fromkeys(task_ids):
            summary = self._summaries.get(task_id)
            if summary is None and self._unloaded:
                # A load is under way and this task is not in memory yet: the
                # store forgets it all the same, so the load does not bring it back.
                summary = self.store.load_summary(task_id)
            if summary is not None:
                removed.append((task_id, summary.profile))
        if not removed:
            return
        ids = [task_id for task_id, _ in removed]
        self.store.remove_tasks(ids)
        self.store.remember_removed(removed, self._clock())
        if self._removed is not None:
            self._removed.update(ids)
        for task_id in ids:
            self._summaries.pop(task_id, None)
            self._fingerprints.pop(task_id, None)
            self._snapshots.forget(task_id)

    def removed_ids(self) -> set[str]:
        """Ids the person stopped watching, ever (account discovery skips them)."""
        if self._removed is None:
            self._removed = self.store.removed_ids()
        return self._removed

    def retry(self, task_ids: Iterable[str]) -> list[TaskSummary]:
        """Poll NOT_FOUND tasks again, once: one more miss gives them up again
        (found, they go on as any task)."""
        changed: list[TaskSummary] = []
        once = max(self.not_found_after - 1, 0)
        for task_id in dict.fromkeys(task_ids):
            old = self._summaries.get(task_id)
            if old is not None and old.status_label == NOT_FOUND and old.finished:
                changed.append(dataclasses.replace(old, finished=False, misses=once))
        if changed:
            self.store.save([(summary, None) for summary in changed])
            for summary in changed:
                self._summaries[summary.task_id] = summary
        return changed

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str | os.PathLike[str],
        size: int | None = None,
        sha256: str | None = None,
    ) -> TaskSummary | None:
        """Remember a finished download; returns the summary with the new count."""
        self.store.record_download(task_id, clip_id, asset, path, size, sha256, self._clock())
        old = self._summaries.get(task_id)
        if old is None:
            return None
        summary = dataclasses.replace(old, downloaded=self.store.download_count(task_id))
        self._summaries[task_id] = summary
        return summary

    def downloads_for(self, task_id: str) -> list[DownloadRecord]:
        """What the store recorded of ``task_id``'s files."""
        return self.store.downloads_for(task_id)

    # -- merging snapshots ----------------------------------------------------

    def apply(self, result: FetchResult, *, profile: str = DEFAULT_PROFILE) -> Update:
        """Merge a fetch of ``profile``'s gateway; saved before returning.

        Tasks watched under another profile are left alone (ids are per
        gateway), and so are ids of failed batches.
        """
        plan = MergePlan(self._clock())
        for _ in self._planning(plan, result, profile):
            pass
        self._persist(plan)
        return self._commit(plan)

    async def apply_async(self, result: FetchResult, *, profile: str = DEFAULT_PROFILE) -> Update:
        """:meth:`apply` that keeps the event loop responsive: the merge yields
        every few hundred tasks, and a big write (compression and SQLite) runs
        in a worker thread."""
        async with self._apply_lock:
            plan = MergePlan(self._clock())
            for _ in self._planning(plan, result, profile):
                await asyncio.sleep(0)
            if not plan.rows and not plan.update.transitions:
                return plan.update
            # A checkpoint holds the store's lock: not a moment to wait for it on the loop.
            if len(plan.rows) <= INLINE_WRITE_ROWS and self._checkpoints.running is None:
                await asyncio.sleep(0)  # the write starts a fresh stretch of loop time
                self._persist(plan)
                await asyncio.sleep(0)  # and the front end's update the next one
                self._checkpoints.after_write(len(plan.rows))
                return self._commit(plan)
            write = asyncio.ensure_future(asyncio.to_thread(self._persist, plan))
            try:
                await asyncio.shield(write)
            except asyncio.CancelledError:
                # The write goes on in its thread; keep memory in step with it.
                write.add_done_callback(
                    lambda done: (
                        self._commit(plan)
                        if not done.cancelled() and done.exception() is None
                        else None
                    )
                )
                raise
            self._checkpoints.after_write(len(plan.rows))
            return self._commit(plan)

    def _planning(self, plan: MergePlan, result: FetchResult, profile: str) -> Iterator[None]:
        return plan_merge(
            plan,
            result,
            profile,
            summaries=self._summaries,
            fingerprints=self._fingerprints,
            not_found_after=self.not_found_after,
        )

    def _persist(self, plan: MergePlan) -> None:
        """Save everything in one transaction (any thread)."""
        texts = plan.raw_texts
        rows = [
            (new, None if task is None else pack_raw(texts[new.task_id]))
            for new, task, _ in plan.rows
        ]
        self.store.save(rows, plan.update.transitions)
        # The parents the clips' metadata name: a nicety, never a failed save.
        with contextlib.suppress(StoreError):
            learn_from_rows(self.lineage, (task for _, task, _ in plan.rows))

    def _commit(self, plan: MergePlan) -> Update:
        """Make saved changes visible; rows removed or replaced meanwhile are skipped."""
        summaries = self._summaries
        for new, task, old in plan.rows:
            if summaries.get(new.task_id) is not old:
                continue
            summaries[new.task_id] = new
            if new.task_id in plan.fingerprints:
                self._fingerprints[new.task_id] = plan.fingerprints[new.task_id]
            if task is not None and new.task_id in self._snapshots:
                self._snapshots.remember(task)
        self._events.extend(plan.update.transitions)
        return plan.update
