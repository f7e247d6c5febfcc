"""The normalised JSON form of a task, shared by every headless output
(``fetch --json``, ``watch --json``, completion hooks).

Values are the server's, unchanged except for normalisation (statuses,
timestamps in ISO 8601 UTC). Print them with :func:`to_json_text`: plain
``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but passes DEL,
C1 controls (U+009B is CSI to many terminals) and bidi overrides through raw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from suno_tui.relay.lineage import task_lineage
from suno_tui.relay.models import Clip, Task
from suno_tui.relay.timestamps import to_iso

NOT_FOUND = "NOT_FOUND"
#: task_to_json's default: what the task's clips say they were made from
_FROM_CLIPS: dict[str, Any] = {}

# What json.dumps(ensure_ascii=False) leaves raw but a terminal may obey or
# hide: DEL, C1, bidi and invisible format controls, line/paragraph
# separators, tag characters, and lone surrogates (not even encodable).
_INVISIBLE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON spells it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def to_json_text(
    document: object,
    *,
    indent: int | None = None,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """``document`` as JSON (non-ASCII text kept readable) that is safe to print:
    every character a terminal could obey is escaped; the JSON is unchanged."""
    text = json.dumps(document, ensure_ascii=False, indent=indent, default=default)
    if text.isascii() and "\x7f" not in text:
        return text  # two scans at memory speed: the regex costs ~10x more
    return _INVISIBLE.sub(_escape, text)


def clip_to_json(clip: Clip) -> dict[str, Any]:
    return {
        "id": clip.id,
        "title": clip.title,
        "status": clip.status_label,
        "duration": clip.duration,
        "tags": list(clip.tags),
        "model": clip.model,
        "created_at": to_iso(clip.created_at),
        "audio_url": clip.audio_url,
        "video_url": clip.video_url,
        "image_url": clip.image_large_url or clip.image_url,
        "lyrics": clip.lyrics,
        "error_message": clip.error_message,
    }


def task_to_json(task: Task, *, extends: dict[str, Any] | None = _FROM_CLIPS) -> dict[str, Any]:
    """``extends``: what the task was made from (relay/lineage.py), when the
    caller knows more than the clips' metadata says (the state file)."""
    if extends is _FROM_CLIPS:
        parent = task_lineage(task)
        extends = parent.as_json() if parent is not None else None
    document: dict[str, Any] = {
        "task_id": task.task_id,
        "kind": task.kind.value,
        "status": task.status_label,
        "raw_status": task.raw_status,
        "finished": task.is_finished,
        "fail_reason": task.fail_reason,
        "progress": task.progress_text,
        "submitted_at": to_iso(task.submitted_at),
        "started_at": to_iso(task.started_at),
        "finished_at": to_iso(task.finished_at),
        "clips": [clip_to_json(clip) for clip in task.clips],
        "extends": extends,
    }
    if task.lyrics is not None:
        document["lyrics"] = {
            "title": task.lyrics.title,
            "text": task.lyrics.text,
            "status": task.lyrics.status,
            "tags": list(task.lyrics.tags),
        }
    return document


def not_found_json(task_id: str) -> dict[str, Any]:
    """The entry for an id the gateway did not return."""
    return {
        "task_id": task_id,
        "kind": "unknown",
        "status": NOT_FOUND,
        "raw_status": "",
        "finished": False,
        "fail_reason": "",
        "progress": "",
        "submitted_at": None,
        "started_at": None,
        "finished_at": None,
        "clips": [],
        "extends": None,
    }
