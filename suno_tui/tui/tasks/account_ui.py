"""Account mode on screen: the rows a look at the account found, ``A`` (look
now) and what it says, and news about the key's balance (the status bar
shows the balance itself).

Nothing here repaints while nothing is found: a look that finds no new task
writes nothing to the terminal unless it was asked for by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual.app import App

from suno_tui.engine.engine import Engine
from suno_tui.engine.events import (
    BalanceUnavailable,
    DiscoveryFailed,
    DiscoveryUnsupported,
    TasksDiscovered,
)
from suno_tui.safe_text import clean_line
from suno_tui.tui.news.event_log import EventLog
from suno_tui.tui.tasks.task_list import TaskList


def found_text(count: int) -> str:
    return f"{count} new task{'s' if count != 1 else ''} from the account"


def looking_text(wait: float) -> str:
    """What ``A`` says: a look now, or when the gap after the last one ends."""
    if wait <= 0:
        return "Looking for new tasks in the account…"
    seconds = max(1, math.ceil(wait))
    return f"Looking for new tasks in the account in {seconds} s (the last look was moments ago)"


class AccountUI:
    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        event_log: Callable[[], EventLog],
        *,
        rows_changed: Callable[[], None],
    ) -> None:
        self._app = app
        self._engine = engine
        self._task_list = task_list
        self._event_log = event_log
        self._rows_changed = rows_changed

    @property
    def available(self) -> bool:
        """``A`` is offered: account mode is set up for the selected profile."""
        return self._engine.account_ready

    def discover_now(self) -> None:
        """``A``: look at the account's tasks now; the result comes as a toast."""
        request = self._engine.discover_now()
        if request.started:
            timeout = 2 if request.wait <= 0 else 4
            self._app.notify(looking_text(request.wait), timeout=timeout, markup=False)
        else:
            self._app.notify(clean_line(request.why), title="Not now", severity="warning",
                             timeout=4, markup=False)  # fmt: skip

    def failed(self, event: DiscoveryFailed) -> None:
        title = "Account: access refused" if event.credential else "Account: look failed"
        self._app.notify(clean_line(event.reason), title=title, severity="error",
                         timeout=10, markup=False)  # fmt: skip

    def unsupported(self, event: DiscoveryUnsupported) -> None:
        self._app.notify(clean_line(event.reason), title="Account mode unavailable",
                         severity="warning", timeout=8, markup=False)  # fmt: skip

    def balance_unavailable(self, event: BalanceUnavailable) -> None:
        """Said once by the engine; the bar shows no balance after a final one."""
        title = "No balance" if event.final else "Balance not updated"
        self._app.notify(clean_line(event.reason), title=title, severity="information",
                         timeout=6, markup=False)  # fmt: skip

    def discovered(self, event: TasksDiscovered) -> None:
        if event.added:
            self._task_list().upsert(event.added)
            if event.transitions:
                self._event_log().add(list(event.transitions))
            self._rows_changed()
            self._app.notify(found_text(len(event.added)), title="Account", timeout=5,
                             markup=False)  # fmt: skip
        elif event.manual:
            self._app.notify("No new tasks in the account", title="Account", timeout=3,
                             markup=False)  # fmt: skip
        if event.problems and (event.added or event.manual):
            self._app.notify(clean_line(event.problems[0]), title="Account: odd answer",
                             severity="warning", timeout=8, markup=False)  # fmt: skip
