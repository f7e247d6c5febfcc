"""``i``: figures over the whole watch list (see :mod:`suno_tui.tracking.stats`).

The figures are computed once when the view opens (``r`` reads them again),
in a thread: the SQL runs on its own read-only connection, never on the UI
thread and never in the way of a poll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from suno_tui.safe_text import clean_line
from suno_tui.tracking.stats import Stats
from suno_tui.tracking.stats_report import report_sections
from suno_tui.tui.keys.bindings import bindings_by_id

StatsSource = Callable[[], Stats]
LOADING = "Reading the state file..."


def stats_content(stats: Stats) -> Content:
    """The report with styled headings; every line is plain text, never markup."""
    parts: list[Content | str | tuple[str, str]] = []
    for index, (heading, lines) in enumerate(report_sections(stats)):
        if index:
            parts.append("\n\n")
        parts.append((heading, "bold $text-accent"))
        for line in lines:
            style = "$success" if line.startswith("|") else ""
            parts += ["\n  ", (line, style) if style else line]
    parts += ["\n\n", ("r reads the state file again", "$text-muted")]
    return Content.assemble(*parts)


class StatsScreen(ModalScreen[None]):
    """The stats report in a box; ``source`` computes it (in a thread)."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "close-stats", "stats-refresh")

    DEFAULT_CSS = """
    StatsScreen {
        align: center middle;
        & > #stats-frame {
            width: auto;
            min-width: 40;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            background: $surface;
        }
        & #stats-scroll {
            height: auto;
            max-height: 100%;
            width: auto;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        & #stats-body { width: auto; }
    }
    """

    def __init__(self, source: StatsSource) -> None:
        super().__init__()
        self._source = source
        self.stats: Stats | None = None
        self.error = ""
        self.shown = Content(LOADING)

    def compose(self) -> ComposeResult:
        with Vertical(id="stats-frame") as frame:
            frame.border_title = "Stats  ·  Esc closes"
            with VerticalScroll(id="stats-scroll"):
                yield Static(self.shown, id="stats-body")

    def on_mount(self) -> None:
        self.query_one("#stats-scroll").focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_worker(
            self._source, thread=True, exclusive=True, group="stats", exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats":
            return
        event.stop()
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Stats):
            self.stats = event.worker.result
            self.error = ""
            self._show(stats_content(self.stats))
        elif event.state is WorkerState.ERROR:
            self.error = clean_line(str(event.worker.error)) or type(event.worker.error).__name__
            self._show(Content.assemble(("Cannot compute the stats: ", "bold"), self.error))

    def _show(self, content: Content) -> None:
        self.shown = content
        self.query_one("#stats-body", Static).update(content)

    @property
    def text(self) -> str:
        return self.shown.plain

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_stats(app: App[Any], source: StatsSource | None) -> None:
    """``i``: the stats view over the state file (once; a second ``i`` closes it)."""
    if source is None:
        app.notify("No state file to compute stats from.", severity="warning")
    elif not isinstance(app.screen, StatsScreen):
        app.push_screen(StatsScreen(source))
