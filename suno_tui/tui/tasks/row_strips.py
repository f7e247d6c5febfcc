"""The task list's drawn lines: one cached :class:`~textual.strip.Strip` per
row, kept while the clock-driven texts it shows (ages, progress) stay the same,
and the header. Everything is dropped when the width or the styles change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks import list_style as look
from suno_tui.tui.tasks.row_render import (
    Column,
    LiveProgress,
    Palette,
    StuckTest,
    TimeTexts,
    header_row,
    layout_for,
    progress_x,
    render_row,
    state_x,
    time_texts,
)

#: a component style by its short name ("cursor", "muted", ...)
StyleLookup = Callable[[str], Style]


class RowStrips:
    """Renders rows and the header for one width, and caches them."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        stuck: StuckTest,
        live_progress: LiveProgress,
        tz: tzinfo | None,
    ) -> None:
        self._clock = clock
        self._stuck = stuck
        self._live_progress = live_progress
        self._tz = tz
        self._cache: dict[str, tuple[TimeTexts, Strip]] = {}
        #: the width the cache was drawn for (-1: nothing drawn yet)
        self.width = -1
        self._palette: Palette | None = None
        self._header: Strip | None = None
        #: how many row strips were rendered (not served from the cache): for tests
        self.rendered = 0

    def forget(self, task_id: str) -> None:
        """The row changed: draw it again when it is next shown."""
        self._cache.pop(task_id, None)

    def clear(self) -> None:
        self._cache.clear()

    def sort_changed(self) -> None:
        self._header = None

    def style_changed(self) -> None:
        self._palette = None
        self._header = None
        self._cache.clear()

    def fit(self, width: int) -> None:
        """Draw for this width from now on (the cache is dropped if it changed)."""
        if width != self.width:
            self._cache.clear()
            self._header = None
            self.width = width

    def palette(self, style: StyleLookup) -> Palette:
        if self._palette is None:
            self._palette = look.palette(style)
        return self._palette

    def header(self, sort_column: Column, base: Style, style: StyleLookup) -> Strip:
        if self._header is None:
            segments = header_row(layout_for(self.width), self.palette(style), sort_column)
            self._header = look.finish(segments, self.width, base)
        return self._header

    def row(self, summary: TaskSummary | None, base: Style, style: StyleLookup) -> Strip:
        if summary is None:  # gone from a shared mapping, discard() not called yet
            return Strip.blank(self.width, base)
        times = self.times(summary, self._clock())
        cached = self._cache.get(summary.task_id)
        if cached is not None and cached[0] == times:
            return cached[1]
        self.rendered += 1
        segments = render_row(summary, layout_for(self.width), self.palette(style), times)
        strip = look.finish(segments, self.width, base)
        self._cache[summary.task_id] = (times, strip)
        return strip

    def line(self, text: str, base: Style, style: StyleLookup) -> Strip:
        """A muted line of text (what an empty list says)."""
        return look.finish([Segment(text, self.palette(style).muted)], self.width, base)

    def stale(
        self,
        order: list[str],
        first: int,
        last: int,
        rows: Mapping[str, TaskSummary],
        now: datetime,
    ) -> list[tuple[int, int]]:
        """The rows of ``order[first:last]`` whose clock-driven texts changed,
        as (index, x to repaint from); they are dropped from the cache."""
        if self.width < 0:
            return []
        found: list[tuple[int, int]] = []
        for index in range(first, last):
            summary = rows.get(order[index])
            x = None if summary is None else self._stale_x(summary, now)
            if x is not None:
                found.append((index, x))
        return found

    def _stale_x(self, summary: TaskSummary, now: datetime) -> int | None:
        """Where a cached row's clock-driven texts changed (the x to repaint
        from; the row is dropped from the cache), or None if they did not
        (or the row is not cached)."""
        cached = self._cache.get(summary.task_id)
        if cached is None:
            return None
        times = self.times(summary, now)
        if times == cached[0]:
            return None
        del self._cache[summary.task_id]
        # Only the cells that can have changed go to the terminal.
        layout = layout_for(self.width)
        return progress_x(layout) if times.progress != cached[0].progress else state_x(layout)

    def times(self, summary: TaskSummary, now: datetime) -> TimeTexts:
        return time_texts(
            summary,
            now,
            stuck=self._stuck(summary, now),
            progress=self._live_progress(summary, now),
            tz=self._tz,
        )
