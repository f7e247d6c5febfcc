"""What made a task, read from its clips' metadata, for running its job again
(``ClipCommands.again``): the clip that says it, and the refusal, in words,
of a task that was an extension or a full song rather than a new job."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from suno_tui.relay.models import Clip
from suno_tui.relay.submit_requests import SubmitError
from suno_tui.safe_text import clean_line

__all__ = ["first_described", "refuse_lineage"]


def first_described(clips: Iterable[Clip]) -> Clip | None:
    """The first clip whose metadata says what made it."""
    for clip in clips:
        metadata = clip.raw.get("metadata")
        instrumental = isinstance(metadata, dict) and metadata.get("make_instrumental") is True
        if clip.lyrics.strip() or clip.description_prompt.strip() or instrumental:
            return clip
    return None


def refuse_lineage(task_id: str, metadata: Mapping[str, Any]) -> None:
    """An extension or a concat is not a new song: say how to do it again."""
    history = metadata.get("history")
    if isinstance(history, list) and history and isinstance(history[-1], dict):
        last = history[-1]
        at = last.get("continue_at")
        where = f" --at {at:g}" if isinstance(at, int | float) and at > 0 else ""
        raise SubmitError(
            f"task {task_id} extended clip {clean_line(str(last.get('id', '?')))}: to do that "
            f"again, run 'suno-tui extend {clean_line(str(last.get('id', 'CLIP_ID')))}{where}'"
        )
    parts = metadata.get("concat_history")
    if isinstance(parts, list) and parts and isinstance(parts[-1], dict):
        last_clip = clean_line(str(parts[-1].get("id", "CLIP_ID")))
        raise SubmitError(
            f"task {task_id} is a full song (concat): to join it again, run "
            f"'suno-tui concat {last_clip}'"
        )
