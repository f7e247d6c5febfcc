"""The bordered frame that the monitor's forms (add, submit, extend) sit in,
and the check line of the forms that send: one look for all of them; each
screen sets only its frame's width."""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static


class FormFrame(Vertical):
    """A form's frame: rounded border in the primary colour, sized to its
    content, never past the screen."""

    DEFAULT_CSS = """
    FormFrame {
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """


class FormCheck(Static):
    """A form's check line: what the form checked, an error, or (bold) an
    outcome that is not known. Its text is never markup."""

    DEFAULT_CSS = """
    FormCheck {
        height: auto;
        max-height: 6;
        color: $text-muted;
        &.-error { color: $text-error; }
        &.-unknown { color: $text-warning; text-style: bold; }
    }
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(Content(""), id=id)

    def say(self, text: str, kind: str = "") -> None:
        """Show ``text``; ``kind`` is "", "error" or "unknown"."""
        self.update(Content(text))
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "unknown", "-unknown")
