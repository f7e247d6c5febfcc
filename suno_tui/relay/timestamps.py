"""Normalise the timestamps gateways send into aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from suno_tui.relay.numbers import to_float

# Above this a unix timestamp must be in milliseconds: 1e12 seconds is the
# year 33658, while 1e12 milliseconds is September 2001.
_MILLISECONDS_THRESHOLD = 1e12
# Accept instants between 2000-01-01 and 2200-01-01; anything else is noise.
_MIN_EPOCH = 946_684_800
_MAX_EPOCH = 7_258_118_400


def from_epoch(value: object) -> datetime | None:
    """A unix time in seconds or milliseconds (int, float or numeric string).

    0, null, negative, non-numeric and absurd values mean "not known yet".
    """
    number = to_float(value)
    if number is None:
        return None
    if number > _MILLISECONDS_THRESHOLD:
        number /= 1000.0
    if not _MIN_EPOCH <= number <= _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(number, tz=UTC)


def from_iso(value: object) -> datetime | None:
    """An ISO 8601 string, with or without a zone (no zone is read as UTC).

    Also accepts ``YYYY-MM-DD HH:MM:SS`` and a trailing ``Z``; numbers are
    passed to :func:`from_epoch`.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_epoch(value)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        # year 1 or 9999 with an offset falls outside datetime's range in UTC
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
