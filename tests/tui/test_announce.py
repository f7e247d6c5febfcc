"""Which finished tasks get a toast, and what it says."""

from __future__ import annotations

from suno_tui.relay.models import TaskStatus
from suno_tui.tui.news.finished import MAX_NAMES, toasts

from .factories import summary


def test_one_task_one_toast_with_the_failure_reason() -> None:
    ok = summary("a", status=TaskStatus.SUCCESS, title="Song A")
    bad = summary("b", status=TaskStatus.FAILURE, title="", fail_reason="moderation")
    (shown,) = toasts([ok])
    assert (shown.title, shown.severity, shown.message) == ("✓ Succeeded", "information", "Song A")
    (shown,) = toasts([bad])
    assert (shown.title, shown.severity) == ("✗ Failed", "error")
    assert shown.message == "b\nmoderation"  # no title: the id
    assert toasts([]) == []


def test_a_rounds_finishes_make_one_toast_with_the_names() -> None:
    titles = ["Neon Harbor", "Midnight Rain", "Static"]
    three = [summary(f"t{n}", status=TaskStatus.SUCCESS, title=t) for n, t in enumerate(titles)]
    (only,) = toasts(three)
    assert only.title == "3 finished"
    assert only.message == "Neon Harbor, Midnight Rain, Static"
    assert only.severity == "information"
    many = [*three, summary("bad", status=TaskStatus.FAILURE, title="Broken")]
    many.insert(0, summary("bad2", status=TaskStatus.FAILURE, title="[b]x\x1b[31m"))
    (only,) = toasts(many)
    assert only.title == "5 finished, 2 failed"
    assert only.message == "✗ [b]x, Neon Harbor, Midnight Rain and 2 more"
    assert only.severity == "warning"
    assert MAX_NAMES == 3


def test_long_names_are_cut() -> None:
    long = [summary(f"t{n}", status=TaskStatus.SUCCESS, title="x" * 60) for n in range(2)]
    (only,) = toasts(long)
    assert len(only.message) <= 80 and only.message.endswith("…")
