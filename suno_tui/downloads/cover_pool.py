"""The covers' own threads: a slow or hostile cover never holds a thread anyone else needs.

Covers used to run on asyncio's default executor, which the state file's
writes, checkpoints and download checks share: ten covers dripping a byte
every 10 s left the monitor unable to read its state file or start a
download. A :class:`CoverLoader` has :data:`THREADS` daemon threads of its
own and a queue of at most :data:`QUEUED` requests:

- :meth:`CoverLoader.request` returns a ``concurrent.futures.Future``; when
  the queue is full the oldest waiting request is cancelled (the view only
  shows the newest);
- cancelling a future (the view moved on to another task) drops it from the
  queue, or stops its fetch at once if it is running (a decode in progress
  finishes: it is bounded, see :mod:`.cover_decode`);
- every fetch has a total deadline (:mod:`.cover_fetch`);
- :meth:`CoverLoader.close` cancels everything and returns at once: the
  threads are daemons and are never joined, so quitting never waits for a
  cover.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

    from suno_tui.downloads.cover_fetch import CoverFetcher
    from suno_tui.downloads.covers import CoverCache

__all__ = ["QUEUED", "THREADS", "CoverLoader"]

#: cover threads (fetch and decode)
THREADS = 2
#: requests waiting at most; beyond, the oldest is cancelled
QUEUED = 4


@dataclass(eq=False)
class _Request:
    clip_id: str
    url: str
    future: Future[Image] = field(default_factory=Future)


class CoverLoader:
    """Thumbnails from ``cache``, fetched and decoded on the loader's own threads."""

    def __init__(self, cache: CoverCache, *, threads: int = THREADS, queued: int = QUEUED) -> None:
        self.cache = cache
        self.threads = max(1, threads)
        self.queued = max(1, queued)
        self._waiting: deque[_Request] = deque()
        self._condition = threading.Condition()
        self._started: list[threading.Thread] = []
        self._running: set[_Request] = set()
        self._closed = False
        self._numbers = itertools.count(1)

    def request(self, clip_id: str, url: str) -> Future[Image]:
        """The clip's thumbnail, later; cancel the future when it is no longer wanted."""
        request = _Request(clip_id, url)
        with self._condition:
            if self._closed:
                request.future.cancel()
                return request.future
            self._waiting.append(request)
            while len(self._waiting) > self.queued:
                self._waiting.popleft().future.cancel()  # superseded
            if self.alive < self.threads:  # started lazily; one that died is replaced
                self._start_thread()
            self._condition.notify()
        return request.future

    def close(self) -> None:
        """Cancel what waits and what runs; never waits for a thread."""
        with self._condition:
            self._closed = True
            abandoned = [*self._waiting, *self._running]
            self._waiting.clear()
            self._condition.notify_all()
        for request in abandoned:
            request.future.cancel()

    @property
    def alive(self) -> int:
        """Threads still running (for tests)."""
        return sum(thread.is_alive() for thread in self._started)

    def _start_thread(self) -> None:
        self._started = [thread for thread in self._started if thread.is_alive()]
        thread = threading.Thread(
            target=self._work, daemon=True, name=f"cover-{next(self._numbers)}"
        )
        self._started.append(thread)
        thread.start()

    def _next(self) -> _Request | None:
        with self._condition:
            while not self._waiting and not self._closed:
                self._condition.wait()
            return None if self._closed else self._waiting.popleft()

    def _work(self) -> None:
        fetcher = self.cache.new_fetcher()
        try:
            while (request := self._next()) is not None:
                if not request.future.cancelled():
                    self._serve(request, fetcher)
        finally:
            fetcher.close()

    def _serve(self, request: _Request, fetcher: CoverFetcher) -> None:
        future = request.future
        with self._condition:
            if self._closed:
                return
            self._running.add(request)
        # the future stays pending while it runs, so the view can still cancel it
        future.add_done_callback(lambda done: fetcher.cancel(request) if done.cancelled() else None)
        try:
            image = self.cache.get(
                request.clip_id, request.url, fetch=partial(fetcher.fetch, token=request)
            )
        except asyncio.CancelledError:
            future.cancel()
        except Exception as error:
            _settle(future, error=error)
        else:
            _settle(future, image=image)
        finally:
            with self._condition:
                self._running.discard(request)


def _settle(
    future: Future[Image], *, image: Image | None = None, error: Exception | None = None
) -> None:
    """Hand over the outcome, unless the future was cancelled meanwhile."""
    try:
        if error is not None:
            future.set_exception(error)
        elif image is not None:
            future.set_result(image)
    except InvalidStateError:
        pass  # cancelled while it ran: nobody waits for it
