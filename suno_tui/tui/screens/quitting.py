"""Quitting: straight away, or after asking while downloads run."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.content import Content

from suno_tui.engine.engine import Engine
from suno_tui.tui.screens.confirm import ConfirmScreen


class QuitScreen(ConfirmScreen):
    """The question asked before quitting while downloads run."""


class Quitting:
    def __init__(self, app: App[int], engine: Engine, *, busy: Callable[[], bool]) -> None:
        self._app = app
        self._engine = engine
        self._busy = busy

    def quit(self) -> None:
        """Quit, asking first while downloads run (``q`` on the question quits)."""
        if self._busy() and not isinstance(self._app.screen, QuitScreen):
            question = Content.assemble(
                "Downloads are running. Quitting cancels them.\n\n",
                ("Partial files (.part) are kept: d resumes them next time.", "$text-muted"),
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self.now()

            self._app.push_screen(QuitScreen("Quit while downloading?", question), answered)
            return
        self.now()

    def now(self) -> None:
        self._engine.stop()
        self._app.exit(0)
