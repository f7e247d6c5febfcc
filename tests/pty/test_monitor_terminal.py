"""The monitor in a real pseudo-terminal (issue #8 items 3 and 4).

Terminal safety: titles, tags, lyrics and fail reasons carrying escape
sequences (OSC 52 clipboard writes, title changes, CSI), 8-bit C1 controls,
bidi overrides and Rich/Textual markup are served by the simulator; every
byte the monitor writes to the terminal is captured, and none of those
sequences may appear in it, while the markup shows literally and does not run.

Crash safety: the monitor is killed with SIGKILL while it polls; the state
file then opens, and every task and transition it had shown is there.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProcess, visible_text
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store

OSC52 = "\x1b]52;c;UFdORUQ=\x07"
TITLE_CHANGE = "\x1b]0;PWNED-TITLE\x07"
ODD_CSI = "\x1b[99;98m"
C1_CSI = "\x9b31m"
C1_OSC = "\x9d0;C1-PWNED\x9c"
BIDI = "\u202e"
MARKUP = "[@click=app.quit]hi[/]"
HOSTILE_TITLE = f"Evil{OSC52} {MARKUP} {TITLE_CHANGE}{ODD_CSI}{C1_CSI}{C1_OSC}{BIDI}gnp.exe"
HOSTILE_TAGS = f"[bold red]loud[/] {OSC52}, [$accent]x"
HOSTILE_LYRICS = f"[Verse]\nline one {TITLE_CHANGE}\n{OSC52}[/x] line two\n{BIDI}reversed"
HOSTILE_REASON = f"bad {OSC52} reason [@click=app.quit]q[/] {C1_OSC}"

# What must never reach the terminal, as the bytes a terminal would act on.
FORBIDDEN = {
    "OSC 52 clipboard write": b"\x1b]52;",
    "window title change": b"PWNED-TITLE\x07",
    "the data's CSI": ODD_CSI.encode(),
    "8-bit CSI (UTF-8)": "\x9b".encode(),
    "8-bit OSC (UTF-8)": "\x9d".encode(),
    "8-bit CSI (raw byte)": b"\x9b3",
    "bidi override": BIDI.encode(),
}

# The keys a user presses around the hostile tasks, each with text that only the
# screen it leads to shows (the cursor starts on the first task added, the
# finished one; the failed one sorts above it).
KEY_TOUR = (
    (b"\r", "task id"),  # the finished task's detail
    (b"J", "raw JSON as the gateway sent it"),
    (b"J", "task id"),  # back to the detail
    (b"\x1b", "STATUS"),  # the list (its header)
    (b"k", "FAILURE"),  # the failed task's row, repainted with the cursor
    (b"\r", "reason [@click=app.quit]q[/]"),  # its detail: the reason, literally
    (b"\x1b", "STATUS"),
    (b"e", "STATUS"),  # the event log hidden: the list grows
    (b"e", "first seen: FAILURE"),  # and shown again
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, Linux ptys")


@pytest.fixture
def gateway() -> Iterator[Simulator]:
    sim = Simulator(seed=11, clock=ManualClock())
    with SimulatorThread(sim):
        yield sim


def monitor_command(sim: Simulator, state: Path, *ids: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "suno_tui",
        "--state",
        str(state),
        "--base-url",
        sim.base_url,
        "--no-bell",
        "--interval",
        "2",
        *ids,
    ]


def monitor_env(sim: Simulator, home: Path) -> dict[str, str]:
    return {
        "SUNO_TUI_TOKEN": sim.token,
        "XDG_CONFIG_HOME": str(home),
        "SUNO_TUI_CONFIG": str(home / "none.toml"),
        "SUNO_TUI_PROFILE": "default",
    }


def test_no_sequence_from_the_data_reaches_the_terminal(gateway: Simulator, tmp_path: Path) -> None:
    done = gateway.add_task(
        "success", title=HOSTILE_TITLE, tags=HOSTILE_TAGS, prompt=HOSTILE_LYRICS, elapsed=9_000
    )
    failed = gateway.add_task(
        "failure", title=HOSTILE_TITLE, fail_reason=HOSTILE_REASON, elapsed=9_000
    )
    command = monitor_command(gateway, tmp_path / "state.db", done, failed)
    with PtyProcess(command, columns=120, rows=40, env=monitor_env(gateway, tmp_path)) as app:
        app.wait_for("2 watched", timeout=60)
        app.wait_for("gnp.exe", timeout=30)  # the hostile title, polled and shown
        # Each key, then the screen it leads to (only output written after the
        # key counts): no sleep decides whether the app had time to react.
        for keys, screen_shows in KEY_TOUR:
            mark = app.mark()
            app.write(keys)
            app.wait_for(screen_shows, timeout=30, after=mark)
        mark = app.mark()
        app.write(b"\x1b[1;1H")  # a stray cursor-position sequence: harmless
        app.write(b"?")  # then a key, so the sequence is known to have been read
        app.wait_for("Esc closes", timeout=30, after=mark)  # the help screen
        mark = app.mark()
        app.write(b"\x1b")
        app.wait_for("STATUS", timeout=30, after=mark)
        still_running = app.process.poll() is None
        output = app.output()
        app.write(b"q")
        app.process.wait(10)

    assert still_running, "the markup in a title must not be able to quit the app"
    found = {name: seq for name, seq in FORBIDDEN.items() if seq in output}
    assert not found, f"reached the terminal: {found}"
    screen = visible_text(output)
    assert "[@click=app.quit]hi[/]" in screen  # markup shown literally
    assert "[bold red]loud[/]" in screen
    assert "gnp.exe" in screen and "Evil" in screen


# Each run of the monitor moves the tasks on by ``advance`` simulated seconds and
# is killed the moment the screen shows ``label`` (the stages below: 0-5 s
# NOT_START, 5-10 SUBMITTED, 10-20 QUEUED, 20-80 IN_PROGRESS, then SUCCESS).
KILL_DELAYS = {"not_start": 5.0, "submitted": 5.0, "queued": 10.0, "in_progress": 60.0}
KILL_ROUNDS = ((15.0, "QUEUED"), (20.0, "IN_PROGRESS"), (60.0, "SUCCESS"))


def test_kill_9_while_polling_loses_nothing_that_was_shown(
    gateway: Simulator, tmp_path: Path
) -> None:
    ids = [gateway.add_task("success", title=f"Song {n}", delays=KILL_DELAYS) for n in range(6)]
    state = tmp_path / "state.db"
    assert isinstance(gateway.clock, ManualClock)
    for advance, label in KILL_ROUNDS:
        command = monitor_command(gateway, state, *ids)
        with PtyProcess(command, columns=120, rows=40, env=monitor_env(gateway, tmp_path)) as app:
            app.wait_for("6 watched", timeout=60)
            mark = app.mark()
            gateway.clock.advance(advance)  # tasks move on; the next poll sees it
            # Killed the moment a row shows the new state: it must be stored by then.
            app.wait_for(label, timeout=30, after=mark)
            os.kill(app.process.pid, signal.SIGKILL)
            app.process.wait(10)
            screen = visible_text(app.output())
        assert label in screen
        with Store.open(state) as store:
            summaries = {s.task_id: s for s in store.load_summaries()}
            assert set(summaries) == set(ids)  # the watch list is complete
            for summary in summaries.values():
                # A status on screen is a status in the store.
                if summary.status_label in screen:
                    assert store.load_transitions(summary.task_id) or summary.status_label == "NEW"
            labels_on_screen = {
                label
                for label in ("SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS")
                if label in screen
            }
            stored = {t.to_label for i in ids for t in store.load_transitions(i)}
            assert labels_on_screen <= stored | {"NEW"}


def test_the_keyboard_comes_from_the_terminal_after_ids_on_standard_input(
    gateway: Simulator, tmp_path: Path
) -> None:
    """``cat ids | suno-tui --ids-file -``: the ids come from the pipe, which
    then ends; the keys must come from /dev/tty, or the monitor is deaf."""
    ids = [gateway.add_task("success", title=f"Piped {n}", elapsed=9_000) for n in range(2)]
    command = [*monitor_command(gateway, tmp_path / "state.db"), "--ids-file", "-"]
    piped = "\n".join(ids).encode() + b"\n"
    env = monitor_env(gateway, tmp_path)
    with PtyProcess(command, columns=120, rows=40, env=env, stdin=piped) as app:
        app.wait_for("2 watched", timeout=60)
        for keys, screen_shows in ((b"?", "Esc closes"), (b"\x1b", "STATUS")):
            mark = app.mark()
            app.write(keys)
            app.wait_for(screen_shows, timeout=30, after=mark)
        app.write(b"q")
        assert app.process.wait(30) == 0
