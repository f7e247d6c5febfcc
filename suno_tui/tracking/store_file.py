"""Opening the state file: claim it, connect, WAL, and its schema.

``--state`` may name anything (/dev/null, another program's database), so the
file is checked to be ours or new before anything about it changes. The open
file's connections are :mod:`suno_tui.tracking.store_connection`'s, the
queries on it :mod:`suno_tui.tracking.store`'s.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "LINEAGE_TABLES",
    "REMOVED_TABLE",
    "SCHEMA_VERSION",
    "StoreError",
    "claim",
    "connect",
    "ensure_schema",
    "switch_to_wal",
]

#: 2: task_raw.raw_json may hold a zlib-compressed BLOB (schema 1 files need no rewrite)
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000
#: PRAGMA application_id of our files ("SUNO" in ASCII), so a file is known as ours
APPLICATION_ID = 0x53554E4F
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BUSY_CODES = (getattr(sqlite3, "SQLITE_BUSY", 5), getattr(sqlite3, "SQLITE_LOCKED", 6))
_SQLITE_MAGIC = b"SQLite format 3\x00"

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
REMOVED_TABLE = """
CREATE TABLE IF NOT EXISTS removed (
    task_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    at INTEGER NOT NULL
)
"""


# Clip actions a gateway answered it does not offer (concat, WAV... on stock
# new-api), per base URL, so that they are not asked for again. Created on
# open in old files too (a new table, no migration), as ``removed`` is.
NOT_OFFERED_TABLE = """
CREATE TABLE IF NOT EXISTS not_offered (
    base_url TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (base_url, action)
)
"""


# What each task made by extending or joining was made from (the clip, its
# task when known, the point), as the submit knew it or as the clips'
# metadata told it (tracking/lineage_book.py). Created on open in old files
# too (new tables, no migration), as ``removed`` is.
LINEAGE_TABLES = (
    """
CREATE TABLE IF NOT EXISTS lineage (
    task_id TEXT PRIMARY KEY,          -- the task made by extending or joining
    kind TEXT NOT NULL,                -- 'extend' or 'concat'
    clip_id TEXT NOT NULL,             -- the clip it was made from
    parent_task_id TEXT,               -- the task that made that clip (NULL: not known)
    at REAL,                           -- seconds into that clip (NULL: concat, or not known)
    source TEXT NOT NULL,              -- 'submit' (sent from here) or 'history' (metadata)
    at_time INTEGER NOT NULL
)
""",
    "CREATE INDEX IF NOT EXISTS lineage_by_clip ON lineage (clip_id)",
    "CREATE INDEX IF NOT EXISTS lineage_by_parent ON lineage (parent_task_id)",
)


class StoreError(Exception):
    """The state file cannot be used; the message names it and says why."""


def connect(path: Path) -> sqlite3.Connection:
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


def claim(path: Path) -> None:
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


def switch_to_wal(conn: sqlite3.Connection) -> str:
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


def ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Create our tables in a new file, or check (and migrate) the schema of one
    of ours; inside the opening transaction."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "schema_version" not in tables:
        if any(not name.startswith("sqlite_") for name in tables):
            raise StoreError(
                f"{path} is an SQLite database but not a suno-tui state file; "
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
        raise StoreError(f"{path} has no readable schema version; it may be damaged")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer suno-tui (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); upgrade suno-tui or choose another state file"
        )
    if conn.execute("PRAGMA application_id").fetchone()[0] == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # made before it was set
    # Older schemas are migrated here, one version at a time.
    if version < 2:
        # 1 -> 2: snapshots may be compressed BLOBs; schema 1 rows stay readable
        # as they are, so only the version moves (older readers then refuse).
        conn.execute("UPDATE schema_version SET version = 2")
