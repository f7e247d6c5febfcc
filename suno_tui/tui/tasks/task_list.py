"""The task list: one line per watched task, built on Textual's line API.

Stock ``DataTable`` builds every row up front and repaints the whole table for
one changed cell; with 10,000 tasks that is seconds of work and kilobytes per
frame. This widget keeps the summaries in a dict, the visible order (sorted,
filtered) in a list, renders only the lines on screen, caches each row's
:class:`~textual.strip.Strip`, and on an update refreshes just the lines whose
row changed.

Line 0 is the column header; task ``i`` of the visible order is virtual line
``i + 1``.

Which rows the list holds, their sort values, order and the filter are kept
by :class:`~suno_tui.tui.tasks.order.RowIndex`; the widget draws the rows and
keeps the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import ClassVar, TypeAlias

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.keys.bindings import Scope, bindings
from suno_tui.tui.tasks import list_messages as messages
from suno_tui.tui.tasks import list_style as look
from suno_tui.tui.tasks.cursor import cursor_after, moved_lines, scroll_target
from suno_tui.tui.tasks.list_messages import ListView
from suno_tui.tui.tasks.order import RowIndex, SortKey, sort_value
from suno_tui.tui.tasks.row_render import (
    Column,
    LiveProgress,
    StuckTest,
    as_reported,
    never_stuck,
)
from suno_tui.tui.tasks.row_strips import RowStrips
from suno_tui.tui.virtual_lines import set_virtual_lines

__all__ = ["SortKey", "TaskList", "sort_value"]

Clock = Callable[[], datetime]


_SORT_COLUMN = {SortKey.AGE: Column.AGE, SortKey.STATUS: Column.STATUS, SortKey.TITLE: Column.TITLE}


class TaskList(ScrollView, can_focus=True):
    """Every watched task, one line each."""

    BINDINGS: ClassVar = bindings(Scope.LIST)

    COMPONENT_CLASSES: ClassVar[set[str]] = look.COMPONENT_CLASSES

    DEFAULT_CSS = look.DEFAULT_CSS

    # The list's messages (handlers: on_task_list_highlighted and so on).
    Highlighted: TypeAlias = messages.Highlighted
    Opened: TypeAlias = messages.Opened
    FilterRequested: TypeAlias = messages.FilterRequested
    FilterCleared: TypeAlias = messages.FilterCleared

    #: sort, filter, rows shown and in all; set when one changes. Watchers run
    #: at once, so the bars are drawn in the rows' frame (a message: one later).
    view: var[ListView | None] = var(None, always_update=True)

    def __init__(
        self,
        *,
        clock: Clock,
        stuck: StuckTest = never_stuck,
        live_progress: LiveProgress = as_reported,
        sort: SortKey = SortKey.AGE,
        tz: tzinfo | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._strips = RowStrips(clock=clock, stuck=stuck, live_progress=live_progress, tz=tz)
        self._index = RowIndex(sort)
        #: the ids shown, top to bottom (``_index.all`` when no filter)
        self._order: list[str] = []
        #: the ids in ``_order`` as a set, built when a filtered upsert needs it
        self._shown: set[str] | None = None
        self._cursor = 0
        self._cursor_id: str | None = None

    # ------------------------------------------------------------------ state

    @property
    def rows_rendered(self) -> int:
        """How many row strips were rendered (not served from the cache): for tests."""
        return self._strips.rendered

    @property
    def sort(self) -> SortKey:
        return self._index.sort

    @property
    def filter_text(self) -> str:
        return self._index.filter

    @property
    def total(self) -> int:
        return self._index.total

    @property
    def loading_rows(self) -> bool:
        """Stored tasks are still being read in (see :meth:`add_loaded`)."""
        return self._index.unloaded > 0

    @property
    def filter_ready(self) -> bool:
        """Every row has its filter haystack (see :meth:`prepare_filter`)."""
        return self._index.hays_complete

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
        return self._index.rows.get(task_id) if task_id in self._index.keys else None

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._index.keys

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
        self._index.set_rows(summaries, unloaded)
        self._strips.clear()
        self._rebuild(refresh_all=True)

    def add_loaded(self, summaries: Iterable[TaskSummary], unloaded: int) -> None:
        """Rows read in after the first frame (already in a shared mapping);
        ``unloaded``: how many are still to come. The order is rebuilt once,
        when the last ones are in, not for every page."""
        if self._index.add_loaded(summaries, unloaded):
            self._rebuild()
        else:
            self._post_view(force=True)

    def upsert(self, summaries: Iterable[TaskSummary]) -> None:
        """Add or replace rows; refresh only the lines that changed.

        The order is rebuilt only when a row's sort value or its match with
        the filter changed, or a row is new.
        """
        changed, reordered = self._index.upsert(summaries, self._shown_ids)
        if not changed:
            return
        for task_id in changed:
            self._strips.forget(task_id)
        if reordered:
            self._rebuild(changed=changed)
            return
        first, last = self._visible_span()
        for index in range(first, last):
            if self._order[index] in changed:
                self._refresh_index(index)

    def discard(self, task_id: str) -> None:
        if not self._index.discard(task_id):
            return
        self._strips.forget(task_id)
        self._rebuild()

    def set_sort(self, sort: SortKey) -> None:
        if sort is self._index.sort:
            return
        self._index.set_sort(sort)
        self._strips.sort_changed()
        self._rebuild(refresh_all=True)

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text == self._index.filter:
            return
        narrower = self._index.set_filter(text)
        self._rebuild(refresh_all=True, within=self._order if narrower else None)

    def tick(self) -> int:
        """Repaint the visible rows whose clock-driven texts changed; return how many."""
        first, last = self._visible_span()
        stale = self._strips.stale(self._order, first, last, self._index.rows, self._clock())
        for index, x in stale:
            self._refresh_index(index, x)
        return len(stale)

    def select(self, task_id: str) -> bool:
        """Put the cursor on ``task_id`` if it is shown."""
        if task_id not in self._index.keys:
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
        return self._index.prepare_filter(budget)

    # ---------------------------------------------------------------- helpers

    def _shown_ids(self) -> set[str]:
        if self._shown is None:
            self._shown = set(self._order)
        return self._shown

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
        index_ = self._index
        base = index_.all if within is None else within
        ids = index_.filtered(base) if index_.terms else index_.all
        self._order = ids
        self._shown = None
        set_virtual_lines(self, len(ids) + 1)

        old_cursor_id = self._cursor_id
        known = old_cursor_id if old_cursor_id in index_.keys else None
        index = cursor_after(ids, self._cursor, known, len(changed or ()))
        self._cursor = index
        self._cursor_id = ids[index] if ids else None
        scrolled = self._scroll_to_cursor()
        if refresh_all or scrolled or not before or not ids:
            self.refresh()  # (an empty list shows a hint on a line of its own)
        else:
            first, last = self._visible_span()
            after = self._order[first:last]
            for offset in moved_lines(before, after, changed or set(), old_cursor_id):
                self._refresh_index(first + offset)
        if self._cursor_id != old_cursor_id:
            self.post_message(self.Highlighted(self._cursor_id))
        self._post_view(force=changed is None)

    def _post_view(self, *, force: bool) -> None:
        """Set ``view``, unless rows only changed and it is as told (no redraw)."""
        view = ListView(self._index.sort, self._index.filter, len(self._order), self._index.total)
        if force or view != self.view:
            self.view = view

    def _rows_high(self) -> int:
        """How many task rows fit under the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    def _visible_span(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        return top, min(top + self._rows_high(), len(self._order))

    def _scroll_to_cursor(self) -> bool:
        """Scroll the least needed to show the cursor; True if it scrolled."""
        top = int(self.scroll_offset.y)
        target = scroll_target(top, self._rows_high(), self._cursor, len(self._order))
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
        self._strips.style_changed()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"task-list--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        strips = self._strips
        strips.fit(self.scrollable_content_region.width)
        base = self.rich_style
        if y == 0:
            return strips.header(_SORT_COLUMN[self._index.sort], base, self._style)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._order):
            if index == 1 and not self._order:  # an empty list says why on line 2
                text = look.empty_text(bool(self._index.keys), self._index.filter)
                return strips.line(text, base, self._style)
            return Strip.blank(strips.width, base)
        strip = strips.row(self._index.rows.get(self._order[index]), base, self._style)
        if index == self._cursor:
            cursor = self._style("cursor" if self.has_focus else "cursor-blurred")
            strip = Strip(Segment.apply_style(list(strip), post_style=cursor), strips.width)
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._refresh_index(self._cursor)

    on_blur = on_focus  # the cursor row's look changes either way

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
        self.set_sort(self._index.sort.next())

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_clear_filter(self) -> None:
        if self._index.filter:
            self.set_filter("")
            self.post_message(self.FilterCleared())
