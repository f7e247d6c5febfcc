"""Figures over the whole watch list, computed once from the state file.

Used by ``suno-tui stats`` and the monitor's stats view (``i``). Everything is
read through its own read-only SQLite connection, so it neither waits for nor
blocks the monitor's writer (the file is in WAL mode), and it costs one pass
over the ``tasks`` table plus a bounded sample of raw snapshots.

What this module relies on in the store's schema is stated once, in the two
temporary views below (``stats_tasks`` and ``stats_raw``): if the store's
columns change, only these views change.

``tasks``: ``task_id``, ``seq`` (order added; the ``tasks_by_seq`` index makes
"newest first" cheap), ``kind``, ``status`` (normalised), ``status_label``
(the status's name for every known status; ``NEW``, ``NOT_FOUND``, or the
gateway's own word), ``title`` (display-safe), ``finished`` (0/1),
``added_at``, ``submitted_at``, ``state_since`` (INTEGER microseconds since
the epoch, UTC; ``state_since`` of a finished task is when the monitor first
saw it finished).
``task_raw``: ``task_id``, ``raw_json`` (the gateway's task object: text, or a
zlib BLOB since schema 2, read through ``store.unpack_raw``).

The state file is read as untrusted (another program, or a person with
sqlite3, may have written anything in any column): a time that is not an
INTEGER is no time (the task counts, but gives no duration and is not listed
as running), and the words are kept exact here (``--json`` escapes them) and
cleaned where they are worded (``stats_report``).

The failure rate is FAILURE / (SUCCESS + FAILURE). Throughput counts the tasks
the monitor saw finish in each of the last 24 hours. Generation time
(submitted to finished) is the gateway's ``finish_time`` minus its
``submit_time`` (falling back to ``state_since - submitted_at``), over the
:data:`TIME_SAMPLE` most recently added successful tasks: reading every raw
snapshot costs about 0.7 s at 100,000 tasks, the sample about 10 ms.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from suno_tui.safe_text import clean_line
from suno_tui.tracking.store import unpack_raw

__all__ = [
    "HOURS",
    "TIME_SAMPLE",
    "ModelTimes",
    "SlowTask",
    "Stats",
    "StatsError",
    "compute",
    "percentile",
    "sparkline",
]

#: finished successful tasks whose generation time is measured (most recent first)
TIME_SAMPLE = 1000
#: hours of throughput shown
HOURS = 24
#: running tasks listed as the slowest
SLOWEST = 5
_MICROS_PER_HOUR = 3_600_000_000
_BARS = "▁▂▃▄▅▆▇█"

_VIEWS = """
CREATE TEMP VIEW IF NOT EXISTS stats_tasks AS
    SELECT task_id, seq, kind, status, status_label, title, finished,
           added_at, submitted_at, state_since
    FROM main.tasks;
CREATE TEMP VIEW IF NOT EXISTS stats_raw AS
    SELECT task_id, raw_json FROM main.task_raw;
"""

# GROUP BY sorts: the fewer and shorter the keys, the faster (status_label is
# the status's own name for every known status, NEW and NOT_FOUND besides).
_COUNTS = """
SELECT status_label, kind, count(*) FROM stats_tasks GROUP BY 1, 2
"""
# Only the tasks the monitor saw finish within the window are grouped. A
# state_since that is not an INTEGER makes a REAL or a negative hour (text is
# read as 0), which _compute drops: checking typeof here cost a quarter more.
_HOURLY = """
SELECT (state_since - :since) / :hour, count(*)
FROM stats_tasks
WHERE finished = 1 AND state_since >= :since
GROUP BY 1
"""
# Newest first through the tasks_by_seq index: stops after :limit successes.
_TIMES = """
SELECT t.kind, t.submitted_at, t.state_since,
       json_extract(unpack_raw(r.raw_json), '$.data[0].model_name', '$.data[0].major_model_version',
                    '$.data[0].mv', '$.submit_time', '$.finish_time')
FROM (SELECT task_id, kind, submitted_at, state_since FROM stats_tasks
      WHERE status = 'SUCCESS' ORDER BY seq DESC LIMIT :limit) AS t
LEFT JOIN stats_raw AS r ON r.task_id = t.task_id
"""
# A time that is not an INTEGER (text, a BLOB, a REAL) is no time.
_SLOWEST = """
SELECT task_id, title, status_label, since FROM (
    SELECT task_id, title, status_label,
           CASE WHEN typeof(submitted_at) = 'integer' THEN submitted_at ELSE added_at END AS since
    FROM stats_tasks
    WHERE finished = 0 AND status_label NOT IN ('NEW', 'NOT_FOUND'))
WHERE typeof(since) = 'integer'
ORDER BY since LIMIT :limit
"""


class StatsError(Exception):
    """The state file cannot be read (one line, for the user)."""


@dataclass(frozen=True, slots=True)
class ModelTimes:
    """Generation times (seconds) of one model's finished tasks."""

    model: str
    count: int
    median: float
    p90: float


@dataclass(frozen=True, slots=True)
class SlowTask:
    task_id: str
    title: str
    status_label: str
    running_seconds: float


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    finished: int
    failed: int
    times: list[ModelTimes]
    times_sample: int  # finished tasks the generation times cover
    hourly: list[int]  # finished per hour, oldest first; the last is the current hour
    slowest: list[SlowTask]
    computed_at: datetime
    seconds_taken: float = field(default=0.0, compare=False)

    @property
    def failure_rate(self) -> float | None:
        """Failed / finished, or None before anything finished."""
        return self.failed / self.finished if self.finished else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["computed_at"] = self.computed_at.isoformat()
        data["failure_rate"] = self.failure_rate
        data["throughput_hours"] = HOURS
        del data["seconds_taken"]
        return data


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile of already sorted values (not empty)."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    weight = position - low
    return sorted_values[low] * (1 - weight) + sorted_values[high] * weight


def sparkline(values: Sequence[int]) -> str:
    """One block character per value, scaled to the largest (0 -> a space)."""
    top = max(values, default=0)
    if top <= 0:
        return " " * len(values)
    out = []
    for value in values:
        if value <= 0:
            out.append(" ")
        else:
            index = max(0, math.ceil(value / top * len(_BARS)) - 1)
            out.append(_BARS[index])
    return "".join(out)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise StatsError(f"no state file at {path} (nothing watched yet)")
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        # Finished snapshots are stored compressed (schema 2): SQL reads them
        # through the store's own decoder.
        connection.create_function("unpack_raw", 1, unpack_raw, deterministic=True)
        connection.executescript(_VIEWS)
    except sqlite3.Error as error:
        raise StatsError(f"cannot read the state file {path}: {error}") from error
    return connection


def compute(path: str | Path, now: datetime | None = None) -> Stats:
    """Every figure, from the state file at ``path``. Raises StatsError."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    now = now or datetime.now(UTC)
    # The counts (the one GROUP BY over every task) run on a second connection
    # in a second thread while this one reads the rest: SQLite lets go of the
    # GIL while it works, so the two scans overlap.
    connection = _connect(Path(path))
    try:
        counter = _connect(Path(path))
    except StatsError:
        connection.close()
        raise
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats") as pool:
            counts = pool.submit(lambda: counter.execute(_COUNTS).fetchall())
            stats = _compute(connection, now, counts.result)
    except sqlite3.Error as error:
        raise StatsError(f"cannot read the state file {path}: {error}") from error
    finally:
        connection.close()
        counter.close()
    return _with_time(stats, time.perf_counter() - started)


def _with_time(stats: Stats, seconds: float) -> Stats:
    from dataclasses import replace

    return replace(stats, seconds_taken=seconds)


def _to_micros(value: datetime) -> int:
    return (value - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _compute(
    connection: sqlite3.Connection,
    now: datetime,
    counts: Callable[[], list[tuple[Any, ...]]],
) -> Stats:
    now_micros = _to_micros(now)
    current_hour = now_micros - now_micros % _MICROS_PER_HOUR
    since = current_hour - (HOURS - 1) * _MICROS_PER_HOUR
    by_status: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    hourly = [0] * HOURS
    total = finished = failed = 0
    for hour, count in connection.execute(_HOURLY, {"since": since, "hour": _MICROS_PER_HOUR}):
        if isinstance(hour, int) and 0 <= hour < HOURS:
            hourly[hour] += count
    times, sample = _times(connection.execute(_TIMES, {"limit": TIME_SAMPLE}).fetchall())
    slow_rows = connection.execute(_SLOWEST, {"limit": SLOWEST}).fetchall()
    for label, kind, count in counts():
        total += count
        by_status[str(label)] = by_status.get(str(label), 0) + count
        by_kind[str(kind)] = by_kind.get(str(kind), 0) + count
        if label in ("SUCCESS", "FAILURE"):
            finished += count
            failed += count if label == "FAILURE" else 0
    slowest = [
        SlowTask(
            task_id=clean_line(task_id),
            title=clean_line(title),
            status_label=clean_line(label),
            running_seconds=max(0.0, (now_micros - since_micros) / 1e6),
        )
        for task_id, title, label, since_micros in slow_rows
    ]
    return Stats(
        total=total,
        by_status=dict(sorted(by_status.items(), key=lambda item: (-item[1], item[0]))),
        by_kind=dict(sorted(by_kind.items(), key=lambda item: (-item[1], item[0]))),
        finished=finished,
        failed=failed,
        times=times,
        times_sample=sample,
        hourly=hourly,
        slowest=slowest,
        computed_at=now,
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _micros(value: object) -> int | None:
    """A stored time (microseconds, an INTEGER), or None for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _times(rows: Sequence[tuple[Any, ...]]) -> tuple[list[ModelTimes], int]:
    durations: dict[str, list[float]] = {}
    for kind, submitted_at, state_since, extracted in rows:
        submitted_micros, finished_micros = _micros(submitted_at), _micros(state_since)
        values: list[Any] = []
        if isinstance(extracted, str):
            try:
                parsed = json.loads(extracted)
            except ValueError:
                parsed = []
            values = parsed if isinstance(parsed, list) else []
        values += [None] * (5 - len(values))
        model = next((clean_line(v) for v in values[:3] if isinstance(v, str) and v.strip()), "")
        if not model:
            model = "(lyrics)" if kind == "lyrics" else "(unknown)"
        submit, finish = _number(values[3]), _number(values[4])
        if submit is not None and finish is not None:
            seconds = finish - submit
        elif submitted_micros is not None and finished_micros is not None:
            seconds = (finished_micros - submitted_micros) / 1e6
        else:
            continue
        if seconds >= 0:
            durations.setdefault(model, []).append(seconds)
    times = []
    for model, values in durations.items():
        values.sort()
        times.append(
            ModelTimes(model, len(values), percentile(values, 0.5), percentile(values, 0.9))
        )
    times.sort(key=lambda t: (-t.count, t.model))
    return times, len(rows)
