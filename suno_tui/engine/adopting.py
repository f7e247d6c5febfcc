"""New tasks for the watch list: those found in the account's list
(:func:`adopt`), and jobs submitted to a gateway (:func:`send_job`).

Tasks found in the account's list become watched tasks (account mode).

They are added to the watch list and merged from the list's own data, as a
poll result would be: no ``/suno/fetch`` is needed to show their titles,
clips and states. An id that cannot be a task id is skipped; the others
are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from suno_tui.engine.ports import TrackerLike
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary, Transition

if TYPE_CHECKING:
    from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest

__all__ = ["adopt", "send_job"]


async def adopt(
    tracker: TrackerLike, tasks: list[Task], profile: str
) -> tuple[tuple[TaskSummary, ...], tuple[Transition, ...]]:
    """Watch the new ones of ``tasks`` under ``profile``: their rows and transitions."""
    wanted = [task.task_id for task in reversed(tasks)]  # oldest first, as submitted
    try:
        added = tracker.add(wanted, profile)
    except ValueError:  # an id that cannot be one: skip it, keep the others
        added = []
        for task_id in wanted:
            try:
                added.extend(tracker.add([task_id], profile))
            except ValueError:
                continue
    ids = [summary.task_id for summary in added]
    if not ids:
        return (), ()
    by_id = {task.task_id: task for task in tasks}
    result = FetchResult(requested=ids, tasks={task_id: by_id[task_id] for task_id in ids})
    update = await tracker.apply_async(result, profile=profile)
    rows = tuple(s for task_id in ids if (s := tracker.get(task_id)) is not None)
    return rows, tuple(update.transitions)


async def send_job(client: Any, request: MusicRequest | LyricsRequest) -> str:
    """Submit a job with ``client`` (a relay client; never retried); its task id."""
    from suno_tui.relay.submit_requests import LyricsRequest  # a job comes long after start-up

    if isinstance(request, LyricsRequest):
        return str(await client.submit_lyrics(request.prompt))
    return str(await client.submit_music(request.payload()))
