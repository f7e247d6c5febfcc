"""Running a profile's ``token_command`` to obtain its token.

The command is split with shlex and run without a shell. Its output is the
secret, so it never appears in an error message; its stderr may, with any
copy of the output removed.

The command runs in its own process group with a deadline and a bound on
what it prints: on either, the whole group is killed at once (a helper that
forks, or ``yes``, cannot outlive the deadline or fill the memory).
"""

from __future__ import annotations

import os
import shlex

from suno_tui.config.errors import ConfigError
from suno_tui.config.values import TOKEN_RE
from suno_tui.safe_text import clean_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

__all__ = ["MAX_TOKEN_OUTPUT", "TOKEN_COMMAND_TIMEOUT", "run_token_command"]

TOKEN_COMMAND_TIMEOUT = 10.0
#: the most a token command may print: `pass` prints a few lines; `yes` must not
#: fill the memory (it reached 13 GB before this bound)
MAX_TOKEN_OUTPUT = 64 << 10
_STDERR_CHARS = 200
_READ_BYTES = 1 << 16


class _TimedOut(Exception):
    pass


class _TooMuchOutput(Exception):
    pass


def run_token_command(command: str, *, label: str, timeout: float = TOKEN_COMMAND_TIMEOUT) -> str:
    """Run ``command`` and return the first line of its output, stripped.

    ``label`` names the command in errors, e.g. "profile 'work': token_command".
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"{label} is not a valid command line ({exc})") from None
    if not argv:
        raise ConfigError(f"{label} is empty")
    try:
        returncode, stdout, stderr = _run_bounded(argv, timeout)
    except FileNotFoundError:
        raise ConfigError(f"{label}: program not found: {argv[0]!r}") from None
    except _TimedOut:
        raise ConfigError(f"{label} did not finish within {timeout:g} s") from None
    except _TooMuchOutput:
        raise ConfigError(
            f"{label} printed more than {MAX_TOKEN_OUTPUT} bytes; "
            "it should print the token on its first line"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{label} could not be started ({reason})") from None
    output = stdout.decode("utf-8", "replace").strip()
    if returncode != 0:
        detail = _stderr_tail(stderr, output)
        raise ConfigError(f"{label} failed with exit status {returncode}{detail}")
    # Password managers such as pass print the secret on the first line.
    token = output.splitlines()[0].strip() if output else ""
    if not token:
        raise ConfigError(f"{label} printed no token")
    if TOKEN_RE.fullmatch(token) is None:
        raise ConfigError(
            f"{label} printed something that is not a token "
            "(expected visible ASCII characters without spaces)"
        )
    return token


def _stderr_tail(stderr: bytes, output: str) -> str:
    """The last line of stderr, cleaned, with any copy of the output removed."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return ""
    # Cleaned first: a token split by a character the cleaning removes would
    # escape the search and be joined again by it.
    text = clean_line(lines[-1])
    for secret in {output, *output.split()}:
        if secret:
            text = text.replace(secret, "***")
    text = text.strip()[:_STDERR_CHARS]
    return f": {text}" if text else ""


def _run_bounded(argv: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    """Run ``argv``; its exit status, stdout (at most MAX_TOKEN_OUTPUT bytes)
    and the last MAX_TOKEN_OUTPUT bytes of its stderr. Raises _TimedOut or
    _TooMuchOutput after killing its process group."""
    import selectors
    import subprocess
    import time

    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed as one
    )
    assert process.stdout is not None and process.stderr is not None
    output = bytearray()
    errors = bytearray()
    deadline = time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ, output)
            selector.register(process.stderr, selectors.EVENT_READ, errors)
            while selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _TimedOut
                for key, _ in selector.select(left):
                    chunk = os.read(key.fd, _READ_BYTES)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        continue
                    sink: bytearray = key.data
                    sink += chunk
                    if sink is output and len(output) > MAX_TOKEN_OUTPUT:
                        raise _TooMuchOutput
                    if sink is errors and len(errors) > MAX_TOKEN_OUTPUT:
                        del errors[:-MAX_TOKEN_OUTPUT]  # only its end is shown
        left = max(deadline - time.monotonic(), 0.0)
        try:
            returncode = process.wait(left)
        except subprocess.TimeoutExpired:
            raise _TimedOut from None
    except BaseException:
        _kill_group(process)
        raise
    finally:
        process.stdout.close()
        process.stderr.close()
    return returncode, bytes(output), bytes(errors)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the command and whatever it started, and reap it."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()
