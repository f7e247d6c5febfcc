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
- a finished task's snapshot (written once, the bulk of a long history) is
  kept as a zlib-compressed BLOB in ``task_raw.raw_json`` (2.3 KB of JSON
  becomes ~0.7 KB); a snapshot still changing stays TEXT. SQLite columns are
  typed per value, so both forms live in one column and files written before
  (schema 1, all TEXT) are read as they are: the move to schema 2 rewrites
  nothing;
- summaries are read page by page (``seq`` ranges), never as one list of
  100,000 row tuples: the app paints the first screen from the first page
  and reads the rest in the background.

A connection is shared by the event loop and one writer thread
(``check_same_thread=False``); a lock serialises its use.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.model import Progress, TaskSummary, Transition

__all__ = ["SCHEMA_VERSION", "DownloadRecord", "Store", "StoreError", "pack_raw", "unpack_raw"]

#: 2: task_raw.raw_json may hold a zlib-compressed BLOB (schema 1 files need no rewrite)
SCHEMA_VERSION = 2
#: zlib level of stored snapshots: 1 is as small as 6 on this JSON, and faster
RAW_LEVEL = 1
BUSY_TIMEOUT_MS = 5000
#: PRAGMA application_id of our files ("SUNO" in ASCII), so a file is known as ours
APPLICATION_ID = 0x53554E4F
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BUSY_CODES = (getattr(sqlite3, "SQLITE_BUSY", 5), getattr(sqlite3, "SQLITE_LOCKED", 6))
#: rows per executemany call (see _execute_many)
WRITE_SLICE = 200
_SQLITE_MAGIC = b"SQLite format 3\x00"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,              -- order in which tasks were added
    profile TEXT NOT NULL,
    added_at INTEGER NOT NULL,         -- all times: microseconds since the epoch, UTC
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    status_label TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    clips_done INTEGER NOT NULL DEFAULT 0,
    clips_total INTEGER NOT NULL DEFAULT 0,
    progress REAL NOT NULL DEFAULT 0,
    progress_estimated INTEGER NOT NULL DEFAULT 1,
    progress_stage TEXT NOT NULL DEFAULT 'waiting',
    submitted_at INTEGER,
    started_at INTEGER,
    state_since INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    fail_reason TEXT NOT NULL DEFAULT '',
    misses INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE INDEX tasks_by_seq ON tasks (seq);
CREATE TABLE task_raw (
    task_id TEXT PRIMARY KEY,
    raw_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    from_label TEXT,
    to_label TEXT NOT NULL,
    at INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_by_task ON transitions (task_id, id);
CREATE TABLE downloads (
    task_id TEXT NOT NULL,
    clip_id TEXT NOT NULL,
    asset TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (clip_id, asset)
);
CREATE INDEX downloads_by_task ON downloads (task_id);
"""
# Tasks the person stopped watching, so that account discovery does not add
# them back. Created on open in old files too (a new table, no migration).
_REMOVED_TABLE = """
CREATE TABLE IF NOT EXISTS removed (
    task_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    at INTEGER NOT NULL
)
"""

# Summary columns, in TaskSummary order as far as _summaries_from_rows reads them.
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
_UPSERT_RAW = """
INSERT OR REPLACE INTO task_raw (task_id, raw_json, updated_at)
SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE task_id = ?)
"""
_INSERT_TRANSITION = """
INSERT INTO transitions (task_id, from_label, to_label, at, title)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE task_id = ?)
"""

_KINDS = {kind.value: kind for kind in TaskKind}
_STATUSES = {status.value: status for status in TaskStatus}


class StoreError(Exception):
    """The state file cannot be used; the message names it and says why."""


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


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _opt_micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def _opt_datetime(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def _execute_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
    """executemany in slices: between them the writer thread runs Python code,
    which lets the event loop's thread take the GIL (one long executemany
    starves it: measured 100 ms stalls for 9,000 rows)."""
    changed = 0
    for start in range(0, len(rows), WRITE_SLICE):
        changed += max(conn.executemany(sql, rows[start : start + WRITE_SLICE]).rowcount, 0)
    return changed


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,  # we issue BEGIN/COMMIT ourselves
        check_same_thread=False,
    )
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def _make_private_dirs(directory: Path) -> None:
    """Create missing folders with mode 0700; existing ones are left alone."""
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


# -- opening: claim the file before changing anything -------------------------------
# ``--state`` may name anything: /dev/null, another program's database. Its
# mode and journal mode are only changed once it is known to be ours or new.


def _claim(path: Path) -> None:
    """Check that ``path`` is (or can become) our state file, then make it
    private (0600). Creates a missing file exclusively; raises StoreError for
    anything else: a device, a FIFO, a folder, a file that is not SQLite, or
    another program's SQLite database."""
    try:
        _make_private_dirs(path.parent)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        except FileExistsError:
            fd = _open_existing(path)
        try:
            _check_ours(path, fd)
            if os.fstat(fd).st_mode & 0o077 and hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # tighten a file of ours made by something else
        finally:
            os.close(fd)
    except StoreError:
        raise
    except OSError as error:
        raise StoreError(f"cannot open the state file {path}: {error.strerror or error}") from None


def _open_existing(path: Path) -> int:
    """Open an existing state file, refusing what is not a regular file
    (checked before opening: opening a device can have effects of its own)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise StoreError(f"{path} is not a regular file; choose another state file")
    fd = os.open(path, os.O_RDWR | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped in the meantime
        os.close(fd)
        raise StoreError(f"{path} is not a regular file; choose another state file")
    return fd


def _check_ours(path: Path, fd: int) -> None:
    """Empty, or SQLite with our application id, or (older files, files a
    racing process is creating) SQLite whose tables are ours or none."""
    header = os.pread(fd, 100, 0)
    if not header:
        return  # new (ours, or a racing watcher's: it will be)
    if not header.startswith(_SQLITE_MAGIC):
        raise StoreError(
            f"{path} is not a suno-tui state file (not an SQLite database); "
            "move it away or choose another state file"
        )
    application_id = int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0
    if application_id == APPLICATION_ID:
        return
    if application_id == 0 and _tables_are_ours(path):
        return
    raise StoreError(
        f"{path} is an SQLite database but not a suno-tui state file; choose another state file"
    )


def _tables_are_ours(path: Path) -> bool:
    """Read the schema without writing (``mode=ro``): no journal mode change,
    no recovery, nothing created beside the file."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read the state file {path}: {error}") from None
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as error:
        raise StoreError(f"cannot read the state file {path}: {error}") from None
    finally:
        connection.close()
    tables = {name for name in names if not name.startswith("sqlite_")}
    return not tables or "schema_version" in tables


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """``PRAGMA journal_mode = WAL``, retried while another process holds the
    lock: SQLite answers "database is locked" at once here, without waiting
    for the busy timeout (two watchers on a fresh file lost 2 runs in 6)."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorcode", None) in _BUSY_CODES
            if not (busy or "locked" in str(error)) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


class Store:
    """The state file. Open with :meth:`open`; use as a context manager or ``close()``."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection  # writes (event loop or the writer thread)
        self._lock = threading.Lock()
        # Reads get their own connection: under WAL they see the last commit
        # without waiting for a long write in progress on the other one.
        self._reader: sqlite3.Connection | None = None
        self._read_lock = threading.Lock()
        self.path = path
        self.journal_mode = ""
        #: rows inserted/updated/deleted and transactions committed, for tests and stats
        self.rows_written = 0
        self.transactions = 0
        self._closed = False

    # -- opening and closing ------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating if needed) the state file at ``path``.

        Raises StoreError for a file that is not one of ours, is damaged, or
        was written by a newer suno-tui. Nothing is changed (mode, journal
        mode, contents) before the file is known to be ours or new: see
        :func:`_claim`.
        """
        path = Path(path).expanduser()
        _claim(path)
        try:
            connection = _connect(path)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the state file {path}: {error}") from None
        store = cls(connection, path)
        try:
            store._prepare()
        except BaseException:
            store.close()
            raise
        return store

    def _prepare(self) -> None:
        with self._guard("cannot open the state file"):
            conn = self._conn
            self.journal_mode = _switch_to_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._ensure_schema()
                conn.execute(_REMOVED_TABLE)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._reader = _connect(self.path)

    def _ensure_schema(self) -> None:
        conn = self._conn
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "schema_version" not in tables:
            if any(not name.startswith("sqlite_") for name in tables):
                raise StoreError(
                    f"{self.path} is an SQLite database but not a suno-tui state file; "
                    "choose another state file"
                )
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            return
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if not isinstance(version, int):
            raise StoreError(f"{self.path} has no readable schema version; it may be damaged")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer suno-tui (schema {version}; this version "
                f"reads up to {SCHEMA_VERSION}); upgrade suno-tui or choose another state file"
            )
        if conn.execute("PRAGMA application_id").fetchone()[0] == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # made before it was set
        # Older schemas are migrated here, one version at a time.
        if version < 2:
            # 1 -> 2: snapshots may be compressed BLOBs; schema 1 rows stay readable
            # as they are, so only the version moves (older readers then refuse).
            conn.execute("UPDATE schema_version SET version = 2")

    def close(self) -> None:
        with self._lock, self._read_lock:
            if not self._closed:
                self._closed = True
                if self._reader is not None:
                    self._reader.close()
                self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- plumbing -----------------------------------------------------------

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn sqlite3's errors into one StoreError line naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            text = str(error)
            if "not a database" in text or "malformed" in text:
                raise StoreError(
                    f"{self.path} is damaged or not a suno-tui state file ({text}); "
                    "move it away to start afresh"
                ) from None
            raise StoreError(f"{action} ({self.path}): {text}") from None
        except sqlite3.Error as error:
            raise StoreError(f"{action} ({self.path}): {error}") from None

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, under the lock, committed on success."""
        with self._lock, self._guard(action):
            if self._closed:
                raise StoreError(f"{action}: the state file {self.path} is closed")
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self.transactions += 1

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._read_lock, self._guard("cannot read the state file"):
            if self._closed or self._reader is None:
                raise StoreError(f"the state file {self.path} is closed")
            return self._reader.execute(sql, params).fetchall()

    # -- tasks --------------------------------------------------------------

    def add_tasks(self, summaries: Sequence[TaskSummary]) -> list[str]:
        """Insert new tasks (in order); ids already stored are left alone.

        Returns the ids actually inserted.
        """
        if not summaries:
            return []
        with self._write("cannot add tasks") as conn:
            last = conn.execute("SELECT coalesce(max(seq), 0) FROM tasks").fetchone()[0]
            rows = []
            for seq, summary in enumerate(summaries, start=last + 1):
                added = to_micros(summary.added_at)
                values = _summary_values(summary)
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
        with self._write("cannot remove tasks") as conn:
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
        updates = [(*_summary_values(summary), now, summary.task_id) for summary, _ in changed]
        raws = [
            (summary.task_id, raw, now, summary.task_id)
            for summary, raw in changed
            if raw is not None
        ]
        events = [
            (t.task_id, t.from_label, t.to_label, to_micros(t.at), t.title, t.task_id)
            for t in transitions
        ]
        with self._write("cannot save task updates") as conn:
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
            rows = self._read(sql, (after_seq, page_rows))
            if not rows:
                return
            after_seq = rows[-1][-1]
            yield _summaries_from_rows(rows)
            if len(rows) < page_rows:
                return

    def load_first(self, newest: int) -> list[TaskSummary]:
        """What the list needs before its first frame: every unfinished task
        (the poller wants them) and the ``newest`` finished ones (the top of
        the list in its default order); unfinished first, each part in order."""
        unfinished = self._read(_SUMMARY_SELECT + " WHERE t.finished = 0 ORDER BY t.seq")
        finished = self._read(
            _SUMMARY_SELECT + " WHERE t.finished <> 0" + _NEWEST_FIRST + " LIMIT ?",
            (max(newest, 0),),
        )
        return _summaries_from_rows(unfinished + finished)

    def load_summary(self, task_id: str) -> TaskSummary | None:
        rows = self._read(_SUMMARY_SELECT + " WHERE t.task_id = ?", (task_id,))
        summaries = _summaries_from_rows(rows)
        return summaries[0] if summaries else None

    def load_raw(self, task_id: str) -> str | None:
        """The last snapshot's JSON text, or None if never fetched."""
        rows = self._read("SELECT raw_json FROM task_raw WHERE task_id = ?", (task_id,))
        return unpack_raw(rows[0][0]) if rows else None

    def count_tasks(self) -> int:
        return int(self._read("SELECT count(*) FROM tasks")[0][0])

    def profiles(self) -> set[str]:
        """The profiles tasks were added under (without loading any task)."""
        return {str(row[0]) for row in self._read("SELECT DISTINCT profile FROM tasks")}

    # -- transitions --------------------------------------------------------

    def load_transitions(self, task_id: str) -> list[Transition]:
        """One task's timeline, oldest first."""
        rows = self._read(
            "SELECT task_id, from_label, to_label, at, title FROM transitions "
            "WHERE task_id = ? ORDER BY id",
            (task_id,),
        )
        return [_transition_from_row(row) for row in rows]

    def recent_transitions(self, limit: int) -> list[Transition]:
        """The last ``limit`` transitions across all tasks, newest last."""
        if limit <= 0:
            return []
        rows = self._read(
            "SELECT task_id, from_label, to_label, at, title FROM "
            "(SELECT * FROM transitions ORDER BY id DESC LIMIT ?) ORDER BY id",
            (limit,),
        )
        return [_transition_from_row(row) for row in rows]

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
        with self._write("cannot record a download") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO downloads (task_id, clip_id, asset, path, size, sha256, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (task_id, clip_id, asset, os.fspath(path), size, sha256, when),
            )
            self.rows_written += 1

    def downloads_for(self, task_id: str) -> list[DownloadRecord]:
        rows = self._read(
            "SELECT task_id, clip_id, asset, path, size, sha256, at FROM downloads "
            "WHERE task_id = ? ORDER BY at, clip_id, asset",
            (task_id,),
        )
        return [
            DownloadRecord(row[0], row[1], row[2], row[3], row[4], row[5], from_micros(row[6]))
            for row in rows
        ]

    def download_count(self, task_id: str) -> int:
        rows = self._read("SELECT count(*) FROM downloads WHERE task_id = ?", (task_id,))
        return int(rows[0][0])

    # -- removed tasks ------------------------------------------------------

    def remember_removed(self, tasks: Iterable[tuple[str, str]], when: datetime) -> None:
        """Note that the person stopped watching these (task id, profile) pairs
        (account discovery does not add them back)."""
        at = to_micros(when)
        rows = [(task_id, profile, at) for task_id, profile in dict(tasks).items()]
        if not rows:
            return
        with self._write("cannot remember removed tasks") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO removed (task_id, profile, at) VALUES (?, ?, ?)", rows
            )
            self.rows_written += len(rows)

    def removed_ids(self) -> set[str]:
        """Every task id the person ever stopped watching."""
        return {row[0] for row in self._read("SELECT task_id FROM removed")}


def pack_raw(text: str) -> bytes:
    """A snapshot's JSON text as stored compressed (see the module docstring)."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), RAW_LEVEL)


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


def _summary_values(summary: TaskSummary) -> tuple[Any, ...]:
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
        _opt_micros(summary.submitted_at),
        _opt_micros(summary.started_at),
        to_micros(summary.state_since),
        int(summary.finished),
        summary.fail_reason,
        summary.misses,
    )


#: TaskSummary fields in the order _summaries_from_rows passes them
SUMMARY_FIELD_ORDER = (
    "task_id", "profile", "kind", "status", "status_label", "title", "tags", "clips_done",
    "clips_total", "progress", "added_at", "submitted_at", "state_since", "finished",
    "fail_reason", "downloaded", "started_at", "misses",
)  # fmt: skip


def _summaries_from_rows(rows: list[Any]) -> list[TaskSummary]:
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


def _transition_from_row(row: Any) -> Transition:
    return Transition(
        task_id=row[0], from_label=row[1], to_label=row[2], at=from_micros(row[3]), title=row[4]
    )
