"""The covers' own threads (issue #21, item 1): a cancelled request frees its thread at
once, the queue keeps only the newest requests, and closing cancels everything
without waiting."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future
from pathlib import Path

import pytest
from PIL.Image import Image

from suno_tui.downloads.cover_pool import CoverLoader
from suno_tui.downloads.covers import CoverCache
from tests.fixtures.waiting import wait_until
from tests.reliability.raw_server import RawServer
from tests.tui.cover_drips import fetches_started, serve

BOUND = 30.0  # seconds any wait here may take before the test fails


class Cdn(RawServer):
    base_url = ""


@pytest.fixture
def cdn() -> Iterator[Cdn]:
    server = Cdn(serve)
    server.base_url = server.start()
    yield server
    server.stop()


def loader_for(server: Cdn, tmp_path: Path, **kwargs: int) -> CoverLoader:
    cache = CoverCache(tmp_path / "covers", gateway_url=server.base_url, deadline=600)
    return CoverLoader(cache, **kwargs)


def url(loader: CoverLoader, path: str) -> str:
    return f"{loader.cache.gateway_url}{path}"


def test_a_cancelled_request_frees_its_thread_at_once(cdn: Cdn, tmp_path: Path) -> None:
    loader = loader_for(cdn, tmp_path, threads=2)
    previous: Future[Image] | None = None
    dripping = []
    for index in range(10):  # the view cancels the cover it no longer shows
        if previous is not None:
            previous.cancel()
        previous = loader.request(f"drip-{index}", url(loader, f"/drip/{index}.jpeg"))
        dripping.append(previous)
    wait_until(lambda: fetches_started(cdn.requests) >= 1, "not within the bound", BOUND)
    previous.cancel()
    # the deadline is 600 s: only the cancellation can free the threads in time
    image = loader.request("ok", url(loader, "/ok/1.jpeg")).result(timeout=BOUND)
    assert image.size == (64, 64)
    assert all(future.cancelled() for future in dripping)
    assert loader.alive <= 2
    loader.close()


def test_the_queue_keeps_the_newest_requests(cdn: Cdn, tmp_path: Path) -> None:
    loader = loader_for(cdn, tmp_path, threads=1, queued=2)
    drip = loader.request("drip", url(loader, "/drip/0.jpeg"))
    wait_until(lambda: fetches_started(cdn.requests) == 1, "not within the bound", BOUND)
    oldest, newer, newest = (
        loader.request(f"ok-{i}", url(loader, f"/ok/{i}.jpeg")) for i in range(3)
    )
    assert oldest.cancelled()  # superseded while waiting
    drip.cancel()
    assert newer.result(timeout=BOUND).size == newest.result(timeout=BOUND).size == (64, 64)
    loader.close()


def test_close_cancels_everything_and_waits_for_nothing(cdn: Cdn, tmp_path: Path) -> None:
    loader = loader_for(cdn, tmp_path, threads=2)
    running = [loader.request(f"drip-{i}", url(loader, f"/drip/{i}.jpeg")) for i in range(2)]
    waiting = loader.request("ok", url(loader, "/ok/1.jpeg"))
    wait_until(lambda: fetches_started(cdn.requests) == 2, "not within the bound", BOUND)
    assert loader.alive == 2
    pool_threads = [t for t in threading.enumerate() if re.fullmatch(r"cover-\d+", t.name)]
    assert pool_threads and all(thread.daemon for thread in pool_threads)  # exit never joins them
    loader.close()
    assert all(future.cancelled() for future in [*running, waiting])
    wait_until(
        lambda: loader.alive == 0, "not within the bound", BOUND
    )  # the fetches were cut, the threads ended
    late = loader.request("late", url(loader, "/ok/2.jpeg"))
    with pytest.raises(CancelledError):
        late.result(timeout=BOUND)
