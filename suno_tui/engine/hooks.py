"""Completion hooks: a command the user configures (``on_finish``) that runs
when a task finishes.

The command line comes from the user's config and is split with shlex; it is
never passed to a shell, and nothing from the server is ever put into it. The
task arrives as JSON on standard input, and the id, status and download paths
in environment variables, so a title such as ``"; rm -rf ~ #`` is only data.
"""

from __future__ import annotations

import asyncio
import os
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from suno_tui.config import SECRET_ENV_VARS
from suno_tui.relay.export import to_json_text
from suno_tui.safe_text import clean_line

HOOK_TIMEOUT = 60.0
# The hook needs no credential (the API key, the access token): keep secrets
# out of programs that did not ask for them.
_SECRET_ENV = frozenset(SECRET_ENV_VARS)


class HookError(Exception):
    """The hook could not be started, timed out, or exited non-zero."""


def hook_argv(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise HookError(f"on_finish: cannot split the command line ({error})") from None
    if not argv:
        raise HookError("on_finish is empty")
    return argv


def hook_environment(
    task: Mapping[str, Any], download_paths: Sequence[str], base: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _SECRET_ENV}
    env["SUNO_TUI_TASK_ID"] = str(task.get("task_id", ""))
    env["SUNO_TUI_STATUS"] = str(task.get("status", ""))
    env["SUNO_TUI_KIND"] = str(task.get("kind", ""))
    # One path per line: file names may contain spaces but never newlines.
    env["SUNO_TUI_DOWNLOADS"] = "\n".join(download_paths)
    return env


async def run_finish_hook(
    command: str,
    task: Mapping[str, Any],
    download_paths: Sequence[str] = (),
    *,
    timeout: float = HOOK_TIMEOUT,
) -> None:
    """Run the hook for one finished task; raises HookError on any failure."""
    argv = hook_argv(command)
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=hook_environment(task, download_paths),
        )
    except OSError as error:
        raise HookError(f"on_finish: cannot run {argv[0]!r}: {error.strerror or error}") from None
    # Encoded as --json prints it: C1, bidi and invisible controls escaped
    # (\u202e...), so a hook that echoes its input cannot drive a terminal.
    payload = to_json_text(task).encode("utf-8")
    try:
        await asyncio.wait_for(process.communicate(payload), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise HookError(f"on_finish: {argv[0]!r} did not finish in {timeout:g} s") from None
    if process.returncode:
        raise HookError(f"on_finish: {argv[0]!r} exited with status {process.returncode}")


#: hooks running at the same time (a burst of finished tasks queues behind them)
CONCURRENT_HOOKS = 2


class FinishHook:
    """The hook as the engine runs it: a few at once at most, each failure
    turned into one clean line (never an exception)."""

    def __init__(self, command: str, *, concurrency: int = CONCURRENT_HOOKS) -> None:
        self.command = command
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self.runs = 0

    async def run(self, task: Mapping[str, Any], download_paths: Sequence[str]) -> str | None:
        """Run the hook for one finished task; None, or why it failed (one clean line)."""
        async with self._slots:
            self.runs += 1
            try:
                await run_finish_hook(self.command, task, download_paths)
            except HookError as error:
                return clean_line(str(error)) or "the hook failed"
            except Exception as error:  # never let a hook take the caller down
                return clean_line(f"on_finish: {type(error).__name__}: {error}")
        return None
