"""Creating simulated tasks (ids, clips, content) and storing them per user."""

from __future__ import annotations

import dataclasses
import random
import string
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from suno_tui.simulator import catalogue
from suno_tui.simulator.lifecycle import (
    ClipSpec,
    Delays,
    HistoryEntry,
    LyricsResult,
    MusicParams,
    Scenario,
    SimTask,
    Variant,
)

MAIN_USER = "main"
FOREIGN_USER = "foreign"

_ALNUM = string.ascii_letters + string.digits


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def task_id_for(rng: random.Random, lyrics: bool) -> str:
    """An id in one of the shapes gateways really use."""
    if lyrics:
        return rng.choice((f"lyrics-{_uuid(rng)}", _uuid(rng)))
    shape = rng.randrange(3)
    if shape == 0:
        return _uuid(rng)
    if shape == 1:
        return uuid.UUID(int=rng.getrandbits(128), version=4).hex
    return "task_" + "".join(rng.choice(_ALNUM) for _ in range(24))


def default_delays(rng: random.Random, scenario: Scenario) -> Delays:
    """Realistic stage durations: a music task takes about 1-4 minutes in all."""
    if scenario.is_lyrics:
        return Delays(
            not_start=rng.uniform(1, 3),
            submitted=rng.uniform(1, 4),
            queued=rng.uniform(0.5, 3),
            in_progress=rng.uniform(3, 12),
        )
    return Delays(
        not_start=rng.uniform(2, 8),
        submitted=rng.uniform(5, 20),
        queued=rng.uniform(5, 40),
        in_progress=rng.uniform(45, 150),
    )


@dataclass(frozen=True, slots=True)
class TaskRequest:
    """What a caller (``add_task`` or a submit) asks for; None means "pick one"."""

    scenario: Scenario = Scenario.SUCCESS
    user: str = MAIN_USER
    task_id: str | None = None
    title: str | None = None
    tags: str | None = None
    prompt: str | None = None
    gpt_description_prompt: str = ""
    mv: str = "chirp-v4"
    make_instrumental: bool = False
    #: an extension's chain, a concat's parts (simulator/lineage.py works them out)
    history: tuple[HistoryEntry, ...] = ()
    concat_history: tuple[HistoryEntry, ...] = ()
    clip_type: str = "gen"
    clip_count: int = 2  # a concat makes one clip
    duration: float | None = None  # None: each clip's length is drawn from the seed
    delays: Mapping[str, float] | None = None
    variant: Variant | None = None
    fail_reason: str | None = None
    asset_sizes: Mapping[str, int] | None = None


def build_task(
    request: TaskRequest, *, seed: int, seq: int, created: float, naive_created_at: bool
) -> SimTask:
    """A task whose every random choice comes from (seed, seq): adding one task
    never changes the others."""
    rng = random.Random(f"{seed}:{seq}")  # noqa: S311 (repeatable, not secret)
    scenario = request.scenario
    delays = default_delays(rng, scenario)
    if request.delays:
        delays = delays.replace(request.delays)
    variant = request.variant
    if variant is None:
        variant = Variant(
            created_at_naive=naive_created_at,
            extra_fields=rng.random() < 0.3,
            video=rng.random() < 0.5,
        )
    task_id = request.task_id or task_id_for(rng, scenario.is_lyrics)
    song = catalogue.pick_song(rng)
    base = SimTask(
        seq=seq,
        task_id=task_id,
        user=request.user,
        scenario=scenario,
        created=created,
        delays=delays,
        variant=variant,
        asset_sizes=dict(request.asset_sizes or {}),
    )
    if scenario.is_lyrics:
        if request.prompt:
            title, text = catalogue.lyrics_for(request.prompt, rng)
        else:
            title, text = song.title, song.lyrics
        title = request.title or title
        tags = tuple(t.strip() for t in (request.tags or song.tags).split(",") if t.strip())
        lyrics = LyricsResult(_uuid(rng), title, text, tags)
        return dataclasses.replace(base, lyrics=lyrics)

    if request.gpt_description_prompt and request.prompt is None:
        prompt = "" if request.make_instrumental else song.lyrics  # Suno writes the lyrics
    else:
        prompt = song.lyrics if request.prompt is None else request.prompt
    music = MusicParams(
        title=song.title if request.title is None else request.title,
        tags=song.tags if request.tags is None else request.tags,
        prompt=prompt,
        mv=request.mv,
        gpt_description_prompt=request.gpt_description_prompt,
        make_instrumental=request.make_instrumental,
        history=request.history,
        concat_history=request.concat_history,
        clip_type=request.clip_type,
    )
    display_name, handle = rng.choice(catalogue.DISPLAY_NAMES)
    user_id = _uuid(rng)
    error_index = rng.randrange(2) if scenario is Scenario.PARTIAL else None
    clips = []
    for index in range(request.clip_count):
        error: str | None = None
        if scenario is Scenario.FAILURE or index == error_index:
            error = rng.choice(catalogue.CLIP_ERRORS)
        clips.append(
            ClipSpec(
                id=_uuid(rng),
                duration=round(rng.uniform(95, 240), 2)
                if request.duration is None
                else request.duration,
                display_name=display_name,
                handle=handle,
                user_id=user_id,
                error_message=error,
            )
        )
    fail_reason = request.fail_reason
    if fail_reason is None:
        fail_reason = rng.choice(catalogue.FAIL_REASONS) if scenario is Scenario.FAILURE else ""
    return dataclasses.replace(base, music=music, clips=tuple(clips), fail_reason=fail_reason)


class TaskStore:
    """Tasks by id and clips by id. Thread-safe (tests add tasks from other threads)."""

    def __init__(self) -> None:
        self._tasks: dict[str, SimTask] = {}
        self._clips: dict[str, tuple[SimTask, ClipSpec]] = {}
        self._seq = 0
        self._lock = threading.Lock()

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def add(self, task: SimTask) -> None:
        with self._lock:
            if task.task_id in self._tasks:
                raise ValueError(f"task id {task.task_id!r} already exists")
            self._tasks[task.task_id] = task
            for clip in task.clips:
                self._clips[clip.id] = (task, clip)

    def get(self, task_id: str, user: str | None = None) -> SimTask | None:
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None or (user is not None and task.user != user):
            return None
        return task

    def clip(self, clip_id: str) -> tuple[SimTask, ClipSpec] | None:
        with self._lock:
            return self._clips.get(clip_id)

    def find(self, ids: Iterable[str], user: str) -> list[SimTask]:
        """The user's tasks among ``ids``: unknown and foreign ids left out,
        duplicates collapsed, in creation ("database") order."""
        with self._lock:
            found = {self._tasks[i].task_id: self._tasks[i] for i in ids if i in self._tasks}
        return sorted((t for t in found.values() if t.user == user), key=lambda t: t.seq)

    def all(self, user: str | None = None) -> list[SimTask]:
        with self._lock:
            tasks = list(self._tasks.values())
        return sorted((t for t in tasks if user is None or t.user == user), key=lambda t: t.seq)
