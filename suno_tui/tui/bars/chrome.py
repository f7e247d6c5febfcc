"""The lines around the list: the top bar (sort, filter, gateway), the
banner (auth refused, polling off, profiles without a client) and every
status bar (counts, last poll, next poll); and the polling controls whose
effect they show (poll now, pause, interval)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from textual.app import App
from textual.content import Content
from textual.widgets import Static

from suno_tui.engine.engine import Engine
from suno_tui.tui.bars.status_bar import (
    Counts,
    StatusBar,
    auth_banner,
    balance_text,
    interval_text,
    polling_off_banner,
    profiles_banner,
    status_content,
    top_bar_content,
)
from suno_tui.tui.tasks.task_list import TaskList


class Chrome:
    """Keeps the top bar, the banner and the status bars in step with the engine."""

    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None,
        gateway_label: str,
    ) -> None:
        self._app = app
        self._engine = engine
        self._task_list = task_list
        self._clock = clock
        self._tz = tz
        self._gateway_label = gateway_label
        self._banner = Content("")
        self._unfinished = 0

    def recount(self) -> None:
        """Count the unfinished tasks again (after rows changed)."""
        self._unfinished = self._engine.unfinished()

    def status(self) -> None:
        """Redraw every status bar (if its text changed)."""
        task_list = self._task_list()
        counts = Counts(task_list.total, self._unfinished, task_list.shown)
        status, now = self._engine.status, self._clock()
        polling_off = self._engine.polling_off
        balance = balance_text(self._engine.balance)

        def content(width: int) -> Content:  # each bar words it for its own width
            return status_content(
                counts, status, now, self._tz, polling_off=polling_off, balance=balance, width=width
            )

        for screen in self._app.screen_stack:
            for bar in screen.query(StatusBar).results():
                bar.show(content)

    def top_bar(self) -> None:
        task_list = self._task_list()
        content = top_bar_content(
            task_list.sort.value,
            task_list.filter_text,
            task_list.shown,
            task_list.total,
            self._gateway_label,
        )
        # One line high whatever it says: no layout pass, no second frame.
        self._app.query_one("#top-bar", Static).update(content, layout=False)

    def show_banner(self, content: Content, *, warning: bool) -> None:
        banner = self._app.query_one("#banner", Static)
        if banner.has_class("-shown") and content.is_same(self._banner):
            return
        self._banner = content
        banner.update(content)
        banner.set_class(warning, "-warning")
        banner.add_class("-shown")

    def banner(self) -> None:
        """The banner the engine's state calls for, or none."""
        engine = self._engine
        status = engine.status
        if status is not None and status.auth_failed:
            self.show_banner(auth_banner(status.auth_message), warning=False)
        elif not engine.polling and engine.polling_off:
            self.show_banner(polling_off_banner(engine.polling_off), warning=True)
        elif problems := engine.profile_problems():
            self.show_banner(profiles_banner(problems), warning=True)
        else:
            self._app.query_one("#banner", Static).remove_class("-shown")

    def crashed(self, error: str) -> None:
        self.status()
        self.show_banner(
            Content.assemble(
                ("Polling stopped after an internal error. ", "bold"),
                error,
                "  Restart suno-tui; the watch list is saved.",
            ),
            warning=False,
        )

    # -- polling controls ---------------------------------------------------------

    def poll_now(self) -> None:
        if self._engine.poll_now():
            self._app.notify("Polling now", timeout=2, markup=False)
        else:
            self._polling_is_off()

    def toggle_pause(self) -> None:
        paused = self._engine.toggle_pause()
        if paused is None:
            self._polling_is_off()
            return
        if paused:
            self._app.notify("Polling paused: p resumes", timeout=3, markup=False)
        else:
            self._app.notify("Polling resumed", timeout=2, markup=False)
        self.status()
        self.banner()

    def step_interval(self, direction: int) -> None:
        interval = self._engine.step_interval(direction)
        if interval is None:
            self._polling_is_off()
            return
        self.status()
        self._app.notify(f"Polling every {interval_text(interval)}", timeout=2, markup=False)

    def _polling_is_off(self) -> None:
        why = self._engine.polling_off or "Polling is off"
        self._app.notify(why, severity="warning", timeout=4, markup=False)
