"""The status bar says when answer rows had to be ignored."""

from __future__ import annotations

from datetime import UTC, datetime

from suno_tui.tracking.poller import PollStatus
from suno_tui.tui.status_bar import Counts, status_content

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_ignored_rows_are_counted_on_the_bar() -> None:
    counts = Counts(watched=3, unfinished=1, shown=3)
    quiet = status_content(counts, PollStatus(last_success_at=NOW), NOW, UTC).plain
    assert "ignored" not in quiet
    status = PollStatus(last_success_at=NOW, problems=2, last_problem="row 1: junk")
    assert "2 odd rows ignored" in status_content(counts, status, NOW, UTC).plain


def test_a_round_in_flight_says_polling_instead_of_the_next_time() -> None:
    counts = Counts(watched=3, unfinished=1, shown=3)
    waiting = PollStatus(last_success_at=NOW, next_poll_at=NOW.replace(second=10))
    assert "next 12:00:10" in status_content(counts, waiting, NOW, UTC).plain
    busy = PollStatus(last_success_at=NOW, next_poll_at=None, in_flight=True)
    text = status_content(counts, busy, NOW, UTC).plain
    assert "↻ polling" in text and "next" not in text


def test_idle_when_every_task_has_finished() -> None:
    counts = Counts(watched=3, unfinished=0, shown=3)
    idle = PollStatus(last_success_at=NOW, next_poll_at=None, idle=True)
    text = status_content(counts, idle, NOW, UTC).plain
    assert "idle: every task has finished" in text
    assert "polled 12:00:00" in text and "not polled yet" not in text
    # paused wins: a paused poller is not "idle"
    paused = PollStatus(last_success_at=NOW, next_poll_at=None, idle=True, paused=True)
    text = status_content(counts, paused, NOW, UTC).plain
    assert "⏸ paused" in text and "idle" not in text


def test_only_finished_tasks_say_idle_not_a_next_time_that_has_passed() -> None:
    stale = PollStatus(last_success_at=NOW, next_poll_at=NOW.replace(minute=0, second=10))
    later = NOW.replace(minute=5)
    done = status_content(Counts(watched=3, unfinished=0, shown=3), stale, later, UTC).plain
    assert "next" not in done and "idle: every task has finished" in done
    empty = status_content(Counts(watched=0, unfinished=0, shown=0), stale, later, UTC).plain
    assert "next" not in empty and "idle" in empty
    busy = status_content(Counts(watched=3, unfinished=1, shown=3), stale, later, UTC).plain
    assert "next 12:00:10" in busy
