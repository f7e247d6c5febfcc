"""How times are shown: short relative durations and absolute clock times.

Relative texts are deliberately coarse (10 s steps under a minute, whole
minutes under ten, then 5-minute steps, hours, days) so a screen left open
for hours rewrites a row only when its text really changes; where a moment is
enough (when a finished task finished) it is shown as a clock time, which
never changes.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from suno_tui.tracking.stats_report import duration_text


def short_duration(seconds: float) -> str:
    """``7s``, ``40s``, ``3m``, ``5h``, ``12d`` (never more than 4 cells)."""
    if seconds < 0:
        seconds = 0
    if seconds < 10:
        return f"{int(seconds)}s"
    if seconds < 60:
        return f"{int(seconds) // 10 * 10}s"
    if seconds < 600:
        return f"{int(seconds // 60)}m"
    if seconds < 3600:
        return f"{int(seconds // 300) * 5}m"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)}h"
    days = int(seconds // 86400)
    return f"{days}d" if days < 1000 else "999d"


def precise_duration(seconds: float) -> str:
    """``45s``, ``3m12s``, ``2h05m``, ``3d04h`` for the detail view's timeline
    (the same wording as ``suno-tui stats``; a clock step back shows ``0s``)."""
    return duration_text(max(seconds, 0.0))


def short_clock(moment: datetime, now: datetime, tz: tzinfo | None) -> str:
    """``16:42`` today, ``06-14`` another day this year, ``2024`` before (5 cells at most)."""
    local = moment.astimezone(tz)
    today = now.astimezone(tz)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%m-%d")
    return local.strftime("%Y")


def clock_time(moment: datetime, now: datetime, tz: tzinfo | None) -> str:
    """``16:42:10`` today, ``06-14 16:42`` another day, ``2024-06-14`` another year."""
    local = moment.astimezone(tz)
    today = now.astimezone(tz)
    if local.date() == today.date():
        return local.strftime("%H:%M:%S")
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def full_time(moment: datetime, tz: tzinfo | None) -> str:
    """``2025-06-15 16:42:10`` (the detail view: no guessing which day)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
