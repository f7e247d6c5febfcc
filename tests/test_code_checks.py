"""The code checks, run by the test command (so by CI): ruff's lint, ruff's
formatting, mypy --strict and the import-linter layer contracts in
pyproject.toml. Each runs as a subprocess from the repository's root; a
failure shows the tool's own report.

The tools come with the ``test`` extra (``pip install -e '.[test]'``): a
missing one fails here rather than being skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

CHECKS = {
    "ruff check": [PYTHON, "-m", "ruff", "check", "--no-cache", "."],
    "ruff format --check": [PYTHON, "-m", "ruff", "format", "--check", "--no-cache", "."],
    # the packages and the --strict settings come from [tool.mypy]
    "mypy": [PYTHON, "-m", "mypy"],
    # the contracts come from [tool.importlinter]
    "lint-imports": [
        PYTHON,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command as run; "
        "sys.argv = ['lint-imports', '--no-cache']; run()",
    ],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_code_check_passes(name: str) -> None:
    result = subprocess.run(
        CHECKS[name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a guard for a hung tool, not a measurement
        check=False,
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"{name} failed (exit {result.returncode}):\n{report}"


def test_every_package_is_in_the_distribution() -> None:
    """A folder of modules without __init__.py is left out of the wheel by
    setuptools' package finder (suno_tui/tui was, so an installed suno-tui
    had no monitor): every folder of code must be a package it finds."""
    from setuptools import find_packages

    found = set(find_packages(str(ROOT), include=["suno_tui*"]))
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "suno_tui").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert folders <= found, f"not packaged: {sorted(folders - found)}"
