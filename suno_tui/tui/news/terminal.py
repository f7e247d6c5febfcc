"""The terminal the monitor draws on, for the few bytes it writes itself.

A terminal notification (OSC 9 / OSC 777, tmux's passthrough) is an escape
sequence that has to reach the terminal between Textual's frames, through
the driver that writes them. Textual has no public call for raw bytes, but
which driver an app runs on is public (``App.get_driver_class``): the
monitor asks for a subclass of the usual one that says, once made, that it
is the one, and :class:`Terminal` writes through it. Headless test runs
bring their own driver, so nothing is written there.
"""

from __future__ import annotations

from typing import Any

from textual.driver import Driver


class Terminal:
    """Where the monitor's own escape sequences go: the driver it runs on,
    once it runs (before that, and after it stops, they go nowhere)."""

    def __init__(self) -> None:
        self.driver: Driver | None = None

    def write(self, text: str) -> None:
        driver = self.driver
        if driver is None:
            return
        try:
            driver.write(text)
        except Exception:  # a closed terminal must not end the monitor
            return

    def drive_with(self, base: type[Driver]) -> type[Driver]:
        """``base`` (the driver Textual chose), telling this terminal when it is made."""
        terminal = self

        class KeptDriver(base):  # type: ignore[misc, valid-type]
            def __init__(self, app: Any, **options: Any) -> None:
                super().__init__(app, **options)
                terminal.driver = self

        KeptDriver.__name__ = KeptDriver.__qualname__ = base.__name__
        return KeptDriver
