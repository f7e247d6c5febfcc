"""The JSON a new-api style gateway sends for a simulated task, warts included:
``data: null`` before the first upstream poll, ``progress`` stuck at "0%",
live-stream audio URLs while streaming, sentinel URLs on failed clips, ..."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from suno_tui.simulator.assets import AssetKind, asset_name
from suno_tui.simulator.lifecycle import (
    JSON,
    ClipSpec,
    Phase,
    Scenario,
    SimTask,
    Status,
    clip_status,
    phase_at,
)

ProgressMode = Literal["binary", "percent"]


class Links(Protocol):
    """Builds the URLs clips point to (served by the simulator itself)."""

    def asset(self, name: str) -> str:
        """A signed, time-limited URL of an asset file (``<base>/assets/<name>?...``)."""
        ...

    def plain(self, path: str) -> str:
        """``<base><path>`` without a signature (sentinels, /api/forbidden, audiopipe)."""
        ...


@dataclass(frozen=True, slots=True)
class RenderOptions:
    progress_mode: ProgressMode = "binary"
    ms_timestamps: bool = False


def render_task(task: SimTask, now: float, links: Links, options: RenderOptions) -> JSON:
    """The task object exactly as the gateway's fetch endpoints would send it."""
    phase = phase_at(task, now)

    def stamp(value: float | None) -> int:
        if value is None:
            return 0
        return int(value * 1000) if options.ms_timestamps else int(value)

    data: Any
    if phase.status is Status.NOT_START:
        data = None
    elif task.scenario.is_lyrics:
        data = _lyrics_data(task, phase)
    else:
        data = [_clip(task, clip, i, phase, links) for i, clip in enumerate(task.clips)]

    fail_reason = ""
    if phase.status is Status.FAILURE:
        errors = [c.error_message for c in task.clips if c.error_message]
        fail_reason = task.fail_reason or (errors[0] if errors else "")

    result: JSON = {
        "task_id": task.task_id,
        "action": task.action,
        "status": phase.status.value,
        "fail_reason": fail_reason,
        "submit_time": stamp(task.created),
        "start_time": stamp(phase.started),
        "finish_time": stamp(phase.finished),
        "progress": _progress(phase, options.progress_mode),
        "data": data,
    }
    if task.variant.extra_fields:
        result = {
            "id": task.seq,
            "created_at": stamp(task.created),
            "updated_at": stamp(now),
            "platform": "suno",
            "user_id": 1,
            "channel_id": 3,
            "quota": 0 if phase.status is Status.FAILURE else 100_000,
            "notify_hook": "",
            "properties": {"input": task.music.gpt_description_prompt if task.music else ""},
            **result,
        }
    return result


def _progress(phase: Phase, mode: ProgressMode) -> str:
    if phase.status.terminal:
        return "100%"
    if mode == "binary" or phase.status is not Status.IN_PROGRESS:
        return "0%"
    # new-api forks that do report progress move from ~10% to 99% while generating.
    return f"{min(99, 10 + int(phase.fraction * 89))}%"


def _lyrics_data(task: SimTask, phase: Phase) -> JSON:
    lyrics = task.lyrics
    assert lyrics is not None, "lyrics scenario without lyrics"
    if not phase.status.terminal:
        status = {
            Status.SUBMITTED: "submitted",
            Status.QUEUED: "queued",
            Status.IN_PROGRESS: "running",
        }[phase.status]
        return {"id": lyrics.id, "text": "", "title": "", "status": status}
    return {
        "id": lyrics.id,
        "text": lyrics.text,
        "title": lyrics.title,
        "status": "complete",
        "tags": list(lyrics.tags),
        "error_message": "",
    }


def _iso(when: float, naive: bool) -> str:
    moment = datetime.fromtimestamp(when, UTC)
    if naive:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _major_version(mv: str) -> str:
    return mv.removeprefix("chirp-").replace("-", ".")


def _clip(task: SimTask, clip: ClipSpec, index: int, phase: Phase, links: Links) -> JSON:
    music = task.music
    assert music is not None, "music scenario without parameters"
    status = clip_status(task, clip, phase)
    audio: str = ""
    video: str = ""
    image: str | None = None
    image_large: str | None = None
    duration: float | None = None
    error_message: str | None = None
    error_type: str | None = None
    if status == "streaming":
        audio = links.plain(f"/audiopipe/?item_id={clip.id}")
        image = links.asset(asset_name(clip.id, AssetKind.JPEG))
        image_large = links.asset(asset_name(clip.id, AssetKind.JPEG_LARGE))
    elif status == "complete":
        audio = links.asset(asset_name(clip.id, AssetKind.MP3))
        video = links.asset(asset_name(clip.id, AssetKind.MP4)) if task.variant.video else ""
        image = links.asset(asset_name(clip.id, AssetKind.JPEG))
        image_large = links.asset(asset_name(clip.id, AssetKind.JPEG_LARGE))
        duration = clip.duration
    elif status == "error":
        # Suno's sentinels: the literal string "None" where the id would be.
        audio = links.plain("/assets/None.mp3")
        image = links.plain("/assets/image_None.jpeg")
        image_large = links.plain("/assets/image_large_None.jpeg")
        error_type = "moderation_failure" if task.scenario is Scenario.FAILURE else "generation"
        error_message = clip.error_message or task.fail_reason
    urls: JSON = {
        "audio_url": audio,
        "video_url": video,
        "image_url": image,
        "image_large_url": image_large,
    }
    if status == "complete":
        for name in task.variant.forbidden_fields:
            urls[name] = links.plain("/api/forbidden")

    tags: Any = music.tags
    if task.variant.tags_as_list:
        tags = [t.strip() for t in music.tags.split(",") if t.strip()]
    metadata: JSON = {
        "tags": tags,
        "negative_tags": "",
        "prompt": "" if music.make_instrumental and not music.prompt else music.prompt,
        "gpt_description_prompt": music.gpt_description_prompt or None,
        "audio_prompt_id": None,
        # Suno sends null, not [], for a clip that extends nothing
        "history": [entry.render() for entry in music.history] or None,
        "concat_history": [entry.render() for entry in music.concat_history] or None,
        "type": music.clip_type,
        "duration": duration,
        "refund_credits": status == "error",
        "stream": True,
        "make_instrumental": music.make_instrumental,
        "error_type": error_type,
        "error_message": error_message,
    }
    result: JSON = {
        "id": clip.id,
        **urls,
        "is_video_pending": False,
        "major_model_version": _major_version(music.mv),
        "model_name": music.mv,
        "metadata": metadata,
        "is_liked": False,
        "user_id": clip.user_id,
        "display_name": clip.display_name,
        "handle": clip.handle,
        "is_handle_updated": False,
        "avatar_image_url": None,
        "is_trashed": False,
        "reaction": None,
        "created_at": _iso(phase.clips_since, task.variant.created_at_naive),
        "status": status,
        "title": music.title,
        "play_count": 0,
        "upvote_count": 0,
        "is_public": False,
    }
    if task.variant.extra_fields:
        result.update(
            {
                "tags": tags,
                "prompt": metadata["prompt"],
                "duration": duration,
                "state": status,
                "clip_id": clip.id,
                "batch_index": index,
                "entity_type": "song_schema",
            }
        )
    return result
