"""The ``/`` filter line under the list."""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message
from textual.widgets import Input

from suno_tui.tui.keys.bindings import bindings_by_id


class FilterInput(Input):
    """Typing filters live, Enter keeps the filter, Esc clears it."""

    BINDINGS: ClassVar = bindings_by_id("clear-filter")

    class Cleared(Message):
        """Esc: the filter is gone."""

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())
