"""``?``: every key binding, generated from the registry (with user remaps).

The keys of the screen the help was opened from come first, then the ones that
work everywhere, side by side when the terminal is wide enough (see
:mod:`suno_tui.tui.keys.help_layout`), so both are visible without scrolling at
100x30 and above.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Static

from suno_tui.tui.keys.bindings import BY_ID, COMMANDS, Scope, bindings_by_id
from suno_tui.tui.keys.help_layout import (
    CURRENT_MARK,
    LEGEND,
    HelpLayout,
    Section,
    plan,
    widths,
)
from suno_tui.tui.keys.key_display import key_display
from suno_tui.tui.tasks.row_render import LEGEND as SYMBOLS

REMAP_NOTE = 'Remap a key by its id in the config file:\n  [keys]\n  poll-now = "f5"'
NO_IDS_NOTE = "A wider terminal shows each key's id (to remap it in [keys])."
_SCREEN_SCOPES = (Scope.LIST, Scope.DETAIL, Scope.DOWNLOADS, Scope.EVENTS)


def section_content(
    scope: Scope,
    keys_of: Mapping[str, str],
    *,
    show_ids: bool = True,
    current: bool = False,
    greyed: Collection[str] = (),
) -> Content:
    """One scope's bindings: key, description, id (for remapping); the
    ``greyed`` ids dimmed (not offered for the task in view)."""
    measured = widths(scope, keys_of)
    title = scope.value + CURRENT_MARK if current else scope.value
    parts: list[Content | str | tuple[str, str]] = [(title, "bold $text-accent"), "\n"]
    for command in COMMANDS:
        if command.scope is not scope:
            continue
        dim = command.id in greyed
        parts += [
            (f"  {keys_of[command.id]:<{measured.key}}", "$text-disabled" if dim else "bold"),
            (f"{command.description:<{measured.description}}", "$text-disabled" if dim else ""),
        ]
        if show_ids:
            parts.append((f" {command.id}", "$text-muted"))
        parts.append("\n")
    return Content.assemble(*parts).rstrip()


def legend_content(*, show_ids: bool = True) -> Content:
    parts: list[Content | str | tuple[str, str]] = [("Symbols", "bold $text-accent"), "\n"]
    for symbol, meaning in SYMBOLS:
        parts += [(f"  {symbol:<6}", "bold"), meaning, "\n"]
    parts += ["\n", (REMAP_NOTE if show_ids else NO_IDS_NOTE, "$text-muted")]
    return Content.assemble(*parts)


def legend_lines(*, show_ids: bool = True) -> int:
    return len(legend_content(show_ids=show_ids).plain.rstrip("\n").splitlines())


def help_text(keys_of: Mapping[str, str], current: Scope = Scope.LIST) -> str:
    """Everything the help screen says, as plain text (for tests and docs)."""
    order = [current, *(s for s in Scope if s is not current)]
    sections = [section_content(scope, keys_of).plain for scope in order]
    return "\n\n".join([*sections, legend_content().plain])


def section_id(section: Section) -> str:
    """``help-list``, ``help-app``, ``help-legend``...: the section's widget id."""
    name = section.name if isinstance(section, Scope) else section
    return f"help-{name.lower()}"


def scope_of(node: DOMNode | None) -> Scope | None:
    """The screen scope whose bindings ``node`` or one of its ancestors carries."""
    while node is not None:
        for cls in type(node).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                command = BY_ID.get(getattr(binding, "id", None) or "")
                if command is not None and command.scope in _SCREEN_SCOPES:
                    return command.scope
        node = node.parent
    return None


class HelpScreen(ModalScreen[None]):
    """All bindings, grouped by where they apply, the current screen's first."""

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
        & #help-scroll {
            height: auto;
            max-height: 100%;
            width: auto;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        & #help-columns { height: auto; width: auto; }
        & .help-column { height: auto; }
        & #help-column-1 { margin-left: 3; }
        & .help-section { width: 100%; margin-bottom: 1; }
        & .help-section:last-child { margin-bottom: 0; }
    }
    """

    def __init__(
        self,
        scope: Scope | None = None,
        *,
        keymap: Mapping[str, str] | None = None,
        greyed: Collection[str] = (),
    ) -> None:
        super().__init__()
        #: ids of keys whose action the task in view's gateway does not offer
        self.greyed = frozenset(greyed)
        #: the user's key remaps ([keys] in the settings)
        self._keymap: Mapping[str, str] = keymap or {}
        if scope is None:
            try:
                scope = scope_of(self.app.focused)
            except Exception:  # no running app (built in a test)
                scope = None
        self.scope = scope or Scope.LIST
        self._width = 0
        self._keys_of: dict[str, str] = {}
        self.layout_plan: HelpLayout | None = None

    def compose(self) -> ComposeResult:
        keymap = self._keymap
        self._keys_of = {command.id: key_display(self.app, command, keymap) for command in COMMANDS}
        width = self._width or self.app.size.width
        layout = plan(self.scope, width, self._keys_of, legend_lines=legend_lines())
        self.layout_plan = layout
        with Vertical(id="help-frame") as frame:
            frame.border_title = "Keys  ·  Esc closes"
            with VerticalScroll(id="help-scroll"), Horizontal(id="help-columns"):
                for index, column in enumerate(layout.columns):
                    with Vertical(id=f"help-column-{index}", classes="help-column") as box:
                        box.styles.width = layout.column_widths[index]
                        for section in column:
                            yield Static(
                                self._section(section, layout.show_ids),
                                classes="help-section",
                                id=section_id(section),
                            )

    def _section(self, section: Section, show_ids: bool) -> Content:
        if section == LEGEND:
            return legend_content(show_ids=show_ids)
        assert isinstance(section, Scope)
        return section_content(
            section,
            self._keys_of,
            show_ids=show_ids,
            current=section is self.scope,
            greyed=self.greyed,
        )

    @property
    def text(self) -> str:
        return help_text(self._keys_of, self.scope)

    def on_mount(self) -> None:
        self._width = self.app.size.width
        self.query_one("#help-scroll").focus()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.refresh(recompose=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
