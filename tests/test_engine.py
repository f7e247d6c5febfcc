"""The engine on its own (no Textual): what a poll round becomes, which
finished tasks are news, commands when polling is off, removed tasks that
stay removed, the download service's tally, and the one builder of
download options (a config problem is a ConfigError)."""

from __future__ import annotations

import asyncio
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from suno_tui.config import ConfigError, Gateway, Settings
from suno_tui.downloads.assets import SkipKind
from suno_tui.downloads.events import DownloadProgress, FileState, TaskOutcome
from suno_tui.engine.downloads import DownloadService, options_from_settings
from suno_tui.engine.engine import Engine
from suno_tui.engine.events import (
    DownloadEnded,
    DownloadProgressed,
    EngineEvent,
    RoundEnded,
    StatusChanged,
)
from suno_tui.engine.finishing import news
from suno_tui.engine.polling import next_interval
from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import Transition
from tests.tui.conftest import FakePoller, FakeStatus, FakeUpdate
from tests.tui.factories import NOW, sample_summaries, summary, with_status
from tests.tui.fakes import FakeTracker


def engine_with_poller(**options: Any) -> tuple[Engine, FakeTracker, list[EngineEvent]]:
    tracker = FakeTracker(sample_summaries())
    engine = Engine(tracker, poller_factory=FakePoller, **options)
    seen: list[EngineEvent] = []
    engine.subscribe(seen.append)
    return engine, tracker, seen


def test_first_sightings_are_not_news() -> None:
    done = summary("a", status=TaskStatus.SUCCESS, title="A")
    old = summary("b", status=TaskStatus.SUCCESS, title="B")
    moved = [Transition("a", "IN_PROGRESS", "SUCCESS", NOW), Transition("b", None, "SUCCESS", NOW)]
    assert news([done, old], moved) == [done]


async def test_a_round_is_one_event_with_its_changes_and_its_status() -> None:
    engine, tracker, seen = engine_with_poller()
    engine.start()
    first = sample_summaries()[0]
    done = tracker.put(with_status(first, TaskStatus.SUCCESS))
    moved = Transition(first.task_id, "IN_PROGRESS", "SUCCESS", NOW)
    status = FakeStatus(interval=30.0)
    poller = engine._polls.poller
    assert isinstance(poller, FakePoller)
    poller.on_update(FakeUpdate([done], [moved], [done]), status)
    [event] = seen
    assert isinstance(event, RoundEnded)
    assert event.changed == (done,) and event.news == (done,) and event.status is status
    assert engine.status is status
    poller.on_status(FakeStatus(paused=True))
    assert isinstance(seen[-1], StatusChanged) and seen[-1].status.paused
    await engine.aclose()


async def test_a_task_removed_during_a_round_does_not_come_back() -> None:
    engine, _, seen = engine_with_poller()
    engine.start()
    first = sample_summaries()[0]
    engine.remove(first.task_id)
    poller = engine._polls.poller
    assert isinstance(poller, FakePoller)
    poller.on_update(FakeUpdate([first], [], []), FakeStatus())
    event = seen[-1]
    assert isinstance(event, RoundEnded) and event.changed == ()
    await engine.aclose()


async def test_commands_say_when_polling_is_off() -> None:
    engine = Engine(FakeTracker(sample_summaries()), polling_off="no token (test)")
    engine.start()
    assert not engine.polling
    assert engine.poll_now() is False
    assert engine.toggle_pause() is None and engine.step_interval(1) is None
    assert engine.polling_off == "no token (test)"
    assert engine.download(["x"]) == []
    await engine.aclose()


async def test_commands_reach_the_poller() -> None:
    engine, _, _ = engine_with_poller()
    engine.start()
    poller = engine._polls.poller
    assert isinstance(poller, FakePoller)
    assert engine.toggle_pause() is True and engine.toggle_pause() is False
    assert engine.step_interval(1) == 15.0
    assert engine.poll_now()
    engine.add(["new-task-1"])
    assert poller.calls == ["pause", "resume", "interval 15", "poll_now", "notify_added"]
    with pytest.raises(ValueError):
        engine.add(["bad id with spaces"])
    engine.stop()
    assert poller.stopped
    await engine.aclose()


def test_interval_steps() -> None:
    assert next_interval(10.0, 1) == 15.0 and next_interval(10.0, -1) == 5.0
    assert next_interval(3600.0, 1) == 3600.0 and next_interval(2.0, -1) == 2.0


class ScriptedManager:
    """Reports a script of progress events at once on submit, then the run's
    outcome (the manager's tally of those events)."""

    def __init__(self, on_progress: Any, on_ended: Any, events: list[DownloadProgress]) -> None:
        self.on_progress, self.on_ended, self.events = on_progress, on_ended, events

    def submit(self, task: str) -> bool:
        outcome = TaskOutcome(task)
        for event in self.events:
            self.on_progress(event)
            if event.state.final and not event.is_task_event:
                outcome.files.append(event)
        self.on_ended(outcome)
        return True

    async def download(self, task: str) -> TaskOutcome:
        raise NotImplementedError

    def cancel(self, task_id: str | None = None) -> None:
        return None

    @property
    def busy(self) -> bool:
        return False

    async def aclose(self) -> None:
        return None


def progress(asset: str, state: FileState, path: str | None = None, **kw: Any) -> DownloadProgress:
    values: dict[str, Any] = {"received": 0, "total": None, "speed_bps": 0.0}
    values.update(kw)
    clip = "clip-1" if asset else ""
    return DownloadProgress("t1", clip, asset, Path(path) if path else None, state=state, **values)


async def test_the_engine_passes_the_managers_outcome_on(tmp_path: Path) -> None:
    script = [
        progress("", FileState.QUEUED),
        progress("audio", FileState.DONE, str(tmp_path / "a.mp3"), received=5, total=5),
        progress("image", FileState.DONE, str(tmp_path / "a.jpeg"), present=True),
        progress("video", FileState.SKIPPED, skip_kind=SkipKind.UNAVAILABLE),
        progress("", FileState.DONE, message="2 done"),
    ]
    service = DownloadService(
        lambda on_progress, on_ended: ScriptedManager(on_progress, on_ended, script),
        tmp_path,
        ("audio",),
    )
    engine = Engine(FakeTracker(), downloads=service)
    seen: list[EngineEvent] = []
    engine.subscribe(seen.append)
    assert engine.download(["t1"]) == ["t1"]
    assert sum(isinstance(event, DownloadProgressed) for event in seen) == len(script)
    ended = seen[-1]
    assert isinstance(ended, DownloadEnded)
    outcome = ended.outcome
    assert outcome.saved == [tmp_path / "a.mp3"] and outcome.present == [tmp_path / "a.jpeg"]
    assert outcome.unavailable == 1 and not outcome.skipped and outcome.complete
    assert service.complete == {"t1"}
    assert service.paths_for("t1") == [str(tmp_path / "a.mp3"), str(tmp_path / "a.jpeg")]
    await engine.aclose()


def test_download_options_refuse_bad_values_as_config_errors(tmp_path: Path) -> None:
    settings = Settings(download_dir=tmp_path).with_gateway(Gateway(base_url="http://127.0.0.1:9"))
    assert options_from_settings(settings).directory == tmp_path
    with pytest.raises(ConfigError, match="--assets"):
        options_from_settings(settings, assets="audio,nonsense")
    with pytest.raises(ConfigError, match="--template"):
        options_from_settings(settings, template="{nonsense}")
    with pytest.raises(ConfigError, match="--concurrency"):
        options_from_settings(settings, concurrency=99)


async def test_closing_does_not_wait_for_a_round_in_flight() -> None:
    class Hung(FakePoller):
        async def run(self) -> None:
            await asyncio.Event().wait()  # a gateway that never answers

    engine = Engine(FakeTracker(sample_summaries()), poller_factory=Hung)
    engine.start()
    await asyncio.sleep(0)
    await asyncio.wait_for(engine.aclose(), 5)  # a guard against a hang, not a measurement


async def test_every_finished_task_is_handled_once_however_many_rounds_report_it(
    tmp_path: Path,
) -> None:
    """``watch`` handles every finished task (finish_every): a task reported
    finished by two rounds runs its on_finish hook once; another task that
    finishes in the second round still runs its own."""
    log = tmp_path / "hook.log"
    script = tmp_path / "hook.py"
    script.write_text(
        "import os\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
        "    f.write(os.environ['SUNO_TUI_TASK_ID'] + '\\n')\n"
    )
    pollers: list[FakePoller] = []

    def poller_factory(on_update: Any, on_status: Any) -> FakePoller:
        pollers.append(FakePoller(on_update, on_status))
        return pollers[-1]

    tracker = FakeTracker(sample_summaries())
    engine = Engine(
        tracker,
        poller_factory=poller_factory,
        on_finish=shlex.join([sys.executable, str(script)]),
        finish_every=True,
    )
    engine.start()
    [poller] = pollers
    first, second = sample_summaries()[:2]
    a = tracker.put(with_status(first, TaskStatus.SUCCESS))
    b = tracker.put(with_status(second, TaskStatus.FAILURE))
    for round_finished in ([a], [a, b]):
        poller.on_update(FakeUpdate(round_finished, [], round_finished), FakeStatus())
        await asyncio.wait_for(engine.finishing(), 30)  # a guard against a hang
    await engine.aclose()
    assert log.read_text().splitlines() == [a.task_id, b.task_id]
