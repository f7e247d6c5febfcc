"""No player outlives the app: every running player's process group is
known here, and killed at interpreter exit (atexit) and on SIGHUP (the
terminal closed) or SIGTERM, before the signal's earlier handler runs.

The app's unmount stops the player itself; these are the paths where no
unmount comes (a crash, a closed terminal, a kill).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
from types import FrameType
from typing import Any

__all__ = ["forget", "install", "kill_all", "remember"]

_groups: set[int] = set()
_installed = False


def remember(group: int) -> None:
    install()
    _groups.add(group)


def forget(group: int) -> None:
    _groups.discard(group)


def kill_all() -> None:
    """Kill every player group still known (safe to call more than once)."""
    for group in list(_groups):
        with contextlib.suppress(OSError):  # gone already
            os.killpg(group, signal.SIGKILL)
        _groups.discard(group)


def install() -> None:
    """Hook atexit and SIGHUP/SIGTERM once (from the main thread only: a
    handler cannot be set elsewhere; atexit still covers the rest)."""
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(kill_all)
    for number in (signal.SIGHUP, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread
            _chain(number)


def _chain(number: int) -> None:
    previous = signal.getsignal(number)

    def handler(signum: int, frame: FrameType | None) -> Any:
        kill_all()
        if callable(previous):
            return previous(signum, frame)
        if previous == signal.SIG_IGN:
            return None
        # the default action (end the process): restore it and raise it again
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return None

    signal.signal(number, handler)
