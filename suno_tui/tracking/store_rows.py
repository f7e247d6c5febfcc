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
    "stored_moment",
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


def stored_moment(value: object) -> datetime | None:
    """A time as read back from the file, or None for what is not one: the
    file may have been edited by another program, and SQLite keeps text, a
    BLOB or a number past the year 9999 in an INTEGER column."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return _EPOCH + timedelta(microseconds=value)
    except (OverflowError, ValueError):  # ValueError: NaN
        return None


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
    for row in rows:
        (
            task_id, profile, kind, status, label, title, tags, done, total,
            fraction, estimated, stage, added, submitted, since, finished, fail_reason,
            downloaded, started, misses, _seq,
        ) = row  # fmt: skip
        # A row of another program's making (a time, a count or a progress
        # that is not a number, a time past the year 9999) fails one of these
        # steps and is read again value by value (_tolerant_summary); the
        # checks cost the rows that are right ~2% of this loop.
        try:
            if (
                done.__class__ is not int
                or total.__class__ is not int
                or misses.__class__ is not int
            ):
                raise TypeError("not a count")  # counts are shown and added to as they are
            progress = progresses.get((fraction, estimated, stage))
            if progress is None:
                progress = _progress(fraction, estimated, word(stage, stage))
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
        except (TypeError, ValueError, OverflowError):
            append(_tolerant_summary(row))
            continue
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


def _progress(fraction: object, estimated: object, stage: str) -> Progress:
    """The stored progress; ValueError for one that is not a fraction."""
    if isinstance(fraction, bool) or not isinstance(fraction, int | float):
        raise ValueError("not a fraction")
    if not 0.0 <= fraction <= 1.0:  # NaN too
        raise ValueError("not a fraction")
    return Progress(fraction, bool(estimated), stage)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _tolerant_summary(row: Any) -> TaskSummary:
    """A row the fast loop could not read, each value of the wrong type (or
    out of range) replaced by a neutral one: a missing time is None, or the
    epoch for the two every task has (when it was added, and since when it
    is in its state, which falls back to when it was added)."""
    (
        task_id, profile, kind, status, label, title, tags, done, total,
        fraction, estimated, stage, added, submitted, since, finished, fail_reason,
        downloaded, started, misses, _seq,
    ) = row  # fmt: skip
    try:
        progress = _progress(fraction, estimated, _text(stage))
    except ValueError:
        progress = Progress(0.0, True, _text(stage))
    added_at = stored_moment(added) or _EPOCH
    return TaskSummary(
        task_id if isinstance(task_id, str) else str(task_id),
        _text(profile),
        _KINDS.get(kind, TaskKind.UNKNOWN) if isinstance(kind, str) else TaskKind.UNKNOWN,
        _STATUSES.get(status, TaskStatus.UNKNOWN)
        if isinstance(status, str)
        else TaskStatus.UNKNOWN,
        _text(label),
        _text(title),
        _text(tags),
        _count(done),
        _count(total),
        progress,
        added_at,
        stored_moment(submitted),
        stored_moment(since) or added_at,
        finished is True or (isinstance(finished, int) and finished != 0),
        _text(fail_reason),
        _count(downloaded),
        stored_moment(started),
        _count(misses),
    )


def transition_from_row(row: Any) -> Transition:
    # read as untrusted (see stored_moment): a time that is not one is the epoch
    from_label = row[1] if row[1] is None else _text(row[1])
    return Transition(
        task_id=row[0],
        from_label=from_label,
        to_label=_text(row[2]),
        at=stored_moment(row[3]) or _EPOCH,
        title=_text(row[4]),
    )
