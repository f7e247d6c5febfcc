"""SQLite persistence of the watch list, last snapshots, timelines and downloads.

One file (``state.db``) in WAL mode, so a second process (a headless ``watch``
next to the app) can read and write it safely: writers take the lock with
``BEGIN IMMEDIATE`` and wait up to ``busy_timeout`` for each other.

Layout choices, measured on 10,000 tasks:

- the raw JSON lives in its own table (``task_raw``), not in ``tasks``: a row
  with a few KiB of JSON fills a page, so the list scan would read ~40 MB;
  without it loading all summaries reads ~1 MB;
- datetimes are INTEGER microseconds since the Unix epoch (UTC): exact round
  trips, cheap to convert, sortable;
- a snapshot is kept as a zlib-compressed BLOB in ``task_raw.raw_json``
  (2.3 KB of JSON becomes ~0.7 KB). Still-changing ones too: a poll rewrites
  each changed row, and 1,000 rows of 2.3 KB dirty ~1,000 pages where
  compressed ones dirty ~200: the write drops from 35 to 14 ms for 19 ms of
  compression (in the writer thread, where zlib runs without the GIL), and
  the file is a quarter of the size. SQLite columns
  are typed per value, so TEXT written before (schema 1, and unfinished
  tasks' snapshots of earlier builds) is read as it is: nothing is
  rewritten on opening;
- summaries are read page by page (``seq`` ranges), never as one list of
  100,000 row tuples: the app paints the first screen from the first page
  and reads the rest in the background.

The file's two connections (writes under a lock, from the event loop or one
writer thread; reads on their own), its transactions and its errors are
:class:`~suno_tui.tracking.store_connection.StateConnection`'s.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tracking.store_connection import StateConnection
from suno_tui.tracking.store_file import APPLICATION_ID, SCHEMA_VERSION, StoreError
from suno_tui.tracking.store_rows import (
    SUMMARY_FIELD_ORDER,
    from_micros,
    pack_raw,
    stored_moment,
    summaries_from_rows,
    summary_values,
    to_micros,
    transition_from_row,
    unpack_raw,
)

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "SUMMARY_FIELD_ORDER",
    "DownloadRecord",
    "Store",
    "StoreError",
    "pack_raw",
    "unpack_raw",
]

#: rows per executemany call (see _execute_many)
WRITE_SLICE = 200

# Summary columns, in TaskSummary order as far as summaries_from_rows reads them.
# The download count is a lookup per row (downloads_by_task), not a GROUP BY
# over the whole table, so that a page costs what its rows cost.
_SUMMARY_SELECT = """
SELECT t.task_id, t.profile, t.kind, t.status, t.status_label, t.title, t.tags,
       t.clips_done, t.clips_total, t.progress, t.progress_estimated, t.progress_stage,
       t.added_at, t.submitted_at, t.state_since, t.finished, t.fail_reason,
       (SELECT count(*) FROM downloads AS d WHERE d.task_id = t.task_id),
       t.started_at, t.misses, t.seq
FROM tasks AS t
"""
#: the list's default order (newest first), as TaskList's age sort has it
_NEWEST_FIRST = " ORDER BY coalesce(t.submitted_at, t.added_at) DESC, t.task_id"
#: rows per page of :meth:`Store.iter_summaries`
PAGE_ROWS = 2000
_INSERT_TASK = """
INSERT OR IGNORE INTO tasks (
    task_id, seq, profile, added_at, kind, status, status_label, title, tags,
    clips_done, clips_total, progress, progress_estimated, progress_stage,
    submitted_at, started_at, state_since, finished, fail_reason, misses, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# UPDATE only: a task removed while its fetch was in flight stays removed.
_UPDATE_TASK = """
UPDATE tasks SET
    kind = ?, status = ?, status_label = ?, title = ?, tags = ?,
    clips_done = ?, clips_total = ?, progress = ?, progress_estimated = ?, progress_stage = ?,
    submitted_at = ?, started_at = ?, state_since = ?, finished = ?, fail_reason = ?,
    misses = ?, updated_at = ?
WHERE task_id = ?
"""
# An upsert, not INSERT OR REPLACE: the row is updated in place rather than
# deleted and inserted again (a fifth faster for 1,000 snapshots)
_UPSERT_RAW = """
INSERT INTO task_raw (task_id, raw_json, updated_at)
SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE task_id = ?)
ON CONFLICT (task_id) DO UPDATE SET raw_json = excluded.raw_json, updated_at = excluded.updated_at
"""
_INSERT_TRANSITION = """
INSERT INTO transitions (task_id, from_label, to_label, at, title)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE task_id = ?)
"""


@dataclass(frozen=True, slots=True)
class DownloadRecord:
    """A file written for one asset (audio, video, image, lyrics...) of a clip."""

    task_id: str
    clip_id: str
    asset: str
    path: str
    size: int | None
    sha256: str | None
    at: datetime


def _execute_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
    """executemany in slices: between them the writer thread runs Python code,
    which lets the event loop's thread take the GIL (one long executemany
    starves it: measured 100 ms stalls for 9,000 rows)."""
    changed = 0
    for start in range(0, len(rows), WRITE_SLICE):
        changed += max(conn.executemany(sql, rows[start : start + WRITE_SLICE]).rowcount, 0)
    return changed


class Store:
    """The state file. Open with :meth:`open`; use as a context manager or ``close()``."""

    def __init__(self, state: StateConnection) -> None:
        self._state = state
        self.connection = state  # for the queries of other modules (tracking/offers.py)
        self.path = state.path
        self.journal_mode = state.journal_mode
        #: rows inserted/updated/deleted, for tests and stats
        self.rows_written = 0

    # -- opening and closing ------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating if needed) the state file at ``path``.

        Raises StoreError for a file that is not one of ours, is damaged, or
        was written by a newer suno-tui. Nothing is changed (mode, journal
        mode, contents) before the file is known to be ours or new: see
        :func:`~suno_tui.tracking.store_file.claim`.
        """
        return cls(StateConnection.open(path))

    def close(self) -> None:
        self._state.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the file, as far as readers allow
        (PASSIVE: never waits for them). Any thread; it holds the write lock."""
        self._state.checkpoint()

    @property
    def transactions(self) -> int:
        """Write transactions committed, for tests and stats."""
        return self._state.transactions

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- tasks --------------------------------------------------------------

    def add_tasks(self, summaries: Sequence[TaskSummary]) -> list[str]:
        """Insert new tasks (in order); ids already stored are left alone.

        Returns the ids actually inserted.
        """
        if not summaries:
            return []
        with self._state.write("cannot add tasks") as conn:
            last = conn.execute("SELECT coalesce(max(seq), 0) FROM tasks").fetchone()[0]
            rows = []
            for seq, summary in enumerate(summaries, start=last + 1):
                added = to_micros(summary.added_at)
                values = summary_values(summary)
                rows.append((summary.task_id, seq, summary.profile, added, *values, added))
            conn.executemany(_INSERT_TASK, rows)
            # Rows past the old maximum are ours: the write lock is held.
            inserted = [
                row[0]
                for row in conn.execute(
                    "SELECT task_id FROM tasks WHERE seq > ? ORDER BY seq", (last,)
                )
            ]
            self.rows_written += len(inserted)
        return inserted

    def remove_tasks(self, task_ids: Iterable[str]) -> int:
        """Forget tasks with their snapshots and timelines (download records stay)."""
        keys = [(task_id,) for task_id in dict.fromkeys(task_ids)]
        if not keys:
            return 0
        with self._state.write("cannot remove tasks") as conn:
            removed = conn.executemany("DELETE FROM tasks WHERE task_id = ?", keys).rowcount
            conn.executemany("DELETE FROM task_raw WHERE task_id = ?", keys)
            conn.executemany("DELETE FROM transitions WHERE task_id = ?", keys)
            self.rows_written += removed
        return removed

    def remove_task(self, task_id: str) -> bool:
        return self.remove_tasks([task_id]) > 0

    def save(
        self,
        changed: Sequence[tuple[TaskSummary, str | bytes | None]],
        transitions: Sequence[Transition] = (),
    ) -> int:
        """Write changed summaries (with raw JSON text, or :func:`pack_raw`'s
        bytes, or None to keep the stored one) and new transitions in one
        transaction.

        Only tasks still in the store are written: one removed meanwhile stays
        removed. Returns the number of task rows written.
        """
        if not changed and not transitions:
            return 0
        now = to_micros(datetime.now(UTC))
        updates = [(*summary_values(summary), now, summary.task_id) for summary, _ in changed]
        raws = [
            (summary.task_id, raw, now, summary.task_id)
            for summary, raw in changed
            if raw is not None
        ]
        events = [
            (t.task_id, t.from_label, t.to_label, to_micros(t.at), t.title, t.task_id)
            for t in transitions
        ]
        with self._state.write("cannot save task updates") as conn:
            written = _execute_many(conn, _UPDATE_TASK, updates)
            _execute_many(conn, _UPSERT_RAW, raws)
            _execute_many(conn, _INSERT_TRANSITION, events)
            self.rows_written += written
        return written

    def load_summaries(self) -> list[TaskSummary]:
        """Every task's summary, in the order added (raw JSON is not read)."""
        result: list[TaskSummary] = []
        for page in self.iter_summaries():
            result.extend(page)
        return result

    def iter_summaries(
        self, after_seq: int = 0, page_rows: int = PAGE_ROWS
    ) -> Iterator[list[TaskSummary]]:
        """Summaries in the order added, one page (a short read) at a time.

        Each page is its own query from where the last one stopped, so no
        read transaction stays open between pages and at most one page of
        row tuples is alive at once.
        """
        sql = _SUMMARY_SELECT + " WHERE t.seq > ? ORDER BY t.seq LIMIT ?"
        while True:
            rows = self._state.read(sql, (after_seq, page_rows))
            if not rows:
                return
            after_seq = rows[-1][-1]
            yield summaries_from_rows(rows)
            if len(rows) < page_rows:
                return

    def load_first(self, newest: int) -> list[TaskSummary]:
        """What the list needs before its first frame: every unfinished task
        (the poller wants them) and the ``newest`` finished ones (the top of
        the list in its default order); unfinished first, each part in order."""
        unfinished = self._state.read(_SUMMARY_SELECT + " WHERE t.finished = 0 ORDER BY t.seq")
        finished = self._state.read(
            _SUMMARY_SELECT + " WHERE t.finished <> 0" + _NEWEST_FIRST + " LIMIT ?",
            (max(newest, 0),),
        )
        return summaries_from_rows(unfinished + finished)

    def load_summary(self, task_id: str) -> TaskSummary | None:
        rows = self._state.read(_SUMMARY_SELECT + " WHERE t.task_id = ?", (task_id,))
        summaries = summaries_from_rows(rows)
        return summaries[0] if summaries else None

    def load_raw(self, task_id: str) -> str | None:
        """The last snapshot's JSON text, or None if never fetched."""
        rows = self._state.read("SELECT raw_json FROM task_raw WHERE task_id = ?", (task_id,))
        return unpack_raw(rows[0][0]) if rows else None

    def count_tasks(self) -> int:
        return int(self._state.read("SELECT count(*) FROM tasks")[0][0])

    def profiles(self) -> set[str]:
        """The profiles tasks were added under (without loading any task)."""
        return {str(row[0]) for row in self._state.read("SELECT DISTINCT profile FROM tasks")}

    # -- transitions --------------------------------------------------------

    def load_transitions(self, task_id: str) -> list[Transition]:
        """One task's timeline, oldest first."""
        rows = self._state.read(
            "SELECT task_id, from_label, to_label, at, title FROM transitions "
            "WHERE task_id = ? ORDER BY id",
            (task_id,),
        )
        return [transition_from_row(row) for row in rows]

    def recent_transitions(self, limit: int) -> list[Transition]:
        """The last ``limit`` transitions across all tasks, newest last."""
        if limit <= 0:
            return []
        rows = self._state.read(
            "SELECT task_id, from_label, to_label, at, title FROM "
            "(SELECT * FROM transitions ORDER BY id DESC LIMIT ?) ORDER BY id",
            (limit,),
        )
        return [transition_from_row(row) for row in rows]

    # -- downloads ----------------------------------------------------------

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str | os.PathLike[str],
        size: int | None = None,
        sha256: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Remember a finished download (replaces an earlier one of the same asset)."""
        when = to_micros(at or datetime.now(UTC))
        with self._state.write("cannot record a download") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO downloads (task_id, clip_id, asset, path, size, sha256, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (task_id, clip_id, asset, os.fspath(path), size, sha256, when),
            )
            self.rows_written += 1

    def downloads_for(self, task_id: str) -> list[DownloadRecord]:
        rows = self._state.read(
            "SELECT task_id, clip_id, asset, path, size, sha256, at FROM downloads "
            "WHERE task_id = ? ORDER BY at, clip_id, asset",
            (task_id,),
        )
        return [
            DownloadRecord(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                stored_moment(row[6]) or from_micros(0),
            )
            for row in rows
        ]

    def download_count(self, task_id: str) -> int:
        rows = self._state.read("SELECT count(*) FROM downloads WHERE task_id = ?", (task_id,))
        return int(rows[0][0])

    # -- removed tasks ------------------------------------------------------

    def remember_removed(self, tasks: Iterable[tuple[str, str]], when: datetime) -> None:
        """Note that the person stopped watching these (task id, profile) pairs
        (account discovery does not add them back)."""
        at = to_micros(when)
        rows = [(task_id, profile, at) for task_id, profile in dict(tasks).items()]
        if not rows:
            return
        with self._state.write("cannot remember removed tasks") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO removed (task_id, profile, at) VALUES (?, ?, ?)", rows
            )
            self.rows_written += len(rows)

    def removed_ids(self) -> set[str]:
        """Every task id the person ever stopped watching."""
        return {row[0] for row in self._state.read("SELECT task_id FROM removed")}
