"""Simulated tasks: their timeline and the JSON a gateway would send for them.

A task is immutable. Its status at any moment is a pure function of the clock
(``phase_at``), and ``render_task`` turns it into the exact task object a
new-api style gateway returns, warts included (``data: null`` before the first
upstream poll, ``progress`` stuck at "0%", live-stream audio URLs while
streaming, sentinel URLs on failed clips, ...).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from suno_tui.simulator.assets import AssetKind, asset_name

ProgressMode = Literal["binary", "percent"]
JSON = dict[str, Any]


class Scenario(StrEnum):
    SUCCESS = "success"
    LYRICS = "lyrics"
    LYRICS_EMPTY_ACTION = "lyrics_empty_action"  # older new-api: action ""
    FAILURE = "failure"
    PARTIAL = "partial"  # one clip complete, one error: reported as FAILURE
    STUCK = "stuck"  # IN_PROGRESS forever

    @property
    def is_lyrics(self) -> bool:
        return self in (Scenario.LYRICS, Scenario.LYRICS_EMPTY_ACTION)


class Status(StrEnum):
    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"

    @property
    def terminal(self) -> bool:
        return self in (Status.SUCCESS, Status.FAILURE)


STAGE_NAMES = ("not_start", "submitted", "queued", "in_progress")
# A stuck task's nominal duration, used only to shape its percent progress.
_STUCK_NOMINAL = 120.0


@dataclass(frozen=True, slots=True)
class Delays:
    """Seconds (of clock time) spent in each stage; ``in_progress`` may be inf."""

    not_start: float
    submitted: float
    queued: float
    in_progress: float

    def __post_init__(self) -> None:
        for name in STAGE_NAMES:
            if not getattr(self, name) >= 0:
                raise ValueError(f"delay {name} must be >= 0")

    def replace(self, overrides: Mapping[str, float]) -> Delays:
        unknown = set(overrides) - set(STAGE_NAMES)
        if unknown:
            raise ValueError(f"unknown stage(s) {sorted(unknown)}; stages are {STAGE_NAMES}")
        values = {name: float(overrides.get(name, getattr(self, name))) for name in STAGE_NAMES}
        return Delays(**values)

    @property
    def total(self) -> float:
        return self.not_start + self.submitted + self.queued + self.in_progress


@dataclass(frozen=True, slots=True)
class Variant:
    """Per-task shape switches (gateways and Suno versions differ)."""

    created_at_naive: bool = False  # clip created_at "YYYY-MM-DD HH:MM:SS", no zone
    extra_fields: bool = False  # newer relays: task id/platform/quota, clip state/clip_id/...
    tags_as_list: bool = False  # metadata.tags as an array instead of a string
    video: bool = False  # complete clips carry an mp4 video_url (else "")
    # complete-clip URL fields replaced by <base>/api/forbidden (seen since 2026)
    forbidden_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClipSpec:
    id: str
    duration: float
    display_name: str
    handle: str
    user_id: str
    error_message: str | None = None  # set: this clip ends in "error"


@dataclass(frozen=True, slots=True)
class MusicParams:
    title: str
    tags: str
    prompt: str  # the lyrics shown in metadata.prompt
    mv: str = "chirp-v4"
    gpt_description_prompt: str = ""
    make_instrumental: bool = False
    continue_clip_id: str | None = None
    continue_at: float | None = None


@dataclass(frozen=True, slots=True)
class LyricsResult:
    id: str
    title: str
    text: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SimTask:
    seq: int  # creation order: the "database order" of fetch answers
    task_id: str
    user: str
    scenario: Scenario
    created: float  # submit time, unix seconds of clock time
    delays: Delays
    variant: Variant = Variant()
    music: MusicParams | None = None
    clips: tuple[ClipSpec, ...] = ()
    lyrics: LyricsResult | None = None
    fail_reason: str = ""
    asset_sizes: Mapping[str, int] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.scenario is Scenario.LYRICS_EMPTY_ACTION:
            return ""
        return "LYRICS" if self.scenario.is_lyrics else "MUSIC"

    def phase_at(self, now: float) -> Phase:
        return phase_at(self, now)


@dataclass(frozen=True, slots=True)
class Phase:
    status: Status
    fraction: float  # how far through the current stage (0..1; 0 for terminal)
    started: float | None  # when IN_PROGRESS began (start_time)
    finished: float | None  # when the task ended (finish_time)
    clips_since: float  # when clips first appear in data (end of NOT_START)


def phase_at(task: SimTask, now: float) -> Phase:
    d = task.delays
    t0 = task.created
    ends = (
        t0 + d.not_start,
        t0 + d.not_start + d.submitted,
        t0 + d.not_start + d.submitted + d.queued,
    )
    clips_since = ends[0]
    if now < ends[0]:
        return Phase(Status.NOT_START, _frac(now, t0, d.not_start), None, None, clips_since)
    if now < ends[1]:
        return Phase(Status.SUBMITTED, _frac(now, ends[0], d.submitted), None, None, clips_since)
    if task.scenario is Scenario.FAILURE:
        # Rejected by moderation before generation started.
        if now < ends[2]:
            return Phase(Status.QUEUED, _frac(now, ends[1], d.queued), None, None, clips_since)
        return Phase(Status.FAILURE, 0.0, None, ends[2], clips_since)
    if now < ends[2]:
        return Phase(Status.QUEUED, _frac(now, ends[1], d.queued), None, None, clips_since)
    in_progress = math.inf if task.scenario is Scenario.STUCK else d.in_progress
    end = ends[2] + in_progress
    if now < end:
        nominal = _STUCK_NOMINAL if math.isinf(in_progress) else in_progress
        return Phase(Status.IN_PROGRESS, _frac(now, ends[2], nominal), ends[2], None, clips_since)
    final = Status.FAILURE if task.scenario is Scenario.PARTIAL else Status.SUCCESS
    return Phase(final, 0.0, ends[2], end, clips_since)


def _frac(now: float, start: float, length: float) -> float:
    if length <= 0:
        return 1.0
    return min(1.0, max(0.0, (now - start) / length))


# -- rendering -------------------------------------------------------------------


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


def clip_status(task: SimTask, clip: ClipSpec, phase: Phase) -> str:
    """The clip's upstream status in ``phase`` ("" while the task has no clips)."""
    match phase.status:
        case Status.NOT_START:
            return ""  # no clips in data yet
        case Status.SUBMITTED:
            return "submitted"
        case Status.QUEUED:
            return "queued"
        case Status.IN_PROGRESS:
            return "streaming"
        case Status.SUCCESS:
            return "complete"
        case _:  # FAILURE: the partial scenario keeps its good clip
            failed = clip.error_message or task.scenario is Scenario.FAILURE
            return "error" if failed else "complete"


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
    history: list[JSON] | None = None
    if music.continue_clip_id:
        history = [
            {
                "id": music.continue_clip_id,
                "continue_at": music.continue_at,
                "type": "gen",
                "source": "web",
                "infill": False,
            }
        ]
    metadata: JSON = {
        "tags": tags,
        "negative_tags": "",
        "prompt": "" if music.make_instrumental and not music.prompt else music.prompt,
        "gpt_description_prompt": music.gpt_description_prompt or None,
        "audio_prompt_id": None,
        "history": history,
        "concat_history": None,
        "type": "gen",
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
