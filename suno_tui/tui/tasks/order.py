"""The task list's order: sort values, the sorted ids, and the filter.

Everything about which rows the list holds and in what order, apart from the
widget (:mod:`suno_tui.tui.tasks.task_list`), which draws them and keeps the cursor.

Rows are held once: given the tracker's read-only mapping (``set_rows`` with a
Mapping), the index keeps a reference to it, not a copy, and holds per task only
its sort value and place. The ids in the list are the keys of ``keys``; a row
the mapping has but the list was not told about yet is not shown.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from itertools import filterfalse
from typing import Any

from suno_tui.relay.models import TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NOT_FOUND, TaskSummary

__all__ = [
    "RowIndex",
    "SortKey",
    "SortValue",
    "first_values",
    "haystack",
    "primary_keys",
    "sort_value",
    "started_values",
]


class SortKey(StrEnum):
    AGE = "age"
    STATUS = "status"
    TITLE = "title"

    def next(self) -> SortKey:
        members = list(SortKey)
        return members[(members.index(self) + 1) % len(members)]


# Status sort: what needs attention first (running, waiting), then the finished.
_STATUS_RANK = {
    TaskStatus.IN_PROGRESS: 0,
    TaskStatus.QUEUED: 1,
    TaskStatus.SUBMITTED: 2,
    TaskStatus.NOT_START: 3,
    TaskStatus.UNKNOWN: 4,
    TaskStatus.FAILURE: 6,
    TaskStatus.SUCCESS: 7,
}

SortValue = tuple[object, ...]


def _started(summary: TaskSummary) -> float:
    return (summary.submitted_at or summary.added_at).timestamp()


def sort_value(summary: TaskSummary, key: SortKey) -> SortValue:
    """Ascending sort value; ties broken by the id so the order is stable."""
    if key is SortKey.AGE:
        return (-_started(summary), summary.task_id)
    if key is SortKey.STATUS:
        return (_rank(summary), -_started(summary), summary.task_id)
    return (summary.title.casefold() or "\uffff", -_started(summary), summary.task_id)


def _rank(summary: TaskSummary) -> int:
    return 5 if summary.status_label == NOT_FOUND else _STATUS_RANK[summary.status]


def started_values(pairs: Iterable[tuple[str, TaskSummary]]) -> dict[str, float]:
    """id -> minus the row's start (submitted, else added) in seconds: the
    age sort's value, and the second part of the others'."""
    return {tid: -(s.submitted_at or s.added_at).timestamp() for tid, s in pairs}


def first_values(pairs: Iterable[tuple[str, TaskSummary]], key: SortKey) -> dict[str, Any]:
    """id -> the first part of the status or title sort's value."""
    if key is SortKey.STATUS:
        ranks, not_found = _STATUS_RANK, NOT_FOUND
        return {tid: 5 if s.status_label == not_found else ranks[s.status] for tid, s in pairs}
    return {tid: s.title.casefold() or "\uffff" for tid, s in pairs}


def primary_keys(
    pairs: Iterable[tuple[str, TaskSummary]], key: SortKey, started: Mapping[str, float]
) -> dict[str, Any]:
    """id -> the first part of the sort value, for many rows at once
    (``started``: :func:`started_values` of them).

    The list orders by (this value, start, id), the start and the id being
    kept apart (no tuple per row: at 100,000 rows building them cost more
    than sorting). Written out per key, without a call per row: with 100,000
    rows that is 3-4x faster than :func:`sort_value` in a loop.
    """
    if key is SortKey.AGE:
        return {tid: started[tid] for tid, _ in pairs}
    return first_values(pairs, key)


def haystack(summary: TaskSummary) -> str:
    """What ``/`` searches: id, title, tags, status and kind, lower-cased."""
    return clean_line(
        " ".join(
            (summary.task_id, summary.title, summary.tags, summary.status_label, summary.kind.value)
        )
    ).casefold()


class RowIndex:
    """The rows of the list, their sort values and order, and the filter."""

    def __init__(self, sort: SortKey) -> None:
        self.sort = sort
        self.filter = ""
        self.terms: list[str] = []
        self.rows: Mapping[str, TaskSummary] = {}
        self._own_rows: dict[str, TaskSummary] | None = {}  # None: rows is shared
        #: stored tasks still being loaded (counted in ``total``, not shown yet)
        self.unloaded = 0
        #: id -> primary sort value (see primary_keys); the ids in the list
        self.keys: dict[str, Any] = {}
        #: every id in the list in sort order
        self.all: list[str] = []
        #: id -> started_values(): the one costly part of every sort value, kept
        self._started: dict[str, float] = {}
        #: under another sort than age, every id newest first while known
        #: (so that a sort change sorts by its first value only); None when
        #: rows came or went, or a row's start moved, since
        self._age: list[str] | None = None
        #: every row in the list has a filter haystack (see prepare_filter)
        self.hays_complete = False
        self._haystacks: dict[str, str] = {}

    @property
    def total(self) -> int:
        return len(self.keys) + self.unloaded

    # ---------------------------------------------------------------- updates

    def set_rows(
        self, summaries: Mapping[str, TaskSummary] | Iterable[TaskSummary], unloaded: int
    ) -> None:
        """Replace every row (see ``TaskList.set_rows``)."""
        if isinstance(summaries, Mapping):
            self.rows = summaries
            self._own_rows = None
        else:
            own = {summary.task_id: summary for summary in summaries}
            self.rows = self._own_rows = own
        self.unloaded = max(unloaded, 0)
        pairs = list(self.rows.items())
        self._started = started_values(pairs)
        self.keys = primary_keys(pairs, self.sort, self._started)
        self._haystacks = {}  # built when a filter needs them, or by prepare_filter
        self.hays_complete = False
        self._age = None
        self.sort_all()

    def add_loaded(self, summaries: Iterable[TaskSummary], unloaded: int) -> bool:
        """Rows read in after the first frame; True when they were the last
        (the order is then sorted again, once)."""
        page = [(summary.task_id, summary) for summary in summaries]
        if self._own_rows is not None:
            self._own_rows.update(page)
        self._started.update(started_values(page))
        self.keys.update(primary_keys(page, self.sort, self._started))
        self.hays_complete = False
        self._age = None
        self.unloaded = max(unloaded, 0)
        if self.unloaded:
            return False
        self.sort_all()
        return True

    def upsert(
        self, summaries: Iterable[TaskSummary], shown_ids: Callable[[], set[str]]
    ) -> tuple[set[str], bool]:
        """Add or replace rows: the ids that changed, and whether the order
        (or, with a filter, the rows shown: ``shown_ids``) changed."""
        refilter = False
        moved: list[str] = []
        changed: set[str] = set()
        own = self._own_rows
        keys = self.keys
        fresh: dict[str, TaskSummary] = {}
        for summary in summaries:
            task_id = summary.task_id
            if own is not None:
                if own.get(task_id) == summary:
                    continue
                own[task_id] = summary
            fresh[task_id] = summary
        if not fresh:
            return changed, False
        pairs = list(fresh.items())
        starts = started_values(pairs)
        before = self._started
        # new rows, and rows whose start moved (part of every sort value)
        restarted = {tid for tid, value in starts.items() if before.get(tid) != value}
        if restarted:
            self._age = None
        before.update(starts)
        new_keys = primary_keys(pairs, self.sort, self._started)
        shown = shown_ids() if self.terms else None
        hays, complete = self._haystacks, self.hays_complete
        for task_id, key in new_keys.items():
            old_hay = hays.pop(task_id, None)
            if complete:
                hays[task_id] = haystack(fresh[task_id])
            old_key = keys.get(task_id)
            if old_key is None or old_key != key or task_id in restarted:
                moved.append(task_id)
            elif shown is not None:
                was_shown = task_id in shown if old_hay is None else self.matches(old_hay)
                if was_shown != self.matches(self._hay(task_id)):
                    refilter = True
            keys[task_id] = key
            changed.add(task_id)
        if moved:
            self._place(moved)
        return changed, bool(moved or refilter)

    def discard(self, task_id: str) -> bool:
        """Drop a row; False if the list did not hold it."""
        if self._own_rows is not None:
            self._own_rows.pop(task_id, None)
        if self.keys.pop(task_id, None) is None:
            return False
        self._haystacks.pop(task_id, None)
        self._started.pop(task_id, None)
        self._age = None
        self.all = [tid for tid in self.all if tid != task_id]  # a new list: the view may be it
        return True

    def set_sort(self, sort: SortKey) -> None:
        rows = self.rows
        age = self.all if self.sort is SortKey.AGE else self._age
        if len(rows) != len(self.keys) or len(self._started) != len(rows):
            # (rows the owner has and the list was not told about yet: rare)
            self._started = started_values(rows.items())
            age = None
        self.sort = sort
        if sort is SortKey.AGE:
            self.keys = dict(self._started)  # the age sort's value is the start
            self._age = None
            if age is None:
                self.sort_all()
            else:
                self.all = age  # the newest-first order is kept while others are shown
            return
        # One pass over the mapping's items (no list of pairs: at 100,000
        # rows its tuples cost as much as the keys).
        firsts = self.keys = first_values(rows.items(), sort)
        self._age = age
        if age is None:
            self.sort_all()
            return
        # Every order is (first value, start, id), and ``age`` is in
        # (start, id) order: a stable sort by the first value alone gives it.
        order = list(age)
        order.sort(key=firsts.__getitem__)
        self.all = order

    def set_filter(self, text: str) -> bool:
        """Take new filter text (stripped and changed); True when it narrows
        the old one (every old term inside a new one: the rows shown now are
        a superset of the answer, already in order)."""
        old_terms = self.terms
        self.filter = text
        self.terms = text.casefold().split()
        return bool(old_terms) and all(any(old in new for new in self.terms) for old in old_terms)

    def prepare_filter(self, budget: int = 2000) -> bool:
        """Build up to ``budget`` missing filter haystacks; True when every
        row has one."""
        hays = self._haystacks
        rows = self.rows
        done = 0
        for task_id in self.keys:
            if task_id in hays:
                continue
            summary = rows.get(task_id)
            if summary is not None:
                hays[task_id] = haystack(summary)
            done += 1
            if done >= budget:
                return False
        self.hays_complete = True
        return True

    # ---------------------------------------------------------------- helpers

    def matches(self, hay: str) -> bool:
        return all(term in hay for term in self.terms)

    def _hay(self, task_id: str) -> str:
        hay = self._haystacks.get(task_id)
        if hay is None:
            summary = self.rows.get(task_id)
            if summary is None:  # gone from a shared mapping
                return ""
            hay = self._haystacks[task_id] = haystack(summary)
        return hay

    def sort_all(self) -> None:
        """Every id in order: by id, then (stable) by start, then by the
        first sort value (for the age sort, the start)."""
        keys = self.keys
        ids = sorted(keys)
        if self.sort is not SortKey.AGE:
            ids.sort(key=self._started.__getitem__)
        ids.sort(key=keys.__getitem__)
        self.all = ids

    def _place(self, moved: list[str]) -> None:
        """Put rows whose sort value changed (or new rows) at their place in
        ``_all``: a few are inserted by bisection, many mean a full sort."""
        if len(moved) * 8 > len(self.all):
            self.sort_all()
            return
        keys = self.keys
        gone = set(moved)
        ids = list(filterfalse(gone.__contains__, self.all))

        started = self._started

        def position(task_id: str) -> tuple[Any, float, str]:
            return keys[task_id], started[task_id], task_id

        # Merge: find each moved row's place by bisection (a few key look-ups
        # each), then copy the runs between them once.
        merged: list[str] = []
        start = 0
        for task_id in sorted(gone, key=position):
            index = bisect_left(ids, position(task_id), lo=start, key=position)
            merged += ids[start:index]
            merged.append(task_id)
            start = index
        merged += ids[start:]
        self.all = merged

    def filtered(self, base: list[str]) -> list[str]:
        """The ids of ``base`` (in order) that match every term."""
        hays = self._haystacks
        hay = self._hay
        if self.hays_complete:
            if len(self.terms) == 1:
                term = self.terms[0]
                return [tid for tid in base if term in hays[tid]]
            terms = self.terms
            return [tid for tid in base if all(t in hays[tid] for t in terms)]
        if len(self.terms) == 1:
            term = self.terms[0]
            return [tid for tid in base if term in (hays.get(tid) or hay(tid))]
        terms = self.terms
        return [tid for tid in base if all(t in (hays.get(tid) or hay(tid)) for t in terms)]
