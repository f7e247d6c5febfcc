"""``suno-tui watch`` end to end against the simulator over loopback HTTP.

The engine (``run_watch``) runs on the simulator's ManualClock: the poller's
waits advance that clock instead of sleeping, so a task's whole lifecycle
takes no wall-clock time. The command-line tests use tasks that are already
at their end, so they finish in one round.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from suno_tui.cli import main
from suno_tui.config import GATEWAY_KEYS, Gateway, Settings
from suno_tui.engine.watch import WatchEnd, WatchOptions, run_watch
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.tracking.model import TaskSummary, Transition


class Recorder:
    def __init__(self) -> None:
        self.transitions: list[Transition] = []
        self.ends: list[tuple[str, str, dict[str, Any]]] = []
        self.problems: list[str] = []

    def transition(self, transition: Transition) -> None:
        self.transitions.append(transition)

    def finished(self, summary: TaskSummary, task: dict[str, Any], paths: list[str]) -> None:
        self.ends.append((summary.task_id, summary.status_label, task))

    def problem(self, message: str) -> None:
        self.problems.append(message)


def settings_for(sim: Simulator, tmp_path: Path, **changes: Any) -> Settings:
    """Settings for the simulator; ``changes`` may hold gateway keys and others."""
    gateway: dict[str, Any] = {"base_url": sim.base_url, "token": sim.token}
    values: dict[str, Any] = {
        "state_path": tmp_path / "state.db",
        "download_dir": tmp_path / "music",
    }
    for name, value in changes.items():
        (gateway if name in GATEWAY_KEYS else values)[name] = value
    return Settings(**values).with_gateway(Gateway(**gateway))


def manual(sim: Simulator) -> ManualClock:
    assert isinstance(sim.clock, ManualClock)
    return sim.clock


async def watch(sim: Simulator, settings: Settings, ids: list[str], **options: Any) -> Any:
    clock = manual(sim)
    recorder = Recorder()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    outcome = await asyncio.wait_for(
        run_watch(settings, ids, WatchOptions(**options), recorder, clock=now, sleep=sleep),
        timeout=30,  # a guard against a hang, not a measurement
    )
    return outcome, recorder


async def test_tasks_move_through_their_lifecycle_until_success(
    simulator: Simulator, tmp_path: Path
) -> None:
    ids = [simulator.add_task("success"), simulator.add_task("lyrics")]
    outcome, seen = await watch(simulator, settings_for(simulator, tmp_path), ids)

    assert outcome.end is WatchEnd.ALL_SUCCEEDED
    first = [t.to_label for t in seen.transitions if t.task_id == ids[0]]
    assert first[-1] == "SUCCESS"
    assert "IN_PROGRESS" in first  # seen on the way, not only the end
    assert {task_id for task_id, _, _ in seen.ends} == set(ids)
    music = next(task for task_id, _, task in seen.ends if task_id == ids[0])
    assert len(music["clips"]) == 2 and music["status"] == "SUCCESS"


async def test_a_failed_or_unknown_task_ends_as_some_failed(
    simulator: Simulator, tmp_path: Path
) -> None:
    ids = [simulator.add_task("success"), simulator.add_task("partial"), "no-such-task"]
    outcome, seen = await watch(simulator, settings_for(simulator, tmp_path), ids)
    assert outcome.end is WatchEnd.SOME_FAILED
    labels = {task_id: label for task_id, label, _ in seen.ends}
    assert labels == {ids[0]: "SUCCESS", ids[1]: "FAILURE", "no-such-task": "NOT_FOUND"}


async def test_only_the_watched_ids_are_polled(simulator: Simulator, tmp_path: Path) -> None:
    settings = settings_for(simulator, tmp_path)
    others = [simulator.add_task("stuck") for _ in range(3)]
    from suno_tui.engine.watchlist import add_to_watchlist

    add_to_watchlist(settings, others)  # the monitor watches these; watch must not poll them
    mine = simulator.add_task("success", elapsed=10_000)
    outcome, _ = await watch(simulator, settings, [mine])
    assert outcome.end is WatchEnd.ALL_SUCCEEDED
    assert simulator.stats.requests.get("fetch", 0) == 1


async def test_timeout_ends_the_watch(simulator: Simulator, tmp_path: Path) -> None:
    stuck = simulator.add_task("stuck")
    outcome, _ = await watch(simulator, settings_for(simulator, tmp_path), [stuck], timeout=120)
    assert outcome.end is WatchEnd.TIMED_OUT
    assert "timed out after 120 s" in outcome.messages[0]


async def test_a_gateway_that_stays_down_ends_the_watch(
    simulator: Simulator, tmp_path: Path
) -> None:
    task = simulator.add_task("success")
    simulator.faults.add("http_500", times=None)
    outcome, _ = await watch(
        simulator, settings_for(simulator, tmp_path), [task], unreachable_after=300
    )
    assert outcome.end is WatchEnd.UNREACHABLE
    assert "unreachable for 300 s" in outcome.messages[0]


async def test_transient_faults_are_survived(simulator: Simulator, tmp_path: Path) -> None:
    task = simulator.add_task("success")
    simulator.faults.add("rate_limit", times=2, retry_after=20)
    simulator.faults.add("http_502", times=1, after=2)
    simulator.faults.add("truncated_json", times=1, after=3)
    outcome, _ = await watch(simulator, settings_for(simulator, tmp_path), [task])
    assert outcome.end is WatchEnd.ALL_SUCCEEDED


async def test_a_refused_token_ends_the_watch(simulator: Simulator, tmp_path: Path) -> None:
    settings = settings_for(simulator, tmp_path, token="sk-wrong-SECRET")
    outcome, _ = await watch(simulator, settings, [simulator.add_task("success")])
    assert outcome.end is WatchEnd.AUTH_REFUSED
    assert "sk-wrong-SECRET" not in " ".join(outcome.messages)


async def test_the_hook_runs_once_per_finished_task_without_a_shell(
    simulator: Simulator, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    title = f"$(touch {marker}); `touch {marker}` & touch {marker} #"
    task = simulator.add_task("success", title=title, elapsed=10_000)
    log = tmp_path / "hook.log"
    script = tmp_path / "hook.py"
    script.write_text(
        "import json, os, sys\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
        "    task = json.load(sys.stdin)\n"
        "    f.write(json.dumps([os.environ['SUNO_TUI_TASK_ID'], os.environ['SUNO_TUI_STATUS'],"
        " task['clips'][0]['title']]) + '\\n')\n"
    )
    settings = settings_for(
        simulator, tmp_path, on_finish=shlex.join([sys.executable, str(script)])
    )
    outcome, _ = await watch(simulator, settings, [task])
    assert outcome.end is WatchEnd.ALL_SUCCEEDED
    lines = log.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [[task, "SUCCESS", title]]
    assert not marker.exists()


# -- the command line ---------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["watch", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_stream_and_exit_0(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    task = served.add_task("success", elapsed=10_000)
    code, out, err = run_cli(capsys, "--json", task)
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["transition", "finished"]
    assert events[0]["task_id"] == task and events[0]["to"] == "SUCCESS"
    assert events[0]["at"].endswith("Z")
    assert events[1]["task"]["task_id"] == task and len(events[1]["task"]["clips"]) == 2
    assert served.token not in out + err
    assert "1 task: 1 SUCCESS" in err


def test_cli_text_lines_and_exit_1(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    task = served.add_task("failure", elapsed=10_000)
    code, out, _ = run_cli(capsys, task)
    assert code == 1
    assert f"{task}  NEW -> FAILURE" in out


def test_cli_exit_2_for_usage(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys)[0] == 2
    assert run_cli(capsys, "bad id\x1b[2J")[0] == 2


def test_cli_exit_3_for_a_refused_token(
    served: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-bad-SECRET-77")
    code, out, err = run_cli(capsys, served.add_task("success"))
    assert code == 3
    assert "authentication refused" in err
    assert "sk-bad-SECRET-77" not in out + err


def test_cli_exit_4_when_unreachable(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    served.faults.add("reset", times=None)
    code, _, err = run_cli(capsys, "--unreachable-after", "0", served.add_task("success"))
    assert code == 4
    assert "unreachable" in err


async def test_download_fetches_each_finished_task_and_passes_paths_to_the_hook(
    simulator: Simulator, tmp_path: Path
) -> None:
    task = simulator.add_task("success", title="Glass River", asset_sizes={"mp3": 200_000})
    log = tmp_path / "hook.log"
    script = tmp_path / "hook.py"
    script.write_text(
        f"import os\nopen({str(log)!r}, 'w').write(os.environ['SUNO_TUI_DOWNLOADS'])\n"
    )
    settings = settings_for(
        simulator, tmp_path, on_finish=shlex.join([sys.executable, str(script)])
    )
    clock = manual(simulator)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    seen = Recorder()
    outcome = await asyncio.wait_for(
        run_watch(
            settings,
            [task],
            WatchOptions(download=True),
            seen,
            sleep=sleep,
            clock=lambda: datetime.fromtimestamp(clock.now(), UTC),
        ),
        timeout=30,
    )
    assert outcome.end is WatchEnd.ALL_SUCCEEDED, seen.problems
    paths = [Path(line) for line in log.read_text().splitlines()]
    names = sorted(path.name for path in paths)
    assert any(name.startswith("Glass River [") and name.endswith(".mp3") for name in names)
    assert all(path.is_file() and path.parent == tmp_path / "music" for path in paths)
    mp3 = next(path for path in paths if path.suffix == ".mp3")
    assert mp3.stat().st_size > 200_000  # the source plus its ID3 tags
    assert not list((tmp_path / "music").glob("*.part"))


def _config_with_profile(tmp_path: Path, base_url: str, token_command: list[str]) -> None:
    folder = tmp_path / "config" / "suno-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        f"[profiles.other]\nbase_url = {json.dumps(base_url)}\n"
        f"token_command = {json.dumps(shlex.join(token_command))}\n"
    )


def test_finished_tasks_of_a_broken_profile_are_reported_with_exit_0(
    served: Simulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing is left to poll for profile 'other': its failing token_command
    must not be run, so the watch reports the task instead of exiting 2."""
    printing = [sys.executable, "-c", f"print({served.token!r})"]
    _config_with_profile(tmp_path, served.base_url, printing)
    task = served.add_task("success", elapsed=10_000)
    code, _, err = run_cli(capsys, "--profile", "other", task)
    assert code == 0, err  # the task is now finished in the state file, under 'other'

    _config_with_profile(tmp_path, served.base_url, [sys.executable, "-c", "raise SystemExit(3)"])
    code, out, err = run_cli(capsys, "--json", task)
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["event"], e["task"]["task_id"]) for e in events] == [("finished", task)]
    assert "token_command" not in err


def test_a_broken_profile_with_a_task_to_poll_is_still_a_config_error(
    served: Simulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SUNO_TUI_TOKEN")  # else it is the selected profile's token
    _config_with_profile(tmp_path, served.base_url, [sys.executable, "-c", "raise SystemExit(3)"])
    task = served.add_task("success")  # not finished: there is something to poll
    code, _, err = run_cli(capsys, "--timeout", "30", "--profile", "other", task)
    assert code == 2
    assert "token_command" in err
