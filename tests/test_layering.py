"""The relay and domain layers, the config and the headless commands never load
Textual: each module is imported in a fresh interpreter, one at a time, and
the first one that brings ``textual`` into ``sys.modules`` is named."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import suno_tui

ROOT = Path(suno_tui.__file__).parent
# Packages whose every module must stay headless; top-level modules too
# (suno_tui.safe_text, suno_tui.ids, ...), but for __main__, which runs the CLI.
HEADLESS_PACKAGES = (
    "relay",
    "tracking",
    "downloads",
    "config",
    "engine",
    "cli",
    "account",
    "simulator",
)

_PROBE = """
import importlib, json, sys
found = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as error:
        found[name] = f"import failed: {type(error).__name__}: {error}"
        continue
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    if loaded:
        found[name] = "loaded " + ", ".join(loaded[:3])
        break
print(json.dumps(found))
"""


def headless_modules() -> list[str]:
    names = ["suno_tui"]
    names.extend(
        f"suno_tui.{info.name}"
        for info in pkgutil.iter_modules([str(ROOT)])
        if not info.ispkg and info.name != "__main__"
    )
    for package in HEADLESS_PACKAGES:
        folder = ROOT / package
        if not (folder / "__init__.py").exists():
            continue
        names.append(f"suno_tui.{package}")
        names.extend(
            f"suno_tui.{package}.{info.name}"
            for info in pkgutil.iter_modules([str(folder)])
            if not info.ispkg
        )
    return list(dict.fromkeys(names))


def probe(modules: list[str]) -> dict[str, str]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT.parent,
        check=True,
    )
    return dict(json.loads(completed.stdout))


def test_the_probe_catches_a_module_that_loads_textual() -> None:
    found = probe(["suno_tui.safe_text", "textual.app", "suno_tui.ids"])
    assert list(found) == ["textual.app"]
    assert found["textual.app"].startswith("loaded textual")


def test_the_domain_the_relay_and_the_headless_commands_do_not_load_textual() -> None:
    modules = headless_modules()
    assert {"suno_tui.relay.client", "suno_tui.tracking.poller", "suno_tui.cli"} <= set(modules)
    assert probe(modules) == {}
