"""The detail's timeline, worded: each state, when it was entered and how long
it lasted, the time and the duration kept apart."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from suno_tui.tracking.model import Transition
from suno_tui.tui.detail.document import timeline

from .factories import NOW


def _lines() -> list[str]:
    started = NOW - timedelta(minutes=2, seconds=30)
    transitions = [
        Transition("t", None, "IN_PROGRESS", started),
        Transition("t", "IN_PROGRESS", "FAILURE", started + timedelta(minutes=2, seconds=10)),
    ]
    return [line.plain.rstrip("\n") for line in timeline(transitions, NOW, UTC)]


def test_a_time_and_a_duration_do_not_run_together() -> None:
    finished, current = _lines()
    assert finished.split()[0] == "IN_PROGRESS" and finished.endswith("for 2m10s")
    assert current.split()[0] == "FAILURE" and current.endswith("for 20s so far")
    for line in (finished, current):
        # after the clock time comes a word, never another number
        after = re.search(r"\d\d:\d\d:\d\d(.*)$", line)
        assert after is not None and re.match(r"\s+for \d", after.group(1))
