"""The detail's URLs are links a person can click (issue #20 item 2), checked
in the bytes the monitor writes to a real pseudo-terminal.

A finished clip's detail carries its audio URL as an OSC 8 hyperlink
(``ESC ] 8 ; id=N ; URL ESC \\ text ESC ] 8 ; ; ESC \\``) whose text is the
URL as shown; under ``NO_COLOR`` or ``TERM=dumb`` the same screen has no
OSC 8 at all; and a URL with escape sequences and control characters in it
(the simulator's CDN handing out hostile links) is shown cleaned, as plain
text, with no OSC 8 and none of its controls.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProcess, visible_text
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from tests.pty.test_monitor_terminal import monitor_command, monitor_env

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux ptys")

OSC8_START = b"\x1b]8;"
# one linked stretch as Textual writes it: parameters, URL, text, the closing OSC 8
LINKED = re.compile(rb"\x1b\]8;([^;\x07\x1b]*);([^\x07\x1b]*)\x1b\\(.*?)\x1b\]8;;\x1b\\", re.DOTALL)
SGR = re.compile(rb"\x1b\[[0-9;]*m")
POINTER_SHAPE = re.compile(rb"\x1b\]22;[a-z-]*\x07")
TITLE = "Linked Harbour"

# a CDN address that tries to end the link early and open its own, with a BEL
# and an 8-bit ST; cleaned, it reads as an ordinary https URL
HOSTILE_BASE = "https://cdn.example/\x1b]8;;https://evil.example/\x1b\\x\x07\x9c"


@pytest.fixture
def gateway() -> Iterator[Simulator]:
    sim = Simulator(seed=11, clock=ManualClock())
    with SimulatorThread(sim):
        yield sim


def _detail_output(sim: Simulator, tmp_path: Path, **env: str) -> tuple[str, bytes]:
    """Open a finished task's detail in the monitor: its first clip's id, and
    every byte the monitor wrote to the terminal."""
    task_id = sim.add_task("success", title=TITLE, elapsed=9_000)
    task = sim.tasks.get(task_id)
    assert task is not None
    command = [*monitor_command(sim, tmp_path / "state.db", task_id), "--no-images"]
    environ = {**monitor_env(sim, tmp_path), **env}
    with PtyProcess(command, columns=120, rows=40, env=environ) as app:
        app.wait_for("1 watched", timeout=60)
        app.wait_for("SUCCESS", timeout=30)  # polled: the clips' URLs are known
        mark = app.mark()
        app.write(b"\r")
        # the field below the audio URL: the URL's lines were written before it
        app.wait_for("  video", timeout=30, after=mark)
        output = app.output()
        app.write(b"q")
        assert app.process.wait(30) == 0
    return task.clips[0].id, output


def _linked(output: bytes) -> list[tuple[str, str]]:
    """(URL, text shown) of each linked stretch, in the order written."""
    return [
        (match.group(2).decode(), SGR.sub(b"", match.group(3)).decode())
        for match in LINKED.finditer(output)
    ]


def test_a_finished_clips_audio_url_is_a_link_to_itself(gateway: Simulator, tmp_path: Path) -> None:
    clip_id, output = _detail_output(gateway, tmp_path)
    linked = _linked(output)
    audio = re.compile(rf"{re.escape(gateway.base_url)}/assets/{clip_id}\.mp3\?exp=\d+&sig=\w+")
    targets = [url for url, _ in linked if audio.fullmatch(url)]
    assert targets, f"no link to the audio URL in {linked!r}"
    url = targets[0]
    # The text of the link is the URL as shown: on one line, or wrapped over
    # several, each line a stretch of its own linked to the whole URL.
    pieces = [text for target, text in linked if target == url]
    shown = ""
    for text in pieces:
        shown += text
        assert url.startswith(shown), f"linked text {shown!r} is not the URL {url!r}"
        if shown == url:
            shown = ""  # one whole painting of the URL; a repaint may follow
    assert shown == "" and pieces
    # every link in the output is http(s) and carries no control character
    for target, _ in linked:
        assert target.startswith(("http://", "https://")) and target.isprintable(), target


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "dumb"])
def test_no_color_or_a_dumb_terminal_gets_the_urls_as_plain_text(
    gateway: Simulator, tmp_path: Path, env: dict[str, str]
) -> None:
    clip_id, output = _detail_output(gateway, tmp_path, **env)
    assert OSC8_START not in output
    # the URL is still there to read (its start: the rest may wrap)
    assert f"{gateway.base_url}/assets/{clip_id}.mp3?" in visible_text(output)


def test_a_hostile_url_is_shown_cleaned_and_is_no_link(gateway: Simulator, tmp_path: Path) -> None:
    # The simulator's CDN address, which every asset URL starts with.
    gateway.links.base_url = HOSTILE_BASE
    clip_id, output = _detail_output(gateway, tmp_path)
    assert OSC8_START not in output
    assert b"evil.example" not in output  # the injected link went with its sequence
    # Textual's own pointer-shape OSC 22 ends in BEL; nothing else may
    ours = POINTER_SHAPE.sub(b"", output)
    for control in ("\x07", "\x9c", "\x9d"):
        assert control.encode() not in ours, repr(control)
    assert f"https://cdn.example/x/assets/{clip_id}.mp3?" in visible_text(output)
