"""Extension chains and concats: the metadata Suno gives the clips they make.

An extension of clip B at 60 s, where B itself extended A at 30 s, carries
``metadata.history`` ``[A at 30, B at 60]`` and holds only the new part of
the song. Suno's "full song" is a concat of the chain's last clip: one clip
whose ``metadata.concat_history`` lists every part (the last one without a
``continue_at``: it plays to its end) and whose duration is the sum of the
parts as they are heard.
"""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.simulator.lifecycle import ClipSpec, HistoryEntry, SimTask


@dataclass(frozen=True, slots=True)
class Parent:
    """The clip an extension or a concat starts from."""

    task: SimTask
    clip: ClipSpec

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return self.task.music.history if self.task.music is not None else ()


def extension_history(parent: Parent, continue_at: float | None) -> tuple[HistoryEntry, ...]:
    """The history of a clip that continues ``parent`` at ``continue_at`` seconds.

    No ``continue_at`` (a stock gateway drops 0, and the field is optional)
    continues from the parent's end.
    """
    at = parent.clip.duration if continue_at is None else continue_at
    return (*parent.history, HistoryEntry(parent.clip.id, round(min(at, parent.clip.duration), 2)))


def concat_parts(parent: Parent) -> tuple[tuple[HistoryEntry, ...], float]:
    """(concat_history, duration) of the full song ending with ``parent``."""
    parts = (*parent.history, HistoryEntry(parent.clip.id, None))
    heard = sum(entry.continue_at or 0.0 for entry in parent.history)
    return parts, round(heard + parent.clip.duration, 2)
