"""Run a command in a real pseudo-terminal and measure what a user feels:
time to a given text on screen, bytes written to the terminal, process CPU
and peak memory (read from /proc, Linux only)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)


def visible_text(data: bytes) -> str:
    """The printable text in a stretch of terminal output (escapes removed)."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


def _take_the_terminal() -> None:
    """In the child, before exec: a new session whose controlling terminal is
    the pty on standard output (what a shell gives a pipeline's last command)."""
    os.setsid()
    fcntl.ioctl(1, termios.TIOCSCTTY, 0)


class PtyProcess:
    """``command`` on the slave side of a new pty of ``columns`` x ``rows``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        columns: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        stdin: bytes | None = None,
    ) -> None:
        """With ``stdin``, standard input is a pipe that carries those bytes and
        then ends (``cat ids | command``), and the pty is the child's controlling
        terminal, so it can open ``/dev/tty`` for the keyboard as in a shell."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        # NO_COLOR of the shell running the tests does not leak in; ``env`` may set it
        inherited = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        child_env = {**inherited, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        if stdin is None:
            self.process = subprocess.Popen(
                list(command),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=child_env,
                start_new_session=True,
                close_fds=True,
            )
        else:
            self.process = subprocess.Popen(
                list(command),
                stdin=subprocess.PIPE,
                stdout=slave,
                stderr=slave,
                env=child_env,
                preexec_fn=_take_the_terminal,
                close_fds=True,
            )
            assert self.process.stdin is not None
            self.process.stdin.write(stdin)
            self.process.stdin.close()
        os.close(slave)
        self._master = master
        self._chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._closed:
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:
                break
            if not data:
                break
            with self._lock:
                self._chunks.append((time.perf_counter(), data))

    # -- reading ----------------------------------------------------------------

    def output(self, since: float = 0.0) -> bytes:
        with self._lock:
            return b"".join(data for at, data in self._chunks if at >= since)

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(len(data) for at, data in self._chunks if start <= at < end)

    def mark(self) -> int:
        """A position in the output stream: what was written so far.

        Pass it to ``wait_for(..., after=mark)`` to wait for text the program
        writes from now on; text already on screen before the mark (an earlier
        frame that happens to contain the same words) does not count.
        """
        with self._lock:
            return len(self._chunks)

    def wait_for(self, text: str, timeout: float = 30.0, *, after: int = 0) -> float:
        """Seconds from start until ``text`` was on screen (in the visible text),
        counting only output written after the mark ``after``."""
        deadline = time.perf_counter() + timeout
        seen = b""
        index = after
        while time.perf_counter() < deadline:
            with self._lock:
                chunks = self._chunks[index:]
                index += len(chunks)
            for at, data in chunks:
                seen += data
                if text in visible_text(seen[-200_000:]):
                    return at - self.started
            if self.process.poll() is not None and not chunks:
                break
            time.sleep(0.005)
        tail = visible_text(self.output_after(after))[-500:]
        raise TimeoutError(f"{text!r} not seen in {timeout} s; screen tail: {tail!r}")

    def output_after(self, mark: int) -> bytes:
        """Everything written after the mark ``mark``."""
        with self._lock:
            return b"".join(data for _, data in self._chunks[mark:])

    def write(self, data: bytes) -> None:
        os.write(self._master, data)

    # -- the process, from /proc -----------------------------------------------------

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._closed = True
        self._reader.join(1)
        os.close(self._master)

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
