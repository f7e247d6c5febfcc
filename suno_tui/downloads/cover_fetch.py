"""Fetching a cover's bytes: http(s) only, allowed addresses only, within a total deadline.

A :class:`CoverFetcher` belongs to one thread (a cover pool's worker): it owns
an event loop and an ``httpx.AsyncClient`` bound to it, so that one
``asyncio.timeout`` of :data:`DEADLINE` seconds covers the whole fetch: name
lookups, connection, TLS, headers, every redirect and the body. httpx's own
timeouts apply to each read only, and a server sending a byte every 10 s
never trips them. A fetch can also be cancelled from another thread (the
view moved on), which frees the thread at once.

Name lookups run in daemon threads (see :class:`_DaemonLookups`): one still
stuck when the deadline passes, or when the program exits, is abandoned,
never waited for. Which addresses may be fetched is :mod:`.cover_address`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, ParamSpec, TypeVar
from urllib.parse import urljoin, urlsplit

from suno_tui.downloads.cover_address import LOCAL_KINDS, address_kind, literal_kind, refusal
from suno_tui.downloads.cover_decode import CoverError

if TYPE_CHECKING:
    import httpx

__all__ = ["DEADLINE", "MAX_DOWNLOAD", "MAX_REDIRECTS", "CoverFetcher", "default_client"]

#: seconds a cover fetch may take in all (lookups, connection, headers, redirects, body)
DEADLINE = 20.0
#: seconds a single read may wait
TIMEOUT = 15.0
#: bytes read from a cover URL at most (covers are ~100-400 KiB)
MAX_DOWNLOAD = 4 * 1024 * 1024
#: redirects followed at most
MAX_REDIRECTS = 3

_P = ParamSpec("_P")
_T = TypeVar("_T")


class _DaemonLookups(ThreadPoolExecutor):
    """Each call in its own daemon thread (asyncio's name lookups go through here).

    A ThreadPoolExecutor's threads are joined when the interpreter exits, so a
    lookup stuck on a dead DNS server would hold up quitting; these are not.
    """

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # handed to the waiting coroutine
                future.set_exception(error)
            else:
                future.set_result(result)

        threading.Thread(target=run, daemon=True, name="cover-lookup").start()
        return future


def default_client() -> httpx.AsyncClient:
    import httpx

    from suno_tui import __version__

    return httpx.AsyncClient(
        headers={"User-Agent": f"suno-tui/{__version__}"},
        timeout=httpx.Timeout(TIMEOUT, connect=10.0),
        follow_redirects=False,
    )


class CoverFetcher:
    """Blocking fetches on the calling thread, which must always be the same one."""

    def __init__(
        self,
        *,
        client_factory: Callable[[], httpx.AsyncClient] = default_client,
        gateway_url: str | None = None,
        max_download: int = MAX_DOWNLOAD,
        deadline: float = DEADLINE,
    ) -> None:
        self.gateway_url = gateway_url
        self.max_download = max_download
        self.deadline = deadline
        self._client_factory = client_factory
        self._client: httpx.AsyncClient | None = None
        self._gateway_kinds: set[str] | None = None
        self._loop = asyncio.new_event_loop()
        self._loop.set_default_executor(_DaemonLookups(max_workers=1))
        self._task: asyncio.Task[bytes] | None = None
        self._token: object = None

    def fetch(self, url: str, token: object = None) -> bytes:
        """The body at ``url``, or CoverError; asyncio.CancelledError if cancelled."""
        self._token = token
        self._task = self._loop.create_task(self._fetch(url))
        try:
            return self._loop.run_until_complete(self._task)
        finally:
            self._task = self._token = None

    def cancel(self, token: object) -> None:
        """Stop the fetch made with ``token`` (from any thread; a no-op if it is over)."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing runs
            self._loop.call_soon_threadsafe(self._cancel_if, token)

    def close(self) -> None:
        """Close the client and the loop (on the fetcher's thread, between fetches)."""
        if self._client is not None:
            self._loop.run_until_complete(self._client.aclose())
            self._client = None
        self._loop.close()

    def _cancel_if(self, token: object) -> None:
        if self._task is not None and self._token is token:
            self._task.cancel()

    async def _fetch(self, url: str) -> bytes:
        try:
            async with asyncio.timeout(self.deadline):
                return await self._follow(url)
        except TimeoutError as error:
            raise CoverError(f"no cover within {self.deadline:g} s") from error

    async def _follow(self, url: str) -> bytes:
        import httpx

        if self._client is None:
            self._client = self._client_factory()
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise CoverError("not an http(s) link")
            await self._check_address(url)
            try:
                headers = {"Accept-Encoding": "identity"}
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise CoverError(f"HTTP {response.status_code}")
                    return await self._read_body(response)
            except httpx.HTTPError as error:
                raise CoverError(f"cannot fetch: {type(error).__name__}") from error
        raise CoverError("too many redirects")

    async def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_download:
            raise CoverError(f"too big ({int(declared):,} bytes)")
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > self.max_download:
                raise CoverError(f"too big (over {self.max_download:,} bytes)")
        return bytes(body)

    # -- addresses ----------------------------------------------------------------

    async def _check_address(self, url: str) -> None:
        kinds = await self._kinds(url)
        if not kinds & set(LOCAL_KINDS):
            return
        if self._gateway_kinds is None:
            self._gateway_kinds = await self._kinds(self.gateway_url) if self.gateway_url else set()
        reason = refusal(kinds, self._gateway_kinds)
        if reason is not None:
            raise CoverError(reason)

    async def _kinds(self, url: str) -> set[str]:
        """The kinds of address ``url``'s host is on (empty if it does not resolve)."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            return set()
        literal = literal_kind(host)
        if literal is not None:
            return {literal}
        if not host:
            return set()
        default_port = 443 if parts.scheme == "https" else 80
        try:
            found = await self._loop.getaddrinfo(
                host, port or default_port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError, ValueError):
            return set()  # the client fails on it the same way, or a proxy resolves it
        kinds = set()
        for *_, sockaddr in found:
            try:
                kinds.add(address_kind(ipaddress.ip_address(str(sockaddr[0]).split("%")[0])))
            except ValueError:
                kinds.add("private")  # not an IP address we know: not trusted as public
        return kinds
