"""What shows around the list and when: the layout for the terminal's size
(the side detail view when wide, the downloads pane's height, the event log
at start), the event log shown and hidden (``e``), and the ``/`` filter line.

The filter line is hidden until ``/``: it is mounted right after the first
frame (:meth:`Panes.filter_line`), or at once by a ``/`` pressed before that,
so that styling it (Textual's ``Input``) is not on the way to the first frame.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widget import Widget

from suno_tui.tui.detail.details import Details
from suno_tui.tui.downloads.pane import DownloadPane
from suno_tui.tui.news.event_log import EventLog
from suno_tui.tui.tasks.filter_input import FilterInput
from suno_tui.tui.tasks.task_list import TaskList

FILTER_HINT = "filter: id, title, tags or status"


class Panes:
    def __init__(
        self,
        app: App[int],
        task_list: Callable[[], TaskList],
        event_log: Callable[[], EventLog],
        download_pane: Callable[[], DownloadPane],
        details: Details,
        *,
        place_toasts: Callable[[], None],
        wide_at: int,
        show_events: bool | None,
        status_bar: Callable[[], Widget],
        cursor_blink: bool = True,
    ) -> None:
        self._app = app
        self._task_list = task_list
        self._event_log = event_log
        self._download_pane = download_pane
        self._details = details
        self._place_toasts = place_toasts
        self._wide_at = wide_at
        self._show_events = show_events
        self._status_bar = status_bar
        self._cursor_blink = cursor_blink
        self._filter: FilterInput | None = None

    @property
    def wide(self) -> bool:
        return self._app.has_class("-wide")

    def starting_layout(self, width: int, height: int) -> None:
        """The layout classes for the terminal's size at start, set while the app
        composes, before its widgets are styled: set once they are (at mount),
        each class restyled every widget on the screen again, on the way to the
        first frame."""
        self._app.set_class(width >= self._wide_at, "-wide", update=False)
        self._app.set_class(self._events_at_start(height), "-show-events", update=False)

    def _events_at_start(self, height: int) -> bool:
        return self._show_events if self._show_events is not None else height >= 36

    def apply_size(self, width: int, height: int, *, first: bool = False) -> None:
        pane = self._download_pane()
        rows = max(2, min(10, (height - 8) // 3))
        if rows != pane.max_rows:
            pane.max_rows = rows
            pane.refresh(layout=True)
            self._place_toasts()
        wide = width >= self._wide_at
        if wide != self.wide or (first and wide):
            self._app.set_class(wide, "-wide")  # nothing to do if starting_layout set it
            if wide:
                self._details.sync_side()
        if first:
            self._app.set_class(self._events_at_start(height), "-show-events")

    # -- the event log ------------------------------------------------------------

    def toggle_events(self) -> None:
        """``e``: show the event log and go there (Esc there, or ``e``, hides it)."""
        app = self._app
        if app.has_class("-show-events"):
            app.remove_class("-show-events")
            if app.focused is None or app.focused is self._event_log():
                self._task_list().focus()
        else:
            app.add_class("-show-events")
            self._event_log().focus()
        self._place_toasts()

    def hide_events(self) -> None:
        self._app.remove_class("-show-events")
        self._place_toasts()
        self._task_list().focus()

    # -- the filter line ----------------------------------------------------------

    def filter_line(self) -> FilterInput:
        """The ``/`` line, mounted (above the status bar) the first time it is asked for."""
        if self._filter is not None:
            return self._filter
        task_list = self._task_list()
        line = FilterInput(task_list.filter_text, placeholder=FILTER_HINT, id="filter")
        line.cursor_blink = self._cursor_blink
        status_bar = self._status_bar()
        screen = status_bar.screen  # the monitor's, even while a dialog is on top
        if screen.is_attached:  # not when the app is closing
            # a watcher runs at once (a message would come a frame later)
            self._app.watch(line, "value", task_list.set_filter, init=False)
            screen.mount(line, before=status_bar)
            self._filter = line
        return line

    def open_filter(self) -> None:
        filter_input = self.filter_line()
        filter_input.value = self._task_list().filter_text
        filter_input.add_class("-shown")
        filter_input.focus()
        self._place_toasts()  # above the line, not over what is typed

    def hide_filter(self) -> None:
        if self._filter is not None:
            self._filter.remove_class("-shown")
        self._place_toasts()

    def filter_submitted(self, value: str) -> None:
        if not value.strip():
            self.hide_filter()
        self._task_list().focus()

    def filter_cleared(self) -> None:
        self._task_list().set_filter("")
        self.hide_filter()
        self._task_list().focus()
