"""What one ``fetch`` of task ids learned: the tasks, the ids the gateway
answered without, the batches that failed.

Its own module, without httpx: the tracker and the poller take a
:class:`FetchResult` apart, and the monitor loads them before its first frame;
the client (:mod:`suno_tui.relay.client`) that makes one loads later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suno_tui.relay.errors import RelayError
from suno_tui.relay.models import Task

__all__ = ["BatchFailure", "FetchResult"]


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """A batch of ids the gateway did not answer for, and its error."""

    ids: tuple[str, ...]
    error: RelayError


@dataclass(slots=True)
class FetchResult:
    """What one ``fetch`` learned, keyed by the ids that were asked for."""

    requested: list[str]
    tasks: dict[str, Task] = field(default_factory=dict)
    #: ids the gateway answered without (unknown, or another user's)
    missing: list[str] = field(default_factory=list)
    #: batches that failed (only when fetched with ``raise_errors=False``)
    failures: list[BatchFailure] = field(default_factory=list)
    #: rows that could not be read or were not asked for: never dropped silently
    problems: list[str] = field(default_factory=list)

    @property
    def failed_ids(self) -> set[str]:
        return {task_id for failure in self.failures for task_id in failure.ids}
