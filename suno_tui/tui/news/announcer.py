"""Toasts, the bell and terminal notifications: how the monitor tells news.

Toasts sit above whatever is under the list (panes, status bar, footer), so
they are placed again when those change size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import App

from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.news.desktop import TerminalNotifier
from suno_tui.tui.news.finished import Toast, toasts
from suno_tui.tui.news.terminal import Terminal


class Announcer:
    def __init__(
        self,
        app: App[int],
        terminal: Terminal,
        *,
        bell: bool,
        notify: bool,
        env: Mapping[str, str],
    ) -> None:
        self._app = app
        self._bell = bell
        self._notify_terminal = notify
        self.notifier = TerminalNotifier(terminal.write, dict(env))

    def finished(self, summaries: Sequence[TaskSummary]) -> None:
        """Tasks finished: the bell, a toast each (or one for many), notifications."""
        if self._bell:
            self._app.bell()
        for toast in toasts(summaries):
            self.toast(toast)
            if self._notify_terminal:
                self.notifier.send(f"suno-tui: {toast.title}", toast.message)

    def toast(self, toast: Toast, timeout: float | None = None) -> None:
        self._app.notify(toast.message, title=toast.title, severity=toast.severity,
                         timeout=timeout, markup=False)  # fmt: skip

    def place(self) -> None:
        """Place the toasts again after the next refresh."""
        self._app.call_after_refresh(self._place_now)

    def _place_now(self) -> None:
        app = self._app
        main = app.query_one("#main")
        bottom = max(2, app.size.height - main.region.bottom)
        for rack in app.screen_stack[0].query("#textual-toastrack"):
            if rack.styles.margin.bottom != bottom:
                rack.styles.margin = (0, 0, bottom, 0)
