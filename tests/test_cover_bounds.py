"""Covers are bounded in CPU, memory and time whatever the CDN sends (issue #21, item 1):
a progressive JPEG with thousands of scans and a huge PNG are refused before
decoding, decodes run one at a time, and a fetch dripping a byte at a time
ends at its total deadline."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from suno_tui.downloads.cover_decode import DECODE_SLOTS, MAX_SCANS, THUMBNAIL
from suno_tui.downloads.covers import CoverCache, CoverError, decode_cover
from tests.fixtures.hostile_images import blank_png, progressive_jpeg, scan_bomb_jpeg
from tests.reliability.raw_server import RawServer

BOUND = 30.0  # seconds any wait here may take before the test fails


def baseline_jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_a_progressive_jpeg_with_thousands_of_scans_is_refused_undecoded() -> None:
    bomb = scan_bomb_jpeg((256, 256), extra_scans=2_000)
    with pytest.raises(CoverError, match=r"too many JPEG scans \(2,0\d\d\)"):
        decode_cover(bomb)


def test_ordinary_progressive_and_large_jpegs_still_decode() -> None:
    assert decode_cover(progressive_jpeg((1024, 1024))).size == (THUMBNAIL, THUMBNAIL)
    # a JPEG is decoded at an eighth of its size: 4096x4096 is still a cover
    assert decode_cover(baseline_jpeg((4096, 4096))).size == (THUMBNAIL, THUMBNAIL)
    assert decode_cover(scan_bomb_jpeg((64, 64), extra_scans=MAX_SCANS // 2)).size == (64, 64)


def test_a_png_too_big_to_decode_small_is_refused() -> None:
    data = blank_png((4096, 4096))
    assert len(data) < 100_000  # cheap to send, 48 MiB to decode
    with pytest.raises(CoverError, match=r"too large to decode \(4096x4096 PNG\)"):
        decode_cover(data)
    assert decode_cover(blank_png((1024, 1024))).size == (THUMBNAIL, THUMBNAIL)


def test_decodes_run_one_at_a_time_however_many_threads_ask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = ImageFile.ImageFile.load
    lock = threading.Lock()
    active, most, waited = 0, 0, set()
    crowded = threading.Event()  # set once two decodes are inside load() together

    def load(image: ImageFile.ImageFile) -> object:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
            if active > 1:
                crowded.set()
            first_time = threading.get_ident() not in waited
            waited.add(threading.get_ident())
        if first_time:
            crowded.wait(timeout=0.5)  # room for another decode to come in, if one can
        try:
            return original(image)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    data = baseline_jpeg((64, 64))
    threads = [threading.Thread(target=decode_cover, args=(data,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BOUND)
    assert not any(thread.is_alive() for thread in threads)
    assert most == DECODE_SLOTS == 1


def _head_drip(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n":
        if stop.wait(0.05):
            return
        sock.sendall(bytes([byte]))
    _body_drip(sock, b"", stop, head=False)


def _body_drip(
    sock: socket.socket, request: bytes, stop: threading.Event, *, head: bool = True
) -> None:
    if head:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.05):
        sock.sendall(b"\xff")


def _outcome(action: Callable[[], object]) -> object:
    """What ``action`` returned or raised, waiting at most BOUND seconds."""
    result: list[object] = []

    def run() -> None:
        try:
            result.append(action())
        except Exception as error:
            result.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=BOUND)
    assert result, f"still fetching after {BOUND:g} s"
    return result[0]


@pytest.mark.parametrize("drip", [_head_drip, _body_drip], ids=["headers", "body"])
def test_a_dripping_cover_ends_at_its_total_deadline(
    tmp_path: Path, drip: Callable[[socket.socket, bytes, threading.Event], None]
) -> None:
    with RawServer(drip) as base_url:
        cache = CoverCache(tmp_path / "covers", deadline=0.5, gateway_url=base_url)
        outcome = _outcome(lambda: cache.get("clip-1", f"{base_url}/image_clip-1.jpeg"))
    assert isinstance(outcome, CoverError)
    assert str(outcome) == "no cover within 0.5 s"
