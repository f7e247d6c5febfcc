"""A loopback server that writes whatever bytes a test scripts, as slowly as
it likes: for answers no HTTP library would send (a body that drips one byte
at a time, a plain-HTTP server behind an https URL).

    def drip(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\n")
        while not stop.wait(0.05):
            sock.sendall(b" ")

    with RawServer(drip) as base_url:
        ...

With ``read_request=False`` the script runs after the first bytes arrive,
whatever they are (a TLS ClientHello, say). ``stop`` is set when the server
closes, so a script that waits on it ends with the test (no thread is left
dripping).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

Script = Callable[[socket.socket, bytes, threading.Event], None]


def read_request(sock: socket.socket) -> bytes:
    """The request's head and its body (by Content-Length), or what came before EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class RawServer:
    def __init__(self, script: Script, *, read_request: bool = True) -> None:
        self.script = script
        self.read_request = read_request
        self.stop_event = threading.Event()
        self.requests: list[bytes] = []
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.2)
        self._listener = listener
        acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        acceptor.start()
        self._threads.append(acceptor)
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    def _accept(self, listener: socket.socket) -> None:
        while not self.stop_event.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, sock: socket.socket) -> None:
        with sock, contextlib.suppress(OSError):
            sock.settimeout(10)
            request = read_request(sock) if self.read_request else sock.recv(65536)
            self.requests.append(request)
            self.script(sock, request, self.stop_event)

    def stop(self) -> None:
        self.stop_event.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
