"""Fill the task list from the tracker in two steps: the first screen now,
the rest of a long history after the first frame.

With 100,000 tasks in the store, reading every summary takes longer than the
whole first frame of an empty app; the list's first screen needs only the
unfinished tasks and the newest finished ones. The rest is read a page at a
time between turns of the event loop, and the list's order is rebuilt once,
when the last page is in.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from textual.app import App

from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks.task_list import TaskList

#: finished tasks read before the first frame (a screen is ~40 lines; a page
#: down or two more costs nothing)
FIRST_ROWS = 200


class TwoStepTracker(Protocol):
    """What the load reads (the engine's reading side)."""

    def summaries(self) -> Mapping[str, TaskSummary]: ...
    def load_first(self, newest: int) -> list[TaskSummary]: ...
    def load_rest(self, page_rows: int = ...) -> Iterator[list[TaskSummary]]: ...
    @property
    def unloaded(self) -> int: ...


def fill_first(tracker: TwoStepTracker, task_list: TaskList) -> TwoStepTracker | None:
    """Put the first rows in the list; returns the tracker to finish the
    load with (:func:`fill_rest`), or None when everything is in already."""
    first = tracker.load_first(FIRST_ROWS)
    if not tracker.unloaded:  # a short history: all in already, the list keeps its own index
        task_list.set_rows(first)
        return None
    # A long one: the list shares the tracker's rows (held once) while the
    # rest is read in.
    task_list.set_rows(tracker.summaries(), unloaded=tracker.unloaded)
    return tracker


async def fill_rest(tracker: TwoStepTracker, task_list: TaskList) -> None:
    """Read the remaining rows into the list, yielding to the loop between
    pages; then build the filter's haystacks the same way, so that a first
    ``/`` keystroke over a long history has only to match."""
    for page in tracker.load_rest():
        task_list.add_loaded(page, tracker.unloaded)
        await asyncio.sleep(0)
    task_list.add_loaded((), 0)
    while not task_list.prepare_filter():
        await asyncio.sleep(0)
    # The history is long-lived: out of the collector's sight, a full
    # collection (which bulk work such as a sort change sets off) no longer
    # walks 100,000 rows and their strings. Rows dropped later are freed by
    # their reference counts as usual.
    gc.freeze()


def start_loading(app: App[Any], tracker: TwoStepTracker, task_list: TaskList) -> None:
    """The first rows now; the rest in a worker of ``app`` after the first frame."""
    rest = fill_first(tracker, task_list)
    if rest is not None:
        app.run_worker(fill_rest(rest, task_list), group="load", exit_on_error=False)
