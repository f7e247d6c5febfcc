"""One running player: started in its own session (so its process group can
be killed whole, and a terminal's signals do not reach it), paused and asked
for its position over mpv's IPC when it is mpv, stopped by killing the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from suno_tui.player import reaper
from suno_tui.player.mpv_ipc import IpcError, MpvIpc
from suno_tui.player.programs import PlayerProgram

__all__ = ["PlayerProcess", "Position"]

#: how long a player has to end on SIGTERM before it gets SIGKILL
_GRACE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Position:
    """Where playing is (seconds; None: the player cannot say)."""

    seconds: float | None = None
    duration: float | None = None
    paused: bool = False


class PlayerProcess:
    """A started player; :meth:`start` makes one."""

    def __init__(
        self, process: subprocess.Popen[bytes], ipc: MpvIpc | None, socket_dir: Path | None
    ) -> None:
        self._process = process
        self._ipc = ipc
        self._socket_dir = socket_dir
        self.paused = False

    @classmethod
    def start(cls, program: PlayerProgram, source: str) -> PlayerProcess:
        """Run ``program`` on ``source`` (OSError when it cannot start)."""
        socket_dir = (
            Path(tempfile.mkdtemp(prefix="suno-tui-player-")) if program.kind == "mpv" else None
        )
        socket_path = socket_dir / "mpv.sock" if socket_dir is not None else None
        try:
            process = subprocess.Popen(  # the configured program, no shell
                program.command(source, socket_path),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own group: killed whole, no terminal signals
                close_fds=True,
            )
        except OSError:
            if socket_dir is not None:
                shutil.rmtree(socket_dir, ignore_errors=True)
            raise
        reaper.remember(process.pid)
        ipc = MpvIpc(socket_path) if socket_path is not None else None
        return cls(process, ipc, socket_dir)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    async def toggle_pause(self) -> bool | None:
        """Pause or resume; the new state, or None when this player cannot."""
        if self._ipc is None:
            return None
        try:
            await self._ipc.set("pause", not self.paused)
        except IpcError:
            return None
        self.paused = not self.paused
        return self.paused

    async def position(self) -> Position:
        if self._ipc is None:
            return Position()
        try:
            seconds = await self._ipc.get("time-pos")
            duration = await self._ipc.get("duration")
        except IpcError:
            return Position(paused=self.paused)
        return Position(_seconds(seconds), _seconds(duration), self.paused)

    async def stop(self) -> None:
        """End the player's whole group and wait for it (bounded)."""
        await asyncio.to_thread(self.kill)

    def kill(self) -> None:
        """SIGTERM to the group, SIGKILL if it lingers; blocks at most ~2 s."""
        if self._ipc is not None:
            self._ipc.close()
        group = self._process.pid
        if self._process.poll() is None:
            _signal_group(group, signal.SIGTERM)
            try:
                self._process.wait(_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(group, signal.SIGKILL)
                self._process.wait(_GRACE_SECONDS)
        # children it started may live on in the group: end them too
        _signal_group(group, signal.SIGKILL)
        reaper.forget(group)
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


def _signal_group(group: int, number: int) -> None:
    with contextlib.suppress(OSError):  # the group is gone
        os.killpg(group, number)


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None
