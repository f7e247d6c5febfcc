"""The downloads pane: a header with the folder, then one line per file
(name, a progress bar, size, speed or state), running files first.

Built on the line API: it paints only lines whose text changed, at most
four times a second however fast the progress events come, and nothing
while no download runs. When focused, a cursor picks a line: ``y`` copies its
folder, ``Y`` its full path (OSC 52: over SSH the files are on the remote
host), ``c`` cancels its task's downloads.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from suno_tui.downloads.events import FileState
from suno_tui.safe_text import clean_line
from suno_tui.tui.downloads.board import (
    SYMBOL,
    BoardLine,
    DownloadBoard,
    size_text,
    state_text,
)
from suno_tui.tui.keys.bindings import Scope, bindings
from suno_tui.tui.tasks.row_render import bar_cells, fit, fit_right

#: seconds between two repaints while progress events stream in
REPAINT_EVERY = 0.25
_BAR = 10
_PCT = 4
_SIZE = 17
_STATE = 9

_TONE = {
    FileState.QUEUED: "muted",
    FileState.RUNNING: "running",
    FileState.DONE: "done",
    FileState.SKIPPED: "muted",
    FileState.FAILED: "failed",
    FileState.CANCELLED: "failed",
}


def fit_path(text: str, width: int) -> str:
    """A path cut at the left (``…/folder/file.mp3``): its end matters most."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    tail = text
    while tail and cell_len(tail) > width - 1:
        tail = tail[1:]
    return "…" + tail


def fit_name(text: str, width: int) -> str:
    """A file name padded or cut to ``width`` cells, cut in the middle so the
    end (``[clip-id].mp3``) stays: titles of one task's files are alike."""
    if cell_len(text) <= width:
        return fit(text, width)
    tail_cells = min(18, width // 2)
    tail = text
    while tail and cell_len(tail) > tail_cells:
        tail = tail[1:]
    head = fit(text, width - cell_len(tail))  # ends in "…" (it was too long)
    return fit(head + tail, width)


class DownloadPane(Widget, can_focus=True):
    """Shows a :class:`DownloadBoard`; the app tells it when the board changed."""

    BINDINGS: ClassVar = bindings(Scope.DOWNLOADS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "download-pane--header",
        "download-pane--muted",
        "download-pane--running",
        "download-pane--done",
        "download-pane--failed",
        "download-pane--bar",
        "download-pane--bar-empty",
        "download-pane--cursor",
    }

    DEFAULT_CSS = """
    DownloadPane {
        height: auto;
        background: $surface;
        border-top: hkey $panel-lighten-2;
        &:focus { border-top: hkey $primary; }
        & > .download-pane--header { color: $text; text-style: bold; }
        & > .download-pane--muted { color: $text-muted; }
        & > .download-pane--running { color: $accent; }
        & > .download-pane--done { color: $success; }
        & > .download-pane--failed { color: $error; }
        & > .download-pane--bar { color: $primary; }
        & > .download-pane--bar-empty { color: $text-disabled; }
        & > .download-pane--cursor { background: $primary 45%; }
    }
    """

    class Copy(Message):
        """Copy ``value`` (a folder or a file's path) to the clipboard."""

        def __init__(self, label: str, value: str) -> None:
            self.label = label
            self.value = value
            super().__init__()

    class Cancel(Message):
        def __init__(self, task_id: str) -> None:
            self.task_id = task_id
            super().__init__()

    class Back(Message):
        """Esc: focus goes back to the list."""

    def __init__(
        self,
        board: DownloadBoard,
        directory: Path,
        *,
        max_rows: int = 6,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.board = board
        self.directory = directory
        self.max_rows = max_rows
        self._lines: list[BoardLine] = []
        self._version = -1
        self._cursor = 0
        self._top = 0
        self._strips: dict[int, Strip] = {}
        self._repaint_due = False

    # ------------------------------------------------------------------ state

    @property
    def shown_lines(self) -> list[BoardLine]:
        return list(self._lines)

    @property
    def selected(self) -> BoardLine | None:
        if 0 <= self._cursor < len(self._lines):
            return self._lines[self._cursor]
        return None

    def text(self) -> str:
        """Every line of the board as plain text (for tests), header first."""
        self._sync()
        width = max(self.size.width, 80)
        rows = [self._header_segments(width)]
        rows += [self._line_segments(line, width) for line in self._lines]
        return "\n".join("".join(s.text for s in row).rstrip() for row in rows)

    def board_changed(self) -> None:
        """The board moved on: repaint soon (coalesced)."""
        if self._repaint_due:
            return
        self._repaint_due = True
        self.set_timer(REPAINT_EVERY, self._repaint, name="downloads-repaint")

    def _repaint(self) -> None:
        self._repaint_due = False
        if not self.display:
            return
        rows_before = len(self._lines)
        self._sync()
        if min(len(self._lines), self.max_rows) != min(rows_before, self.max_rows):
            self.refresh(layout=True)
        else:
            self._refresh_changed()

    def _sync(self) -> None:
        if self._version == self.board.version:
            return
        self._version = self.board.version
        selected = self.selected
        self._lines = self.board.lines()
        if selected is not None:
            keys = [line.key for line in self._lines]
            if selected.key in keys:
                self._cursor = keys.index(selected.key)
        self._cursor = max(0, min(self._cursor, len(self._lines) - 1))
        self._keep_cursor_visible()

    # ---------------------------------------------------------------- layout

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._sync()
        return 1 + max(1, min(len(self._lines), self.max_rows))

    def _rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _keep_cursor_visible(self) -> None:
        rows = min(self.max_rows, max(self.size.height - 1, 1))
        if self._cursor < self._top:
            self._top = self._cursor
        elif self._cursor >= self._top + rows:
            self._top = self._cursor - rows + 1
        self._top = max(0, min(self._top, max(len(self._lines) - rows, 0)))

    # ------------------------------------------------------------- rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"download-pane--{name}", partial=True)

    def _refresh_changed(self) -> None:
        width = self.size.width
        for y in range(self.size.height):
            strip = self._strip(y, width)
            if self._strips.get(y) != strip:
                self.refresh(Region(0, y, width, 1))

    def render_line(self, y: int) -> Strip:
        self._sync()
        strip = self._strip(y, self.size.width)
        self._strips[y] = strip
        return strip

    def _strip(self, y: int, width: int) -> Strip:
        base = self.rich_style
        if y == 0:
            segments = self._header_segments(width)
        else:
            index = self._top + y - 1
            if index >= len(self._lines):
                if index == 0:
                    hint = (
                        "  No downloads yet: d downloads the selected task, D every finished one."
                    )
                    return self._finish([Segment(hint, self._style("muted"))], width, base)
                return Strip.blank(width, base)
            segments = self._line_segments(self._lines[index], width)
            if index == self._cursor and self.has_focus:
                cursor = self._style("cursor")
                segments = list(Segment.apply_style(segments, post_style=cursor))
        return self._finish(segments, width, base)

    @staticmethod
    def _finish(segments: list[Segment], width: int, base: Style) -> Strip:
        strip = Strip(segments)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, None)
        return strip.apply_style(base).simplify()

    def _header_segments(self, width: int) -> list[Segment]:
        header, muted = self._style("header"), self._style("muted")
        counts = self.board.counts()
        parts: list[str] = []
        active = counts.get(FileState.RUNNING, 0) + counts.get(FileState.QUEUED, 0)
        if active:
            parts.append(f"{active} active")
        for state, word in ((FileState.DONE, "done"), (FileState.FAILED, "failed")):
            if counts.get(state):
                parts.append(f"{counts[state]} {word}")
        hidden = len(self._lines) - (self._top + self._rows())
        if hidden > 0 and self._lines:
            parts.append(f"{hidden} more ↓")
        summary = ("  " + " · ".join(parts)) if parts else ""
        keys = "  y copy folder · w hide" if self.has_focus else "  w: focus/hide"
        where = clean_line(str(self.directory))
        room = width - cell_len(" Downloads → ") - cell_len(summary) - cell_len(keys)
        if room < 12:
            keys = ""
            room = width - cell_len(" Downloads → ") - cell_len(summary)
        return [
            Segment(" Downloads", header),
            Segment(" → ", muted),
            Segment(fit_path(where, max(room, 8)), header),
            Segment(summary, muted),
            Segment(keys, muted),
        ]

    def _line_segments(self, line: BoardLine, width: int) -> list[Segment]:
        muted = self._style("muted")
        tone = self._style(_TONE[line.state])
        space = Segment(" ", muted)
        segments = [space, Segment(SYMBOL[line.state], tone), space]
        show_state = width >= 64
        fixed = 3 + (_BAR + 1) + (_PCT + 1) + (_SIZE + 1) + ((_STATE + 1) if show_state else 0)
        name_width = max(width - fixed, 12)
        text_style = self._style("done") if line.state is FileState.DONE else Style()
        if line.state in (FileState.SKIPPED, FileState.FAILED, FileState.CANCELLED) or (
            line.is_task_line and line.state is not FileState.RUNNING
        ):
            label_width = min(cell_len(line.label), max(name_width, 12))
            message = line.message or line.state.value
            rest = max(width - 3 - label_width - 1, 0)
            message_style = tone if line.state is FileState.FAILED else muted
            segments += [
                Segment(fit(line.label, label_width), Style() if line.path else muted),
                space,
                Segment(fit(message, rest), message_style),
            ]
            return segments
        segments += [Segment(fit_name(line.label, name_width), text_style), space]
        fraction = line.fraction
        if fraction is None:
            segments += [Segment("─" * _BAR, self._style("bar-empty")), space]
            segments += [Segment(" " * _PCT, muted), space]
        else:
            filled, empty = bar_cells(fraction, _BAR)
            bar_style = tone if line.state is FileState.DONE else self._style("bar")
            segments += [Segment(filled, bar_style), Segment(empty, self._style("bar-empty"))]
            segments += [space, Segment(fit_right(f"{round(fraction * 100)}%", _PCT), muted)]
            segments.append(space)
        segments += [Segment(fit_right(size_text(line), _SIZE), muted), space]
        if show_state:
            segments += [Segment(fit_right(state_text(line), _STATE), tone), space]
        return segments

    # ---------------------------------------------------------------- events

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._keep_cursor_visible()
        self._strips.clear()

    # ---------------------------------------------------------------- actions

    def _move(self, index: int) -> None:
        self._sync()
        if not self._lines:
            return
        self._cursor = max(0, min(index, len(self._lines) - 1))
        self._keep_cursor_visible()
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self._move(self._cursor + delta)

    def action_copy_folder(self) -> None:
        line = self.selected
        folder = line.path.parent if line is not None and line.path else self.directory
        self.post_message(self.Copy("download folder", clean_line(str(folder))))

    def action_copy_path(self) -> None:
        line = self.selected
        if line is None or line.path is None:
            self.post_message(self.Copy("download folder", clean_line(str(self.directory))))
            return
        self.post_message(self.Copy("file path", clean_line(str(line.path))))

    def action_cancel_task(self) -> None:
        line = self.selected
        if line is not None and not line.state.final:
            self.post_message(self.Cancel(line.task_id))

    def action_back(self) -> None:
        self.post_message(self.Back())
