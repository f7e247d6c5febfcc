"""How a registry command's keys are shown (after the user's remaps)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import App
from textual.binding import Binding

from suno_tui.tui.keys.bindings import Command


def effective_keys(command: Command, keymap: Mapping[str, str]) -> str:
    """The Textual key string in force for ``command`` (remapped or default)."""
    return keymap.get(command.id, command.key)


def key_display(app: App[object], command: Command, keymap: Mapping[str, str]) -> str:
    """``?``, ``↓ j``, ``ctrl+q``... as the footer would show them."""
    keys = effective_keys(command, keymap)
    if command.key_display and command.id not in keymap:
        shown = [command.key_display]
        extra = keys.split(",")[1:]
    else:
        shown = []
        extra = keys.split(",")
    for key in extra:
        key = key.strip()
        if key:
            shown.append(app.get_key_display(Binding(key, command.action)))
    return " ".join(shown)
