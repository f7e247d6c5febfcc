"""Opening the state file (issue #14, items 4 and 6): nothing is changed in a
file that is not ours, and two processes opening a fresh file do not fail."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from suno_tui.tracking.store import APPLICATION_ID, Store, StoreError


def _foreign_database(path: Path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Ada')")
    connection.commit()
    connection.close()
    path.chmod(0o644)
    return path.read_bytes()


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    before = _foreign_database(other)

    with pytest.raises(StoreError, match="not a suno-tui state file"):
        Store.open(other)

    assert stat.S_IMODE(other.stat().st_mode) == 0o644  # was set to 0600
    assert other.read_bytes() == before  # was switched to WAL (header bytes 18-19)
    assert before[18:20] == b"\x01\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, -shm


def test_a_database_with_another_application_id_is_refused_unread(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("PRAGMA application_id = 1234")
    connection.execute("CREATE TABLE schema_version (version INTEGER)")  # our table's name
    connection.commit()
    connection.close()
    other.chmod(0o640)
    with pytest.raises(StoreError, match="not a suno-tui state file"):
        Store.open(other)
    assert stat.S_IMODE(other.stat().st_mode) == 0o640


def test_a_file_that_is_not_sqlite_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    notes.chmod(0o644)
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store.open(notes)
    assert stat.S_IMODE(notes.stat().st_mode) == 0o644


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened_or_changed(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o644)
    with pytest.raises(StoreError, match="not a regular file"):
        Store.open(fifo)  # before: opened for reading, and blocked forever
    assert stat.S_IMODE(fifo.stat().st_mode) == 0o644


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
def test_a_device_is_refused_and_its_mode_kept(tmp_path: Path) -> None:
    """``watch --state /dev/null`` as root made /dev/null 0600: a copy of it here."""
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.chmod(null, 0o666)
    with pytest.raises(StoreError, match="not a regular file"):
        Store.open(null)
    assert stat.S_IMODE(null.stat().st_mode) == 0o666


def test_a_new_file_is_ours_private_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.db"
    with Store.open(path) as store:
        assert store.journal_mode == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID
    with Store.open(path):  # and opens again
        pass


def test_an_empty_file_of_the_user_becomes_a_state_file_and_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.touch()
    path.chmod(0o644)
    Store.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_state_file_made_before_application_ids_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version VALUES (1)")
    connection.commit()
    connection.close()
    Store.open(path).close()
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID


def test_two_openers_racing_on_a_fresh_file_both_succeed(tmp_path: Path) -> None:
    """Before: "database is locked" in about 1 run in 20 (2 in 6 with processes):
    ``PRAGMA journal_mode = WAL`` does not wait for the busy timeout."""
    failures: list[str] = []
    for attempt in range(150):
        path = tmp_path / f"state-{attempt}.db"
        start = threading.Barrier(2)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                Store.open(path).close()
            except StoreError as error:
                failures.append(str(error))

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
