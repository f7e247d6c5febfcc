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
