"""The status bar: one line at the bottom with the counts, the key's balance
and the state of polling (worded by :mod:`suno_tui.tui.bars.status_words`).

It is a widget with reactive state: whoever learns something new sets it
(the counts after rows change, the poll status from the engine's messages,
the clock on the slow tick), and the bar words itself again for its width.
It writes to the terminal only when its text changes, and never asks for a
layout pass: a poll's rows and the bar land in one frame.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from suno_tui.engine.ports import PollStatusLike
from suno_tui.relay.balance import Balance
from suno_tui.tui.bars.status_words import Counts, balance_text, status_content

#: the reactive state a bar on another screen follows (see :meth:`StatusBar.follow`)
_STATE = ("counts", "poll", "polling_off", "balance", "ticks", "player")


class StatusBar(Static):
    """One line at the bottom; repaints only when the text changes."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    #: tasks watched, unfinished and shown (after the filter)
    counts: var[Counts] = var(Counts(0, 0, 0))
    #: the poller's latest status (None: not polling); the same object may
    #: come back changed (a fake poller's), so it is worded again every time
    poll: var[PollStatusLike | None] = var(None, always_update=True)
    #: why polling is off ("" while it runs)
    polling_off: var[str] = var("")
    #: what the selected key has left (None: not known)
    balance: var[Balance | None] = var(None)
    #: the slow ticks so far (see :meth:`tick`)
    ticks: var[int] = var(0)
    #: what plays (room for a player; "" shows nothing)
    player: var[str] = var("")

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(Content(""), id=id)
        #: None: says nothing until it follows a bar that has one
        self._clock = clock
        self._tz = tz
        self._content = Content("")

    @property
    def text(self) -> str:
        return self._content.plain

    def follow(self, source: StatusBar) -> None:
        """Show what ``source`` shows, from now on (a bar on another screen)."""
        self._clock, self._tz = source._clock, source._tz
        for name in _STATE:
            self.watch(source, name, self._copier(name))

    def _copier(self, name: str) -> Callable[[object], None]:
        def copy(value: object) -> None:
            setattr(self, name, value)

        return copy

    # Every change words the line again; _show writes only if the text changed.
    def watch_counts(self) -> None:
        self._reword()

    def watch_poll(self) -> None:
        self._reword()

    def watch_polling_off(self) -> None:
        self._reword()

    def watch_balance(self) -> None:
        self._reword()

    def tick(self) -> None:
        """The slow clock: a clock time on the bar may read differently now
        ("today" turned into another day)."""
        self.ticks += 1

    def watch_ticks(self) -> None:
        self._reword()

    def watch_player(self) -> None:
        self._reword()

    def on_resize(self) -> None:
        self._reword()

    def _reword(self) -> None:
        if self._clock is None:
            return
        now = self._clock()
        width = self.size.width or self.app.size.width
        content = status_content(
            self.counts,
            self.poll,
            now,
            self._tz,
            polling_off=self.polling_off,
            balance=balance_text(self.balance),
            player=self.player,
            width=width,
        )
        self._show(content)

    def _show(self, content: Content) -> None:
        if content.is_same(self._content):
            return
        self._content = content
        # One line high whatever it says: no layout pass (a full one per poll,
        # and a second, scrollbar-only frame after it, at 100,000 tasks).
        self.update(content, layout=False)
