"""Which program plays, and its command line.

``player`` in the config names one (split like a shell would, no shell runs
it; the file or URL is appended as the last argument). Without it, mpv is
preferred (its JSON IPC gives the position and pause), else ffplay. Over SSH
the sound would come out of the remote machine, so only an explicit
``player`` plays there.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["SEARCHED", "NoPlayer", "PlayerProgram", "choose_player"]

#: the programs looked for when ``player`` is not set, best first
SEARCHED = ("mpv", "ffplay")

_MPV_OPTIONS = ("--no-video", "--no-terminal", "--really-quiet")
_FFPLAY_OPTIONS = ("-nodisp", "-autoexit", "-loglevel", "quiet")


class NoPlayer(Exception):
    """Nothing may play; the message says why (for a toast)."""


@dataclass(frozen=True, slots=True)
class PlayerProgram:
    """A program and its options; ``kind`` "mpv" speaks JSON IPC."""

    argv: tuple[str, ...]
    kind: Literal["mpv", "plain"]

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name

    def command(self, source: str, ipc_socket: Path | None) -> list[str]:
        """The full command line playing ``source`` (a path or a URL)."""
        if self.kind == "mpv" and ipc_socket is not None:
            return [*self.argv, f"--input-ipc-server={ipc_socket}", "--", source]
        return [*self.argv, source]


def choose_player(setting: str | None, env: Mapping[str, str]) -> PlayerProgram:
    """The program to run, or :class:`NoPlayer` saying why there is none.

    ``setting`` is the config's ``player`` (already checked to split);
    ``env`` gives ``PATH`` and ``SSH_CONNECTION``.
    """
    search_path = env.get("PATH", os.defpath)
    if setting:
        argv = shlex.split(setting)
        found = shutil.which(argv[0], path=search_path)
        if found is None:
            raise NoPlayer(f"the player {argv[0]!r} (config: player) was not found")
        return PlayerProgram((found, *argv[1:]), _kind_of(found))
    if env.get("SSH_CONNECTION"):
        raise NoPlayer(
            "not playing over SSH: the sound would come out of the remote machine "
            '(set player = "COMMAND" in the config to play there anyway)'
        )
    for name in SEARCHED:
        found = shutil.which(name, path=search_path)
        if found is not None:
            options = _MPV_OPTIONS if name == "mpv" else _FFPLAY_OPTIONS
            return PlayerProgram((found, *options), _kind_of(found))
    raise NoPlayer(
        f"no player found: looked for {' and '.join(SEARCHED)} on PATH "
        '(or set player = "COMMAND" in the config)'
    )


def _kind_of(program: str) -> Literal["mpv", "plain"]:
    return "mpv" if Path(program).name == "mpv" else "plain"
