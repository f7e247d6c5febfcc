"""kill -9 of ``suno-tui watch`` at random moments (issue #8, item 3), shared by
tests/reliability/test_crash.py (5 kills in CI, 50 behind ``-m slow``) and
benchmarks/bench_crash.py.

A simulator runs in a SimulatorThread with a ManualClock that this thread
moves during each run, so its tasks move through their stages while ``watch
--json --interval 2`` (a real subprocess) polls them, and some are always
left unfinished until the end (no run ends by itself, however slow the
machine). The process is killed with SIGKILL at a seeded random moment:
either a random time after its start, or right after a random number of
output lines (so that the kill lands while it is printing one poll's
transitions or writing the next). After each kill:

- the state file opens (``Store.open``) and ``PRAGMA integrity_check`` is ok;
- the watch list is complete (every id given) once the process printed
  anything (ids are added before the first poll);
- every transition line the process printed, complete up to its newline, is
  in the store (``load_transitions``): the store is written first;

then ``watch`` is started again on the same state file. A last run goes to the
end; then every task is finished in its true final state, and each task's
stored timeline is one chain (each step starts where the previous ended, no
step twice).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store

STEP = 100.0  # simulated seconds the clock moves per run
SCENARIOS = ("success", "success", "failure", "partial", "lyrics")
FINAL = {"success": "SUCCESS", "failure": "FAILURE", "partial": "FAILURE", "lyrics": "SUCCESS"}
REPO = Path(__file__).resolve().parents[2]


@dataclass
class CrashReport:
    kills: int = 0
    #: kills that found the process still running (the others had ended on their own)
    kills_landed: int = 0
    #: tasks the gateway had not finished, summed over the kills that landed
    unfinished_at_kills: int = 0
    #: exit code and stderr of runs that ended before their kill
    ended_early: list[str] = field(default_factory=list)
    kills_after_lines: int = 0
    kills_at_a_time: int = 0
    lines_checked: int = 0  # transition lines printed by killed processes, found in the store
    kills_before_any_output: int = 0
    final_exit: int | None = None
    transitions_stored: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Reader(threading.Thread):
    """Collects a process's stdout as complete lines (a killed process may
    leave half a line)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self.proc = proc
        self.data = b""
        self.lines = 0
        self.changed = threading.Condition()

    def run(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(65536):
            with self.changed:
                self.data += chunk
                self.lines = self.data.count(b"\n")
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for_lines(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(
                lambda: self.lines >= count or self.proc.poll() is not None, timeout
            )

    def complete_lines(self) -> list[dict[str, Any]]:
        text = self.data.rsplit(b"\n", 1)[0] if b"\n" in self.data else b""
        return [json.loads(line) for line in text.decode("utf-8").splitlines() if line.strip()]


def _env(tmp: Path, sim: Simulator, base_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SUNO_TUI_") and key != "SSH_CONNECTION"
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp / "config"),
        SUNO_TUI_BASE_URL=base_url,
        SUNO_TUI_TOKEN=sim.token,
        PYTHONPATH=str(REPO),
    )
    return env


def _spawn(
    state: Path, ids: list[str], env: dict[str, str], stderr: Path
) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "suno_tui", "watch", "--json", "--interval", "2"]
    argv += ["--state", str(state), *ids]
    with stderr.open("wb") as errors:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=REPO)


def _check_after_kill(
    state: Path, ids: list[str], printed: list[dict[str, Any]], report: CrashReport
) -> None:
    with sqlite3.connect(state) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        report.problems.append(f"kill {report.kills}: integrity_check says {verdict}")
    with Store.open(state) as store:
        stored = {summary.task_id for summary in store.load_summaries()}
        if printed and not set(ids) <= stored:
            report.problems.append(f"kill {report.kills}: watch list lacks {set(ids) - stored}")
        timelines: dict[str, list[tuple[str | None, str]]] = {}
        for event in printed:
            if event["event"] != "transition":
                continue
            task_id = event["task_id"]
            if task_id not in timelines:
                timelines[task_id] = [
                    (t.from_label, t.to_label) for t in store.load_transitions(task_id)
                ]
            if (event["from"], event["to"]) not in timelines[task_id]:
                report.problems.append(
                    f"kill {report.kills}: printed {task_id} {event['from']} -> {event['to']} "
                    "is not in the store"
                )
            report.lines_checked += 1


def _check_end(state: Path, tasks: dict[str, str], sim: Simulator, report: CrashReport) -> None:
    with Store.open(state) as store:
        summaries = {summary.task_id: summary for summary in store.load_summaries()}
        for task_id, scenario in tasks.items():
            summary = summaries.get(task_id)
            if summary is None:
                report.problems.append(f"{task_id} lost from the watch list")
                continue
            if not summary.finished or summary.status_label != FINAL[scenario]:
                report.problems.append(
                    f"{task_id} ({scenario}) ended as {summary.status_label}, "
                    f"finished={summary.finished}; the gateway says {sim.status(task_id)}"
                )
            chain = store.load_transitions(task_id)
            report.transitions_stored += len(chain)
            previous: str | None = None
            seen = set()
            for step in chain:
                if step.from_label != previous or (step.from_label, step.to_label) in seen:
                    report.problems.append(
                        f"{task_id}: timeline is not one chain: "
                        f"{[(t.from_label, t.to_label) for t in chain]}"
                    )
                    break
                seen.add((step.from_label, step.to_label))
                previous = step.to_label


def run_crashes(kills: int, tmp: Path, *, seed: int = 0, tasks: int = 60) -> CrashReport:
    rng = random.Random(seed)
    report = CrashReport()
    clock = ManualClock()
    sim = Simulator(seed=seed, clock=clock)
    # Time moves only when this thread says: STEP simulated seconds per run,
    # half before it starts and half at a random moment while it polls. Tasks
    # end at moments spread over the whole series, each through four stages,
    # so every run has tasks that change and tasks left to follow.
    span = STEP * kills
    scenario_of: dict[str, str] = {}
    for index in range(tasks):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        cuts = sorted(rng.uniform(0, 1) for _ in range(3))
        total = rng.uniform(STEP / 4, span - STEP / 4)
        shares = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 1 - cuts[2]]
        stages = ("not_start", "submitted", "queued", "in_progress")
        delays = {stage: share * total for stage, share in zip(stages, shares, strict=True)}
        scenario_of[sim.add_task(scenario, delays=delays)] = scenario
    ids = list(scenario_of)
    state = tmp / "state.db"
    with SimulatorThread(sim) as base_url:
        env = _env(tmp, sim, base_url)
        for _ in range(kills):
            clock.advance(STEP / 2)
            later = threading.Timer(rng.uniform(0.0, 2.5), clock.advance, [STEP / 2])
            proc = _spawn(state, ids, env, tmp / "stderr.txt")
            later.start()
            reader = _Reader(proc)
            reader.start()
            try:
                if rng.random() < 0.5:
                    report.kills_after_lines += 1
                    reader.wait_for_lines(rng.randint(1, tasks), timeout=5.0)
                else:
                    report.kills_at_a_time += 1
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(rng.uniform(0.05, 3.0))  # a random moment, not an assertion
            finally:
                if proc.poll() is None:
                    report.kills_landed += 1
                    unfinished = sum(1 for task_id in ids if not sim.status(task_id).terminal)
                    report.unfinished_at_kills += unfinished
                else:
                    tail = (tmp / "stderr.txt").read_text(errors="replace")[-300:]
                    report.ended_early.append(f"exit {proc.returncode}: {tail}")
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                later.cancel()
                later.join()
                reader.join()
            report.kills += 1
            printed = reader.complete_lines()
            if not printed:
                report.kills_before_any_output += 1
            _check_after_kill(state, ids, printed, report)
        clock.advance(span)  # every task ends
        # the last run, to the end
        deadline = time.monotonic() + 120
        proc = _spawn(state, ids, env, tmp / "stderr.txt")
        reader = _Reader(proc)
        reader.start()
        try:
            report.final_exit = proc.wait(max(1.0, deadline - time.monotonic()))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join()
        _check_end(state, scenario_of, sim, report)
    return report
