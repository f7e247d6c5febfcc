"""scripts/screenshots.py draws the README's pictures from the real app: it
must keep running as the app changes (it broke once when the covers' source
changed type and nothing ran it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICTURES = {
    "list", "detail", "help", "narrow-80x24", "wide-200x60", "downloads-80x24",
    "submit-form", "events", "stats", "account", "lineage", "extend-form",
}  # fmt: skip


def test_the_screenshot_script_draws_every_picture(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,  # a safety net for a hung run, not a timing
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    drawn = {path.stem for path in tmp_path.glob("*.svg")}
    assert drawn == PICTURES
    for name in PICTURES:
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "suno-tui" in svg
    assert {path.stem for path in (ROOT / "screenshots").glob("*.svg")} == PICTURES
