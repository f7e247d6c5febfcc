"""A minimal HTTP/1.1 server on ``asyncio.start_server``.

Enough for the simulator and for the clients under test: keep-alive,
Content-Length request bodies, fixed-length or close-delimited response bodies
streamed from an iterator with transport backpressure, HEAD, and the
misbehaviours faults need (reset without an answer, a drop mid-body).
No chunked request bodies, no pipelining guarantees, no TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024
IDLE_TIMEOUT = 120.0  # seconds of real time an idle keep-alive connection is kept
# A large write buffer lets one 256 KiB chunk go out while the next is prepared.
WRITE_HIGH_WATER = 1024 * 1024


@dataclass(slots=True)
class Request:
    method: str
    target: str
    path: str  # still percent-encoded
    query: dict[str, str]
    version: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: a body streamed after the headers instead of ``body``
    stream: Iterable[bytes | memoryview] | None = None
    #: Content-Length of ``stream``; None: no length, the connection closes at the end
    length: int | None = None
    #: abort the connection after this many body bytes (a proxy dying mid-answer)
    drop_after: int | None = None
    #: after this many body bytes, await ``stall`` before sending the rest
    stall_after: int | None = None
    stall: Callable[[], Awaitable[None]] | None = None
    #: close the connection after this answer
    close: bool = False
    #: drop the connection with a TCP RST instead of answering
    reset: bool = False
    #: called with the number of body bytes written
    on_sent: Callable[[int], None] | None = None
    #: awaited with each body chunk's size before it is written (a shared link)
    pace: Callable[[int], Awaitable[None]] | None = None


Handler = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class HttpServer:
    def __init__(
        self,
        handler: Handler,
        *,
        on_connection: Callable[[], None] | None = None,
        on_status: Callable[[int], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._handler = handler
        self._on_connection = on_connection
        self._on_status = on_status
        self._on_error = on_error
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self, host: str, port: int) -> int:
        self._server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Python 3.11's Server.close() leaves accepted connections open.
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self._writers.add(writer)
        writer.transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        if self._on_connection:
            self._on_connection()
        try:
            while await self._exchange(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except asyncio.CancelledError:
            # Only close() cancels these tasks. Ending normally matters on 3.11:
            # asyncio's stream callback calls task.exception(), which raises for a
            # cancelled task and logs a spurious traceback.
            pass
        finally:
            self._writers.discard(writer)
            self._connections.discard(task)
            # Graceful: drain() leaves up to the low-water mark buffered, and a
            # close-delimited or dropped body must still reach the client.
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection should end."""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_TIMEOUT)
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                log.debug("connection closed inside a request head")
            return False
        except asyncio.LimitOverrunError:
            await self._send_error(writer, 431, "request head too large")
            return False
        try:
            request = _parse_head(head)
            length = _body_length(request)
        except _BadRequest as exc:
            await self._send_error(writer, exc.status, str(exc))
            return False
        if length and (request.header("expect") or "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for it
        request.body = await reader.readexactly(length) if length else b""
        try:
            response = await self._handler(request)
        except Exception as exc:
            log.exception("simulator handler failed for %s %s", request.method, request.path)
            if self._on_error:
                self._on_error(exc)
            response = Response(500, {"Content-Type": "text/plain"}, b"internal error", close=True)
        keep_alive = _wants_keep_alive(request) and not response.close
        return await self._send(writer, request, response, keep_alive)

    async def _send_error(self, writer: asyncio.StreamWriter, status: int, message: str) -> None:
        response = Response(status, {"Content-Type": "text/plain"}, message.encode(), close=True)
        with contextlib.suppress(ConnectionError):
            await self._send(writer, None, response, False)

    async def _send(
        self,
        writer: asyncio.StreamWriter,
        request: Request | None,
        response: Response,
        keep_alive: bool,
    ) -> bool:
        if response.reset:
            _reset(writer)
            return False
        if self._on_status:
            self._on_status(response.status)
        headers = {"Date": formatdate(usegmt=True), "Server": "nginx"}
        headers.update(response.headers)
        delimited = response.stream is None or response.length is not None
        if response.stream is None:
            headers["Content-Length"] = str(len(response.body))
        elif response.length is not None:
            headers["Content-Length"] = str(response.length)
        if not delimited:
            keep_alive = False
        headers["Connection"] = "keep-alive" if keep_alive else "close"
        phrase = _phrase(response.status)
        lines = [f"HTTP/1.1 {response.status} {phrase}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        with_body = request is None or request.method != "HEAD"
        body: Iterable[bytes | memoryview] = ()
        if with_body:
            body = (response.body,) if response.stream is None else response.stream
        limit = response.drop_after
        sent = 0
        writer.write(head)
        for chunk in body:
            if response.stall is not None and response.stall_after is not None:
                split = response.stall_after - sent
                if 0 <= split < len(chunk):
                    head_part, chunk = chunk[:split], chunk[split:]
                    writer.write(head_part)
                    sent += len(head_part)
                    await writer.drain()
                    await response.stall()  # the connection stays open and silent
            if limit is not None and sent + len(chunk) >= limit:
                chunk = chunk[: limit - sent]
                writer.write(chunk)
                sent += len(chunk)
                await writer.drain()
                if response.on_sent:
                    response.on_sent(sent)
                # FIN, not RST: what was sent must reach the client (it resumes from it).
                writer.close()
                return False
            if chunk:
                if response.pace is not None:
                    await response.pace(len(chunk))
                writer.write(chunk)
                sent += len(chunk)
                await writer.drain()
        await writer.drain()
        if response.on_sent:
            response.on_sent(sent)
        if limit is not None:  # the body was shorter than the drop point
            writer.close()
            return False
        if not keep_alive:
            writer.close()
            return False
        return True


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            # linger on, timeout 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _parse_head(head: bytes) -> Request:
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
        raise _BadRequest(400, "undecodable head") from exc
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(400, "bad request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise _BadRequest(400, "bad header line")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    split = urlsplit(target)
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    return Request(method.upper(), target, split.path or "/", query, version, headers)


def _body_length(request: Request) -> int:
    if "transfer-encoding" in request.headers:
        raise _BadRequest(501, "chunked request bodies are not supported")
    raw = request.headers.get("content-length")
    if raw is None:
        return 0
    if not raw.isdigit():
        raise _BadRequest(400, "bad Content-Length")
    length = int(raw)
    if length > MAX_BODY:
        raise _BadRequest(413, "request body too large")
    return length


def _wants_keep_alive(request: Request) -> bool:
    connection = (request.header("connection") or "").lower()
    if request.version == "HTTP/1.0":
        return "keep-alive" in connection
    return "close" not in connection
