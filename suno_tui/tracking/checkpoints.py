"""When the state file's write-ahead log is copied into the file, and where.

SQLite would copy it (a checkpoint, 15-30 ms with two fsyncs) inside whichever
commit takes the log past its limit, and a poll would wait for it. The tracker
counts the rows it writes instead and, every :data:`CHECKPOINT_ROWS` or so,
has :meth:`Store.checkpoint <suno_tui.tracking.store.Store.checkpoint>` run in
a worker thread after a write, one checkpoint at a time.
"""

from __future__ import annotations

import asyncio

from suno_tui.tracking.store import Store, StoreError

__all__ = ["CHECKPOINT_ROWS", "Checkpoints"]

#: rows written by apply_async between two checkpoints (Store.checkpoint, in a
#: worker thread): ~300-1,000 pages of write-ahead log
CHECKPOINT_ROWS = 1000


class Checkpoints:
    """Checkpoints of one store, started from the event loop."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._rows_since_checkpoint = 0
        #: the checkpoint under way (it holds the store's write lock), or None
        self.running: asyncio.Future[None] | None = None

    def after_write(self, rows: int) -> None:
        """Once enough rows were written, copy the write-ahead log into the file
        in a worker thread after the write (one checkpoint at a time), rather
        than let SQLite do it inside a commit that someone waits for."""
        self._rows_since_checkpoint += rows
        if self._rows_since_checkpoint < CHECKPOINT_ROWS or self.running is not None:
            return
        self._rows_since_checkpoint = 0
        self.running = asyncio.ensure_future(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            await asyncio.to_thread(self._store.checkpoint)
        except StoreError:
            pass  # the next write says what is wrong; SQLite's own checkpoint remains
        finally:
            self.running = None
