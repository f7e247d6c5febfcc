"""Crash safety (issue #8, item 3): kill -9 of ``watch`` at random moments,
two processes on one state file, and (referenced) downloads resumed after
a kill -9.

Downloads: tests/test_download_cli.py::test_process_stopped_mid_download_resumes_next_run
(``-m slow``) kills ``suno-tui download`` with SIGKILL (and SIGINT) in the
middle of a 400 MB file, runs it again, and checks the files are identical
(sha256) to the simulator's and that the kept bytes were not fetched again.
"""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from suno_tui.tracking.store import Store
from tests.reliability.crash import run_crashes


def _check(report: object, kills: int) -> None:
    assert report.problems == []  # type: ignore[attr-defined]
    assert report.kills == kills  # type: ignore[attr-defined]
    assert report.final_exit == 1  # type: ignore[attr-defined]  # failures among the tasks
    assert report.lines_checked > 0  # type: ignore[attr-defined]
    # the kills landed mid-watch, with tasks still moving
    assert report.kills_landed == kills  # type: ignore[attr-defined]
    assert report.unfinished_at_kills >= kills  # type: ignore[attr-defined]


def test_watch_killed_5_times_loses_nothing(tmp_path: Path) -> None:
    report = run_crashes(5, tmp_path, seed=1, tasks=40)
    _check(report, 5)


@pytest.mark.slow
def test_watch_killed_50_times_loses_nothing(tmp_path: Path) -> None:
    report = run_crashes(50, tmp_path, seed=2, tasks=120)
    _check(report, 50)


# -- two processes writing one state file ------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def _writer(state: Path, name: str, rounds: int, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.store_hammer",
            str(state),
            name,
            str(rounds),
            str(seed),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def test_two_processes_writing_one_state_file_never_corrupt_it(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    rng = random.Random(3)
    first = _writer(state, "first", 150, 1)
    second = _writer(state, "second", 150, 2)
    # a third writer killed with SIGKILL at random moments, mid-transaction or not
    kills = 0
    for attempt in range(3):
        third = _writer(state, "third", 10_000, 10 + attempt)
        with contextlib.suppress(subprocess.TimeoutExpired):
            third.wait(rng.uniform(0.3, 1.5))  # a random moment, not an assertion
        third.kill()
        third.wait()
        kills += third.returncode == -signal.SIGKILL
    outputs = [proc.communicate(timeout=120) for proc in (first, second)]
    for proc, (out, err) in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0, (out, err)
        assert out.strip() == "done 150"
    assert kills == 3
    with sqlite3.connect(state) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store.open(state) as store:
        ids = {summary.task_id for summary in store.load_summaries()}
        for name in ("first", "second"):
            assert {f"{name}-{n}" for n in range(10)} <= ids
        assert {f"shared-{n}" for n in range(10)} <= ids
        # each writer's last round is what it last wrote
        assert any(
            s.fail_reason == "first round 149"
            for s in store.load_summaries()
            if s.task_id.startswith("first-")
        )
