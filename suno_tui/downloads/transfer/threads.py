"""The download threads, and stopping a transfer blocked in a socket read
from the event loop (the writer's worker threads run httpx's sync client)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """Threads for transfers, tagging and hashing, shared by all downloads."""
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=32, thread_name_prefix="suno-tui-dl")
        return _EXECUTOR


class Stopped(Exception):
    """The transfer was asked to stop (the download was cancelled)."""


class Stopper:
    """Lets the event loop stop a transfer blocked in a socket read, including
    the wait for the response's headers (the socket is known from the moment
    it connects, through httpx's trace extension)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        #: the connection was cut by a deadline (not a cancel): the attempt fails
        self.cut_short = False
        self._lock = threading.Lock()
        self._stream: Any = None  # the transfer's network stream (httpx's extension)

    def watch(self, response: httpx.Response | None) -> None:
        self._watch_stream(None if response is None else response.extensions.get("network_stream"))

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's trace hook: remember each new connection's stream."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self._watch_stream(info.get("return_value"))

    def _watch_stream(self, stream: Any) -> None:
        with self._lock:
            self._stream = stream
        if stream is not None and (self.event.is_set() or self.cut_short):
            self._shutdown(stream)

    def stop(self) -> None:
        self.event.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            self._shutdown(stream)

    def cut(self) -> None:
        """End the connection without cancelling the download (a deadline
        passed): the blocked read fails, and the attempt with it."""
        self.cut_short = True
        with self._lock:
            stream = self._stream
        if stream is not None:
            self._shutdown(stream)

    def check(self) -> None:
        if self.event.is_set():
            raise Stopped

    @staticmethod
    def _shutdown(stream: Any) -> None:
        # Closing a socket does not wake a thread blocked in recv(); shutdown does.
        get_extra_info = getattr(stream, "get_extra_info", None)
        sock = get_extra_info("socket") if get_extra_info is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


async def in_thread(stopper: Stopper, function: Callable[..., T], *args: object) -> T:
    """Run a blocking step in the pool; on cancellation stop it and wait for it."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(executor(), function, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        stopper.stop()
        await asyncio.wait([future])
        if not future.cancelled():
            future.exception()  # retrieved: Stopped is expected here
        raise
