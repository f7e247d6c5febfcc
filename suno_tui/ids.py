"""Task ids: parsing lists of ids and checking that each one looks like an id.

Gateways treat task ids as opaque strings (UUIDs, dash-less hex, ``task_...``,
``lyrics-...`` all occur), so the check is deliberately loose: it only keeps out
text that cannot be an id, such as control characters, spaces, slashes (the id
is put into a URL path) and runaway lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MAX_ID_LENGTH", "InvalidTaskId", "parse_ids", "validate_id", "validate_ids"]

MAX_ID_LENGTH = 128
# Pattern strings, not compiled objects: re compiles and caches them on first
# use, which keeps importing this module (and the CLI's --help) cheap.
_ID_PATTERN = rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{MAX_ID_LENGTH - 1}}}"
_SEPARATORS = r"[\s,]+"
# Longest piece of a rejected id echoed back in an error message.
_SHOWN_CHARS = 80


class InvalidTaskId(ValueError):
    """A text that cannot be a task id; ``str()`` is safe to print."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__(f"not a valid task id: {_shown(task_id)}")


def _shown(text: str) -> str:
    # repr() escapes every non-printable character (C0, C1, DEL, ESC, bidi
    # controls), so an id pasted from anywhere cannot drive the terminal.
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS]) + f"... ({len(text)} characters)"
    return repr(text)


def parse_ids(texts: Iterable[str]) -> list[str]:
    """Split texts on whitespace and commas; drop empties and repeats, keep order."""
    seen: dict[str, None] = {}
    for text in texts:
        for piece in re.split(_SEPARATORS, text):
            if piece:
                seen.setdefault(piece, None)
    return list(seen)


def validate_id(task_id: str) -> str:
    """Return ``task_id`` unchanged if it looks like a task id, else raise InvalidTaskId."""
    if re.fullmatch(_ID_PATTERN, task_id) is None:
        raise InvalidTaskId(task_id)
    return task_id


def validate_ids(task_ids: Iterable[str]) -> list[str]:
    """Validate every id; the first bad one raises InvalidTaskId."""
    return [validate_id(task_id) for task_id in task_ids]
