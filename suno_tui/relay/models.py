"""Tolerant models of the gateway's task, clip and lyrics objects.

Gateways pass Suno's payloads through verbatim and add or omit fields freely
(see docs/gateway.md), so every field here is optional, unknown fields are
ignored but kept in ``raw`` for the detail view, and odd types fall back to
"not known" instead of raising. The only thing a task cannot lack is its id.

Parsing is on the hot path of every poll (10,000 tasks must parse in a small
multiple of ``json.loads``), so the parsers read each field once and avoid
building intermediate objects, and the dataclasses are not ``frozen`` (a
frozen dataclass pays an ``object.__setattr__`` call per field, which was a
fifth of the parse time). Treat them as immutable all the same: nothing in
suno-tui assigns to a parsed model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from suno_tui.relay.numbers import to_float
from suno_tui.relay.timestamps import from_epoch, from_iso


class TaskStatus(StrEnum):
    """A task's status, normalised. Unrecognised values map to UNKNOWN."""

    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    UNKNOWN = "UNKNOWN"

    @property
    def is_terminal(self) -> bool:
        return self in (TaskStatus.SUCCESS, TaskStatus.FAILURE)


class TaskKind(StrEnum):
    MUSIC = "music"
    LYRICS = "lyrics"
    UNKNOWN = "unknown"


class ClipStatus(StrEnum):
    SUBMITTED = "submitted"
    QUEUED = "queued"
    STREAMING = "streaming"
    COMPLETE = "complete"
    ERROR = "error"
    UNKNOWN = "unknown"


# Upper-cased spellings seen on gateways -> normalised status.
_TASK_STATUS_ALIASES: dict[str, TaskStatus] = {
    **{status.value: status for status in TaskStatus},
    "NOT_STARTED": TaskStatus.NOT_START,
    "FAIL": TaskStatus.FAILURE,
    "FAILED": TaskStatus.FAILURE,
}
_CLIP_STATUS_ALIASES: dict[str, ClipStatus] = {
    **{status.value: status for status in ClipStatus},
    "failed": ClipStatus.ERROR,
    "failure": ClipStatus.ERROR,
}


class ModelError(ValueError):
    """A payload element that cannot be read as a task at all."""


def _text(value: object) -> str:
    """A string field: None and non-strings other than numbers become ''."""
    if value.__class__ is str:  # the common case first: this runs ~30 times a task
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _number(value: object) -> float | None:
    """A positive duration-like number, from int, float or numeric string."""
    number = to_float(value)
    return number if number is not None and number > 0 else None


def _tags(value: object) -> tuple[str, ...]:
    """Tags arrive as "a, b, c" or ["a", "b"]; keep the words, drop blanks."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list | tuple):
        parts = [item for item in value if isinstance(item, str)]
    else:
        return ()
    # map/filter run in C: a generator here was a fifth of the parse time.
    return tuple(filter(None, map(str.strip, parts)))


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_progress(value: object) -> int | None:
    """Reported progress ("57%", "57" or 57) as 0..100; junk -> None."""
    number = to_float(value.strip().rstrip("%") if isinstance(value, str) else value)
    if number is None or not 0 <= number <= 100:
        return None
    return round(number)


def normalise_task_status(value: object) -> tuple[TaskStatus, str]:
    """(normalised status, label to show). Unknown values keep their text."""
    text = _text(value).strip()
    if not text:
        return TaskStatus.UNKNOWN, TaskStatus.UNKNOWN.value
    status = _TASK_STATUS_ALIASES.get(text.upper())
    if status is None:
        return TaskStatus.UNKNOWN, text
    return status, status.value


def normalise_clip_status(value: object) -> tuple[ClipStatus, str]:
    text = _text(value).strip().lower()
    if not text:
        return ClipStatus.UNKNOWN, ClipStatus.UNKNOWN.value
    status = _CLIP_STATUS_ALIASES.get(text)
    if status is None:
        return ClipStatus.UNKNOWN, text
    return status, status.value


@dataclass(slots=True)
class Clip:
    """One generated song (a MUSIC task usually has two)."""

    id: str
    title: str = ""
    status: ClipStatus = ClipStatus.UNKNOWN
    status_label: str = ClipStatus.UNKNOWN.value
    audio_url: str = ""
    video_url: str = ""
    image_url: str = ""
    image_large_url: str = ""
    model: str = ""
    created_at: datetime | None = None
    display_name: str = ""
    handle: str = ""
    tags: tuple[str, ...] = ()
    lyrics: str = ""
    description_prompt: str = ""
    duration: float | None = None
    error_message: str = ""
    error_type: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_complete(self) -> bool:
        return self.status is ClipStatus.COMPLETE

    @property
    def failed(self) -> bool:
        return self.status is ClipStatus.ERROR


@dataclass(slots=True)
class Lyrics:
    """The result of a LYRICS task."""

    text: str = ""
    title: str = ""
    status: str = ""
    id: str = ""
    tags: tuple[str, ...] = ()
    error_message: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(slots=True)
class Task:
    """A generation job as the gateway reports it at one moment."""

    task_id: str
    kind: TaskKind = TaskKind.UNKNOWN
    status: TaskStatus = TaskStatus.UNKNOWN
    status_label: str = TaskStatus.UNKNOWN.value
    raw_status: str = ""
    action: str = ""
    fail_reason: str = ""
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress_text: str = ""
    reported_progress: int | None = None
    clips: tuple[Clip, ...] = ()
    lyrics: Lyrics | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_finished(self) -> bool:
        """SUCCESS or FAILURE, or a finish time: the gateway will not change it."""
        return self.status.is_terminal or self.finished_at is not None

    @property
    def title(self) -> str:
        """The first clip's title, or the lyrics' title."""
        for clip in self.clips:
            if clip.title:
                return clip.title
        if self.lyrics is not None:
            return self.lyrics.title
        return ""

    @property
    def tags(self) -> tuple[str, ...]:
        for clip in self.clips:
            if clip.tags:
                return clip.tags
        return self.lyrics.tags if self.lyrics is not None else ()

    @property
    def clips_done(self) -> int:
        return sum(1 for clip in self.clips if clip.status is ClipStatus.COMPLETE)


def parse_clip(raw: object) -> Clip:
    """A clip object; anything that is not an object becomes an empty clip."""
    if not isinstance(raw, dict):
        return Clip(id="", raw={})
    get = raw.get
    metadata = _mapping(get("metadata"))
    meta_get = metadata.get
    status, status_label = normalise_clip_status(get("status") or get("state"))
    tags = meta_get("tags")
    if tags is None:
        tags = get("tags")
    lyrics = meta_get("prompt")
    if lyrics is None:
        lyrics = get("prompt")
    duration = meta_get("duration")
    if duration is None:
        duration = get("duration")
    return Clip(
        id=_text(get("id") or get("clip_id")),
        title=_text(get("title")),
        status=status,
        status_label=status_label,
        audio_url=_text(get("audio_url")),
        video_url=_text(get("video_url")),
        image_url=_text(get("image_url")),
        image_large_url=_text(get("image_large_url")),
        model=_text(get("model_name") or get("major_model_version") or get("mv")),
        created_at=from_iso(get("created_at")),
        display_name=_text(get("display_name")),
        handle=_text(get("handle")),
        tags=_tags(tags),
        lyrics=_text(lyrics),
        description_prompt=_text(
            meta_get("gpt_description_prompt") or get("gpt_description_prompt")
        ),
        duration=_number(duration),
        error_message=_text(meta_get("error_message") or get("error_message")),
        error_type=_text(meta_get("error_type") or get("error_type")),
        raw=raw,
    )


def parse_lyrics(raw: Mapping[str, Any]) -> Lyrics:
    get = raw.get
    return Lyrics(
        text=_text(get("text") or get("lyrics")),
        title=_text(get("title")),
        status=_text(get("status")).strip().lower(),
        id=_text(get("id")),
        tags=_tags(get("tags")),
        error_message=_text(get("error_message")),
        raw=raw,
    )


def _decode_embedded_json(data: object) -> object:
    """Some gateways send ``data`` as a JSON string; read it if it is one."""
    if isinstance(data, str) and data[:1] in ("[", "{"):
        try:
            return json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested absurdly deep
            return data
    return data


def infer_kind(action: str, data: object) -> TaskKind:
    """The shape of ``data`` wins over ``action``, which may be empty or wrong."""
    if isinstance(data, list):
        return TaskKind.MUSIC
    if isinstance(data, dict) and ("text" in data or "lyrics" in data):
        return TaskKind.LYRICS
    upper = action.strip().upper()
    if upper == "MUSIC":
        return TaskKind.MUSIC
    if upper == "LYRICS":
        return TaskKind.LYRICS
    return TaskKind.UNKNOWN


def parse_task(raw: object) -> Task:
    """Read one task object. Raises ModelError only if it has no usable id."""
    if not isinstance(raw, dict):
        raise ModelError(f"expected a task object, got {type(raw).__name__}")
    get = raw.get
    task_id = get("task_id")
    if task_id is None and isinstance(get("id"), str):
        # Only a string ``id`` can stand for the task id: newer relays send an
        # int ``id`` that is their database row, not the task.
        task_id = get("id")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id)
    if not isinstance(task_id, str) or not task_id.strip():
        raise ModelError("task object without a task_id")
    action = _text(get("action"))
    data = _decode_embedded_json(get("data"))
    kind = infer_kind(action, data)
    clips: tuple[Clip, ...] = ()
    lyrics: Lyrics | None = None
    if isinstance(data, list):
        clips = tuple(parse_clip(item) for item in data)
    elif isinstance(data, dict) and kind is TaskKind.LYRICS:
        lyrics = parse_lyrics(data)
    raw_status = _text(get("status"))
    status, status_label = normalise_task_status(raw_status)
    progress = get("progress")
    return Task(
        task_id=task_id.strip(),
        kind=kind,
        status=status,
        status_label=status_label,
        raw_status=raw_status,
        action=action,
        fail_reason=_text(get("fail_reason")),
        submitted_at=from_epoch(get("submit_time")),
        started_at=from_epoch(get("start_time")),
        finished_at=from_epoch(get("finish_time")),
        progress_text=_text(progress),
        reported_progress=parse_progress(progress),
        clips=clips,
        lyrics=lyrics,
        raw=raw,
    )
