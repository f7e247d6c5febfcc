"""The engine's events as typed messages: one class per event, carrying its
data; bursts of rounds, status changes and download progress merged into the
message already waiting until its handler takes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from suno_tui.downloads.events import DownloadProgress, FileState, TaskOutcome
from suno_tui.engine import events
from suno_tui.relay.balance import Balance
from suno_tui.tui import engine_messages as messages
from suno_tui.tui.feed import EngineFeed

from .conftest import FakeStatus, build_app
from .factories import NOW, summary


class Target:
    """Stands in for the app: keeps what the feed posts."""

    def __init__(self) -> None:
        self.posted: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.posted.append(message)
        return True


def feed() -> tuple[EngineFeed, Target]:
    target = Target()
    return EngineFeed(target), target  # type: ignore[arg-type]


def round_ended(*task_ids: str, status: Any) -> events.RoundEnded:
    rows = tuple(summary(task_id) for task_id in task_ids)
    return events.RoundEnded(rows, (), (), (), status)


def progress(task_id: str, received: int) -> DownloadProgress:
    return DownloadProgress(task_id, "clip", "audio", Path("a.mp3"), received, 100, 1.0,
                            FileState.RUNNING)  # fmt: skip


def test_a_burst_of_rounds_is_one_message_with_every_row_and_the_latest_status() -> None:
    engine_feed, target = feed()
    first, second = FakeStatus(interval=10), FakeStatus(interval=20)
    engine_feed.take(round_ended("a", "b", status=first))
    engine_feed.take(round_ended("b", "c", status=second))
    [message] = target.posted
    assert isinstance(message, messages.PollRoundsEnded)
    rounds = message.take()
    assert rounds.count == 2 and set(rounds.changed) == {"a", "b", "c"}
    assert rounds.status is second
    # taken: the next round is a new message; the old one, taken again, is empty
    engine_feed.take(round_ended("d", status=first))
    assert len(target.posted) == 2 and message.take().count == 0


def test_a_status_message_still_waiting_shows_the_status_of_a_later_round() -> None:
    engine_feed, target = feed()
    between, after = FakeStatus(in_flight=True), FakeStatus(in_flight=False)
    engine_feed.take(events.StatusChanged(between))
    engine_feed.take(round_ended("a", status=after))
    waiting, rounds = target.posted
    assert isinstance(waiting, messages.PollStatusChanged)
    assert isinstance(rounds, messages.PollRoundsEnded)
    # handled in order, the status message must not put "polling" back
    assert waiting.take().status is after
    assert rounds.take().status is after


def test_a_round_still_waiting_shows_a_later_status_and_so_does_a_new_status_message() -> None:
    engine_feed, target = feed()
    engine_feed.take(round_ended("a", status=FakeStatus(paused=False)))
    paused = FakeStatus(paused=True)
    engine_feed.take(events.StatusChanged(paused))
    rounds, status = target.posted
    assert isinstance(rounds, messages.PollRoundsEnded)
    assert isinstance(status, messages.PollStatusChanged)
    assert rounds.take().status is paused and status.take().status is paused
    resumed = FakeStatus(paused=False)
    engine_feed.take(events.StatusChanged(resumed))  # both taken: a new message
    assert len(target.posted) == 3
    newest = target.posted[2]
    assert isinstance(newest, messages.PollStatusChanged) and newest.take().status is resumed


def test_download_progress_and_endings_wait_in_one_message_in_order() -> None:
    engine_feed, target = feed()
    engine_feed.take(events.DownloadProgressed(progress("t1", 10)))
    engine_feed.take(events.DownloadEnded(TaskOutcome("t1")))
    engine_feed.take(events.DownloadProgressed(progress("t2", 20)))
    [message] = target.posted
    assert isinstance(message, messages.DownloadsReported)
    news = message.take()
    assert [p.received for p in news.progress] == [10, 20]
    assert [o.task_id for o in news.ended] == ["t1"]
    assert message.take().progress == []  # taken again: nothing twice
    engine_feed.take(events.DownloadProgressed(progress("t3", 30)))
    assert len(target.posted) == 2


ONE_EACH: list[tuple[Any, type[Message]]] = [
    (events.PollingStopped("boom"), messages.PollingStopped),
    (events.RowsChanged((summary("a"),)), messages.RowsChanged),
    (events.ProfilesChanged(), messages.ProfilesChanged),
    (events.TaskFinished(summary("a"), {}, (), ()), messages.TaskFinished),
    (events.TasksDiscovered("p", (summary("a"),), (), 1, manual=True), messages.TasksDiscovered),
    (
        events.DiscoveryFailed("p", "no", False, credential=True, retry_at=None),
        messages.DiscoveryFailed,
    ),
    (events.DiscoveryUnsupported("p", "none"), messages.DiscoveryUnsupported),
    (events.BalanceChanged("p", Balance(None, None, 1.0, unit="USD")), messages.BalanceChanged),
    (events.BalanceUnavailable("p", "no", final=True), messages.BalanceUnavailable),
]


@pytest.mark.parametrize(("event", "kind"), ONE_EACH, ids=lambda v: type(v).__name__)
def test_every_other_event_is_its_own_message_carrying_it(event: Any, kind: type) -> None:
    engine_feed, target = feed()
    engine_feed.take(event)
    engine_feed.take(event)
    assert [type(m) for m in target.posted] == [kind, kind]  # never merged
    assert all(m.event is event for m in target.posted)  # type: ignore[attr-defined]


def test_every_engine_event_has_a_message() -> None:
    kinds = set(events.EngineEvent.__args__)  # type: ignore[attr-defined]
    merged = {events.RoundEnded, events.StatusChanged}
    merged |= {events.DownloadProgressed, events.DownloadEnded}
    assert kinds == merged | {type(event) for event, _ in ONE_EACH}


async def test_the_detail_screen_s_status_bar_follows_the_main_one() -> None:
    app, _ = build_app(with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")  # narrow: the detail opens on its own screen
        await pilot.pause()
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        poller.state = replace(poller.state, paused=True,
                               last_success_at=NOW - timedelta(minutes=1))  # fmt: skip
        poller.on_status(poller.status)
        await pilot.pause()
        detail_bar = app.screen.query_one("#detail-status")
        main_bar = app.status_bar
        assert "paused" in main_bar.text
        assert detail_bar.text == main_bar.text  # type: ignore[attr-defined]
