"""What every benchmark returns, and small measuring helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Row:
    """One figure of the table, measured side by side with its baseline."""

    number: int | str  # the row of issue #7's table, or a name for other figures
    figure: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: str = "-"
    baseline_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.value / self.baseline_value

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs in seconds: the least disturbed by noise."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def median_of(repeat: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(repeat))
