"""Ctrl-C (SIGINT) to the headless commands, as real subprocesses: ``download``
and ``watch`` stop with exit 130 and one line on stderr, no traceback, and
what they were doing can be picked up again (the .part file resumes, the
watch list keeps its tasks).

The download is held mid-flight by the simulator's ASSET_STALL fault (the
answer stops after some bytes, the connection stays open) and the test waits
for the .part file to hold them: no sleep decides when the signal lands.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.simulator import Fault, ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store

SIZE = 3_000_000  # the mp3's size
STALL_AT = 700_000  # bytes sent before the answer stalls
GUARD = 60.0  # seconds: a safety net for a hung test, not a timing assertion

# A shell may have started the test run with SIGINT ignored, and children
# inherit that: the child puts Python's own handler back first.
_CHILD = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from suno_tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture
def gateway() -> Iterator[Simulator]:
    sim = Simulator(seed=5, clock=ManualClock())
    with SimulatorThread(sim):
        yield sim


def _env(tmp_path: Path, sim: Simulator) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "SUNO_TUI_CONFIG": str(tmp_path / "none.toml"),
        "SUNO_TUI_BASE_URL": sim.base_url,
        "SUNO_TUI_TOKEN": sim.token,
        "SUNO_TUI_STATE": str(tmp_path / "state.db"),
        "SUNO_TUI_DOWNLOAD_DIR": str(tmp_path / "music"),
    }


def _start(tmp_path: Path, sim: Simulator, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path, sim),
    )


def _interrupt(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(2)  # SIGINT, as Ctrl-C sends it
    try:
        return proc.communicate(timeout=GUARD)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    return lines[0]


def _wait_for_part(folder: Path, proc: subprocess.Popen[str], size: int) -> Path:
    """Until a .part file holds ``size`` bytes (polling; fails if the process
    ends first or the guard runs out)."""
    for _ in range(int(GUARD / 0.01)):
        parts = list(folder.glob("*.mp3.part")) if folder.exists() else []
        if parts and parts[0].stat().st_size >= size:
            return parts[0]
        if proc.poll() is not None:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.01)
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate()
    raise AssertionError(f"no .part of {size} bytes (exit {proc.returncode}): {err!r}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ctrl_c_mid_download_keeps_the_part_file_and_the_next_run_resumes(
    gateway: Simulator, tmp_path: Path
) -> None:
    task_id = gateway.add_task("success", elapsed=3600, asset_sizes={"mp3": SIZE})
    first_clip = gateway.render(task_id)["data"][0]["id"]
    gateway.faults.add(Fault.ASSET_STALL, times=1, after_bytes=STALL_AT)
    folder = tmp_path / "music"
    argv = ("download", task_id, "--assets", "audio", "--no-tags", "--concurrency", "1")

    proc = _start(tmp_path, gateway, *argv)
    part = _wait_for_part(folder, proc, STALL_AT)
    _, err = _interrupt(proc)

    assert proc.returncode == 130, err
    assert "partial downloads are kept" in _one_line(err)
    assert part.exists() and part.stat().st_size == STALL_AT  # kept, every byte
    assert not list(folder.glob("*.mp3"))

    served = gateway.stats.asset_bytes
    proc = _start(tmp_path, gateway, *argv)
    _, err = proc.communicate(timeout=GUARD * 5)
    assert proc.returncode == 0, err
    assert not list(folder.glob("*.part*"))
    # the stalled clip's file was resumed: its first bytes were not sent again
    assert gateway.stats.asset_bytes - served <= 2 * SIZE - STALL_AT
    for clip in gateway.render(task_id)["data"]:
        path = next(folder.glob(f"*[[]{clip['id'][:8]}].mp3"))
        expected = hashlib.sha256(b"".join(gateway.asset(clip["id"], "mp3").chunks()))
        assert _sha256(path) == expected.hexdigest(), clip["id"]
    assert any(first_clip[:8] in p.name for p in folder.glob("*.mp3"))


def test_ctrl_c_stops_watch_and_the_tasks_stay_on_the_watch_list(
    gateway: Simulator, tmp_path: Path
) -> None:
    # the simulator's clock never moves: the task stays unfinished
    task_id = gateway.add_task("success")
    proc = _start(tmp_path, gateway, "watch", task_id, "--json")
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], GUARD)
    assert ready, "watch printed nothing"
    first = proc.stdout.readline()  # the first poll's event: the watch is running
    assert task_id in first, first
    _, err = _interrupt(proc)

    assert proc.returncode == 130, err
    assert "interrupted" in _one_line(err)
    with Store.open(tmp_path / "state.db") as store:
        assert task_id in {s.task_id for s in store.load_summaries()}
