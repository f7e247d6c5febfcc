"""Deterministic task summaries, tasks and transitions for the TUI tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from suno_tui.relay.models import TaskKind, TaskStatus, parse_task
from suno_tui.tracking.model import Progress, TaskSummary, Transition

#: the frozen "now" of every deterministic test
NOW = datetime(2025, 6, 15, 12, 0, 0, tzinfo=UTC)

_STAGE = {
    TaskStatus.NOT_START: ("waiting", 0.0),
    TaskStatus.SUBMITTED: ("waiting", 0.02),
    TaskStatus.QUEUED: ("queued", 0.1),
    TaskStatus.IN_PROGRESS: ("generating", 0.45),
    TaskStatus.SUCCESS: ("done", 1.0),
    TaskStatus.FAILURE: ("failed", 1.0),
    TaskStatus.UNKNOWN: ("waiting", 0.0),
}


def summary(
    task_id: str,
    *,
    status: TaskStatus = TaskStatus.IN_PROGRESS,
    title: str = "",
    tags: str = "",
    kind: TaskKind = TaskKind.MUSIC,
    minutes_ago: float = 5.0,
    state_minutes: float = 2.0,
    fraction: float | None = None,
    estimated: bool = True,
    clips: tuple[int, int] = (0, 2),
    fail_reason: str = "",
    label: str | None = None,
) -> TaskSummary:
    stage, default_fraction = _STAGE[status]
    finished = status in (TaskStatus.SUCCESS, TaskStatus.FAILURE)
    added = NOW - timedelta(minutes=minutes_ago)
    return TaskSummary(
        task_id=task_id,
        profile="default",
        kind=kind,
        status=status,
        status_label=label or status.value,
        title=title,
        tags=tags,
        clips_done=clips[0],
        clips_total=clips[1],
        progress=Progress(
            default_fraction if fraction is None else fraction,
            estimated and not finished,
            stage,
        ),
        added_at=added,
        submitted_at=added,
        state_since=NOW - timedelta(minutes=state_minutes),
        finished=finished,
        fail_reason=fail_reason,
    )


def with_status(base: TaskSummary, status: TaskStatus, **changes: Any) -> TaskSummary:
    stage, fraction = _STAGE[status]
    finished = status in (TaskStatus.SUCCESS, TaskStatus.FAILURE)
    return replace(
        base,
        status=status,
        status_label=status.value,
        progress=Progress(fraction, not finished, stage),
        finished=finished,
        state_since=NOW,
        **changes,
    )


def sample_summaries() -> list[TaskSummary]:
    """A small, varied watch list (every status, both kinds, a long CJK title)."""
    return [
        summary(
            "3f2a9c1e-0b7d-4c55-9e1a-7a6b5c4d3e2f",
            status=TaskStatus.IN_PROGRESS,
            title="Midnight Rain over Neon Streets",
            tags="synthwave, dreamy",
            minutes_ago=3,
            state_minutes=1.5,
            fraction=0.46,
            clips=(0, 2),
        ),
        summary(
            "a81c44d0-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
            status=TaskStatus.SUCCESS,
            title="Coffee Shop Lo-fi",
            tags="lofi, chill",
            minutes_ago=42,
            state_minutes=30,
            clips=(2, 2),
        ),
        summary(
            "c0ffee00-1111-4222-8333-444455556666",
            status=TaskStatus.FAILURE,
            title="Broken Anthem",
            tags="rock",
            minutes_ago=95,
            state_minutes=80,
            clips=(1, 2),
            fail_reason="content moderation: lyrics rejected",
        ),
        summary(
            "lyrics-7d9e2b",
            status=TaskStatus.SUCCESS,
            kind=TaskKind.LYRICS,
            title="Ode to the Terminal",
            minutes_ago=180,
            state_minutes=170,
            clips=(0, 0),
        ),
        summary(
            "task_0123456789abcdef",
            status=TaskStatus.QUEUED,
            title="",
            minutes_ago=1,
            state_minutes=0.5,
            clips=(0, 0),
        ),
        summary(
            "9b8a7c6d-5e4f-4321-8765-0fedcba98765",
            status=TaskStatus.IN_PROGRESS,
            title="长城之歌 (The Song of the Great Wall) extended mix",
            tags="chinese folk, orchestral",
            minutes_ago=14,
            state_minutes=12,
            fraction=0.72,
            estimated=False,
            clips=(1, 2),
        ),
        summary(
            "deadbeef-0000-4000-8000-000000000000",
            status=TaskStatus.UNKNOWN,
            label="NOT_FOUND",
            minutes_ago=60 * 26,
            state_minutes=60 * 25,
            clips=(0, 0),
        ),
    ]


def stuck_summaries() -> list[TaskSummary]:
    """The sample list plus a task queued for 38 minutes: stuck (over 15)."""
    return [
        *sample_summaries(),
        summary(
            "57a11ed0-aaaa-4bbb-8ccc-ddddeeeeffff",
            status=TaskStatus.QUEUED,
            title="Waiting Room Blues",
            tags="blues",
            minutes_ago=40,
            state_minutes=38,
            clips=(0, 2),
        ),
    ]


def sample_transitions() -> list[Transition]:
    """The timelines of the first four sample tasks, consistent with their
    summaries: submitted when added, in the current state since ``state_since``
    (a finished task went IN_PROGRESS 20 s after it was submitted)."""
    out: list[Transition] = []
    for item in sample_summaries()[:4]:
        submitted = item.submitted_at
        assert submitted is not None
        out.append(Transition(item.task_id, None, "SUBMITTED", submitted, item.title))
        started = item.state_since if not item.finished else submitted + timedelta(seconds=20)
        out.append(Transition(item.task_id, "SUBMITTED", "IN_PROGRESS", started, item.title))
        if item.finished:
            out.append(
                Transition(
                    item.task_id, "IN_PROGRESS", item.status_label, item.state_since, item.title
                )
            )
    out.sort(key=lambda t: t.at)
    return out


def raw_music_task(
    task_id: str, *, title: str = "Midnight Rain over Neon Streets", status: str = "IN_PROGRESS"
) -> dict[str, Any]:
    submit = int((NOW - timedelta(minutes=3)).timestamp())
    return {
        "task_id": task_id,
        "action": "MUSIC",
        "status": status,
        "fail_reason": "",
        "submit_time": submit,
        "start_time": submit + 90,  # IN_PROGRESS since 11:58:30, as its summary says
        "finish_time": 0,
        "progress": "0%",
        "data": [
            {
                "id": "clip-aaaa-1111",
                "title": title,
                "status": "complete",
                "audio_url": "https://cdn1.suno.ai/clip-aaaa-1111.mp3",
                "video_url": "",
                "image_url": "https://cdn2.suno.ai/image_clip-aaaa-1111.jpeg",
                "model_name": "chirp-v4",
                "created_at": "2025-06-15T11:57:30.000Z",
                "metadata": {
                    "tags": "synthwave, dreamy",
                    "prompt": "[Verse]\nNeon rain on the window\n[Chorus]\nWe run all night",
                    "duration": 187.4,
                },
            },
            {
                "id": "clip-bbbb-2222",
                "title": title,
                "status": "streaming",
                "audio_url": "https://audiopipe.suno.ai/?item_id=clip-bbbb-2222",
                "video_url": "",
                "model_name": "chirp-v4",
                "created_at": "2025-06-15 11:57:31",
                "metadata": {"tags": "synthwave, dreamy", "prompt": "", "duration": None},
            },
        ],
    }


def music_task(task_id: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    return parse_task(raw_music_task(task_id, **kwargs))
