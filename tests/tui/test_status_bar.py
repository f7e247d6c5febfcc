"""The status bar: ignored rows, the poll state, and its wording at narrow widths
(the poll state and the error's reason stay visible at 80 columns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.content import Content

from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tui.bars.status_bar import StatusBar
from suno_tui.tui.bars.status_words import Counts, status_content

from .conftest import FakeStatus, build_app
from .factories import NOW as APP_NOW

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


# -- the bar at 80 and 120 columns --------------------------------------------------

BACKOFF = dict(
    last_success_at=NOW - timedelta(seconds=80),
    last_error="rate limited (HTTP 429): retry after 60 s",
    next_poll_at=NOW + timedelta(minutes=1),
    interval=30.0,
)


def _fits(text: str, width: int) -> bool:
    return Content(text).cell_length <= width


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_the_poll_state_and_the_error_reason_always_fit(width: int) -> None:
    counts = Counts(watched=1234, unfinished=56, shown=78)
    for balance in ("", "key 1,234,567.89 credit left"):
        normal = PollStatus(last_success_at=NOW, next_poll_at=NOW.replace(second=30))
        text = status_content(counts, normal, NOW, UTC, balance=balance, width=width).plain
        assert _fits(text, width) and "next 12:00:30" in text
        backoff = PollStatus(**BACKOFF)  # type: ignore[arg-type]
        text = status_content(counts, backoff, NOW, UTC, balance=balance, width=width).plain
        assert "next 12:01:00" in text
        # the reason's start at least (1234 tasks and a filter leave it 35 cells at 80)
        assert "✗ rate limited (HTTP 429): retr" in text[:width]
        paused = PollStatus(last_success_at=NOW, paused=True)
        text = status_content(counts, paused, NOW, UTC, balance=balance, width=width).plain
        assert _fits(text, width) and "⏸ paused" in text


def test_the_widest_wording_that_fits() -> None:
    counts = Counts(watched=4, unfinished=2, shown=4)
    status = PollStatus(last_success_at=NOW, next_poll_at=NOW.replace(second=30), interval=30.0)
    wide = status_content(counts, status, NOW, UTC, balance="key $12.34 left", width=120)
    assert wide.plain == (
        " 4 watched · 2 active  │  key $12.34 left  │  polled 12:00:00  │  every 30s"
        "  │  next 12:00:30"
    )
    narrow = status_content(counts, status, NOW, UTC, balance="key $12.34 left", width=80)
    # narrower separators and "30s" before anything is dropped
    assert (
        narrow.plain
        == " 4 watched · 2 active │ key $12.34 left │ polled 12:00:00 │ 30s │ next 12:00:30"
    )
    # the balance goes before the poll state
    tight = status_content(counts, status, NOW, UTC, balance="key $12.34 left", width=60)
    assert "key" not in tight.plain and "next 12:00:30" in tight.plain
    assert status_content(counts, status, NOW, UTC, balance="key $12.34 left") == wide


@pytest.mark.parametrize("width", [80, 120])
async def test_the_bar_in_the_app_words_itself_for_its_width(width: int) -> None:
    app, _ = build_app(show_events=None, with_poller=True)
    async with app.run_test(size=(width, 24)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        # the app's frozen clock: factories.NOW
        shift = APP_NOW - NOW
        backoff = {**BACKOFF, "last_success_at": APP_NOW - timedelta(seconds=80)}
        backoff["next_poll_at"] = BACKOFF["next_poll_at"] + shift  # type: ignore[operator]
        poller.state = FakeStatus(**backoff)  # type: ignore[arg-type]
        poller.on_status(poller.status)
        await pilot.pause()
        bar = app.query_one("#status", StatusBar)
        text = bar.text
        assert _fits(text, width), text
        assert "next 12:01:00" in text and "✗ rate limited (HTTP 429): retry after 60 s" in text
        if width >= 120:
            assert "polled 11:58:40" in text and "every 30s" in text
        # resized: worded again for the new width
        other = 200 if width == 80 else 80
        await pilot.resize_terminal(other, 24)
        await pilot.pause()
        assert bar.text != text and _fits(bar.text, other)
        assert "next 12:01:00" in bar.text
