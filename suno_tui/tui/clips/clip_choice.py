"""Which clip the extend form (``E``) continues: a Suno task makes two, and
people extend the better one.

:class:`ExtendDefaults` is what the form starts with for one clip (its text
cleaned: it is the server's); :func:`choices_for` the clips of a task that can
be extended (finished, with a length); :class:`ClipChoice` the form's "Clip"
row, a compact ``Select`` of them (Enter, space or an arrow opens it, arrows
and Enter choose, Tab moves on); :func:`refilled` which fields follow a change
of clip (those the person has not edited).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Select

from suno_tui.safe_text import clean_line

if TYPE_CHECKING:
    from suno_tui.relay.models import Clip

#: the characters of a clip id shown in the choice (as the list shows task ids)
SHORT_ID = 8


@dataclass(frozen=True, slots=True)
class ExtendDefaults:
    """What the form starts with: the parent clip's (cleaned: server text)."""

    clip_id: str
    clip_title: str
    title: str
    tags: str
    model: str
    duration: float | None

    @classmethod
    def from_clip(cls, clip: Clip) -> ExtendDefaults:
        return cls(
            clip_id=clean_line(clip.id),
            clip_title=clean_line(clip.title),
            title=clean_line(clip.title),
            tags=", ".join(clean_line(tag) for tag in clip.tags),
            model=clean_line(clip.model),
            duration=clip.duration,
        )

    def fields(self) -> dict[str, str]:
        """The form's fields as this clip fills them (by widget id)."""
        return {
            "extend-at": clock_text(self.duration) if self.duration is not None else "",
            "extend-title": self.title,
            "extend-tags": self.tags,
            "extend-model": self.model,
        }


def clock_text(seconds: float) -> str:
    """``M:SS`` (whole seconds) for the point field."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def choices_for(clips: Sequence[Clip]) -> list[ExtendDefaults]:
    """The clips of a task the form offers, in the task's order: those that
    can be extended (finished, with a length); when none can, the first clip
    (the form then says what is missing, as for any clip)."""
    ready = [clip for clip in clips if clip.is_complete and clip.duration is not None]
    return [ExtendDefaults.from_clip(clip) for clip in (ready or clips[:1])]


def choice_label(number: int, clip: ExtendDefaults) -> Text:
    """``1 · Night Bus · 2:30 · 3f2a9c1e``: plain text, never markup."""
    parts = [str(number), clip.clip_title or "(untitled)"]
    if clip.duration is not None:
        parts.append(clock_text(clip.duration))
    parts.append(clip.clip_id[:SHORT_ID])
    return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")


def refilled(
    typed: Mapping[str, str], before: ExtendDefaults, after: ExtendDefaults
) -> dict[str, str]:
    """The fields to set when the choice goes from ``before`` to ``after``:
    each one still as ``before`` filled it (one the person edited keeps their
    text), with ``after``'s value."""
    was = before.fields()
    return {
        field_id: value
        for field_id, value in after.fields().items()
        if typed.get(field_id) == was[field_id] and value != was[field_id]
    }


class ClipChoice(Select[int]):
    """The "Clip" row: the index of the chosen clip among the choices."""

    def __init__(self, choices: Sequence[ExtendDefaults], *, id: str | None = None) -> None:
        options = [(choice_label(n, clip), n - 1) for n, clip in enumerate(choices, start=1)]
        super().__init__(options, allow_blank=False, value=0, id=id, compact=True)
