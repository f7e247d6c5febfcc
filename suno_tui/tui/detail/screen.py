"""The detail view on a screen of its own (narrow terminals)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from suno_tui.tui.bars.status_bar import StatusBar
from suno_tui.tui.detail.cover_view import CoverSource
from suno_tui.tui.detail.view import DetailView


class DetailScreen(Screen[None]):
    """Holds one DetailView; the app fills it (``fill``) and keeps it current.
    Its status bar shows what the main one (``status``) shows."""

    def __init__(
        self,
        fill: Callable[[DetailView], None],
        status: StatusBar,
        covers: CoverSource | None = None,
    ) -> None:
        super().__init__()
        self._fill = fill
        self._status = status
        self._covers = covers

    def compose(self) -> ComposeResult:
        yield DetailView(covers=self._covers, id="detail-full")
        yield StatusBar(id="detail-status")
        yield Footer(show_command_palette=False)

    @property
    def detail(self) -> DetailView:
        return self.query_one(DetailView)

    def on_mount(self) -> None:
        self._fill(self.detail)
        self.detail.focus()
        self.query_one(StatusBar).follow(self._status)

    def on_detail_view_back(self, event: DetailView.Back) -> None:
        event.stop()
        self.dismiss(None)
