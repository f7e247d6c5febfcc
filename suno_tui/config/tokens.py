"""Running a profile's ``token_command`` to obtain its token.

The command is split with shlex and run without a shell. Its output is the
secret, so it never appears in an error message; its stderr may, with any
copy of the output removed.
"""

from __future__ import annotations

import shlex

from suno_tui.config.errors import ConfigError
from suno_tui.config.schema import TOKEN_RE
from suno_tui.safe_text import clean_line

__all__ = ["TOKEN_COMMAND_TIMEOUT", "run_token_command"]

TOKEN_COMMAND_TIMEOUT = 10.0
_STDERR_CHARS = 200


def run_token_command(command: str, *, label: str, timeout: float = TOKEN_COMMAND_TIMEOUT) -> str:
    """Run ``command`` and return the first line of its output, stripped.

    ``label`` names the command in errors, e.g. "profile 'work': token_command".
    """
    import subprocess

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"{label} is not a valid command line ({exc})") from None
    if not argv:
        raise ConfigError(f"{label} is empty")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(f"{label}: program not found: {argv[0]!r}") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{label} did not finish within {timeout:g} s") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{label} could not be started ({reason})") from None
    output = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        detail = _stderr_tail(done.stderr, output)
        raise ConfigError(f"{label} failed with exit status {done.returncode}{detail}")
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
    text = lines[-1]
    for secret in {output, *output.split()}:
        if secret:
            text = text.replace(secret, "***")
    text = clean_line(text).strip()[:_STDERR_CHARS]
    return f": {text}" if text else ""
