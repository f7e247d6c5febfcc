"""Listening to a clip: an existing player program (mpv, ffplay or the
configured ``player``) run as a child process in its own process group.

Headless (no Textual): :mod:`.programs` picks the program and builds its
command line, :mod:`.process` starts, pauses and stops it, :mod:`.mpv_ipc`
talks to mpv's JSON IPC socket, and :mod:`.reaper` makes sure no player
outlives the app (unmount, atexit, SIGHUP and SIGTERM).
"""

from __future__ import annotations

from suno_tui.player.process import PlayerProcess, Position
from suno_tui.player.programs import NoPlayer, PlayerProgram, choose_player

__all__ = ["NoPlayer", "PlayerProcess", "PlayerProgram", "Position", "choose_player"]
