"""The player controls: ``l`` plays the clip in view or stops it (``Esc`` in
the list stops it too), ``space`` pauses while it plays. What plays is worded on the status bar
(``▶ title 0:42 / 2:56``), read from the player once a second while it plays;
nothing runs (and nothing is written) while nothing plays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer

from suno_tui.tui.bars.polling_controls import Notify
from suno_tui.tui.bars.status_bar import StatusBar

if TYPE_CHECKING:
    from suno_tui.engine.listening import Listening, Track
    from suno_tui.player import Position

__all__ = ["PlayerControls", "player_text"]

#: how often the position is read while a clip plays
_TICK_SECONDS = 1.0


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def player_text(track: Track, position: Position) -> str:
    """``▶ title 0:42 / 2:56``; "playing" when the player cannot say where."""
    mark = "⏸" if position.paused else "▶"
    if position.seconds is None:
        where = "paused" if position.paused else "playing"
    elif position.duration:
        where = f"{_clock(position.seconds)} / {_clock(position.duration)}"
    else:
        where = _clock(position.seconds)
    return f"{mark} {track.title} {where}"


class PlayerControls:
    def __init__(
        self,
        app: App[int],
        listening: Callable[[], Listening],
        notify: Notify,
        *,
        status_bar: Callable[[], StatusBar],
        current: Callable[[], str | None],
    ) -> None:
        self._app = app
        self._make_listening = listening
        self._listening: Listening | None = None
        self._notify = notify
        self._status_bar = status_bar
        self._current = current
        self._timer: Timer | None = None

    @property
    def listening(self) -> Listening:
        """The player (``engine.listening`` and ``suno_tui.player``), made at the
        first ``l``: nothing of it is on the way to the first frame."""
        if self._listening is None:
            self._listening = self._make_listening()
        return self._listening

    @property
    def playing(self) -> bool:
        return self._listening is not None and self._listening.playing

    async def toggle(self) -> None:
        """``l``: stop what plays, or play the clip in view."""
        from suno_tui.engine.listening import NothingToPlay
        from suno_tui.player import NoPlayer, Position

        if self.listening.playing:
            await self.stop()
            return
        if self.listening.process is not None:  # it ended before the tick saw it
            await self.stop()
        try:
            track = self.listening.play(self._current())
        except (NoPlayer, NothingToPlay) as reason:
            self._notify(str(reason), title="Listen", severity="warning", markup=False)
            return
        except OSError as exc:
            self._notify(f"the player did not start: {exc}", title="Listen",
                         severity="error", markup=False)  # fmt: skip
            return
        self._status_bar().player = player_text(track, Position())
        self._timer = self._app.set_interval(_TICK_SECONDS, self.show, name="player")

    async def pause(self) -> bool:
        """``space`` while a clip plays; False when nothing plays (the key goes on)."""
        if not self.playing:
            return False
        paused = await self.listening.toggle_pause()
        if paused is None:
            self._notify("this player cannot pause (mpv can)", timeout=3, markup=False)
        await self.show()
        return True

    async def show(self) -> None:
        """Read the position and word it (or clear the bar when it ended)."""
        track = self.listening.track
        if track is None or not self.listening.playing:
            await self.stop()
            return
        self._status_bar().player = player_text(track, await self.listening.position())

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        await self.listening.stop()
        self._status_bar().player = ""

    def kill(self) -> None:
        """The app is going: end the player now (blocking, bounded)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._listening is not None:  # never made: nothing ever played
            self._listening.kill()
