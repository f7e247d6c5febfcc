"""The ``on_finish`` hook as the monitor runs it: one task at a time per call,
a few at once at most, each failure turned into one line for a toast.

The command comes from the user's config and is run without a shell (see
:mod:`suno_tui.engine.hooks`); the task goes to it as JSON on standard input.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from suno_tui.engine.hooks import HookError, run_finish_hook
from suno_tui.safe_text import clean_line

#: hooks running at the same time (a burst of finished tasks queues behind them)
CONCURRENT_HOOKS = 2


class FinishHook:
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
            except Exception as error:  # never let a hook take the monitor down
                return clean_line(f"on_finish: {type(error).__name__}: {error}")
        return None
