"""Stats over the state file: counts, failure rate, generation times, throughput."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.model import Progress, TaskSummary
from suno_tui.tracking.stats import StatsError, compute, percentile, sparkline
from suno_tui.tracking.stats_report import duration_text, report_text
from suno_tui.tracking.store import Store, pack_raw
from suno_tui.tracking.tracker import new_summary

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _task(
    task_id: str,
    status: TaskStatus,
    *,
    finished_ago: float | None = None,
    took: float = 60.0,
    kind: TaskKind = TaskKind.MUSIC,
    title: str = "Neon Rain",
    running_for: float = 0.0,
) -> TaskSummary:
    base = new_summary(task_id, "default", NOW - timedelta(days=2))
    done = status in (TaskStatus.SUCCESS, TaskStatus.FAILURE)
    finished_at = NOW - timedelta(seconds=finished_ago or 0)
    submitted = (
        finished_at - timedelta(seconds=took) if done else NOW - timedelta(seconds=running_for)
    )
    return dataclasses.replace(
        base,
        kind=kind,
        status=status,
        status_label=status.value,
        title=title,
        progress=Progress(1.0 if done else 0.5, estimated=False, stage="done"),
        submitted_at=submitted,
        state_since=finished_at if done else submitted,
        finished=done,
    )


def _raw(summary: TaskSummary, model: str | None, *, gateway_took: float | None = None) -> str:
    data = [{"id": "c1", "model_name": model}] if model is not None else []
    document: dict[str, object] = {"task_id": summary.task_id, "data": data}
    if gateway_took is not None:
        document["submit_time"] = 1_000_000
        document["finish_time"] = 1_000_000 + gateway_took
    return json.dumps(document)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    rows: list[tuple[TaskSummary, str | None]] = []
    for index, took in enumerate([10, 20, 30, 40, 100]):
        summary = _task(f"v4-{index}", TaskStatus.SUCCESS, finished_ago=600, took=took)
        rows.append((summary, _raw(summary, "chirp-v4")))
    # the gateway's own times win over the monitor's
    summary = _task("v35-0", TaskStatus.SUCCESS, finished_ago=3 * 3600, took=999)
    rows.append((summary, _raw(summary, "chirp-v3-5\x1b[31m", gateway_took=50)))
    failed = _task("bad-0", TaskStatus.FAILURE, finished_ago=30 * 3600)
    rows.append((failed, _raw(failed, "chirp-v4")))
    lyric = _task("ly-0", TaskStatus.SUCCESS, finished_ago=60, took=5, kind=TaskKind.LYRICS)
    rows.append((lyric, json.dumps({"task_id": "ly-0", "data": {"text": "la"}})))
    rows.append((_task("run-old", TaskStatus.IN_PROGRESS, running_for=7200, title="Slow"), None))
    rows.append((_task("run-new", TaskStatus.QUEUED, running_for=30), None))
    with Store.open(path) as store:
        store.add_tasks([summary for summary, _ in rows])
        store.add_tasks([new_summary("fresh", "default", NOW)])
        store.save(rows)
    return path


def test_counts_failure_rate_and_kinds(state: Path) -> None:
    stats = compute(state, NOW)
    assert stats.total == 11
    assert stats.by_status == {"SUCCESS": 7, "FAILURE": 1, "IN_PROGRESS": 1, "NEW": 1, "QUEUED": 1}
    assert stats.by_kind["music"] == 9 and stats.by_kind["lyrics"] == 1
    assert stats.finished == 8 and stats.failed == 1
    assert stats.failure_rate == pytest.approx(1 / 8)


def test_generation_times_per_model(state: Path) -> None:
    stats = compute(state, NOW)
    by_model = {t.model: t for t in stats.times}
    v4 = by_model["chirp-v4"]
    assert v4.count == 5
    assert v4.median == pytest.approx(30)
    assert v4.p90 == pytest.approx(76)  # 40 + 0.6 * (100 - 40)
    assert by_model["chirp-v3-5"].median == pytest.approx(50)  # the escape sequence removed
    assert by_model["(lyrics)"].median == pytest.approx(5)
    assert stats.times_sample == 7


def test_generation_times_read_compressed_snapshots(tmp_path: Path) -> None:
    """Finished snapshots are stored as zlib BLOBs (schema 2), as the tracker
    writes them: the model still comes from the gateway's JSON."""
    path = tmp_path / "state.db"
    summary = _task("v5-0", TaskStatus.SUCCESS, finished_ago=60, took=42)
    with Store.open(path) as store:
        store.add_tasks([summary])
        store.save([(summary, pack_raw(_raw(summary, "chirp-v5")))])
    stats = compute(path, NOW)
    assert [(t.model, t.median) for t in stats.times] == [("chirp-v5", pytest.approx(42))]


def test_throughput_per_hour_over_the_last_day(state: Path) -> None:
    stats = compute(state, NOW)
    assert len(stats.hourly) == 24
    # 12:30 now: the 12:00 hour holds the five v4 tasks and the lyrics
    assert stats.hourly[-1] == 6
    assert stats.hourly[-4] == 1  # 09:30
    assert sum(stats.hourly) == 7  # the failure 30 h ago is outside


def test_slowest_running_first(state: Path) -> None:
    stats = compute(state, NOW)
    assert [s.task_id for s in stats.slowest] == ["run-old", "run-new"]
    assert stats.slowest[0].running_seconds == pytest.approx(7200)


def test_an_empty_or_missing_state_file(tmp_path: Path) -> None:
    with pytest.raises(StatsError, match="no state file"):
        compute(tmp_path / "none.db", NOW)
    Store.open(tmp_path / "empty.db").close()
    stats = compute(tmp_path / "empty.db", NOW)
    assert stats.total == 0 and stats.failure_rate is None and stats.times == []
    assert "no finished task yet" in report_text(stats)


def test_a_file_that_is_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StatsError, match="cannot read"):
        compute(path, NOW)


def test_the_state_file_is_not_written(state: Path) -> None:
    before = state.read_bytes()
    compute(state, NOW)
    assert state.read_bytes() == before
    with sqlite3.connect(state) as connection:
        views = connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall()
    assert views == []


def test_percentile_and_sparkline() -> None:
    assert percentile([1.0], 0.9) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        percentile([], 0.5)
    assert sparkline([0, 1, 8]) == " ▁█"
    assert sparkline([0, 0]) == "  "
    assert duration_text(59) == "59s" and duration_text(185) == "3m05s"
    assert duration_text(7440) == "2h04m" and duration_text(3 * 86400 + 4 * 3600) == "3d04h"


def test_the_command_prints_text_and_json(
    state: Path, capsys: pytest.CaptureFixture[str], isolated_user: object
) -> None:
    assert main(["stats", "--state", str(state)]) == 0
    text = capsys.readouterr().out
    assert "11 tasks, 8 finished, 1 failed (failure rate 12.5%)" in text
    assert "chirp-v4" in text and "run-old" in text
    assert "\x1b" not in text
    assert main(["stats", "--state", str(state), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"] == 11 and document["failure_rate"] == pytest.approx(0.125)
    assert len(document["hourly"]) == 24


def test_the_command_fails_cleanly_without_a_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_user: object
) -> None:
    assert main(["stats", "--state", str(tmp_path / "none.db")]) == 2
    assert "no state file" in capsys.readouterr().err
