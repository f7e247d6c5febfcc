"""The folder's fsync after a rename is shared by the renames that came
before it started, and never skipped for one that came after."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from suno_tui.downloads import dir_sync

WAIT = 10.0  # seconds any step may take before the test fails


class BlockingSync:
    """Stands for os.fsync: each call is counted and blocks until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, fd: int) -> None:
        with self.lock:
            self.calls += 1
        self.started.release()
        assert self.release.wait(WAIT)


def test_renames_waiting_behind_one_fsync_share_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = BlockingSync()
    monkeypatch.setattr(os, "fsync", sync)
    first = threading.Thread(target=dir_sync.fsync_dir, args=(tmp_path,))
    first.start()
    assert sync.started.acquire(timeout=WAIT)  # the first fsync is under way
    # two renames after it started: its fsync does not cover them
    later = [threading.Thread(target=dir_sync.fsync_dir, args=(tmp_path,)) for _ in range(2)]
    for thread in later:
        thread.start()
    for thread in later:
        thread.join(0.2)
        assert thread.is_alive()  # they wait for an fsync of their own
    sync.release.set()
    for thread in (first, *later):
        thread.join(WAIT)
        assert not thread.is_alive()
    assert sync.calls == 2  # the first, and one shared by both later renames


def test_a_rename_after_an_fsync_gets_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(os, "fsync", calls.append)
    dir_sync.fsync_dir(tmp_path)
    dir_sync.fsync_dir(tmp_path)
    assert len(calls) == 2
