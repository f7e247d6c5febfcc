"""The detail view of one task: status, timeline, every clip, lyrics, raw JSON.

One scrollable, wrapping document (see :mod:`suno_tui.tui.detail.document`). It is
rebuilt only when the shown task changes, so an idle detail view writes
nothing to the terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import Static

from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tui.detail.cover_view import CoverSource, CoverView
from suno_tui.tui.detail.document import CopyTarget, build_document, copy_targets, raw_document
from suno_tui.tui.detail.links import links_wanted
from suno_tui.tui.keys.bindings import Scope, bindings

if TYPE_CHECKING:
    from suno_tui.downloads.timed_lyrics import TimedLine
    from suno_tui.tui.detail.lineage_lines import Family


class DetailView(VerticalScroll, can_focus=True):
    """Scrollable detail of the task given to :meth:`show`."""

    BINDINGS: ClassVar = bindings(Scope.DETAIL)

    DEFAULT_CSS = """
    DetailView {
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        & > #detail-body { width: 1fr; }
        & > #detail-mode { color: $text-muted; dock: top; height: 1; }
    }
    """

    class Back(Message):
        """Esc in the detail view: the screen decides what "back" means."""

        def __init__(self, view: DetailView) -> None:
            self.view = view
            super().__init__()

        @property
        def control(self) -> DetailView:
            return self.view

    def __init__(
        self,
        *,
        covers: CoverSource | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._covers = covers
        self.task_id: str | None = None
        self.raw = False
        self._summary: TaskSummary | None = None
        self._snapshot: Task | None = None
        self._transitions: Sequence[Transition] = ()
        self._shown: Content | None = None
        self._now = datetime.fromtimestamp(0).astimezone()
        self._tz: tzinfo | None = None
        self._width = 0
        self._profile_note = ""
        # clickable URLs (OSC 8), unless NO_COLOR or a dumb terminal asks for plain text
        self._links = links_wanted(os.environ)
        self._timed: Mapping[str, Sequence[TimedLine]] | None = None
        self._family: Family | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Content(""), id="detail-mode")
        yield CoverView(self._covers, id="detail-cover")
        yield Static(Content(""), id="detail-body")

    @property
    def document(self) -> Content:
        """What the body shows now (for tests and copying)."""
        return self._shown if self._shown is not None else Content("")

    @property
    def targets(self) -> list[CopyTarget]:
        if self.task_id is None:
            return []
        return copy_targets(self.task_id, self._snapshot)

    def show(
        self,
        task_id: str | None,
        summary: TaskSummary | None,
        task: Task | None,
        transitions: Sequence[Transition],
        now: datetime,
        tz: tzinfo | None,
        *,
        profile_note: str = "",
        timed: Mapping[str, Sequence[TimedLine]] | None = None,
        family: Family | None = None,
    ) -> None:
        """Show a task (None: nothing selected). Keeps the scroll position if same task.

        ``profile_note``: why the task's profile has no client (shown beside it).
        """
        same = task_id == self.task_id
        self._profile_note = profile_note
        self._timed = timed
        self._family = family  # its parent and children (tui/detail/lineage_lines.py)
        self.task_id = task_id
        self._summary = summary
        self._snapshot = task
        self._transitions = list(transitions)
        self._now = now
        self._tz = tz
        self._render_body()
        self._show_cover()
        if not same:
            self.scroll_home(animate=False)

    def _show_cover(self) -> None:
        self.query_one(CoverView).show_task(self._snapshot, visible=not self.raw)

    def tick(self, now: datetime) -> None:
        """Re-render for a later moment (repaints only if a shown duration changed)."""
        if self.task_id is not None and not self.raw:
            self._now = now
            self._render_body()

    def on_resize(self, event: Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            if self.task_id is not None:
                self._render_body()
        self.query_one(CoverView).relayout()

    def toggle_raw(self) -> None:
        self.raw = not self.raw
        self._render_body()
        self._show_cover()
        self.scroll_home(animate=False)

    def _render_body(self) -> None:
        if self.task_id is None:
            document = Content.styled("No task selected.", "$text-muted")
            mode = Content("")
        elif self.raw:
            document = raw_document(self._snapshot)
            mode = Content.styled("raw JSON as the gateway sent it  ·  J: back", "italic")
        else:
            document = build_document(
                self.task_id,
                self._summary,
                self._snapshot,
                self._transitions,
                self._now,
                self._tz,
                profile_note=self._profile_note,
                links=self._links,
                timed=self._timed,
                family=self._family,
                # one cell spare: a scrollbar may appear once the text is in
                width=max(self.scrollable_content_region.width - 1, 0),
            )
            mode = Content("")
        if self._shown is not None and document.is_same(self._shown):
            return
        self._shown = document
        self.query_one("#detail-mode", Static).update(mode)
        self.query_one("#detail-mode", Static).display = bool(mode)
        self.query_one("#detail-body", Static).update(document)

    def action_toggle_raw(self) -> None:
        self.toggle_raw()

    def action_back(self) -> None:
        self.post_message(self.Back(self))
