"""The poller's state as a status bar shows it, and its display-safe lines.

Every text field of :class:`PollStatus` is made by :func:`one_line`: what a
gateway or the store says reaches the terminal as one clean, bounded line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from suno_tui.safe_text import clean_line

__all__ = ["PollStatus", "one_line"]

_MAX_MESSAGE = 300  # characters of one message, the ellipsis included


@dataclass
class PollStatus:
    """The poller's state for a status bar. Text fields are display-safe."""

    paused: bool = False
    interval: float = 10.0
    last_success_at: datetime | None = None
    #: one line, never the token; None after a round without failures
    last_error: str | None = None
    #: when the next round starts; None while idle or paused
    next_poll_at: datetime | None = None
    #: a gateway refused its token: polling of that profile stopped until resume()
    auth_failed: bool = False
    auth_message: str | None = None
    in_flight: bool = False
    rounds: int = 0
    requests: int = 0
    consecutive_failures: int = 0
    #: nothing unfinished to poll (no HTTP requests are made)
    idle: bool = False
    #: answer rows that could not be used (unreadable, or not asked for):
    #: never dropped silently, so counted here with the latest one's reason
    problems: int = 0
    last_problem: str | None = None
    auth_failed_profiles: tuple[str, ...] = ()


def one_line(text: str) -> str:
    """``text`` as one display-safe line of at most 300 characters."""
    line = clean_line(text).strip()
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"
