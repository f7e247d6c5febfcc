"""Reading ``--since``: a span back from now (``90s``, ``30m``, ``2h``, ``7d``,
``2w``) or a moment (``2026-01-31``, ``2026-01-31T08:00``, with or without a
zone; without one it is local time). Either reaches back at most 400 days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["SinceError", "parse_since"]

_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_MAX_SPAN = 400 * 86400


class SinceError(ValueError):
    """A --since value that is neither a span nor a date."""


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """The moment ``text`` names, as an aware datetime."""
    now = now or datetime.now(UTC)
    value = text.strip()
    match = _SPAN.fullmatch(value)
    if match:
        seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
        if seconds > _MAX_SPAN:
            raise _too_far(text)
        return now - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SinceError(
            f"--since {text!r} is neither a span such as 2h or 7d nor a date such as 2026-01-31"
        ) from None
    if moment.tzinfo is None:
        try:
            moment = moment.astimezone()  # local time, as typed
        except (OverflowError, ValueError):  # 0001-01-01 east of UTC is in year 0
            raise _too_far(text) from None
    if moment > now:
        raise SinceError(f"--since {text!r} is in the future")
    if (now - moment).total_seconds() > _MAX_SPAN:  # the same bound as a span
        raise _too_far(text)
    return moment


def _too_far(text: str) -> SinceError:
    return SinceError(f"--since {text!r} reaches back more than 400 days")
