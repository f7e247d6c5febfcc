"""An open state file: its two connections, its transactions, its errors.

Writes go through one connection, shared by the event loop and one writer
thread (``check_same_thread=False``); a lock serialises its use. Reads get
their own connection: under WAL they see the last commit without waiting for
a long write in progress on the other one. Every sqlite3 error leaves as one
:class:`~suno_tui.tracking.store_file.StoreError` line naming the file.

What is asked of the file (the queries) is :mod:`suno_tui.tracking.store`'s;
claiming, connecting and the schema are :mod:`suno_tui.tracking.store_file`'s.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from suno_tui.tracking.store_file import (
    LINEAGE_TABLES,
    NOT_OFFERED_TABLE,
    REMOVED_TABLE,
    StoreError,
    claim,
    connect,
    ensure_schema,
    switch_to_wal,
)

__all__ = ["AUTOCHECKPOINT_PAGES", "StateConnection"]

# SQLite copies the write-ahead log into the file (a checkpoint, with two
# fsyncs) inside whichever commit takes the log past this many pages. The
# tracker checkpoints in a worker thread after its writes instead, so that
# 15-30 ms lands off the path of a poll; this is only the net under it.
AUTOCHECKPOINT_PAGES = 8000


class StateConnection:
    """The state file, open. Open with :meth:`open`; ``close()`` when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection  # writes (event loop or the writer thread)
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._read_lock = threading.Lock()
        self.path = path
        self.journal_mode = ""
        #: transactions committed, for tests and stats
        self.transactions = 0
        self._closed = False

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> StateConnection:
        """Open (creating if needed) the state file at ``path``.

        Raises StoreError for a file that is not one of ours, is damaged, or
        was written by a newer suno-tui. Nothing is changed (mode, journal
        mode, contents) before the file is known to be ours or new: see
        :func:`~suno_tui.tracking.store_file.claim`.
        """
        path = Path(path).expanduser()
        claim(path)
        try:
            connection = connect(path)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the state file {path}: {error}") from None
        state = cls(connection, path)
        try:
            state._prepare()
        except BaseException:
            state.close()
            raise
        return state

    def _prepare(self) -> None:
        with self._guard("cannot open the state file"):
            conn = self._conn
            self.journal_mode = switch_to_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                ensure_schema(conn, self.path)
                conn.execute(REMOVED_TABLE)
                conn.execute(NOT_OFFERED_TABLE)
                for statement in LINEAGE_TABLES:
                    conn.execute(statement)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._reader = connect(self.path)

    def close(self) -> None:
        with self._lock, self._read_lock:
            if not self._closed:
                self._closed = True
                if self._reader is not None:
                    self._reader.close()
                self._conn.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the file, as far as readers allow
        (PASSIVE: never waits for them). Any thread; it holds the write lock."""
        with self._lock, self._guard("cannot checkpoint the state file"):
            if not self._closed:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

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
    def write(self, action: str) -> Iterator[sqlite3.Connection]:
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

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one query, on the reading connection."""
        with self._read_lock, self._guard("cannot read the state file"):
            if self._closed or self._reader is None:
                raise StoreError(f"the state file {self.path} is closed")
            return self._reader.execute(sql, params).fetchall()
