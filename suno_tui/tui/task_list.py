"""The task list: one line per watched task, built on Textual's line API.

Stock ``DataTable`` builds every row up front and repaints the whole table for
one changed cell; with 10,000 tasks that is seconds of work and kilobytes per
frame. This widget keeps the summaries in a dict, the visible order (sorted,
filtered) in a list, renders only the lines on screen, caches each row's
:class:`~textual.strip.Strip`, and on an update refreshes just the lines whose
row changed.

Line 0 is the column header; task ``i`` of the visible order is virtual line
``i + 1``.

Rows are held once: given the tracker's read-only mapping (``set_rows`` with a
Mapping), the list keeps a reference to it, not a copy, and holds per task only
its sort value and place. The ids in the list are the keys of ``_keys``; a row
the mapping has but the list was not told about yet is not shown.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from suno_tui.relay.models import TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NOT_FOUND, Progress, TaskSummary
from suno_tui.tui.bindings import Scope, bindings
from suno_tui.tui.row_render import (
    Column,
    Layout,
    Palette,
    TimeTexts,
    Tone,
    header_row,
    layout_for,
    progress_x,
    render_row,
    state_x,
    time_texts,
)

Clock = Callable[[], datetime]
StuckTest = Callable[[TaskSummary, datetime], bool]
#: the summary's progress re-estimated for a later moment (a growing estimate)
LiveProgress = Callable[[TaskSummary, datetime], Progress]


class SortKey(StrEnum):
    AGE = "age"
    STATUS = "status"
    TITLE = "title"

    def next(self) -> SortKey:
        members = list(SortKey)
        return members[(members.index(self) + 1) % len(members)]


_SORT_COLUMN = {SortKey.AGE: Column.AGE, SortKey.STATUS: Column.STATUS, SortKey.TITLE: Column.TITLE}

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


def primary_keys(
    pairs: Iterable[tuple[str, TaskSummary]], key: SortKey, started: Mapping[str, float]
) -> dict[str, SortValue | float]:
    """id -> the sort value without its id tie-break, for many rows at once
    (``started``: :func:`started_values` of them).

    The list orders by (this value, id). Written out per key, without a call
    per row: with 100,000 rows that is 3-4x faster than :func:`sort_value`
    in a loop.
    """
    if key is SortKey.AGE:
        return {tid: started[tid] for tid, _ in pairs}
    if key is SortKey.STATUS:
        ranks, not_found = _STATUS_RANK, NOT_FOUND
        return {
            tid: (5 if s.status_label == not_found else ranks[s.status], started[tid])
            for tid, s in pairs
        }
    return {tid: (s.title.casefold() or "\uffff", started[tid]) for tid, s in pairs}


def haystack(summary: TaskSummary) -> str:
    """What ``/`` searches: id, title, tags, status and kind, lower-cased."""
    return clean_line(
        " ".join(
            (summary.task_id, summary.title, summary.tags, summary.status_label, summary.kind.value)
        )
    ).casefold()


def _never_stuck(summary: TaskSummary, now: datetime) -> bool:
    return False


def _as_reported(summary: TaskSummary, now: datetime) -> Progress:
    return summary.progress


class TaskList(ScrollView, can_focus=True):
    """Every watched task, one line each."""

    BINDINGS: ClassVar = bindings(Scope.LIST)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "task-list--header",
        "task-list--header-sorted",
        "task-list--cursor",
        "task-list--cursor-blurred",
        "task-list--muted",
        "task-list--title",
        "task-list--bar-exact",
        "task-list--bar-estimate",
        "task-list--bar-empty",
        "task-list--stuck",
        *(f"task-list--{tone.value}" for tone in Tone),
    }

    DEFAULT_CSS = """
    TaskList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .task-list--header { color: $text-muted; text-style: bold; }
        & > .task-list--header-sorted { color: $text; text-style: bold; }
        & > .task-list--cursor { background: $primary 45%; }
        & > .task-list--cursor-blurred { background: $primary 20%; }
        & > .task-list--muted { color: $text-muted; }
        & > .task-list--title { color: $text; }
        & > .task-list--bar-exact { color: $primary; }
        & > .task-list--bar-estimate { color: $primary 55%; }
        & > .task-list--bar-empty { color: $text-disabled; }
        & > .task-list--stuck { color: $warning; text-style: bold; }
        & > .task-list--waiting { color: $text-muted; }
        & > .task-list--running { color: $accent; }
        & > .task-list--success { color: $success; }
        & > .task-list--failure { color: $error; }
        & > .task-list--unknown { color: $warning; }
    }
    """

    class Highlighted(Message):
        """The cursor is on another task (None: the list is empty)."""

        def __init__(self, task_id: str | None) -> None:
            self.task_id = task_id
            super().__init__()

    class Opened(Message):
        """Enter (or a double click) on a task."""

        def __init__(self, task_id: str) -> None:
            self.task_id = task_id
            super().__init__()

    class ViewChanged(Message):
        """The sort key, the filter or the number of rows changed."""

        def __init__(self, sort: SortKey, filter_text: str, shown: int, total: int) -> None:
            self.sort = sort
            self.filter_text = filter_text
            self.shown = shown
            self.total = total
            super().__init__()

    class FilterRequested(Message):
        """``/`` was pressed: the screen shows the filter input."""

    class FilterCleared(Message):
        """Esc cleared the filter."""

    def __init__(
        self,
        *,
        clock: Clock,
        stuck: StuckTest = _never_stuck,
        live_progress: LiveProgress = _as_reported,
        sort: SortKey = SortKey.AGE,
        tz: tzinfo | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._stuck = stuck
        self._live_progress = live_progress
        self._tz = tz
        self._sort = sort
        self._filter = ""
        self._terms: list[str] = []
        self._rows: Mapping[str, TaskSummary] = {}
        self._own_rows: dict[str, TaskSummary] | None = {}  # None: _rows is shared
        #: stored tasks still being loaded (counted in ``total``, not shown yet)
        self._unloaded = 0
        #: id -> primary sort value (see primary_keys); the ids in the list
        self._keys: dict[str, SortValue | float] = {}
        #: every id in the list in sort order (``_order`` is it when no filter)
        self._all: list[str] = []
        #: id -> started_values(): the one costly part of every sort value, kept
        self._started: dict[str, float] = {}
        #: every row in the list has a filter haystack (see prepare_filter)
        self._hays_complete = False
        self._haystacks: dict[str, str] = {}
        self._order: list[str] = []
        #: the ids in ``_order`` as a set, built when a filtered upsert needs it
        self._shown: set[str] | None = None
        self._cursor = 0
        self._cursor_id: str | None = None
        self._cache: dict[str, tuple[TimeTexts, Strip]] = {}
        self._cache_width = -1
        self._palette: Palette | None = None
        self._header: Strip | None = None
        #: how many row strips were rendered (not served from the cache): for tests
        self.rows_rendered = 0

    # ------------------------------------------------------------------ state

    @property
    def sort(self) -> SortKey:
        return self._sort

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def total(self) -> int:
        return len(self._keys) + self._unloaded

    @property
    def loading_rows(self) -> bool:
        """Stored tasks are still being read in (see :meth:`add_loaded`)."""
        return self._unloaded > 0

    @property
    def filter_ready(self) -> bool:
        """Every row has its filter haystack (see :meth:`prepare_filter`)."""
        return self._hays_complete

    @property
    def shown(self) -> int:
        return len(self._order)

    @property
    def order(self) -> list[str]:
        """The visible task ids, top to bottom (a copy)."""
        return list(self._order)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def cursor_task_id(self) -> str | None:
        return self._cursor_id

    def summary(self, task_id: str) -> TaskSummary | None:
        return self._rows.get(task_id) if task_id in self._keys else None

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._keys

    # ---------------------------------------------------------------- updates

    def set_rows(
        self,
        summaries: Mapping[str, TaskSummary] | Iterable[TaskSummary],
        *,
        unloaded: int = 0,
    ) -> None:
        """Replace every row (the first load from the store).

        A Mapping (id -> summary, such as ``Tracker.summaries()``) is shared,
        not copied: the list reads rows from it and its owner keeps it up to
        date, telling the list what changed through :meth:`upsert` and
        :meth:`discard`. ``unloaded``: tasks still to come through
        :meth:`add_loaded`, counted in :attr:`total` meanwhile.
        """
        if isinstance(summaries, Mapping):
            self._rows = summaries
            self._own_rows = None
        else:
            own = {summary.task_id: summary for summary in summaries}
            self._rows = self._own_rows = own
        self._unloaded = max(unloaded, 0)
        pairs = list(self._rows.items())
        self._started = started_values(pairs)
        self._keys = primary_keys(pairs, self._sort, self._started)
        self._haystacks = {}  # built when a filter needs them, or by prepare_filter
        self._hays_complete = False
        self._cache.clear()
        self._sort_all()
        self._rebuild(refresh_all=True)

    def add_loaded(self, summaries: Iterable[TaskSummary], unloaded: int) -> None:
        """Rows read in after the first frame (already in a shared mapping);
        ``unloaded``: how many are still to come. The order is rebuilt once,
        when the last ones are in, not for every page."""
        page = [(summary.task_id, summary) for summary in summaries]
        if self._own_rows is not None:
            self._own_rows.update(page)
        self._started.update(started_values(page))
        self._keys.update(primary_keys(page, self._sort, self._started))
        self._hays_complete = False
        self._unloaded = max(unloaded, 0)
        if not self._unloaded:
            self._sort_all()
            self._rebuild()
        else:
            self.post_message(
                self.ViewChanged(self._sort, self._filter, len(self._order), self.total)
            )

    def upsert(self, summaries: Iterable[TaskSummary]) -> None:
        """Add or replace rows; refresh only the lines that changed.

        The order is rebuilt only when a row's sort value or its match with
        the filter changed, or a row is new.
        """
        refilter = False
        moved: list[str] = []
        changed: set[str] = set()
        own = self._own_rows
        keys = self._keys
        fresh: dict[str, TaskSummary] = {}
        for summary in summaries:
            task_id = summary.task_id
            if own is not None:
                if own.get(task_id) == summary:
                    continue
                own[task_id] = summary
            fresh[task_id] = summary
        if not fresh:
            return
        pairs = list(fresh.items())
        self._started.update(started_values(pairs))
        new_keys = primary_keys(pairs, self._sort, self._started)
        shown = self._shown_ids() if self._terms else None
        hays, complete = self._haystacks, self._hays_complete
        for task_id, key in new_keys.items():
            self._cache.pop(task_id, None)
            old_hay = hays.pop(task_id, None)
            if complete:
                hays[task_id] = haystack(fresh[task_id])
            old_key = keys.get(task_id)
            if old_key is None or old_key != key:
                moved.append(task_id)
            elif shown is not None:
                was_shown = task_id in shown if old_hay is None else self._matches(old_hay)
                if was_shown != self._matches(self._hay(task_id)):
                    refilter = True
            keys[task_id] = key
            changed.add(task_id)
        if moved:
            self._place(moved)
        if moved or refilter:
            self._rebuild(changed=changed)
            return
        first, last = self._visible_span()
        for index in range(first, last):
            if self._order[index] in changed:
                self._refresh_index(index)

    def discard(self, task_id: str) -> None:
        if self._own_rows is not None:
            self._own_rows.pop(task_id, None)
        if self._keys.pop(task_id, None) is None:
            return
        self._haystacks.pop(task_id, None)
        self._started.pop(task_id, None)
        self._cache.pop(task_id, None)
        self._all = [tid for tid in self._all if tid != task_id]  # a new list: _order may be it
        self._rebuild()

    def set_sort(self, sort: SortKey) -> None:
        if sort is self._sort:
            return
        self._sort = sort
        rows = self._rows
        if len(rows) != len(self._keys) or len(self._started) != len(rows):
            # (rows the owner has and the list was not told about yet: rare)
            self._started = started_values(rows.items())
        # One pass over the mapping's items (no list of pairs: at 100,000
        # rows its tuples cost as much as the keys).
        self._keys = primary_keys(rows.items(), sort, self._started)
        self._header = None
        self._sort_all()
        self._rebuild(refresh_all=True)

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text == self._filter:
            return
        old_terms = self._terms
        self._filter = text
        self._terms = text.casefold().split()
        # Typing on narrows: every old term inside a new one means the rows
        # shown now are a superset of the answer, already in order.
        narrower = bool(old_terms) and all(
            any(old in new for new in self._terms) for old in old_terms
        )
        self._rebuild(refresh_all=True, within=self._order if narrower else None)

    def tick(self) -> int:
        """Repaint the visible rows whose clock-driven texts changed; return how many."""
        if not self._order or self._cache_width < 0:
            return 0
        now = self._clock()
        first, last = self._visible_span()
        repainted = 0
        for index in range(first, last):
            task_id = self._order[index]
            cached = self._cache.get(task_id)
            if cached is None:
                continue
            summary = self._rows.get(task_id)
            if summary is None:
                continue
            times = self._times(summary, now)
            if times != cached[0]:
                del self._cache[task_id]
                # Only the cells that can have changed go to the terminal.
                layout = self._layout(self._cache_width)
                x = progress_x(layout) if times.progress != cached[0].progress else state_x(layout)
                self._refresh_index(index, x)
                repainted += 1
        return repainted

    def select(self, task_id: str) -> bool:
        """Put the cursor on ``task_id`` if it is shown."""
        if task_id not in self._keys:
            return False
        try:
            index = self._order.index(task_id)
        except ValueError:  # filtered out
            return False
        self._move_cursor(index)
        return True

    def prepare_filter(self, budget: int = 2000) -> bool:
        """Build up to ``budget`` missing filter haystacks (run while idle, so
        that the first ``/`` keystroke over a long history only matches);
        True when every row has one."""
        hays = self._haystacks
        rows = self._rows
        done = 0
        for task_id in self._keys:
            if task_id in hays:
                continue
            summary = rows.get(task_id)
            if summary is not None:
                hays[task_id] = haystack(summary)
            done += 1
            if done >= budget:
                return False
        self._hays_complete = True
        return True

    # ---------------------------------------------------------------- helpers

    def _matches(self, hay: str) -> bool:
        return all(term in hay for term in self._terms)

    def _hay(self, task_id: str) -> str:
        hay = self._haystacks.get(task_id)
        if hay is None:
            summary = self._rows.get(task_id)
            if summary is None:  # gone from a shared mapping
                return ""
            hay = self._haystacks[task_id] = haystack(summary)
        return hay

    def _sort_all(self) -> None:
        """Every id in order: by id, then (stable) by primary sort value."""
        keys = self._keys
        ids = sorted(keys)
        ids.sort(key=keys.__getitem__)
        self._all = ids

    def _place(self, moved: list[str]) -> None:
        """Put rows whose sort value changed (or new rows) at their place in
        ``_all``: a few are inserted by bisection, many mean a full sort."""
        if len(moved) * 8 > len(self._all):
            self._sort_all()
            return
        keys = self._keys
        gone = set(moved)
        ids = [tid for tid in self._all if tid not in gone]

        def position(task_id: str) -> tuple[SortValue | float, str]:
            return keys[task_id], task_id

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
        self._all = merged

    def _shown_ids(self) -> set[str]:
        if self._shown is None:
            self._shown = set(self._order)
        return self._shown

    def _filtered(self, base: list[str]) -> list[str]:
        """The ids of ``base`` (in order) that match every term."""
        hays = self._haystacks
        hay = self._hay
        if self._hays_complete:
            if len(self._terms) == 1:
                term = self._terms[0]
                return [tid for tid in base if term in hays[tid]]
            terms = self._terms
            return [tid for tid in base if all(t in hays[tid] for t in terms)]
        if len(self._terms) == 1:
            term = self._terms[0]
            return [tid for tid in base if term in (hays.get(tid) or hay(tid))]
        terms = self._terms
        return [tid for tid in base if all(t in (hays.get(tid) or hay(tid)) for t in terms)]

    def _rebuild(
        self,
        *,
        refresh_all: bool = False,
        changed: set[str] | None = None,
        within: list[str] | None = None,
    ) -> None:
        """Filter ``_all`` (or ``within``, a narrower search) again, keep the
        cursor on its task, refresh what moved."""
        first, last = self._visible_span()
        before = self._order[first:last]
        ids = self._filtered(self._all if within is None else within) if self._terms else self._all
        self._order = ids
        self._shown = None
        self.virtual_size = Size(0, len(ids) + 1)

        old_cursor_id = self._cursor_id
        index: int | None = None
        if old_cursor_id is not None and old_cursor_id in self._keys:
            # Most often the cursor has not moved: look there first.
            if self._cursor < len(ids) and ids[self._cursor] == old_cursor_id:
                index = self._cursor
            else:
                try:
                    index = ids.index(old_cursor_id)
                except ValueError:
                    index = None
        if index is None:
            index = min(self._cursor, max(len(ids) - 1, 0))
        self._cursor = index
        self._cursor_id = ids[index] if ids else None
        scrolled = self._scroll_to_cursor()
        if refresh_all or scrolled or not before or not ids:
            self.refresh()  # (an empty list shows a hint on a line of its own)
        else:
            first, last = self._visible_span()
            after = self._order[first:last]
            changed = changed or set()
            for offset, task_id in enumerate(after):
                was = before[offset] if offset < len(before) else None
                if was != task_id or task_id in changed or task_id == old_cursor_id:
                    self._refresh_index(first + offset)
            for offset in range(len(after), len(before)):
                self._refresh_index(first + offset)
        if self._cursor_id != old_cursor_id:
            self.post_message(self.Highlighted(self._cursor_id))
        self.post_message(self.ViewChanged(self._sort, self._filter, len(ids), self.total))

    def _rows_high(self) -> int:
        """How many task rows fit under the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    def _visible_span(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        return top, min(top + self._rows_high(), len(self._order))

    def _scroll_to_cursor(self) -> bool:
        """Scroll the least needed to show the cursor; True if it scrolled."""
        top = int(self.scroll_offset.y)
        rows = self._rows_high()
        target = top
        if self._cursor < top:
            target = self._cursor
        elif self._cursor >= top + rows:
            target = self._cursor - rows + 1
        target = max(min(target, len(self._order) + 1 - rows - 1), 0)
        if target == top:
            return False
        self.scroll_to(y=target, animate=False)
        return True

    def _refresh_index(self, index: int, x: int = 0) -> None:
        top = int(self.scroll_offset.y)
        if top <= index < top + self._rows_high():
            self.refresh(Region(x, index - top + 1, self.size.width - x, 1))

    def _move_cursor(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(index, len(self._order) - 1))
        old = self._cursor
        self._cursor = index
        self._cursor_id = self._order[index]
        if not self._scroll_to_cursor():
            self._refresh_index(old)
            self._refresh_index(index)
        if old != index:
            self.post_message(self.Highlighted(self._cursor_id))

    # -------------------------------------------------------------- rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None
        self._header = None
        self._cache.clear()

    def _get_palette(self) -> Palette:
        if self._palette is None:

            def style(name: str) -> Style:
                return self.get_component_rich_style(f"task-list--{name}", partial=True)

            self._palette = Palette(
                tones={tone: style(tone.value) for tone in Tone},
                muted=style("muted"),
                title=style("title"),
                bar_exact=style("bar-exact"),
                bar_estimate=style("bar-estimate"),
                bar_empty=style("bar-empty"),
                stuck=style("stuck"),
                header=style("header"),
                header_sorted=style("header-sorted"),
            )
        return self._palette

    def _layout(self, width: int) -> Layout:
        return layout_for(width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if width != self._cache_width:
            self._cache.clear()
            self._header = None
            self._cache_width = width
        if y == 0:
            if self._header is None:
                segments = header_row(
                    self._layout(width), self._get_palette(), _SORT_COLUMN[self._sort]
                )
                self._header = self._finish(segments, width, base)
            return self._header
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._order):
            if index == 1 and not self._order:
                return self._empty_hint(width, base)
            return Strip.blank(width, base)
        task_id = self._order[index]
        strip = self._row_strip(task_id, width, base)
        if index == self._cursor:
            name = "task-list--cursor" if self.has_focus else "task-list--cursor-blurred"
            cursor = self.get_component_rich_style(name, partial=True)
            strip = Strip(Segment.apply_style(list(strip), post_style=cursor), width)
        return strip

    def _row_strip(self, task_id: str, width: int, base: Style) -> Strip:
        summary = self._rows.get(task_id)
        if summary is None:  # gone from a shared mapping, discard() not called yet
            return Strip.blank(width, base)
        times = self._times(summary, self._clock())
        cached = self._cache.get(task_id)
        if cached is not None and cached[0] == times:
            return cached[1]
        self.rows_rendered += 1
        segments = render_row(summary, self._layout(width), self._get_palette(), times)
        strip = self._finish(segments, width, base)
        self._cache[task_id] = (times, strip)
        return strip

    def _empty_hint(self, width: int, base: Style) -> Strip:
        """What an empty list says (line 2, under a blank line)."""
        if self._keys:
            text = f"  No task matches {self._filter!r}. Esc clears the filter."
        else:
            text = "  No tasks watched yet. Press a to add task ids, or start suno-tui ID ID..."
        muted = self._get_palette().muted
        return self._finish([Segment(text, muted)], width, base)

    def _times(self, summary: TaskSummary, now: datetime) -> TimeTexts:
        return time_texts(
            summary,
            now,
            stuck=self._stuck(summary, now),
            progress=self._live_progress(summary, now),
            tz=self._tz,
        )

    @staticmethod
    def _finish(segments: list[Segment], width: int, base: Style) -> Strip:
        strip = Strip(segments)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, None)
        # One segment per run of equal style: fewer escape codes per row on the wire.
        return strip.apply_style(base).simplify()

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._refresh_index(self._cursor)

    def on_blur(self) -> None:
        self._refresh_index(self._cursor)

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if index < len(self._order):
            self._move_cursor(index)
            if event.chain >= 2 and self._cursor_id is not None:
                self.post_message(self.Opened(self._cursor_id))

    # ---------------------------------------------------------------- actions

    def action_cursor(self, delta: int) -> None:
        self._move_cursor(self._cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_cursor(self._cursor + direction * max(self._rows_high() - 1, 1))

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._order) - 1)

    def action_open(self) -> None:
        if self._cursor_id is not None:
            self.post_message(self.Opened(self._cursor_id))

    def action_cycle_sort(self) -> None:
        self.set_sort(self._sort.next())

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_clear_filter(self) -> None:
        if self._filter:
            self.set_filter("")
            self.post_message(self.FilterCleared())
