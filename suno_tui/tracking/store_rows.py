"""How a task is written to and read from the state file's rows: times as
integer microseconds, snapshots compressed, and the summary columns."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.model import Progress, TaskSummary, Transition

__all__ = [
    "SUMMARY_FIELD_ORDER",
    "from_micros",
    "opt_datetime",
    "opt_micros",
    "pack_raw",
    "summaries_from_rows",
    "summary_values",
    "to_micros",
    "transition_from_row",
    "unpack_raw",
]

#: zlib level of stored snapshots: 1 is as small as 6 on this JSON, and faster
RAW_LEVEL = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_KINDS = {kind.value: kind for kind in TaskKind}
_STATUSES = {status.value: status for status in TaskStatus}


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def opt_micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def opt_datetime(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def pack_raw(text: str) -> bytes:
    """A snapshot's JSON text as stored compressed (see the module docstring)."""
    data = text.encode("utf-8", "surrogatepass")
    # A window no wider than the text (at least 4 KiB) compresses it exactly as
    # well, and zlib sets up a small one in half the time (~15 us, not ~30, for
    # a 2 KiB snapshot). The window is in the header: decompress reads any.
    return zlib.compress(data, RAW_LEVEL, max(12, min(15, len(data).bit_length())))


def unpack_raw(value: object) -> str | None:
    """The JSON text of a stored snapshot (TEXT as is, a BLOB decompressed);
    None for a value that is neither (a damaged row)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return zlib.decompress(value).decode("utf-8", "surrogatepass")
        except (zlib.error, UnicodeDecodeError):
            return None
    return None


def summary_values(summary: TaskSummary) -> tuple[Any, ...]:
    """The columns from ``kind`` to ``misses``, as _UPDATE_TASK lists them."""
    progress = summary.progress
    return (
        summary.kind.value,
        summary.status.value,
        summary.status_label,
        summary.title,
        summary.tags,
        summary.clips_done,
        summary.clips_total,
        progress.fraction,
        int(progress.estimated),
        progress.stage,
        opt_micros(summary.submitted_at),
        opt_micros(summary.started_at),
        to_micros(summary.state_since),
        int(summary.finished),
        summary.fail_reason,
        summary.misses,
    )


#: TaskSummary fields in the order summaries_from_rows passes them
SUMMARY_FIELD_ORDER = (
    "task_id", "profile", "kind", "status", "status_label", "title", "tags", "clips_done",
    "clips_total", "progress", "added_at", "submitted_at", "state_since", "finished",
    "fail_reason", "downloaded", "started_at", "misses",
)  # fmt: skip


def summaries_from_rows(rows: list[Any]) -> list[TaskSummary]:
    # The hot loop of start-up (10,000 rows): arguments are positional (see
    # SUMMARY_FIELD_ORDER; a test checks it), and the Progress values, short
    # words and datetimes that repeat (tasks added together) are shared.
    progresses: dict[tuple[float, int, str], Progress] = {}
    words: dict[str, str] = {}
    moments: dict[int, datetime] = {}
    kinds, statuses = _KINDS, _STATUSES
    unknown_kind, unknown_status = TaskKind.UNKNOWN, TaskStatus.UNKNOWN
    epoch, micro = _EPOCH, _MICROSECOND
    word, moment = words.setdefault, moments.get
    summary = TaskSummary
    result: list[TaskSummary] = []
    append = result.append
    for (
        task_id, profile, kind, status, label, title, tags, done, total,
        fraction, estimated, stage, added, submitted, since, finished, fail_reason,
        downloaded, started, misses, _seq,
    ) in rows:  # fmt: skip
        progress = progresses.get((fraction, estimated, stage))
        if progress is None:
            progress = Progress(fraction, bool(estimated), word(stage, stage))
            progresses[(fraction, estimated, stage)] = progress
        added_at = moment(added) or moments.setdefault(added, epoch + added * micro)
        since_at = moment(since) or moments.setdefault(since, epoch + since * micro)
        submitted_at = started_at = None
        if submitted is not None:
            submitted_at = moment(submitted) or moments.setdefault(
                submitted, epoch + submitted * micro
            )
        if started is not None:
            started_at = moment(started) or moments.setdefault(started, epoch + started * micro)
        append(
            summary(
                task_id,
                word(profile, profile),
                kinds.get(kind, unknown_kind),
                statuses.get(status, unknown_status),
                word(label, label),
                title,
                tags,
                done,
                total,
                progress,
                added_at,
                submitted_at,
                since_at,
                bool(finished),
                fail_reason,
                downloaded,
                started_at,
                misses,
            )
        )
    return result


def transition_from_row(row: Any) -> Transition:
    return Transition(
        task_id=row[0], from_label=row[1], to_label=row[2], at=from_micros(row[3]), title=row[4]
    )
