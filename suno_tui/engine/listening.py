"""Listening to the clip in view: what to play (the saved file when the state
has one on disk, else the clip's URL, which a ``streaming`` clip has too) and
the one player running now (:mod:`suno_tui.player`).

The front end calls :class:`Listening` as it calls the engine's commands; it
is kept out of ``engine.py`` (which only holds the watch list's commands) and
built from the engine's task lookup and download records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from suno_tui.player import NoPlayer, PlayerProcess, PlayerProgram, Position, choose_player
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line

__all__ = ["Listening", "NoPlayer", "NothingToPlay", "Track", "track_for"]

#: a clip's saved audio file, if the state recorded one still on disk
SavedFile = Callable[[str, str], Path | None]
Starter = Callable[[PlayerProgram, str], PlayerProcess]


class NothingToPlay(Exception):
    """The task has no clip with audio yet (the message says so)."""


class _Tasks(Protocol):
    def task(self, task_id: str) -> Task | None: ...


@dataclass(frozen=True, slots=True)
class Track:
    task_id: str
    clip_id: str
    title: str  # display-safe
    source: str  # a file path or an http(s) URL
    from_disk: bool


def track_for(task: Task | None, saved: SavedFile) -> Track:
    """The task's first clip that can be heard: its saved file, else its URL."""
    if task is None:
        raise NothingToPlay("nothing to play: no task is selected")
    for clip in task.clips:
        title = clean_line(clip.title) or clip.id
        path = saved(task.task_id, clip.id)
        # the state file is untrusted too: a relative path could read as an option
        if path is not None and path.is_absolute():
            return Track(task.task_id, clip.id, title, str(path), from_disk=True)
        # only web addresses: anything else could be read as an option or a local file
        if clip.audio_url.startswith(("https://", "http://")):
            return Track(task.task_id, clip.id, title, clip.audio_url, from_disk=False)
    raise NothingToPlay("nothing to play yet: no clip of this task has audio")


class Listening:
    """The player of one app: at most one clip plays at a time."""

    def __init__(
        self,
        tasks: _Tasks,
        saved: SavedFile,
        *,
        player: str | None,
        env: Mapping[str, str],
        start: Starter = PlayerProcess.start,
    ) -> None:
        self._tasks, self._saved = tasks, saved
        self._setting, self._env, self._start = player, env, start
        self.track: Track | None = None
        self.process: PlayerProcess | None = None

    @property
    def playing(self) -> bool:
        return self.process is not None and self.process.running

    def play(self, task_id: str | None) -> Track:
        """Start playing ``task_id``'s clip (stop what played first).

        :class:`NoPlayer` or :class:`NothingToPlay` say why nothing plays;
        OSError when the program could not start.
        """
        program = choose_player(self._setting, self._env)
        track = track_for(self._tasks.task(task_id) if task_id else None, self._saved)
        self.kill()
        self.process = self._start(program, track.source)
        self.track = track
        return track

    async def toggle_pause(self) -> bool | None:
        return await self.process.toggle_pause() if self.process is not None else None

    async def position(self) -> Position:
        return await self.process.position() if self.process is not None else Position()

    async def stop(self) -> None:
        process, self.process, self.track = self.process, None, None
        if process is not None:
            await process.stop()

    def kill(self) -> None:
        """Stop at once, blocking (exit paths, and before the next clip)."""
        process, self.process, self.track = self.process, None, None
        if process is not None:
            process.kill()
