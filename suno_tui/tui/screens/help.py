"""``?``: every key binding, generated from the registry (with user remaps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Static

from suno_tui.tui.bindings import COMMANDS, Scope, bindings_by_id
from suno_tui.tui.keys import key_display
from suno_tui.tui.row_render import LEGEND

_KEY_WIDTH = 12
_DESCRIPTION_WIDTH = 20
#: from this screen width on, the help shows two columns
TWO_COLUMNS_AT = 110

REMAP_NOTE = 'Remap a key by its id in the config file:\n  [keys]\n  poll-now = "f5"'


def section_content(scope: Scope, keys_of: Mapping[str, str]) -> Content:
    """One scope's bindings: key, description, id (for remapping)."""
    parts: list[Content | str | tuple[str, str]] = [(scope.value, "bold $text-accent"), "\n"]
    for command in COMMANDS:
        if command.scope is not scope:
            continue
        parts += [
            (f"  {keys_of[command.id]:<{_KEY_WIDTH}}", "bold"),
            f"{command.description:<{_DESCRIPTION_WIDTH}}",
            (f" {command.id}", "$text-muted"),
            "\n",
        ]
    return Content.assemble(*parts).rstrip()


def legend_content() -> Content:
    parts: list[Content | str | tuple[str, str]] = [("Symbols", "bold $text-accent"), "\n"]
    for symbol, meaning in LEGEND:
        parts += [(f"  {symbol:<6}", "bold"), meaning, "\n"]
    parts += ["\n", (REMAP_NOTE, "$text-muted")]
    return Content.assemble(*parts)


def help_text(keys_of: Mapping[str, str]) -> str:
    """Everything the help screen says, as plain text (for tests and docs)."""
    sections = [section_content(scope, keys_of).plain for scope in Scope]
    return "\n\n".join([*sections, legend_content().plain])


class HelpScreen(ModalScreen[None]):
    """All bindings, grouped by where they apply; two columns when wide."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "close-help")

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > #help-frame {
            width: auto;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            background: $surface;
        }
        & #help-scroll { height: auto; max-height: 100%; width: auto; padding: 0 1; }
        & #help-columns { height: auto; width: auto; layout: vertical; }
        & #help-columns.-two { layout: horizontal; }
        & .help-column { height: auto; width: auto; }
        & #help-columns.-two #help-right { margin-left: 3; }
        & .help-section { width: auto; margin-bottom: 1; }
        & .help-section:last-child { margin-bottom: 0; }
    }
    """

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "user_keymap", {})
        keys_of = {command.id: key_display(self.app, command, keymap) for command in COMMANDS}
        with Vertical(id="help-frame") as frame:
            frame.border_title = "Keys  ·  Esc closes"
            with VerticalScroll(id="help-scroll"), Horizontal(id="help-columns"):
                with Vertical(id="help-left", classes="help-column"):
                    yield Static(section_content(Scope.APP, keys_of), classes="help-section")
                    yield Static(legend_content(), classes="help-section")
                with Vertical(id="help-right", classes="help-column"):
                    for scope in (Scope.LIST, Scope.DETAIL, Scope.DOWNLOADS, Scope.DIALOG):
                        yield Static(section_content(scope, keys_of), classes="help-section")
        self._keys_of = keys_of

    @property
    def text(self) -> str:
        return help_text(self._keys_of)

    def on_mount(self) -> None:
        self._columns(self.app.size.width)
        self.query_one("#help-scroll").focus()

    def on_resize(self, event: Resize) -> None:
        self._columns(event.size.width)

    def _columns(self, width: int) -> None:
        self.query_one("#help-columns").set_class(width >= TWO_COLUMNS_AT, "-two")

    def action_cancel(self) -> None:
        self.dismiss(None)
