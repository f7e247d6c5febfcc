"""Hostile gateways (issue #14): what a compression bomb costs in memory, and
how long a server that drips one byte at a time can keep a command running.

- ``bomb``: peak resident memory of ``suno-tui fetch`` (the child's own, from
  ``wait4``) against a ~5 KB answer with ``Content-Encoding: gzip, gzip`` that
  decodes to 2 GiB, beside the same command against an ordinary answer.
  Before the bounded decoder: 4,130 MiB and 20 s.
- ``drip``: seconds until ``fetch --request-timeout 2`` and ``watch --timeout 3``
  exit against a server that sends the status line and then one byte every
  50 ms. Before the total deadline both were still running when killed at
  120 s.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
from pathlib import Path

from benchmarks.common import Row
from tests.fixtures import shapes
from tests.reliability.bombs import layered_bomb
from tests.reliability.cli import clean_env
from tests.reliability.gateway import Answer, ScriptedGateway
from tests.reliability.measure import Measured, run_measured
from tests.reliability.raw_server import RawServer

TASK = "bench-task-1"
KILL_AFTER = 120.0


def _fetch(base_url: str, *extra: str) -> Measured:
    env = clean_env(Path(tempfile.mkdtemp(prefix="bench-hostile-")), SUNO_TUI_TOKEN="sk-bench")
    return run_measured(["fetch", "--base-url", base_url, *extra, TASK], env, timeout=KILL_AFTER)


def _bomb_rows(quick: bool) -> list[Row]:
    mebibytes = 256 if quick else 2048
    bomb = layered_bomb(mebibytes, layers=2)
    headers = {"Content-Encoding": "gzip, gzip", "Content-Type": "application/json"}
    ordinary = json.dumps(shapes.envelope([shapes.success_task(TASK)])).encode()
    with ScriptedGateway(lambda seen: Answer(200, {}, ordinary)) as base_url:
        base = _fetch(base_url)
    with ScriptedGateway(lambda seen: Answer(200, headers, bomb)) as base_url:
        hit = _fetch(base_url)
    refused = "exceeds the 16777216-byte limit" in hit.stderr
    return [
        Row(
            "bomb",
            f"fetch peak RSS, {len(bomb):,}-byte answer decoding to {mebibytes:,} MiB",
            hit.peak_rss_mib,
            "MiB",
            "<= ordinary answer + 64 MiB, refused",
            ok=refused and 0 < hit.peak_rss_mib <= base.peak_rss_mib + 64,
            baseline="an ordinary answer",
            baseline_value=base.peak_rss_mib,
            note="" if refused else "not refused!",
        )
    ]


def _drip(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n{")
    while not stop.wait(0.05):
        sock.sendall(b" ")


def _drip_rows() -> list[Row]:
    rows = []
    env = clean_env(Path(tempfile.mkdtemp(prefix="bench-hostile-")), SUNO_TUI_TOKEN="sk-bench")
    cases = {
        "fetch --request-timeout 2": (["fetch", "--request-timeout", "2"], 2.0),
        "watch --timeout 3 --request-timeout 60": (
            ["watch", "--timeout", "3", "--request-timeout", "60", "--unreachable-after", "3"],
            3.0,
        ),
    }
    for name, (argv, limit) in cases.items():
        with RawServer(_drip) as base_url:
            ran = run_measured([*argv, "--base-url", base_url, TASK], env, timeout=KILL_AFTER)
        rows.append(
            Row(
                "drip",
                f"{name}: seconds to exit against a 1 byte / 50 ms drip",
                ran.seconds,
                "s",
                f"<= {limit:g} s + 2 s start-up, exit 4",
                ok=not ran.killed and ran.code == 4 and ran.seconds <= limit + 2,
                baseline="the timeout asked for",
                baseline_value=limit,
                note="killed: still running" if ran.killed else "",
            )
        )
    return rows


def run(quick: bool) -> list[Row]:
    return [*_bomb_rows(quick), *_drip_rows()]
