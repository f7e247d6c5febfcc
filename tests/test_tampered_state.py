"""A tampered state file (issue #21 item 8): what is read back from it is
untrusted too. ``stats`` with a text ``submitted_at`` was a traceback, a
``status_label`` holding ESC was printed raw, and ``--json`` left U+202E
unescaped. Each tampering is written straight into the SQLite file (as
another program, or a person with sqlite3, could), then ``stats`` and
``stats --json`` must exit 0 with nothing a terminal could obey in their
output, and the JSON must keep the exact values, escaped."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.model import Progress
from suno_tui.tracking.stats import compute
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import new_summary
from tests.reliability.cli import Ran, terminal_hazards

NOW = datetime.now(UTC)
# an hour ago, as a REAL with a fraction (SQLite keeps it REAL in an INTEGER column)
HOUR_AGO = (NOW - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) - 3.6e9 + 0.5
EVIL = "\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\x9b31m\u200b"


def _state(path: Path) -> Path:
    """A state file with a finished task (with its snapshot) and a running one."""
    done = dataclasses.replace(
        new_summary("done-1", "default", NOW - timedelta(hours=2)),
        kind=TaskKind.MUSIC,
        status=TaskStatus.SUCCESS,
        status_label="SUCCESS",
        title="Neon Rain",
        progress=Progress(1.0, estimated=False, stage="done"),
        submitted_at=NOW - timedelta(minutes=10),
        state_since=NOW - timedelta(minutes=8),
        finished=True,
    )
    running = dataclasses.replace(
        new_summary("run-1", "default", NOW - timedelta(hours=1)),
        kind=TaskKind.MUSIC,
        status=TaskStatus.IN_PROGRESS,
        status_label="IN_PROGRESS",
        title="Slow",
        progress=Progress(0.5, estimated=True, stage="generating"),
        submitted_at=NOW - timedelta(minutes=30),
        state_since=NOW - timedelta(minutes=30),
    )
    raw = json.dumps({"task_id": "done-1", "data": [{"id": "c", "model_name": "chirp-v4"}]})
    with Store.open(path) as store:
        store.add_tasks([done, running])
        store.save([(done, raw), (running, None)])
    return path


# column = value, for every task (SQLite keeps what it is given, whatever the type)
TAMPERINGS = {
    "text-submitted_at": ("submitted_at", "yesterday"),
    "blob-submitted_at": ("submitted_at", b"\x00\x01"),
    "real-submitted_at": ("submitted_at", 1.5e300),
    "huge-submitted_at": ("submitted_at", 2**63 - 1),
    "text-state_since": ("state_since", "an hour ago"),
    "real-state_since": ("state_since", HOUR_AGO),
    "real-added_at": ("added_at", HOUR_AGO),
    "text-added_at": ("added_at", "soon"),
    "escape-status_label": ("status_label", f"RUNNING{EVIL}"),
    "number-status_label": ("status_label", 7),
    "escape-kind": ("kind", f"music{EVIL}"),
    "escape-title": ("title", f"Title{EVIL}"),
    "escape-task_id": ("task_id", f"id{EVIL}"),
}


def _tamper(path: Path, column: str, value: object) -> None:
    with sqlite3.connect(path) as connection:
        if column == "task_id":  # one of them: the key stays unique
            connection.execute("UPDATE tasks SET task_id = ? WHERE task_id = 'run-1'", (value,))
        else:
            connection.execute(f"UPDATE tasks SET {column} = ?", (value,))
    connection.close()


def _run(capfdbinary: pytest.CaptureFixture[bytes], argv: list[str]) -> Ran:
    code = main(argv)
    out, err = capfdbinary.readouterr()
    return Ran(tuple(argv), code, out, err)


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_stats_of_a_tampered_state_file(
    name: str,
    tmp_path: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
    isolated_user: object,
) -> None:
    path = _state(tmp_path / "state.db")
    column, value = TAMPERINGS[name]
    _tamper(path, column, value)

    text = _run(capfdbinary, ["stats", "--state", str(path)])
    assert text.code == 0, text.stderr.decode("utf-8", "replace")
    assert terminal_hazards(text) == []
    assert b"2 tasks" in text.stdout

    as_json = _run(capfdbinary, ["stats", "--state", str(path), "--json"])
    assert as_json.code == 0, as_json.stderr.decode("utf-8", "replace")
    assert terminal_hazards(as_json) == []
    document = json.loads(as_json.stdout)
    assert document["total"] == 2
    if column in ("status_label", "kind"):  # the exact value, escaped, not cleaned away
        counted = document["by_status" if column == "status_label" else "by_kind"]
        assert str(value) in counted, counted


def test_the_figures_skip_what_is_not_a_time(tmp_path: Path) -> None:
    """A text time is no time: the running task is not 'running for' it, the
    finished one gives no generation time; the counts stay."""
    path = _state(tmp_path / "state.db")
    _tamper(path, "submitted_at", "yesterday")
    _tamper(path, "added_at", "soon")
    stats = compute(path, NOW)
    assert stats.total == 2 and stats.finished == 1
    assert stats.slowest == []
    assert stats.times == []


# -- the monitor's and watch's reads (Store) ------------------------------------------------

ROW_TAMPERINGS = {
    **TAMPERINGS,
    "text-started_at": ("started_at", "later"),
    "text-progress": ("progress", "half"),
    "huge-progress": ("progress", 1e308),
    "text-clips_done": ("clips_done", "many"),
    "escape-clips_total": ("clips_total", f"2{EVIL}"),
    "text-misses": ("misses", "some"),
}


@pytest.mark.parametrize("name", sorted(ROW_TAMPERINGS))
def test_the_store_reads_a_tampered_row(name: str, tmp_path: Path) -> None:
    """Every way the monitor and watch read tasks back: no exception, values
    of their types (a time that is not one is None, or the epoch for the two
    every task has)."""
    path = _state(tmp_path / "state.db")
    column, value = ROW_TAMPERINGS[name]
    _tamper(path, column, value)
    with Store.open(path) as store:
        everything = store.load_summaries()
        first = store.load_first(10)
        one = store.load_summary(everything[0].task_id)
    assert len(everything) == len(first) == 2 and one is not None
    for summary in everything:
        assert isinstance(summary.added_at, datetime) and isinstance(summary.state_since, datetime)
        assert summary.submitted_at is None or isinstance(summary.submitted_at, datetime)
        assert 0.0 <= summary.progress.fraction <= 1.0
        assert isinstance(summary.clips_done, int) and isinstance(summary.clips_total, int)
        assert isinstance(summary.misses, int)


def test_a_tampered_transition_or_download_time(tmp_path: Path) -> None:
    path = _state(tmp_path / "state.db")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO transitions (task_id, from_label, to_label, at, title) "
            "VALUES ('run-1', 'QUEUED', 'IN_PROGRESS', 'noon', 'Slow')"
        )
        connection.execute(
            "INSERT INTO downloads (task_id, clip_id, asset, path, size, sha256, at) "
            "VALUES ('done-1', 'c', 'audio', '/x.mp3', 1, '', 'noon')"
        )
    connection.close()
    with Store.open(path) as store:
        transitions = store.load_transitions("run-1") + store.recent_transitions(5)
        records = store.downloads_for("done-1")
    assert transitions and all(isinstance(t.at, datetime) for t in transitions)
    assert len(records) == 1 and isinstance(records[0].at, datetime)


@pytest.mark.parametrize("column", ["status_label", "title"])
def test_watch_prints_no_tampered_word_raw(
    column: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
    isolated_user: object,
) -> None:
    """``watch`` of a task the file says is finished prints it without asking
    the gateway (nobody listens at the base URL): its status and the closing
    summary line came raw from the file."""
    path = _state(tmp_path / "state.db")
    with sqlite3.connect(path) as connection:
        connection.execute(
            f"UPDATE tasks SET {column} = {column} || ? WHERE task_id = 'done-1'", (EVIL,)
        )
    connection.close()
    task_id = "done-1"
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-KEY-1234")
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # discard: nobody listens
    for argv in (
        ["watch", "--state", str(path), "--timeout", "5", task_id],
        ["watch", "--json", "--state", str(path), "--timeout", "5", task_id],
    ):
        ran = _run(capfdbinary, argv)
        assert terminal_hazards(ran) == [], ran.output
        assert ran.code == 0 and b"finished" in ran.stdout, ran.output
