"""docs/architecture.md's figures are the code's: the script that prints them
runs the monitor against the simulator and reads the source, and the page must
say what it prints (issue #22: the page drifted within days)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "architecture_figures.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter: the script traces every call, which must not
    # include what this test process has already imported or started.
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,  # a safety net for a hung run, not a timing
        cwd=ROOT,
        check=False,
    )


def test_the_page_says_what_the_code_measures() -> None:
    result = run("--check")
    assert result.returncode == 0, result.stderr


def test_the_figures_name_the_paths_through_every_layer() -> None:
    # What the traced windows must at least cover, so an empty or broken
    # trace cannot pass as "the page matches".
    result = run()
    assert result.returncode == 0, result.stderr
    poll = next(line for line in result.stdout.splitlines() if line.startswith("A poll's"))
    download = next(line for line in result.stdout.splitlines() if line.startswith("A download's"))
    for module in ("relay/client.py", "relay/models.py", "tracking/tracker.py",
                   "engine/engine.py", "tui/app.py"):  # fmt: skip
        assert f"`{module}`" in poll
    for module in ("engine/engine.py", "relay/client.py", "tracking/store.py"):
        assert f"`{module}`" in download
    assert "`downloads/" in download and "`tui/" in download
    assert "simulator/" not in poll + download
