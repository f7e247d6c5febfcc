"""A yes/no question (``x``: stop watching a task)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from suno_tui.tui.keys.bindings import bindings_by_id


class ConfirmScreen(ModalScreen[bool]):
    """Returns True for yes. ``question`` is Content, so server text stays text."""

    BINDINGS: ClassVar = bindings_by_id("confirm-yes", "confirm-no", "dialog-cancel")

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        & > #confirm-frame {
            width: 64;
            max-width: 100%;
            height: auto;
            border: round $warning;
            background: $surface;
            padding: 0 1;
        }
        & #confirm-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        & Button { margin-left: 1; min-width: 10; }
    }
    """

    def __init__(self, title: str, question: Content) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-frame") as frame:
            frame.border_title = self._title
            yield Static(self._question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes  y", id="confirm-yes", variant="warning")
                yield Button("No  n", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_cancel(self) -> None:
        self.dismiss(False)
