"""Where the list's cursor goes, and which lines are repainted, when its
order changes (pure functions over the ids, no widgets)."""

from __future__ import annotations

from collections.abc import Iterator


def find_row(ids: list[str], task_id: str, near: int, changed: int) -> int:
    """``ids.index(task_id)`` (ValueError if absent), looking first within
    ``2 * changed`` places of ``near``, its index before ``changed`` rows were
    updated (0: none known): each moved, new or newly shown row shifts another
    by at most two places. At 100,000 rows that spares a scan of the whole
    list per poll."""
    if changed:
        try:
            return ids.index(task_id, max(near - 2 * changed, 0), near + 2 * changed + 1)
        except ValueError:
            pass
    return ids.index(task_id)


def cursor_after(ids: list[str], cursor: int, cursor_id: str | None, changed: int) -> int:
    """Where the cursor goes in a rebuilt order: on its task if still shown
    (most often where it was), else at the same place, within the list."""
    if cursor_id is not None:
        if cursor < len(ids) and ids[cursor] == cursor_id:
            return cursor
        try:
            return find_row(ids, cursor_id, cursor, changed)
        except ValueError:
            pass
    return min(cursor, max(len(ids) - 1, 0))


def scroll_target(top: int, rows: int, row: int, count: int) -> int:
    """The first row to show so that ``row`` is in view, scrolling the least
    from ``top``: ``rows`` fit under the header, ``count`` rows in all."""
    target = top
    if row < top:
        target = row
    elif row >= top + rows:
        target = row - rows + 1
    return max(min(target, count + 1 - rows - 1), 0)


def moved_lines(
    before: list[str], after: list[str], changed: set[str], cursor_id: str | None
) -> Iterator[int]:
    """The offsets in a visible span to repaint: a row that moved there, a
    changed one, the cursor's old row, and the lines left empty."""
    for offset, task_id in enumerate(after):
        was = before[offset] if offset < len(before) else None
        if was != task_id or task_id in changed or task_id == cursor_id:
            yield offset
    yield from range(len(after), len(before))
