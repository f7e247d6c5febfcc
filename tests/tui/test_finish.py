"""When a task finishes: the on_finish hook (no shell, ever) and terminal
notifications (OSC 9 / OSC 777, escaped, through tmux)."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.driver import Driver
from textual.drivers.headless_driver import HeadlessDriver

from suno_tui.engine.downloads import DownloadService
from suno_tui.engine.engine import Engine
from suno_tui.engine.events import EngineEvent, TaskFinished
from suno_tui.relay.models import TaskStatus
from suno_tui.simulator import Simulator
from suno_tui.tracking.model import Transition
from suno_tui.tui.news.desktop import Flavour, osc_notification, tmux_wrap
from tests.fixtures.notifications import RecordingApp, notes

from .conftest import FakeUpdate, build_app
from .factories import sample_summaries, with_status
from .sim_app import WAIT, SimApp, next_round, open_app, settings_for, small_simulator

FIRST = sample_summaries()[0].task_id
HOSTILE = '"; touch PWNED; echo $(touch PWNED2) `touch PWNED3` \x07\x1b]52;c;QUJD\x07 [/x]'
DELAYS = {"not_start": 5.0, "submitted": 5.0, "queued": 10.0, "in_progress": 100.0}

#: the hook: saves its stdin (the task JSON) and environment next to itself
HOOK_SCRIPT = """
import json, os, sys
out = sys.argv[1]
task = json.load(sys.stdin)
env = {k: v for k, v in os.environ.items() if k.startswith("SUNO_TUI_")}
with open(out, "a", encoding="utf-8") as f:
    f.write(json.dumps({"task": task, "env": env, "argv": sys.argv[1:]}) + "\\n")
sys.exit(int(os.environ.get("HOOK_EXIT", "0")))
"""


def hook_ran(engine: Engine) -> asyncio.Event:
    """Set when the engine has run the hook for a finished task."""
    ran = asyncio.Event()

    def seen(event: EngineEvent) -> None:
        if isinstance(event, TaskFinished):
            ran.set()

    engine.subscribe(seen)
    return ran


class HookApp(SimApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hook_ran = hook_ran(self.engine)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = await small_simulator()
    try:
        yield simulator
    finally:
        await simulator.stop()
    assert not simulator.errors


def hook_command(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "hook.py"
    script.write_text(HOOK_SCRIPT)
    out = tmp_path / "hook-runs.jsonl"
    return shlex.join([sys.executable, str(script), str(out)]), out


async def test_the_hook_runs_once_per_finished_task_without_a_shell(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command, out = hook_command(tmp_path)
    task = sim.add_task("success", title=HOSTILE, delays=DELAYS)
    old = sim.add_task("success", title="Old News", elapsed=1000)  # first seen finished
    settings = settings_for(sim, tmp_path, on_finish=command)
    app = open_app(settings, sim, [task, old], app_class=HookApp)
    assert isinstance(app, HookApp)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await next_round(app, pilot)
        sim.clock.advance(500)
        await next_round(app, pilot, "r")
        await asyncio.wait_for(app.hook_ran.wait(), WAIT)
        await pilot.pause()
    runs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(runs) == 1  # not for the task first seen already finished
    [run] = runs
    assert run["task"]["task_id"] == task and run["task"]["status"] == "SUCCESS"
    assert run["task"]["clips"][0]["title"] == HOSTILE  # data on stdin, as it came
    assert run["env"]["SUNO_TUI_TASK_ID"] == task
    assert run["env"]["SUNO_TUI_STATUS"] == "SUCCESS"
    assert "SUNO_TUI_TOKEN" not in run["env"]
    assert run["argv"] == [str(out)]  # nothing from the title reached the command line
    for name in ("PWNED", "PWNED2", "PWNED3"):
        assert not (tmp_path / name).exists()


async def test_a_failing_hook_is_a_toast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_EXIT", "3")  # the hook's environment is the monitor's
    command, _ = hook_command(tmp_path)
    app, tracker = build_app(with_poller=True, on_finish=command, env={})
    ran = hook_ran(app.engine)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        finish(app, tracker, TaskStatus.FAILURE)
        await pilot.pause()
        await asyncio.wait_for(ran.wait(), WAIT)
        await pilot.pause()
        failures = [n for n in notes(app) if n.title == "on_finish hook failed"]
        assert failures and "exited with status 3" in failures[0].message
        assert app.is_running


async def test_the_hook_gets_the_download_paths(tmp_path: Path) -> None:
    command, out = hook_command(tmp_path)
    service = DownloadService(lambda on_progress, record: None, tmp_path, ("audio",))  # type: ignore[arg-type,return-value]
    app, tracker = build_app(with_poller=True, on_finish=command, downloads=service, env={})
    service.remember_paths(FIRST, [str(tmp_path / "a song.mp3"), str(tmp_path / "b.jpeg")])
    ran = hook_ran(app.engine)
    async with app.run_test(size=(100, 30)) as pilot:
        finish(app, tracker, TaskStatus.SUCCESS)
        await pilot.pause()
        await asyncio.wait_for(ran.wait(), WAIT)
    [run] = [json.loads(line) for line in out.read_text().splitlines()]
    assert run["env"]["SUNO_TUI_DOWNLOADS"].split("\n") == [
        str(tmp_path / "a song.mp3"),
        str(tmp_path / "b.jpeg"),
    ]


def finish(app: Any, tracker: Any, status: TaskStatus, title: str | None = None) -> None:
    """Play a poll round in which FIRST finished."""
    poller = app.fake_pollers[0]
    old = tracker.get(FIRST)
    changes = {"title": title} if title is not None else {}
    done = tracker.put(with_status(old, status, **changes))
    moved = Transition(FIRST, "IN_PROGRESS", status.value, done.state_since, done.title)
    poller.on_update(FakeUpdate([done], [moved], [done]), poller.status)


class TerminalApp(RecordingApp):
    """The monitor on a terminal that keeps what the app writes to it.

    ``run_test(headless=False)`` runs the app on the driver that
    ``get_driver_class`` names: here Textual's HeadlessDriver (no real terminal,
    the app still knows it is headless) whose ``write`` keeps the data.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.written: list[str] = []  # before App.__init__, which asks for the driver class
        super().__init__(*args, **kwargs)

    def get_driver_class(self) -> type[Driver]:
        written = self.written

        class KeepingDriver(HeadlessDriver):
            def write(self, data: str) -> None:
                written.append(data)

        return self.terminal.drive_with(KeepingDriver)  # as the monitor wraps its own

    def osc(self) -> list[str]:
        """The notification sequences written (OSC 9, OSC 777, either through tmux)."""
        starts = ("\x1b]9;", "\x1b]777;", "\x1bPtmux;")
        return [data for data in self.written if data.startswith(starts)]


@pytest.mark.parametrize(
    ("env", "start", "end"),
    [
        ({}, "\x1b]9;", "\x07"),
        ({"TERM": "foot"}, "\x1b]777;notify;", "\x07"),
        ({"TMUX": "/tmp/tmux-0/default,1,0"}, "\x1bPtmux;\x1b\x1b]9;", "\x07\x1b\\"),
    ],
    ids=["osc9", "osc777", "tmux"],
)
async def test_a_finished_task_notifies_the_terminal_escaped(
    env: dict[str, str], start: str, end: str
) -> None:
    app, tracker = build_app(with_poller=True, notify=True, env=env, app_class=TerminalApp)
    assert isinstance(app, TerminalApp)
    async with app.run_test(size=(100, 30), headless=False) as pilot:
        finish(app, tracker, TaskStatus.SUCCESS, title=HOSTILE)
        await pilot.pause()
    [sequence] = app.osc()
    assert sequence.startswith(start) and sequence.endswith(end)
    inner = sequence[len(start) : -len(end)]
    # nothing in the title can end the sequence early or start another one
    assert "\x07" not in inner and "\x9c" not in inner
    assert "\x1b" not in inner.replace("\x1b\x1b", "")
    assert "touch PWNED" in inner and "]52;" not in inner
    assert "Succeeded" in inner


async def test_no_notification_unless_asked() -> None:
    app, tracker = build_app(with_poller=True, env={}, app_class=TerminalApp)
    assert isinstance(app, TerminalApp)
    async with app.run_test(size=(100, 30), headless=False) as pilot:
        finish(app, tracker, TaskStatus.SUCCESS)
        await pilot.pause()
        assert notes(app), "the task finished (its toast is up)"
    assert app.written, "the driver was the app's"
    assert app.osc() == []


def test_osc_sequences() -> None:
    assert osc_notification("T", "body", Flavour.OSC9) == "\x1b]9;T: body\x07"
    assert osc_notification("a;b", "c;d", Flavour.OSC777) == "\x1b]777;notify;a,b;c;d\x07"
    assert osc_notification("x\x07\x1b]0;y", "z\x1b\\", Flavour.OSC9) == "\x1b]9;x: z\x07"
    assert tmux_wrap("\x1b]9;hi\x07") == "\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\"
    assert len(osc_notification("t", "b" * 1000, Flavour.OSC9)) < 300
