"""Covers that drip for ever or cost minutes to decode, for the monitor's thread
and quit tests.

:func:`dripping_task` is a task whose cover is at ``{base_url}/{kind}/N``;
:func:`serve` answers ``/drip/...`` with a status line and then one byte every
50 ms until the server stops, ``/bomb/...`` with a 4096x4096 progressive JPEG
of 20,000 scans (0.7 MB, a minute or more of CPU to decode), and anything else
with a small JPEG.
"""

from __future__ import annotations

import io
import socket
import threading
from typing import Any

from PIL import Image

from suno_tui.relay.models import Task, parse_task
from tests.fixtures.hostile_images import scan_bomb_jpeg

from .factories import raw_music_task


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 160, 220)).save(out, format="JPEG")
    return out.getvalue()


JPEG = _jpeg()
_bombs: list[bytes] = []
_bomb_lock = threading.Lock()


def bomb() -> bytes:
    with _bomb_lock:
        if not _bombs:
            _bombs.append(scan_bomb_jpeg((4096, 4096), extra_scans=20_000))
        return _bombs[0]


def serve(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
    path = request.split(b"\r\n", 1)[0]
    if b" /drip/" in path:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while not stop.wait(0.05):
            sock.sendall(b"\xff")
        return
    body = bomb() if b" /bomb/" in path else JPEG
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def dripping_task(index: int, base_url: str, *, kind: str = "drip") -> Task:
    raw: dict[str, Any] = raw_music_task(f"drip-task-{index}")
    clip = raw["data"][0]
    clip["id"] = f"drip-clip-{index}"
    clip["image_url"] = f"{base_url}/{kind}/{index}.jpeg"
    return parse_task(raw)


def fetches_started(requests: list[bytes]) -> int:
    """Requests for hostile covers the server has seen."""
    return sum(b" /drip/" in request or b" /bomb/" in request for request in requests)
