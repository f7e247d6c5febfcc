"""The bordered frame that the monitor's forms (add, submit, extend) sit in:
one look for all of them; each screen sets only its width."""

from __future__ import annotations

from textual.containers import Vertical


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
