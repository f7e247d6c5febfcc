"""The polling controls: poll now (``r``), pause (``p``), the interval
(``+``/``-``); what each says in a toast. What they change reaches the bars
through ``changed`` (the app sets the bars' state from the engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from textual.notifications import SeverityLevel

from suno_tui.engine.engine import Engine
from suno_tui.tui.bars.status_words import interval_text


class Notify(Protocol):
    """``App.notify``, as the controls use it."""

    def __call__(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...


class PollingControls:
    def __init__(self, engine: Engine, notify: Notify, *, changed: Callable[[], None]) -> None:
        self._engine = engine
        self._notify = notify
        self._changed = changed

    def poll_now(self) -> None:
        if self._engine.poll_now():
            self._notify("Polling now", timeout=2, markup=False)
        else:
            self._polling_is_off()

    def toggle_pause(self) -> None:
        paused = self._engine.toggle_pause()
        if paused is None:
            self._polling_is_off()
            return
        if paused:
            self._notify("Polling paused: p resumes", timeout=3, markup=False)
        else:
            self._notify("Polling resumed", timeout=2, markup=False)
        self._changed()

    def step_interval(self, direction: int) -> None:
        interval = self._engine.step_interval(direction)
        if interval is None:
            self._polling_is_off()
            return
        self._changed()
        self._notify(f"Polling every {interval_text(interval)}", timeout=2, markup=False)

    def _polling_is_off(self) -> None:
        why = self._engine.polling_off or "Polling is off"
        self._notify(why, severity="warning", timeout=4, markup=False)
