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
