"""Which finished tasks get a toast, and what it says."""

from __future__ import annotations

from suno_tui.relay.models import TaskStatus
from suno_tui.tui.announce import MAX_TOASTS_PER_ROUND, toasts

from .factories import summary


def test_one_toast_per_task_with_the_failure_reason() -> None:
    ok = summary("a", status=TaskStatus.SUCCESS, title="Song A")
    bad = summary("b", status=TaskStatus.FAILURE, title="", fail_reason="moderation")
    shown = toasts([ok, bad])
    assert [(t.title, t.severity) for t in shown] == [
        ("✓ Succeeded", "information"),
        ("✗ Failed", "error"),
    ]
    assert shown[0].message == "Song A"
    assert shown[1].message == "b\nmoderation"  # no title: the id


def test_many_at_once_are_summarised() -> None:
    many = [summary(f"t{n}", status=TaskStatus.SUCCESS) for n in range(MAX_TOASTS_PER_ROUND)]
    many.append(summary("bad", status=TaskStatus.FAILURE))
    (only,) = toasts(many)
    assert only.message == "4 tasks finished: 3 succeeded, 1 failed or not found"
    assert only.severity == "warning"
