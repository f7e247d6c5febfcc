"""``u``: pick an id or URL of the task to copy to the clipboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from suno_tui.tui.detail.document import CopyTarget
from suno_tui.tui.keys.bindings import bindings_by_id

_PREVIEW = 60


def _preview(value: str) -> str:
    line = value.replace("\n", " ⏎ ")
    return line if len(line) <= _PREVIEW else line[: _PREVIEW - 1] + "…"


class CopyPickerScreen(ModalScreen[CopyTarget | None]):
    BINDINGS: ClassVar = bindings_by_id("dialog-cancel")

    DEFAULT_CSS = """
    CopyPickerScreen {
        align: center middle;
        & > #copy-frame {
            width: 90;
            max-width: 100%;
            height: auto;
            max-height: 80%;
            border: round $primary;
            background: $surface;
        }
        & OptionList { height: auto; max-height: 100%; border: none; }
    }
    """

    def __init__(self, targets: Sequence[CopyTarget]) -> None:
        super().__init__()
        self._targets = list(targets)

    def compose(self) -> ComposeResult:
        options = [
            Option(Content.assemble((f"{target.label:<18}", "$text-muted"), _preview(target.value)))
            for target in self._targets
        ]
        with Vertical(id="copy-frame") as frame:
            frame.border_title = "Copy to the clipboard  ·  Enter copies, Esc cancels"
            yield OptionList(*options, id="copy-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._targets[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
