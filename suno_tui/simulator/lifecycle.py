"""Simulated tasks and their timeline.

A task is immutable. Its status at any moment is a pure function of the clock
(``phase_at``); render.py turns it into the JSON a gateway sends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
class HistoryEntry:
    """One step of an extension chain: ``clip_id`` continued at ``continue_at``
    seconds (None for the last part of a concat, which plays to its end)."""

    clip_id: str
    continue_at: float | None

    def render(self) -> JSON:
        return {
            "id": self.clip_id,
            "continue_at": self.continue_at,
            "type": "gen",
            "source": "web",
            "infill": False,
        }


@dataclass(frozen=True, slots=True)
class MusicParams:
    title: str
    tags: str
    prompt: str  # the lyrics shown in metadata.prompt
    mv: str = "chirp-v4"
    gpt_description_prompt: str = ""
    make_instrumental: bool = False
    #: metadata.history: the clips this one extends, oldest first (empty: not an extension)
    history: tuple[HistoryEntry, ...] = ()
    #: metadata.concat_history: the parts a concat ("the full song") joined
    concat_history: tuple[HistoryEntry, ...] = ()
    #: metadata.type: "gen", or "concat" for a joined song
    clip_type: str = "gen"


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
