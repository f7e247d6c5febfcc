"""Print the figures of docs/architecture.md, or check that the page still says them.

    python scripts/architecture_figures.py            # print the block
    python scripts/architecture_figures.py --check    # exit 1 if the page differs
    python scripts/architecture_figures.py --write    # rewrite the block in the page

Two kinds of figure:

- measured by running the code: which of our modules run while a poll result
  travels from the gateway's answer to the task list, and while ``d`` downloads
  a finished task. The monitor is built as ``suno-tui`` builds it (the engine
  from ``open_engine``, the app from ``build_app``), headless, against the
  embedded simulator on loopback with a manual clock; a trace function
  records the files of every function that is called in the window (in any
  thread), so a module is counted when its code ran, not when it is imported
  somewhere;
- read from the source: the largest modules, the app's size, imports of
  private names across modules, ``isinstance`` checks against engine events.

tests/test_architecture_figures.py runs ``--check``, so the page cannot drift.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "suno_tui"
PAGE = ROOT / "docs" / "architecture.md"
START = "<!-- figures: start (scripts/architecture_figures.py --write) -->"
END = "<!-- figures: end -->"
#: a safety net for a hung run, not a timing
WAIT = 60.0
#: the order modules are listed in: the layers, top down
#: the running task's stages (clock seconds): submitted 30 s before the start,
#: advancing 60 s moves it from "queued" to "in progress"
RUNNING = {"not_start": 0.0, "submitted": 0.0, "queued": 60.0, "in_progress": 600.0}
#: the finished task: the newest, so the list's first row
FINISHED = {"not_start": 0.0, "submitted": 0.0, "queued": 0.0, "in_progress": 1.0}
LAYER_ORDER = ["cli", "tui", "engine", "tracking", "downloads", "account", "config", "relay"]


# ------------------------------------------------------------ traced paths


@dataclass
class ModuleTrace:
    """Records our source files whose functions are called while ``recording``."""

    root: str
    #: the simulator plays the gateway: not on our path
    apart: str
    recording: bool = False
    seen: set[str] = field(default_factory=set)

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        # A global trace function: called once per new frame; returning None
        # asks for no line events, so the cost is one call per function call.
        if self.recording:
            filename = frame.f_code.co_filename
            if filename.startswith(self.root) and not filename.startswith(self.apart):
                self.seen.add(filename)

    def take(self) -> list[str]:
        names = sorted(relative(Path(f)) for f in self.seen)
        self.seen.clear()
        return names


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def layer_key(module: str) -> tuple[int, str]:
    top = module.split("/", 1)[0]
    rank = LAYER_ORDER.index(top) if top in LAYER_ORDER else len(LAYER_ORDER)
    return rank, module


async def traced_paths(trace: ModuleTrace) -> tuple[list[str], list[str]]:
    """(modules on a poll's path, modules on a download's path)."""
    from suno_tui.cli.monitor_cmd import build_app
    from suno_tui.config import Gateway, Settings
    from suno_tui.downloads.events import TaskOutcome
    from suno_tui.engine.compose import Wiring, open_engine
    from suno_tui.engine.events import DownloadEnded, EngineEvent, RoundEnded
    from suno_tui.relay.models import TaskStatus
    from suno_tui.simulator import ManualClock, Simulator

    sim = Simulator(seed=0, clock=ManualClock(), asset_sizes={"mp3": 40_000, "mp4": 20_000})
    await sim.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            settings = Settings(
                gateways={"default": Gateway("default", sim.base_url, sim.token)},
                download_dir=folder / "downloads",
                state_path=folder / "state.sqlite3",
                poll_interval=3600.0,
                bell=False,
            )
            running = sim.add_task("success", title="Running", delays=RUNNING, elapsed=30)
            finished = sim.add_task("success", title="Finished", delays=FINISHED, elapsed=5)
            clock = sim.clock.now

            def now() -> datetime:
                return datetime.fromtimestamp(clock(), UTC)

            assert isinstance(sim.clock, ManualClock)
            engine = open_engine(settings, Wiring(clock=now, sleep=sim.clock.sleep, account=False))
            first_round, running_moved = asyncio.Event(), asyncio.Event()
            downloaded = asyncio.Event()
            outcomes: list[TaskOutcome] = []

            def on_event(event: EngineEvent) -> None:
                # A round may end in more than one event (the last may be empty).
                if isinstance(event, RoundEnded):
                    first_round.set()
                    if any(
                        row.task_id == running and row.status is TaskStatus.IN_PROGRESS
                        for row in event.changed
                    ):
                        running_moved.set()
                elif isinstance(event, DownloadEnded):
                    outcomes.append(event.outcome)
                    downloaded.set()

            engine.subscribe(on_event)
            # Watched before the start, so the first round polls both and no
            # second round is queued by adding them.
            engine.add([finished, running])
            app = build_app(
                settings,
                engine,
                [],
                clock=now,
                label="simulator",
                bell=False,
                tz=UTC,
                cursor_blink=False,
                tick_seconds=3600.0,
                show_events=False,
                env={},
                no_images=True,
            )
            async with app.run_test(size=(120, 40)) as pilot:
                await asyncio.wait_for(first_round.wait(), WAIT)
                await pilot.pause(0.2)
                # A poll: the running task moves on, `r` asks for a round.
                sim.clock.advance(60)
                trace.recording = True
                await pilot.press("r")
                await asyncio.wait_for(running_moved.wait(), WAIT)
                await pilot.pause(0.2)
                trace.recording = False
                poll = trace.take()
                # A download: `d` on the finished task (the list's first row).
                await pilot.press("g")
                await pilot.pause(0.2)
                trace.recording = True
                await pilot.press("d")
                await asyncio.wait_for(downloaded.wait(), WAIT)
                await pilot.pause(0.2)
                trace.recording = False
                download = trace.take()
                [outcome] = outcomes
                if outcome.task_id != finished or not outcome.ok:
                    raise SystemExit(f"the traced download did not save the files: {outcome}")
    finally:
        await sim.stop()
    return sorted(poll, key=layer_key), sorted(download, key=layer_key)


# ------------------------------------------------------------ source figures


def modules() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_imports() -> list[str]:
    """``from suno_tui.x import _name`` in another module than x."""
    found = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                "suno_tui"
            ):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{relative(path)}: {node.module}.{alias.name}")
    return found


def engine_event_names() -> set[str]:
    tree = ast.parse((PACKAGE / "engine" / "events.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def names_in(node: ast.AST) -> set[str]:
    """The names an expression mentions (``A``, ``events.A``, ``A | B``)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return names | {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def event_isinstance_sites() -> list[str]:
    """``isinstance(x, SomeEngineEvent ...)`` in the front ends: dispatch by type."""
    events = engine_event_names()
    found = []
    for folder in ("tui", "cli"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "isinstance"
                    and len(node.args) == 2
                ):
                    names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                    names |= {
                        n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)
                    }
                    if names & events:
                        found.append(f"{relative(path)}:{node.lineno}")
    return found


def app_methods() -> int:
    tree = ast.parse((PACKAGE / "tui" / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "MonitorApp":
            return sum(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in node.body)
    raise SystemExit("tui/app.py has no MonitorApp")


def repeated_names(folder: Path) -> list[str]:
    names: dict[str, int] = {}
    for path in folder.rglob("*.py"):
        if path.name != "__init__.py":
            names[path.name] = names.get(path.name, 0) + 1
    return sorted(name for name, count in names.items() if count > 1)


# ------------------------------------------------------------------- output


def block(poll: list[str], download: list[str]) -> str:
    sizes = sorted(((line_count(p), relative(p)) for p in modules()), reverse=True)
    over = [name for lines, name in sizes if lines > 400]
    privates = private_imports()
    dispatch = event_isinstance_sites()
    repeated = repeated_names(PACKAGE / "tui")
    largest = ", ".join(f"`{name}` {lines}" for lines, name in sizes[:5])
    tui_modules = sum(1 for p in (PACKAGE / "tui").rglob("*.py") if p.name != "__init__.py")
    rows = [
        ("modules whose code runs for a poll, from `r` to the repainted row", len(poll)),
        ("modules whose code runs for `d`, from the key to the saved files", len(download)),
        ("modules in `suno_tui/` (without `__init__.py`)", sum(1 for p in modules()
                                                             if p.name != "__init__.py")),
        ("modules in `tui/`", tui_modules),
        ("modules over 400 lines", len(over)),
        ("the five largest modules (lines)", largest),
        ("`tui/app.py`", f"{line_count(PACKAGE / 'tui' / 'app.py')} lines, "
                         f"{app_methods()} methods in `MonitorApp`"),
        ("imports of a private name from another module", len(privates)),
        ("`isinstance` checks on engine events in the front ends", len(dispatch)),
        ("file names repeated inside `tui/`", len(repeated)),
    ]  # fmt: skip
    lines = [START, "", "| figure | now |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines += ["", "A poll's modules, layer by layer: " + ", ".join(f"`{m}`" for m in poll) + "."]
    lines += ["", "A download's modules: " + ", ".join(f"`{m}`" for m in download) + "."]
    for title, items in (
        ("Private imports", privates),
        ("`isinstance` on engine events", dispatch),
        ("Repeated names in `tui/`", repeated),
    ):
        if items:
            lines += ["", f"{title}: " + ", ".join(f"`{item}`" for item in items) + "."]
    lines += ["", END]
    return "\n".join(lines)


def current_block(page: str) -> str | None:
    start, end = page.find(START), page.find(END)
    if start < 0 or end < 0:
        return None
    return page[start : end + len(END)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="architecture_figures")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the page differs")
    mode.add_argument("--write", action="store_true", help="rewrite the block in the page")
    args = parser.parse_args(argv)

    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    trace = ModuleTrace(str(PACKAGE) + os.sep, str(PACKAGE / "simulator") + os.sep)
    sys.settrace(trace)
    threading.settrace(trace)
    try:
        poll, download = asyncio.run(traced_paths(trace))
    finally:
        sys.settrace(None)
        threading.settrace(None)
    figures = block(poll, download)
    page = PAGE.read_text(encoding="utf-8")
    shown = current_block(page)
    if args.check:
        if shown == figures:
            return 0
        print("docs/architecture.md's figures are out of date; now they are:\n", file=sys.stderr)
        print(figures, file=sys.stderr)
        print("\nrun: python scripts/architecture_figures.py --write", file=sys.stderr)
        return 1
    if args.write:
        if shown is None:
            raise SystemExit(f"docs/architecture.md has no {START!r} ... {END!r} block")
        PAGE.write_text(page.replace(shown, figures), encoding="utf-8")
        return 0
    print(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
