"""``?``: every key binding, generated from the registry (with user remaps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from suno_tui.tui.bindings import COMMANDS, Scope, bindings_by_id
from suno_tui.tui.keys import key_display
from suno_tui.tui.row_render import LEGEND

_KEY_WIDTH = 14


def help_content(keys_of: Mapping[str, str]) -> Content:
    """The help text; ``keys_of`` maps a command id to its shown keys."""
    parts: list[Content | str | tuple[str, str]] = []
    for scope in Scope:
        commands = [command for command in COMMANDS if command.scope is scope]
        if not commands:
            continue
        if parts:
            parts.append("\n")
        parts += [(scope.value, "bold $text-accent"), "\n"]
        for command in commands:
            keys = keys_of[command.id]
            parts += [
                (f"  {keys:<{_KEY_WIDTH}}", "bold"),
                command.description,
                (f"  {command.id}", "$text-muted"),
                "\n",
            ]
    parts += ["\n", ("Symbols", "bold $text-accent"), "\n"]
    for symbol, meaning in LEGEND:
        parts += [(f"  {symbol:<{_KEY_WIDTH}}", "bold"), meaning, "\n"]
    parts += [
        "\n",
        (
            "Remap a key in the config file, [keys] section, by the id in the"
            ' right column, e.g. poll-now = "f5".',
            "$text-muted",
        ),
    ]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """All bindings, grouped by where they apply."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "close-help")

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > #help-frame {
            width: 90;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-color: $text;
            background: $surface;
        }
        & #help-scroll { height: auto; max-height: 100%; padding: 0 1; }
    }
    """

    def compose(self) -> ComposeResult:
        keymap = dict(self.app._keymap)
        keys_of = {command.id: key_display(self.app, command, keymap) for command in COMMANDS}
        with Vertical(id="help-frame") as frame:
            frame.border_title = "Keys  ·  Esc to close"
            with VerticalScroll(id="help-scroll"):
                yield Static(help_content(keys_of), id="help-body")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
