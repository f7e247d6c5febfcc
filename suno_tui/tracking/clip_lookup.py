"""Which watched task made a clip, read from the state file.

The snapshots are stored compressed (tracking/store_rows.py); the clip's id
is looked for in each decompressed text before anything is parsed, so that a
state file of 100,000 tasks is read in pages without parsing the JSON of
every task (the caller parses the one it finds and checks it).
"""

from __future__ import annotations

from collections.abc import Iterator

from suno_tui.tracking.store_connection import StateConnection
from suno_tui.tracking.store_rows import unpack_raw

__all__ = ["PAGE_ROWS", "tasks_mentioning"]

PAGE_ROWS = 2000
_PAGE = """
SELECT r.task_id, r.raw_json, t.seq FROM task_raw AS r JOIN tasks AS t ON t.task_id = r.task_id
WHERE t.kind != 'lyrics' AND t.seq < ? ORDER BY t.seq DESC LIMIT ?
"""


def tasks_mentioning(state: StateConnection, clip_id: str) -> Iterator[str]:
    """Watched tasks whose last snapshot holds ``clip_id``'s text, the last
    added first (candidates: the caller checks the parsed clips)."""
    needle = f'"{clip_id}"'
    before = 1 << 62
    while True:
        rows = state.read(_PAGE, (before, PAGE_ROWS))
        for task_id, raw, seq in rows:
            before = min(before, int(seq))
            text = unpack_raw(raw)
            if text is not None and needle in text:
                yield str(task_id)
        if len(rows) < PAGE_ROWS:
            return
