"""What the manager reads from a task for one file: the fields of its name,
its clip, its link in a newer snapshot, its tags (the writer's
before-commit hook); and the kind of a relay error."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.assets import Asset, plan_task
from suno_tui.downloads.errors import storage_error
from suno_tui.downloads.naming import NameFields
from suno_tui.downloads.tagging import TagInfo, render_tag, tag_mp3
from suno_tui.downloads.timed_lyrics import TimedLine
from suno_tui.downloads.transfer.writer import WriterConfig, file_sha256, remote_size
from suno_tui.relay.errors import AuthError, RelayError
from suno_tui.relay.models import Clip, Task
from suno_tui.safe_text import clean_line

if TYPE_CHECKING:
    import httpx


def name_fields(asset: Asset) -> NameFields:
    return NameFields(
        title=asset.title,
        clip_id=asset.clip_id,
        task_id=asset.task_id,
        tags=asset.tags,
        model=asset.model,
        created=asset.created_at,
        index=asset.index,
        ext=asset.ext,
    )


def find_clip(task: Task | None, clip_id: str) -> Clip | None:
    if task is None:
        return None
    for index, clip in enumerate(task.clips, start=1):
        if (clip.id or f"clip{index}") == clip_id:
            return clip
    return None


def fresh_url(task: Task, asset: Asset) -> str:
    """The same asset's link in a newer snapshot of the task ('' if none)."""
    assets, _ = plan_task(task, (asset.kind,))
    for candidate in assets:
        if candidate.clip_id == asset.clip_id and candidate.kind == asset.kind:
            return candidate.url
    return ""


def relay_error_kind(error: RelayError) -> str:
    if isinstance(error, AuthError):
        return "auth"
    return error.kind if error.kind in ("network", "timeout", "malformed") else "gateway"


async def same_size(http: httpx.Client, url: str, path: Path, writer: WriterConfig) -> bool:
    """Is the file at ``url`` as big as ``path`` (the same download)?"""
    deadline = writer.min_speed_time if writer.min_speed else None  # as for a transfer
    size = await remote_size(http, url, deadline)
    return size is not None and size == path.stat().st_size


def size_and_hash(path: Path) -> tuple[int, str]:
    return path.stat().st_size, file_sha256(path)


def tagger_for(
    task: Task | None,
    asset: Asset,
    artist: str | None,
    cover: Path | None,
    timed: tuple[TimedLine, ...] = (),
) -> Tagger | None:
    """The tagging hook for ``asset``'s mp3 (None if its clip is not in ``task``)."""
    clip = find_clip(task, asset.clip_id)
    if clip is None:
        return None
    return Tagger(
        TagInfo(
            title=clip.title,
            artist=artist or clip.display_name or clip.handle,
            clip_id=asset.clip_id,
            task_id=asset.task_id,
            tags=clip.tags,
            lyrics=clip.lyrics,
            created=clip.created_at,
            cover=cover,
            timed=timed,
        )
    )


class Tagger:
    """The writer's before-commit hook for mp3s: tags the complete .part."""

    def __init__(self, info: TagInfo) -> None:
        self.info = info
        self.note = ""

    def front(self, body_tag: bytes, audio_size: int | None) -> bytes | None:
        """Our tag merged with the body's own, to write in front of the audio
        as it streams; None when the body's tag cannot be read (the writer then
        keeps the body as it came and calls this hook on the .part)."""
        try:
            return render_tag(body_tag, self.info, audio_size)
        except Exception:  # untrusted bytes: the hook's path notes the failure
            return None

    def __call__(self, part: Path) -> bool:
        try:
            return tag_mp3(part, self.info)
        except OSError as error:
            # mutagen may have written part of the tag: the .part cannot be trusted.
            with contextlib.suppress(OSError):
                part.unlink()
            raise storage_error(error, part, "tag") from None
        except Exception as error:  # unreadable tags (untrusted bytes): keep it untagged
            self.note = f"saved without tags ({clean_line(str(error)) or type(error).__name__})"
            return False
