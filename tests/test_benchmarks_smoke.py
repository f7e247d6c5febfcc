"""The benchmark code runs (a quick pass, small sizes): no figure is judged
here, since machines in CI are shared and noisy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_quick_benchmark_run_prints_its_rows(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "3,6,8", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text())["rows"]
    assert sorted({row["number"] for row in rows}) == [3, 6, 8]
    assert all(row["value"] > 0 for row in rows)
    assert "| 8 | HTTP requests in one poll round" in done.stdout


def test_quick_history_rows_run(tmp_path: Path) -> None:
    """Issue #13's long-history rows: the monitor in a pty over a bigger store."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "13", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    rows = {str(row["number"]): row for row in json.loads(out.read_text())["rows"]}
    assert {"13.1", "13.2", "13.6"} <= set(rows)
    assert rows["13.6"]["value"] > 0  # bytes per task
