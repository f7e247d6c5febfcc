"""``suno-tui sync`` as a real process: killed (``kill -9``) or interrupted
(Ctrl-C) mid-transfer and run again (the ``.part`` files resume), and
``--watch`` following the account until a task finishes, then Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from suno_tui.simulator import ManualClock, ScaledClock, Simulator, SimulatorThread

MB = 1_000_000
#: guards against a child that never gets where the test waits for it (not measurements)
GUARD = 120.0


def _env(tmp_path: Path, sim: Simulator, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNO_TUI_")}
    return {
        **env,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "SUNO_TUI_BASE_URL": base_url,
        "SUNO_TUI_TOKEN": sim.token,
        "SUNO_TUI_ACCESS_TOKEN": sim.access_token,
        "SUNO_TUI_USER_ID": str(sim.user_id),
        "SUNO_TUI_STATE": str(tmp_path / "state.db"),
    }


def _spawn(env: dict[str, str], *argv: str) -> subprocess.Popen[str]:
    code = "import sys; from suno_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "sync", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _wait_for_part(folder: Path, proc: subprocess.Popen[str], size: int) -> int:
    """Until a .part holds ``size`` bytes (polling the disk, bounded); its size."""
    deadline = time.monotonic() + GUARD
    while proc.poll() is None:
        held = 0
        for part in folder.glob("*.mp3.part") if folder.exists() else ():
            with contextlib.suppress(FileNotFoundError):  # renamed meanwhile
                held = max(held, part.stat().st_size)
        if held >= size:
            return held
        if time.monotonic() >= deadline:
            raise AssertionError(f"no .part of {size} bytes after {GUARD:g} s")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.01)
    raise AssertionError(f"sync ended before it could be stopped: {proc.returncode}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_sync_stopped_mid_transfer_resumes_its_part_files(
    tmp_path: Path, sig: signal.Signals
) -> None:
    # 2 MB/s shared by every asset body: an 6 MB mp3 takes seconds, so the
    # signal lands mid-file.
    sim = Simulator(seed=4, clock=ManualClock(time.time()), link_rate=2 * MB)
    folder = tmp_path / "library"
    with SimulatorThread(sim) as base_url:
        task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": 6 * MB})
        env = _env(tmp_path, sim, base_url)
        proc = _spawn(env, str(folder), "--concurrency", "1", "--json")
        try:
            _wait_for_part(folder, proc, MB)
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=GUARD)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if sig == signal.SIGINT:
            assert proc.returncode == 130, err
            assert "partial downloads are kept" in err and "Traceback" not in err
        else:
            assert proc.returncode == -signal.SIGKILL
        kept = sum(p.stat().st_size for p in folder.glob("*.part"))
        assert kept >= MB
        served_before = sim.stats.asset_bytes

        proc = _spawn(env, str(folder), "--json")
        out, err = proc.communicate(timeout=GUARD)
        assert proc.returncode == 0, err
        assert not list(folder.glob("*.part*"))
        summary = json.loads(out.splitlines()[-1])
        assert summary["failed"] == 0 and summary["new"] + summary["present"] == 8
        for clip in sim.render(task_id)["data"]:
            path = next(folder.glob(f"*[[]{clip['id'][:8]}].mp3"))
            assert path.stat().st_size >= 6 * MB  # the whole file, tags added
        # the kept bytes were not fetched again
        total = sum(
            sim.asset(clip["id"], kind).size
            for clip in sim.render(task_id)["data"]
            for kind in ("mp3", "jpeg_large")  # the cover: its large image
        )
        assert sim.stats.asset_bytes - served_before <= total - kept


def _read_lines(proc: subprocess.Popen[str], lines: list[dict[str, Any]], seen: threading.Event,
                wanted: int) -> None:  # fmt: skip
    """Collect the child's JSON lines; set ``seen`` once ``wanted`` files are done."""
    assert proc.stdout is not None
    for line in proc.stdout:
        document = json.loads(line)
        lines.append(document)
        if sum(d.get("state") == "done" for d in lines) >= wanted:
            seen.set()


def test_watch_downloads_a_task_as_it_finishes_until_ctrl_c(tmp_path: Path) -> None:
    # Ten times as fast as the wall clock: the task generates for 30 s of its time.
    sim = Simulator(seed=8, clock=ScaledClock(speed=10))
    folder = tmp_path / "library"
    with SimulatorThread(sim) as base_url:
        done = sim.add_task("success", elapsed=3600)
        delays = {"not_start": 0.0, "submitted": 0.0, "queued": 0.0, "in_progress": 30.0}
        running = sim.add_task("success", delays=delays)
        env = _env(tmp_path, sim, base_url)
        proc = _spawn(env, str(folder), "--watch", "--json", "--interval", "1")
        lines: list[dict[str, Any]] = []
        seen = threading.Event()
        # the first pass's 8 files, then the running task's 8
        reader = threading.Thread(target=_read_lines, args=(proc, lines, seen, 16), daemon=True)
        reader.start()
        try:
            assert seen.wait(GUARD), (lines, proc.poll())
            proc.send_signal(signal.SIGINT)
            proc.wait(GUARD)
            reader.join(GUARD)
            assert proc.stderr is not None
            err = proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        watching = next(i for i, d in enumerate(lines) if d["event"] == "watching")
        assert lines[watching] == {"event": "watching", "source": "account"}
        first = {d["task_id"] for d in lines[:watching] if d["event"] == "file"}
        later = {d["task_id"] for d in lines[watching + 1 :] if d.get("state") == "done"}
        assert first == {done} and later == {running}
        summary = lines[-1]
        assert summary["event"] == "summary" and summary["new"] == 16 and summary["failed"] == 0
        assert summary["unfinished"] == 1  # seen running by the first pass
        assert len(list(folder.glob("*.mp3"))) == 4
