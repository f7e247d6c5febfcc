"""A realistic mix of tasks for ``suno-tui simulate`` and ``suno-tui --demo``."""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.simulator.catalogue import all_songs
from suno_tui.simulator.lifecycle import Scenario, Variant
from suno_tui.simulator.server import Simulator
from suno_tui.simulator.tasks import FOREIGN_USER


@dataclass(frozen=True, slots=True)
class _Entry:
    scenario: Scenario
    elapsed: float  # seconds since submission when the demo starts
    delays: dict[str, float] | None = None
    variant: Variant | None = None


def _stages(
    not_start: float, submitted: float, queued: float, in_progress: float
) -> dict[str, float]:
    return {
        "not_start": not_start,
        "submitted": submitted,
        "queued": queued,
        "in_progress": in_progress,
    }


_HOUR = 3600.0
_MIX: tuple[_Entry, ...] = (
    # running, at different stages; they move on as the clock runs
    _Entry(Scenario.SUCCESS, 1, _stages(8, 12, 20, 100)),
    _Entry(Scenario.SUCCESS, 10, _stages(4, 15, 25, 90)),
    _Entry(Scenario.SUCCESS, 25, _stages(4, 10, 30, 120)),
    _Entry(Scenario.SUCCESS, 40, _stages(4, 10, 15, 120)),
    _Entry(Scenario.PARTIAL, 140, _stages(3, 8, 20, 130)),
    # finished
    _Entry(Scenario.SUCCESS, 600, variant=Variant(video=True)),
    _Entry(
        Scenario.SUCCESS,
        _HOUR,
        variant=Variant(
            created_at_naive=True,
            extra_fields=True,
            tags_as_list=True,
            forbidden_fields=("video_url",),
        ),
    ),
    _Entry(Scenario.FAILURE, 300),
    _Entry(Scenario.PARTIAL, 900),
    _Entry(Scenario.LYRICS, 120),
    _Entry(
        Scenario.LYRICS_EMPTY_ACTION,
        8,
        _stages(1, 1, 1, 20),
    ),
    # running for 45 minutes: far too long
    _Entry(Scenario.STUCK, 45 * 60, {"not_start": 5, "submitted": 10, "queued": 30}),
)

_LYRICS_PROMPTS = (
    "a bittersweet song about the last train home",
    "an upbeat chorus about summer rain",
)


def seed_demo(sim: Simulator, *, foreign: bool = True, lineage: bool = False) -> list[str]:
    """Add the demo mix to ``sim``; returns the main user's task ids in creation order.

    With ``foreign``, one more task belongs to another user: its id is not
    returned and the main token cannot see it. With ``lineage``, an
    extension chain follows (``seed_lineage``).
    """
    songs = all_songs()
    ids: list[str] = []
    for index, entry in enumerate(_MIX):
        song = songs[index % len(songs)]
        if entry.scenario.is_lyrics:
            # a lyrics task's prompt is the description the lyrics are written from
            prompt = _LYRICS_PROMPTS[index % len(_LYRICS_PROMPTS)]
            ids.append(
                sim.add_task(
                    entry.scenario, prompt=prompt, delays=entry.delays, elapsed=entry.elapsed
                )
            )
            continue
        ids.append(
            sim.add_task(
                entry.scenario,
                title=song.title,
                tags=song.tags,
                prompt=song.lyrics,
                delays=entry.delays,
                elapsed=entry.elapsed,
                variant=entry.variant,
            )
        )
    if foreign:
        sim.add_task(Scenario.SUCCESS, user=FOREIGN_USER, elapsed=500)
    if lineage:
        ids.extend(seed_lineage(sim))
    return ids


def seed_lineage(sim: Simulator) -> list[str]:
    """A song, two extensions of it and the full song (a concat of the last
    one), finished over the last three hours; returns their task ids."""
    song = all_songs()[1]
    first = sim.add_task(
        Scenario.SUCCESS, title=song.title, tags=song.tags, prompt=song.lyrics, elapsed=3 * _HOUR
    )
    ids = [first]
    parent = sim.task(first).clips[0]
    verses = ("[Verse 3]\nThe last one drifted over the bay", "[Outro]\nAnd they fly")
    for index, verse in enumerate(verses):
        extension = sim.add_task(
            Scenario.SUCCESS,
            title=song.title,
            tags=song.tags,
            prompt=verse,
            elapsed=(2 - index) * _HOUR,
            continue_clip_id=parent.id,
            continue_at=round(parent.duration * 0.8, 1),
        )
        ids.append(extension)
        parent = sim.task(extension).clips[0]
    ids.append(sim.add_concat(parent.id, elapsed=0.5 * _HOUR))
    return ids
