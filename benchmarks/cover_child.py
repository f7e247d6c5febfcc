"""One measured run of the covers, in a child process of its own (its peak RSS is
its own): ``python -m benchmarks.cover_child MODE FOLDER`` prints one JSON line.

- ``eleven BODY``: the file BODY served as eleven covers, asked of the cover
  loader all at once (the parent writes it: making a 4096x4096
  image here would count in the peak). Prints ``{"peak_rss_mib": ...}``
  after the eleventh answer.
- ``monitor``: the monitor (headless) scrolls over ten hostile covers (drips
  of a byte every 50 ms and, with ``bombs``, 4096x4096 JPEGs of 73,719 scans
  in between), then shows an ordinary one, then ``q``. Prints the seconds
  until the ordinary cover showed and the monotonic time ``q`` was pressed
  (the parent measures the exit from it).
"""

from __future__ import annotations

import io
import json
import socket
import sys
import threading
import time
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from PIL import Image

from suno_tui.downloads.cover_pool import CoverLoader
from suno_tui.downloads.covers import CoverCache
from tests.fixtures.hostile_images import scan_bomb_jpeg
from tests.reliability.raw_server import RawServer

BOMB_SCANS = 73_719


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def _peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _server(bodies: dict[bytes, bytes]) -> RawServer:
    def serve(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        path = request.split(b"\r\n", 1)[0]
        if b" /drip/" in path:
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.05):
                sock.sendall(b"\xff")
            return
        body = next(body for prefix, body in bodies.items() if b" " + prefix in path)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    return RawServer(serve)


def eleven(folder: Path, body: bytes) -> dict[str, Any]:
    server = _server({b"/": body})
    base_url = server.start()
    loader = CoverLoader(CoverCache(folder, gateway_url=base_url))
    # all at once, as scrolling over eleven tasks asks for them
    futures = [loader.request(f"clip-{i}", f"{base_url}/{i}.png") for i in range(11)]
    outcomes = []
    for future in futures:
        try:
            outcomes.append(f"{future.result(timeout=600).size}")
        except CancelledError:
            outcomes.append("superseded")
        except Exception as error:
            outcomes.append(str(error))
    loader.close()
    return {"peak_rss_mib": _peak_rss_mib(), "bytes": len(body), "outcome": outcomes[-1]}


def monitor(folder: Path, bombs: bool) -> dict[str, Any]:
    from suno_tui.tui.detail.cover_view import CoverView
    from tests.tui.conftest import build_app
    from tests.tui.cover_drips import dripping_task
    from tests.tui.factories import sample_summaries

    bomb = scan_bomb_jpeg((4096, 4096), extra_scans=BOMB_SCANS) if bombs else b""
    server = _server({b"/bomb/": bomb, b"/ok/": _jpeg((1024, 1024))})
    base_url = server.start()  # never stopped: it drips until the process ends
    app, _ = build_app(covers=CoverLoader(CoverCache(folder, gateway_url=base_url)))
    figures: dict[str, Any] = {"bomb_bytes": len(bomb)}

    async def scroll_then_quit(pilot: Any) -> None:
        app.task_list.select(sample_summaries()[0].task_id)
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(CoverView)
        for index in range(10):
            kind = "bomb" if bombs and index % 2 else "drip"
            view.show_task(dripping_task(index, base_url, kind=kind))
            await pilot.pause(0.2)  # a user scrolling
        started = time.perf_counter()
        view.show_task(dripping_task(99, base_url, kind="ok"))
        while view.image is None and time.perf_counter() - started < 120:
            await pilot.pause(0.01)
        figures["cover_seconds"] = time.perf_counter() - started
        figures["cover_shown"] = view.image is not None
        figures["quit_at"] = time.monotonic()
        print(json.dumps(figures), flush=True)
        await pilot.press("q")

    app.run(headless=True, size=(120, 40), auto_pilot=scroll_then_quit)
    return figures


def main() -> None:
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "eleven":
        print(json.dumps(eleven(folder, Path(sys.argv[3]).read_bytes())))
    else:
        monitor(folder, bombs=mode == "monitor-bombs")


if __name__ == "__main__":
    main()
