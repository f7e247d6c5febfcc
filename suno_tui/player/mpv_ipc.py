"""A small client for mpv's JSON IPC (``--input-ipc-server``): one request
at a time over a Unix socket, each line a JSON object; replies carry the
``request_id`` they answer, and mpv's event lines in between are skipped.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

__all__ = ["IpcError", "MpvIpc"]

#: how long one request may take before the player is taken as not answering
_REPLY_SECONDS = 1.0


class IpcError(Exception):
    """The socket is not there (yet), closed, or mpv said no."""


class MpvIpc:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._next_id = 0
        self._lock = asyncio.Lock()

    async def get(self, name: str) -> Any:
        return await self.request("get_property", name)

    async def set(self, name: str, value: Any) -> None:
        await self.request("set_property", name, value)

    async def request(self, *command: Any) -> Any:
        async with self._lock:
            try:
                return await asyncio.wait_for(self._exchange(list(command)), _REPLY_SECONDS)
            except (OSError, TimeoutError, ValueError) as exc:
                self.close()  # connect again next time
                raise IpcError(str(exc) or exc.__class__.__name__) from None

    async def _exchange(self, command: list[Any]) -> Any:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_unix_connection(self.socket_path)
        assert self._reader is not None
        self._next_id += 1
        request_id = self._next_id
        line = json.dumps({"command": command, "request_id": request_id}) + "\n"
        self._writer.write(line.encode())
        await self._writer.drain()
        while True:
            raw = await self._reader.readline()
            if not raw:
                raise IpcError("the player closed its socket")
            reply = json.loads(raw)
            if not isinstance(reply, dict) or reply.get("request_id") != request_id:
                continue  # an event, or a late reply to an abandoned request
            if reply.get("error") != "success":
                raise IpcError(str(reply.get("error")))
            return reply.get("data")

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
