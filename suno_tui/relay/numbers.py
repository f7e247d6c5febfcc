"""Read a number from whatever a gateway put in a numeric field."""

from __future__ import annotations

import math


def to_float(value: object) -> float | None:
    """An int, float or numeric string as a finite float; anything else
    (bool, null, junk, NaN, infinities, ints too large for a float) is None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            number = float(value.strip())
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
